/**
 * A source file holds one idea, and a file over MAX_LINES holds more than one: split it along its seams (house rule,
 * DEVELOPERS.md). Covers every TypeScript file of packages/*\/src and functions/src.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, sourceDirs, tsFiles } from './sources';

/** Longest source file, in lines. */
const MAX_LINES = 400;

/** Lines of a text as an editor numbers them (a final line break does not open another line). */
export function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const files = sourceDirs().flatMap(tsFiles);
const lengths = new Map(files.map((f) => [f, lineCount(fs.readFileSync(path.join(ROOT, f), 'utf8'))]));

test.each([
  ['', 0],
  ['a', 1],
  ['a\n', 1],
  ['a\nb', 2],
  [`${'x\n'.repeat(400)}`, 400],
  [`${'x\n'.repeat(401)}`, 401],
])('lineCount(%j) = %i', (text, n) => {
  expect(lineCount(text)).toBe(n);
});

test('every source file of packages/*/src and functions/src has at most 400 lines', () => {
  expect(files.length).toBeGreaterThan(90);
  const over = [...lengths].filter(([, n]) => n > MAX_LINES).map(([f, n]) => `${f}: ${n} lines`);
  expect(over).toEqual([]);
});
