/**
 * Access to the real flight-history exports in `../shared/samples/` (beside the project root). They are not
 * part of this repository (see their SOURCES.md for licences), so suites that use them must say they were
 * skipped when the folder is absent instead of passing silently.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Absolute path of the shared samples folder (override with TTT_SAMPLES_DIR). */
export const SAMPLES_DIR = process.env.TTT_SAMPLES_DIR ?? path.resolve(__dirname, '../../../shared/samples');

export const samplesAvailable = fs.existsSync(path.join(SAMPLES_DIR, 'SOURCES.md'));

/** Every `.csv`, `.txt` and `.dat` file under the samples folder, relative to it, sorted. */
export function listSampleFiles(exts: readonly string[] = ['.csv', '.txt', '.dat']): string[] {
  if (!samplesAvailable) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (exts.includes(path.extname(e.name))) out.push(path.relative(SAMPLES_DIR, p));
    }
  };
  walk(SAMPLES_DIR);
  return out.sort();
}

export function samplePath(relative: string): string {
  return path.join(SAMPLES_DIR, relative);
}

/**
 * `describe` when the samples folder is present; otherwise a suite with one skipped test whose name says
 * why, and a console line, so the run reports it as skipped rather than passed.
 */
export function describeWithSamples(name: string, fn: () => void): void {
  if (samplesAvailable) {
    describe(name, fn);
  } else {
    describe(name, () => {
      console.warn(`SKIPPED "${name}": samples folder ${SAMPLES_DIR} is absent`);
      test.skip(`skipped: real samples not found at ${SAMPLES_DIR}`, () => undefined);
    });
  }
}
