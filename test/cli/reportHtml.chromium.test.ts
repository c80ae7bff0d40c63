/**
 * The `--html` page rendered by a real browser: Debian's Chromium through playwright-core (scripts/lib/chromium.ts).
 * Checks that the screenshot is not blank, that the chart shows its colours (recorded area, planned hatch,
 * limit line), that the 90-day line and today's marker are laid out inside the chart, and that the page asks for
 * nothing but itself (no network) and logs no error (a Content-Security-Policy violation would). Skipped by name
 * where /usr/bin/chromium is absent.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { main } from '@travel-time-tracker/cli/report';
import { CHART_COLOURS } from '@travel-time-tracker/cli/render/chart';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../../scripts/lib/chromium';
import { decodePng, pixelStats } from '../helpers/png';

const TRAVELLER = path.resolve(__dirname, '../fixtures/import/generic-traveller.csv');
const NAME = 'the HTML report rendered in headless Chromium';

/** `hex` drawn with `opacity` over white, as the browser blends it. */
function overWhite(hex: string, opacity: number): string {
  const c = [1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * opacity + 255 * (1 - opacity)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

if (!chromiumAvailable()) {
  describe(NAME, () => {
    console.warn(`SKIPPED "${NAME}": ${CHROMIUM_PATH} is absent (apt-get install -y chromium)`);
    test.skip(`skipped: Chromium not installed at ${CHROMIUM_PATH}`, () => undefined);
  });
} else {
  describe(NAME, () => {
    let browser: { context: BrowserContext; close(): Promise<void> };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-report-html-'));
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test.each([
      ['an empty white page is blank', '<body style="background:#fff"></body>', { blank: true }],
      ['a red page is not', '<body style="background:#ff0000"></body>', { blank: false }],
    ])('the blank-page check itself: %s', async (_n, html, { blank }) => {
      const page = await browser.context.newPage();
      await page.setContent(html);
      const stats = pixelStats(decodePng(await page.screenshot()));
      await page.close();
      expect(stats.nonWhite === 0).toBe(blank);
      expect(stats.distinct).toBe(1);
    });

    test('the traveller report: drawn, laid out, self-contained', async () => {
      const file = path.join(dir, 'report.html');
      let err = '';
      const code = await main(['report', TRAVELLER, '--as-of', '2026-06-15', '--html', file], { write: () => true }, { write: (s: string) => (err += s) });
      expect([code, err]).toEqual([0, `travel-days: wrote ${file} (report page)\n`]);

      const page = await browser.context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

      expect(requests).toEqual([pathToFileURL(file).href]);
      expect(problems).toEqual([]);
      expect(await page.locator('.verdict').innerText()).toBe(
        '39 of 90 days used in the Schengen area in the 180 days from 2025-12-18 to 2026-06-15: 51 days left.',
      );

      const svg = (await page.locator('svg.chart').boundingBox())!;
      const limit = (await page.locator('svg.chart .limit-line').boundingBox())!;
      const today = (await page.locator('svg.chart .today-marker').boundingBox())!;
      expect(svg.width).toBeGreaterThan(800);
      expect(svg.height).toBeGreaterThan(200);
      // The 90-day line spans the plot, inside the chart; today's marker is a vertical line inside it too,
      // about two thirds across (730 days before it, 96 after).
      expect(limit.width).toBeGreaterThan(svg.width * 0.9);
      expect(limit.y).toBeGreaterThan(svg.y);
      expect(limit.y).toBeLessThan(svg.y + svg.height / 2);
      expect(today.height).toBeGreaterThan(svg.height / 2);
      expect((today.x - svg.x) / svg.width).toBeGreaterThan(0.7);
      expect((today.x - svg.x) / svg.width).toBeLessThan(0.9);

      const page1 = pixelStats(decodePng(await page.screenshot({ fullPage: true })));
      expect(page1.nonWhite).toBeGreaterThan(0.05);
      expect(page1.distinct).toBeGreaterThan(50);

      const chart = pixelStats(decodePng(await page.locator('svg.chart').screenshot()), {
        recorded: overWhite(CHART_COLOURS.recorded, 0.75),
        planned: CHART_COLOURS.planned,
        limit: CHART_COLOURS.limit,
      });
      // Recorded presence is a large area; the planned hatch and the dashed line are thin but present.
      expect(chart.near.recorded).toBeGreaterThan(5_000);
      expect(chart.near.planned).toBeGreaterThan(300);
      expect(chart.near.limit).toBeGreaterThan(300);
      await page.close();
    });
  });
}
