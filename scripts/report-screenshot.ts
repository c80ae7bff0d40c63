/**
 * `npm run docs:report-screenshot`: renders the HTML report of the team fixture
 * test/fixtures/import/generic-traveller.csv (as of 2026-06-15) in headless Chromium and saves the top of the
 * page (status, chart, days per country) to docs/report-html.png, the picture on the report command's page (docs/report.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main as report } from '@travel-time-tracker/cli/report';
import { CHROMIUM_PATH, chromiumAvailable, withChromium } from './lib/chromium';

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = path.join(ROOT, 'test/fixtures/import/generic-traveller.csv');
const OUT = path.join(ROOT, 'docs/report-html.png');

export async function main(): Promise<number> {
  if (!chromiumAvailable()) {
    process.stderr.write(`docs:report-screenshot: ${CHROMIUM_PATH} not found; install Debian's chromium (apt-get install -y chromium)\n`);
    return 1;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-screenshot-'));
  try {
    const html = path.join(dir, 'report.html');
    const quiet = { write: () => true };
    const code = await report(['report', FIXTURE, '--as-of', '2026-06-15', '--html', html], quiet, process.stderr);
    if (code !== 0) return code;
    await withChromium(
      async (context) => {
        const page = await context.newPage();
        await page.goto(pathToFileURL(html).href);
        // Down to the note under the table ("Earlier: 2017 to 2020.").
        const table = (await page.locator('table.years + p.note').boundingBox())!;
        fs.mkdirSync(path.dirname(OUT), { recursive: true });
        await page.screenshot({ path: OUT, fullPage: true, clip: { x: 0, y: 0, width: 960, height: Math.ceil(table.y + table.height + 12) } });
      },
      { width: 960, height: 800 },
    );
    process.stdout.write(`wrote ${path.relative(ROOT, OUT)} (${fs.statSync(OUT).size} bytes)\n`);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
