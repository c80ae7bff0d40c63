/**
 * No import cycles in the deployed and shipped sources (packages/*\/src, functions/src): not between modules at run
 * time, where one of two modules sees the other half-initialised, and not through type-only imports either, where a
 * cycle hides which of two modules is the lower one. The graph is read from the sources (graph.ts); the last tests
 * check the checker on made-up graphs, and that the graph sees the imports that matter here.
 */
import { cycles, importGraph, resolvedImports } from './graph';
import { sourceDirs, tsFiles } from './sources';

const SOURCE_DIRS = sourceDirs();
const files = SOURCE_DIRS.flatMap(tsFiles);
const graph = importGraph(files);

/** The imports between the members of a cycle, to name in a failure. */
const explain = (cycle: readonly string[]): string[] => cycle.flatMap((a) => [...graph.get(a)!].filter((b) => cycle.includes(b)).map((b) => `${a} -> ${b}`));

test('the graph covers every package and the functions shell, and sees imports across packages', () => {
  expect(SOURCE_DIRS).toEqual(expect.arrayContaining(['packages/core/src', 'packages/import/src', 'packages/cli/src', 'functions/src']));
  expect(files.length).toBeGreaterThan(90);
  // A workspace import through tsconfig paths, and a type-only import, are edges.
  expect(resolvedImports('packages/import/src/resolution.ts')).toEqual(
    expect.arrayContaining(['packages/core/src/segment.ts', 'packages/import/src/options.ts']),
  );
  expect(graph.get('packages/import/src/resolution.ts')).toContain('packages/import/src/options.ts');
});

test('no import cycle between any two modules of packages/*/src and functions/src (type-only imports included)', () => {
  expect(cycles(graph).map(explain)).toEqual([]);
});

test.each([
  ['a two-module cycle', { a: ['b'], b: ['a'] }, [['a', 'b']]],
  ['a three-module cycle beside a chain', { a: ['b'], b: ['c'], c: ['a'], d: ['a'] }, [['a', 'b', 'c']]],
  ['a chain', { a: ['b'], b: ['c'], c: [] }, []],
  ['a diamond', { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }, []],
])('the cycle finder on %s', (_name, edges, expected) => {
  const g = new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));
  expect(cycles(g)).toEqual(expected);
});
