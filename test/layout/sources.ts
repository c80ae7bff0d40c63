/** Reading the repository's TypeScript sources for the layout tests: files of a folder and the modules they import. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '../..');

/** Every .ts file under `dir` (a path relative to the repository root), as repository-relative paths, sorted. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = `${d}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The folders of deployed and shipped source the layout rules cover (file length, import cycles, "issue N"
 * references, source paths in comments): each workspace package's src/ and the functions shell.
 */
export function sourceDirs(): string[] {
  const packages = fs
    .readdirSync(path.join(ROOT, 'packages'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(ROOT, 'packages', e.name, 'src')))
    .map((e) => `packages/${e.name}/src`);
  return [...packages, 'functions/src'];
}

/** The module specifiers a file imports: import/export ... from, import(), require() (type-only imports included). */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** `csv-parse/sync` -> `csv-parse`; `@scope/name/x` -> `@scope/name`; undefined for a relative specifier. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The repository-relative .ts file a relative specifier of `from` names, or undefined when there is none. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`, `${base}.json`]) {
    if (fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile()) return candidate;
  }
  return undefined;
}

/** A package.json, parsed. */
export function packageJson(dir: string): {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
} {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
}
