/**
 * The tier of a test file is in its name (the Jest projects of jest.config.js select by name alone): a suite that
 * needs Google's Firestore emulator is `*.emulator.test.ts`, one that needs `firebase emulators:exec` is
 * `*.e2e.test.ts`, and a suite named for the emulator really uses it. Without this, an emulator suite named like an
 * offline one would run offline and report its tests skipped, and nothing would say that they never ran.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tsFiles } from './sources';

/** The calls that make a suite need the Firestore emulator (test/helpers/emulator.ts, test/helpers/firestoreEvents.ts). */
const EMULATOR_SUITE = /\bdescribeWith(?:Firestore|Storage)(?:Emulator|Events)\s*\(/;
/** The end-to-end suites run under `firebase emulators:exec`, which sets the hub's address. */
const E2E_SUITE = /\bFIREBASE_EMULATOR_HUB\b/;

/** The tier a file's name puts it in. */
export function tierOf(file: string): 'offline' | 'emulator' | 'e2e' {
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  if (file.endsWith('.emulator.test.ts')) return 'emulator';
  return 'offline';
}

/** The tier a test file's content needs. */
export function neededTier(text: string): 'offline' | 'emulator' | 'e2e' {
  if (E2E_SUITE.test(text)) return 'e2e';
  if (EMULATOR_SUITE.test(text)) return 'emulator';
  return 'offline';
}

test.each([
  ['test/functions/handlers/races.emulator.test.ts', 'emulator'],
  ['test/e2e/app.e2e.test.ts', 'e2e'],
  ['test/core/dates.test.ts', 'offline'],
  ['test/cli/reportHtml.chromium.test.ts', 'offline'],
] as const)('tierOf(%s) = %s', (file, tier) => {
  expect(tierOf(file)).toBe(tier);
});

test.each([
  ["describeWithFirestoreEmulator('x', () => {", 'emulator'],
  ["describeWithFirestoreEvents('x', (events) => {", 'emulator'],
  ["describeWithStorageEmulator('x', () => {", 'emulator'],
  ["const hub = process.env.FIREBASE_EMULATOR_HUB; describeWithFirestoreEmulator('x', () => {", 'e2e'],
  ["import { describeWithFirestoreEmulator } from '../helpers/emulator';", 'offline'],
  ["describe('x', () => {", 'offline'],
] as const)('neededTier(%j) = %s', (text, tier) => {
  expect(neededTier(text)).toBe(tier);
});

test('every test file is named for the tier it needs', () => {
  // This file names the markers in its tables without being a suite of any tier.
  const self = path.relative(ROOT, __filename);
  const files = tsFiles('test').filter((f) => f.endsWith('.test.ts') && f !== self);
  expect(files.length).toBeGreaterThan(80);
  const misnamed = files
    .map((f) => ({ f, named: tierOf(f), needs: neededTier(fs.readFileSync(path.join(ROOT, f), 'utf8')) }))
    .filter((x) => x.named !== x.needs)
    .map((x) => `${x.f}: named ${x.named}, needs ${x.needs}`);
  expect(misnamed).toEqual([]);
});
