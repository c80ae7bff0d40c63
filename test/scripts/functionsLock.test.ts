/**
 * functions/package-lock.json: the lockfile Cloud Build installs the deployed functions from (`npm ci` in the
 * uploaded `functions/` folder). It must stay consistent with functions/package.json (or `npm ci` refuses the
 * deploy) and with the root lockfile (or the deployed functions run on versions the tests never ran with). When this
 * fails after a dependency change: `npm install`, then `npm run deploy -- --lock-only`, and commit the lockfile.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Entry = { version?: string; integrity?: string; link?: boolean; dependencies?: Record<string, string>; [k: string]: unknown };
type Lock = { lockfileVersion: number; packages: Record<string, Entry> };
interface FunctionsLock {
  seedLock(rootLock: Lock, pkg: unknown, ws: string): Lock;
  lockProblems(lock: Lock, pkg: unknown, rootLock: Lock, ws: string): string[];
  workspaceClosure(rootLock: Lock, ws: string): Map<string, Entry>;
}

const ROOT = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of the repository, not a package
const lib = require(path.join(ROOT, 'scripts', 'lib', 'functionsLock.js')) as FunctionsLock;
const readJson = <T>(rel: string): T => JSON.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8')) as T;

const rootLock = readJson<Lock>('package-lock.json');
const pkg = readJson<{ name: string; dependencies: Record<string, string> }>('functions/package.json');
const lock = readJson<Lock>('functions/package-lock.json');
const copy = (): Lock => structuredClone(lock);

describe('functions/package-lock.json (deployed with functions/)', () => {
  it('fits functions/package.json and the root lockfile', () => {
    expect(lib.lockProblems(lock, pkg, rootLock, 'functions')).toEqual([]);
  });

  it('pins every run-time dependency at the version the root lockfile resolved for the workspace', () => {
    for (const name of Object.keys(pkg.dependencies)) {
      const rootKey = rootLock.packages[`functions/node_modules/${name}`] ? `functions/node_modules/${name}` : `node_modules/${name}`;
      expect(`${name}@${lock.packages[`node_modules/${name}`]?.version}`).toBe(`${name}@${rootLock.packages[rootKey]?.version}`);
    }
  });

  it('is what the deploy script would write from the root lockfile now (same packages, same versions)', () => {
    // scripts/deploy.js seeds npm with this and npm only adds tree flags, so a regenerated lockfile has the same keys.
    const seed = lib.seedLock(rootLock, pkg, 'functions');
    const versions = (l: Lock) =>
      Object.entries(l.packages)
        .map(([k, e]) => `${k} ${e.version ?? ''}`)
        .sort();
    expect(versions(lock)).toEqual(versions(seed));
  });

  it('holds no development-only package (test tools are never deployed)', () => {
    const devOnly = ['jest', 'typescript', 'firebase-tools', 'ts-jest', 'fast-check'];
    for (const name of devOnly) expect(lock.packages[`node_modules/${name}`]).toBeUndefined();
  });
});

describe('lockProblems finds what would break a deploy', () => {
  const cases: { what: string; edit: (l: Lock, p: { dependencies: Record<string, string> }) => void; problem: RegExp }[] = [
    {
      what: 'a dependency added to package.json but not to the lockfile',
      edit: (_l, p) => (p.dependencies['left-pad'] = '^1.3.0'),
      problem: /root entry lists left-pad as nothing, package\.json as \^1\.3\.0/,
    },
    {
      what: 'a range raised in package.json beyond the locked version',
      edit: (l, p) => {
        p.dependencies.zod = '^99.0.0';
        l.packages['']!.dependencies!.zod = '^99.0.0';
      },
      problem: /the root needs zod@\^99\.0\.0, the lockfile has 4\.\d+\.\d+/,
    },
    {
      what: 'a transitive package missing',
      edit: (l) => delete l.packages['node_modules/zod'],
      problem: /the root needs zod@\^4\.\d+\.\d+, which is missing/,
    },
    {
      what: 'a package without integrity',
      edit: (l) => delete l.packages['node_modules/zod']!.integrity,
      problem: /node_modules\/zod is not pinned/,
    },
    {
      what: 'a version the root lockfile never resolved (the tests did not run with it)',
      edit: (l) => (l.packages['node_modules/zod']!.version = '4.0.0'),
      problem: /node_modules\/zod: zod@4\.0\.0 is not what the root lockfile resolved for functions/,
    },
  ];
  it.each(cases)('$what', ({ edit, problem }) => {
    const l = copy();
    const p = structuredClone(pkg);
    edit(l, p);
    expect(lib.lockProblems(l, p, rootLock, 'functions').join('\n')).toMatch(problem);
  });

  it('refuses a workspace package as a dependency of functions (a deploy of functions/ alone cannot install it)', () => {
    const root = structuredClone(rootLock);
    root.packages.core = { name: 'core', version: '1.0.0' };
    root.packages['node_modules/core'] = { resolved: 'core', link: true };
    root.packages.functions!.dependencies = { ...root.packages.functions!.dependencies, core: '*' };
    expect(() => lib.workspaceClosure(root, 'functions')).toThrow(/depends on the workspace package core/);
  });
});
