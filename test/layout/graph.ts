/**
 * The import graph of the repository's TypeScript sources, for the layout tests: every import of a file (type-only
 * ones included) resolved to the source file it names, workspace packages through tsconfig.base.json's `paths` as
 * the type checker resolves them; and the cycles of such a graph.
 *
 * The TypeScript compiler API, not madge or dpdm: it is already a dependency, it resolves `paths` and
 * `@travel-time-tracker/...` exactly as `tsc` does, and it sees `import type` and `typeof import()`, which a
 * bundler-based walker drops.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT, importsOf } from './sources';

let options: ts.CompilerOptions | undefined;

/** The compiler options of tsconfig.json (the whole repository's type check). */
function compilerOptions(): ts.CompilerOptions {
  if (!options) {
    const file = path.join(ROOT, 'tsconfig.json');
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, (f) => ts.sys.readFile(f)).config, ts.sys, ROOT);
    options = parsed.options;
  }
  return options;
}

/**
 * The repository's source files `file` imports (repository-relative), resolved as `tsc` resolves them; npm packages,
 * Node.js built-ins and JSON files are not nodes of the graph.
 */
export function resolvedImports(file: string): string[] {
  const out = new Set<string>();
  for (const spec of importsOf(file)) {
    const hit = ts.resolveModuleName(spec, path.join(ROOT, file), compilerOptions(), ts.sys).resolvedModule;
    if (!hit || hit.isExternalLibraryImport || !/\.tsx?$/.test(hit.resolvedFileName) || hit.resolvedFileName.endsWith('.d.ts')) continue;
    const rel = path.relative(ROOT, hit.resolvedFileName).split(path.sep).join('/');
    if (!rel.startsWith('..')) out.add(rel);
  }
  return [...out];
}

/** The graph of `files`: each file to the files among them it imports. */
export function importGraph(files: readonly string[]): Map<string, Set<string>> {
  const inGraph = new Set(files);
  return new Map(files.map((f) => [f, new Set(resolvedImports(f).filter((t) => inGraph.has(t) && t !== f))]));
}

/** Strongly connected components with more than one node (Tarjan): each one is a cycle, listed by its nodes, sorted. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}
