/**
 * The deployed bundle (functions/lib/index.js) holds production code only: built here with the exact
 * options of `npm run build` (scripts/build.js `functionsBuildOptions`, in memory), then read through esbuild's
 * metafile. No CLI, benchmark, test double or script gets in; every npm package it loads is in
 * functions/package.json and every package listed there is loaded; and functions/src holds nothing that the
 * entry point does not reach.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import { ROOT, importsOf, packageJson, packageOf, resolveRelative, tsFiles } from './sources';

// scripts/build.js is CommonJS without types: its one function this test needs, typed here.
const build = createRequire(__filename)(path.join(ROOT, 'scripts', 'build.js')) as { functionsBuildOptions(): BuildOptions };

/** Where the deployed code may come from: the functions shell, the core, its reference data (seed/), the import pipeline. */
const DEPLOYED_SOURCES = [/^functions\/src\//, /^packages\/core\/src\//, /^seed\/[^/]+\.json$/, /^packages\/import\/src\//];
/** Test doubles that live beside production code or were moved out of it: none may be in the bundle. */
const TEST_DOUBLES = ['MemoryRepository', 'LocalDirStorage', 'MemoryAlertQueue', 'RecordingTransport'];

let meta: Metafile;
let text: string;
beforeAll(async () => {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ ...build.functionsBuildOptions(), metafile: true, write: false, logLevel: 'silent' });
  meta = result.metafile;
  text = result.outputFiles.map((f) => f.text).join('\n');
});
// esbuild's API keeps a service process; stop it so that the jest worker exits cleanly.
afterAll(async () => (await import('esbuild')).stop());

const output = () => Object.values(meta.outputs)[0]!;

test('the bundle is one file built only from the functions shell, the core and the import pipeline', () => {
  expect(Object.keys(meta.outputs)).toEqual(['functions/lib/index.js']);
  const inputs = Object.keys(meta.inputs);
  expect(inputs).toContain('functions/src/index.ts');
  expect(inputs.some((i) => i.startsWith('packages/core/src/'))).toBe(true);
  expect(inputs.filter((i) => !DEPLOYED_SOURCES.some((r) => r.test(i)))).toEqual([]);
});

test.each([
  ['the travel-days CLI', /^packages\/cli\//],
  ['the benchmarks', /^tools\//],
  ['tests and test doubles', /^test\//],
  ['scripts', /^scripts\//],
  ['npm packages (they stay external)', /node_modules\//],
])('no input from %s', (_what, where) => {
  expect(Object.keys(meta.inputs).filter((i) => where.test(i))).toEqual([]);
});

test.each(TEST_DOUBLES)('the bundle does not contain %s', (name) => {
  expect(text.includes(name)).toBe(false);
});

test('the npm packages the bundle loads are exactly the dependencies of functions/package.json', () => {
  const loaded = new Set(
    output()
      .imports.filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => packageOf(i.path)!),
  );
  expect([...loaded].sort()).toEqual(Object.keys(packageJson('functions').dependencies ?? {}).sort());
});

test('functions/package.json names no workspace package (Cloud Build installs it from the registry) and agrees on versions', () => {
  const functions = packageJson('functions').dependencies ?? {};
  expect(Object.keys(functions).filter((d) => d.startsWith('@travel-time-tracker/'))).toEqual([]);
  // A range given by an inlined package and by functions/package.json must be the same, or tests and deploy differ.
  const mismatches = ['packages/core', 'packages/import'].flatMap((dir) =>
    Object.entries(packageJson(dir).dependencies ?? {})
      .filter(([name, range]) => !name.startsWith('@travel-time-tracker/') && functions[name] !== range)
      .map(([name, range]) => `${dir}: ${name} ${range} vs functions ${functions[name]}`),
  );
  expect(mismatches).toEqual([]);
});

test('every file under functions/src is reached from functions/src/index.ts (no tool or dead module is deployed)', () => {
  const reached = new Set<string>();
  const stack = ['functions/src/index.ts'];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const spec of importsOf(file)) {
      const target = spec.startsWith('.') ? resolveRelative(file, spec) : undefined;
      if (target?.startsWith('functions/src/')) stack.push(target);
    }
  }
  expect(tsFiles('functions/src').filter((f) => !reached.has(f))).toEqual([]);
});
