/**
 * Headless Chromium for rendering the HTML report (its test and `npm run docs:report-screenshot`): Debian's
 * `chromium` package driven by playwright-core. Never downloads a browser: playwright-core has no browser of
 * its own, and `executablePath` points at the system one. Every launch gets a fresh profile folder, removed
 * afterwards, and the switches that keep Chromium from calling home (no background networking, component
 * updates, sync or QUIC).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/**
 * Starts Chromium on a fresh profile folder (playwright-core passes it to Chromium as `--user-data-dir`).
 * `close()` closes the browser and deletes the folder.
 */
export async function launchChromium(viewport = { width: 1040, height: 900 }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        fs.rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** Runs `fn` with a browser context from `launchChromium` and closes it whatever `fn` does. */
export async function withChromium<T>(fn: (context: BrowserContext) => Promise<T>, viewport?: { width: number; height: number }): Promise<T> {
  const browser = await launchChromium(viewport);
  try {
    return await fn(browser.context);
  } finally {
    await browser.close();
  }
}
