/**
 * Source states its rules; it never points at a tracker ("issue 12", "issue 5 phase 2"), which means nothing to a
 * reader of the code and rots when the tracker moves. Covers every TypeScript file of packages/*\/src and functions/src.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, sourceDirs, tsFiles } from './sources';

/** "issue 12", "Issue #5", "issues 4": a word issue followed by a number. */
const ISSUE_REFERENCE = /\bissues?\s*#?\d+/gi;

/** The `issue N` references of a text, each with its 1-based line. */
export function issueReferences(text: string): { line: number; text: string }[] {
  return text.split('\n').flatMap((l, i) => [...l.matchAll(ISSUE_REFERENCE)].map((m) => ({ line: i + 1, text: m[0] })));
}

const files = sourceDirs().flatMap(tsFiles);
const found = new Map(files.map((f) => [f, issueReferences(fs.readFileSync(path.join(ROOT, f), 'utf8'))]));

test.each([
  ['as before issue 12, with `kind`', ['issue 12']],
  ['(Issue #5: alerts)', ['Issue #5']],
  ['issues 4 and 10', ['issues 4']],
  ['issue12', ['issue12']],
  ['the issue the traveller raised; tissue 5', []],
  ['an issue of zod: issues[0].path', []],
])('issueReferences(%j)', (text, expected) => {
  expect(issueReferences(text).map((r) => r.text)).toEqual(expected);
});

test('no source file of packages/*/src or functions/src refers to an issue by number', () => {
  expect(files.length).toBeGreaterThan(90);
  const wrong = [...found].flatMap(([f, refs]) => refs.map((r) => `${f}:${r.line}: ${r.text}`));
  expect(wrong).toEqual([]);
});
