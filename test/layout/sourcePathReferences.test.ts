/**
 * Docstrings and comments name the symbol they mean with `{@link}` (or state the rule in words); they never point at
 * another source file by path ("core/segment.ts `FREE_TEXT_FIELDS`", "see timeline.ts"): a path goes stale when a
 * file is split, moved or renamed, and nothing notices, where a `{@link}` is checked by the compiler's tools. Paths to
 * files a reader needs as files (docs pages, `seed/*.json`, `schemas/...`, `firestore.rules`) may stay, but each one
 * named in a comment must exist. Covers the comments of every TypeScript file of packages/*\/src and functions/src;
 * strings and import specifiers are code, not prose, and are not read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT, sourceDirs, tsFiles } from './sources';

/**
 * A source file path: `a/b.ts`, `../x/y.js`, `packages/cli/bin/travel-days.js` (any path with a slash ending in a
 * script extension), or a bare lower-case file name such as `timeline.ts` (so `Node.js` is a name, not a file).
 */
const SOURCE_PATH = /(?<![\w./@-])(?:(?:\.{1,2}|[\w@.-]+)\/)+[\w.-]+\.(?:ts|tsx|js|mjs|cjs)\b|(?<![\w./@-])[a-z][\w-]*(?:\.[\w-]+)*\.(?:ts|tsx|js|mjs|cjs)\b/g;

/** A repository path to a non-source file (`docs/data-model.md`, `seed/visaRules.json`, `schemas/x/y.json`). */
const FILE_PATH = /(?<![\w./@{-])(?:[\w.-]+\/)+[\w.-]+\.(?:md|json|rules|png|ya?ml)\b/g;

/** The comments of a TypeScript source (`//` and `/* *\/`), each with the 1-based line it starts on. */
export function commentsOf(source: string): { line: number; text: string }[] {
  const file = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, true);
  const seen = new Set<number>();
  const out: { line: number; text: string }[] = [];
  const add = (ranges: ts.CommentRange[] | undefined): void => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.push({ line: file.getLineAndCharacterOfPosition(r.pos).line + 1, text: source.slice(r.pos, r.end) });
    }
  };
  const visit = (node: ts.Node): void => {
    add(ts.getLeadingCommentRanges(source, node.getFullStart()));
    add(ts.getTrailingCommentRanges(source, node.getEnd()));
    node.forEachChild(visit);
  };
  visit(file);
  return out.sort((a, b) => a.line - b.line);
}

/** Matches of `pattern` in the comments of `source`, each with its 1-based line. */
function inComments(source: string, pattern: RegExp): { line: number; text: string }[] {
  return commentsOf(source).flatMap((c) =>
    [...c.text.matchAll(pattern)].map((m) => ({ line: c.line + c.text.slice(0, m.index).split('\n').length - 1, text: m[0] })),
  );
}

/** The source file paths the comments of a TypeScript source name, each with its 1-based line. */
export function sourcePathReferences(source: string): { line: number; text: string }[] {
  return inComments(source, SOURCE_PATH);
}

/** The repository paths of other files (docs, data, schemas) the comments of a TypeScript source name. */
export function filePathReferences(source: string): { line: number; text: string }[] {
  return inComments(source, FILE_PATH);
}

const files = sourceDirs().flatMap(tsFiles);
const sources = new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));

test.each([
  ['/** See core/segment.ts `FREE_TEXT_FIELDS`. */', ['core/segment.ts']],
  ['// as services/recompute/schedule.ts statusChangesOn does', ['services/recompute/schedule.ts']],
  ['/** the head (timeline.ts) and its codec (../timeline/codec.ts) */', ['timeline.ts', '../timeline/codec.ts']],
  ['/** Entry point of packages/cli/bin/travel-days.js */', ['packages/cli/bin/travel-days.js']],
  ['/**\n * first line\n * test/unit/cli/warnings.test.ts\n */', ['test/unit/cli/warnings.test.ts']],
  ['const x = 1; // trailing: log.ts', ['log.ts']],
  ['/** {@link statusChangesOn}, `FREE_TEXT_FIELDS` */', []],
  ['/** Plain English, no Firebase, no Node.js. */', []],
  ['/** docs/data-model.md, seed/visaRules.json, firestore.rules, schemas/firestore/visa-status.json */', []],
  ['/** test files are named `*.emulator.test.ts`; a `.ts` file */', []],
  ["import { x } from './a.js';\nconst p = 'core/segment.ts';", []],
  ['/** implementation: `core/rules/rollingWindow` */', []],
])('sourcePathReferences(%j)', (source, expected) => {
  expect(sourcePathReferences(source).map((r) => r.text)).toEqual(expected);
});

test('a reference is reported on the line it is written on', () => {
  expect(sourcePathReferences('const a = 1;\n/**\n * one\n * two: a/b.ts\n */\nexport const b = a;')).toEqual([{ line: 4, text: 'a/b.ts' }]);
});

test.each([
  ['/** docs/data-model.md and seed/visaRules.json */', ['docs/data-model.md', 'seed/visaRules.json']],
  ['/** `users/{uid}/visaStatus/{ruleId}`, firestore.rules */', []],
  ["const p = 'seed/countries.json';", []],
])('filePathReferences(%j)', (source, expected) => {
  expect(filePathReferences(source).map((r) => r.text)).toEqual(expected);
});

test('no comment of packages/*/src or functions/src names a source file by path', () => {
  expect(files.length).toBeGreaterThan(90);
  const wrong = [...sources].flatMap(([f, text]) => sourcePathReferences(text).map((r) => `${f}:${r.line}: ${r.text}`));
  expect(wrong).toEqual([]);
});

test('every docs, data or schema file a comment names exists', () => {
  const missing = [...sources].flatMap(([f, text]) =>
    filePathReferences(text)
      .filter((r) => !fs.existsSync(path.join(ROOT, r.text)))
      .map((r) => `${f}:${r.line}: ${r.text}`),
  );
  expect(missing).toEqual([]);
});
