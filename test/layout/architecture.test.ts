/**
 * The layering of functions/src, read from the import statements (TypeScript's parser; nothing is loaded):
 * - no two modules load each other (a runtime cycle: one of them sees the other half-initialised);
 * - no two folders depend on each other through any import, type-only ones included (a folder cycle hides which
 *   layer is below, e.g. `services/` importing `alerts/policy` while `alerts/` imports `services/`);
 * - event modules (triggers/, callable/, scheduled/, tasks/) get their ports from wiring.ts only: none imports an
 *   adapter or firebase-admin itself, so the adapters are chosen in one place.
 * The last test checks the checker on a folder cycle made up in memory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { cycles } from './graph';

const SRC = path.resolve(__dirname, '../../functions/src');

interface Edge {
  from: string;
  /** A module under SRC (relative path), or a package name. */
  to: string;
  /** Erased by the compiler (`import type`, `import { type X }` only, `typeof import(...)`). */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The module a specifier names: a path relative to SRC for a relative specifier, else the specifier itself. */
function target(fromFile: string, spec: string): string | null {
  if (!spec.startsWith('.')) return spec;
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate)) return path.relative(SRC, candidate);
  }
  return null; // a JSON file or a path outside the sources: not a module of the graph
}

/** Every import of one file: declarations, re-exports, `require()`, `import()` and `typeof import()`. */
function importsOf(file: string): Edge[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Edge[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteralLike(spec)) return;
    const to = target(file, spec.text);
    if (to) out.push({ from: path.relative(SRC, file), to, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause?.isTypeOnly || (clause && !clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function graphOf(edges: readonly Edge[], node: (module: string) => string): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = node(e.from);
    const b = node(e.to);
    if (a === b) continue;
    if (!g.has(a)) g.set(a, new Set());
    g.get(a)!.add(b);
  }
  return g;
}

/** A module's folder under SRC (`services/`); a file at the top (wiring.ts, index.ts, config.ts) is its own node. */
const folderOf = (module: string): string => (module.includes(path.sep) ? `${module.split(path.sep)[0]}/` : module);

const edges = sourceFiles(SRC).flatMap(importsOf);
const internal = edges.filter((e) => e.to.endsWith('.ts'));

/** The imports between the members of a cycle, to name in a failure. */
const explain = (cycle: readonly string[], node: (m: string) => string, among: readonly Edge[]): string[] =>
  among.filter((e) => cycle.includes(node(e.from)) && cycle.includes(node(e.to)) && node(e.from) !== node(e.to)).map((e) => `${e.from} -> ${e.to}`);

describe('functions/src layering', () => {
  test('the sources were read (the checks below are not vacuous)', () => {
    expect(internal.length).toBeGreaterThan(100);
    expect(internal).toContainEqual({ from: path.join('triggers', 'onSegmentWritten.ts'), to: 'wiring.ts', typeOnly: false });
  });

  test('no runtime import cycle between modules', () => {
    const runtime = internal.filter((e) => !e.typeOnly);
    const found = cycles(graphOf(runtime, (m) => m));
    expect(found.map((c) => explain(c, (m) => m, runtime))).toEqual([]);
  });

  test('no cycle between folders (type-only imports included)', () => {
    const found = cycles(graphOf(internal, folderOf));
    expect(found.map((c) => explain(c, folderOf, internal))).toEqual([]);
  });

  test('event modules take their ports from wiring.ts, never an adapter or firebase-admin', () => {
    const events = ['triggers/', 'callable/', 'scheduled/', 'tasks/'];
    const adapters = [path.join('repository', 'firestore.ts'), path.join('storage', 'gcs.ts')];
    const offending = edges.filter((e) => events.includes(folderOf(e.from)) && !e.typeOnly && (e.to.startsWith('firebase-admin') || adapters.includes(e.to)));
    expect(offending.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  test('the cycle finder reports a made-up folder cycle, and a chain is not one', () => {
    const made: Edge[] = [
      { from: 'a/x.ts', to: 'b/y.ts', typeOnly: true },
      { from: 'b/y.ts', to: 'c/z.ts', typeOnly: false },
      { from: 'c/z.ts', to: 'a/w.ts', typeOnly: false },
    ];
    const byFolder = (m: string) => `${m.split('/')[0]}/`;
    expect(cycles(graphOf(made, byFolder))).toEqual([['a/', 'b/', 'c/']]);
    expect(cycles(graphOf(made.slice(0, 2), byFolder))).toEqual([]);
  });
});
