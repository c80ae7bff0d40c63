/**
 * The lockfile that deploys with `functions/` (functions/package-lock.json), derived from the root lockfile.
 *
 * Why it exists: `firebase deploy` uploads the `functions/` folder alone (firebase.json `functions.source`, minus its
 * `ignore` list). Google's Node.js buildpack then installs the dependencies there with `npm ci` when it finds a
 * lockfile in that folder, and otherwise resolves the `^` ranges of functions/package.json afresh, so the deployed
 * code could run on versions that no test here ever ran. The root package-lock.json (the npm workspace's) is not
 * uploaded. This module writes and checks a lockfile for `functions/` alone that pins the same versions the root
 * lockfile resolved for the workspace `functions`.
 *
 * - `workspaceClosure(rootLock, ws)`: the entries of the root lockfile that the workspace needs at run time.
 * - `seedLock(rootLock, pkg, ws)`: a v3 lockfile for the workspace alone made of those entries; `scripts/deploy.js`
 *   hands it to `npm install --package-lock-only` in a temporary copy of functions/package.json, which keeps every
 *   valid pinned version and only tidies the flags.
 * - `lockProblems(lock, pkg, rootLock, ws)`: what makes a committed lockfile unfit (a dependency missing, a version
 *   outside its range, a version the root lockfile does not have). Empty when fit. Used by the unit test.
 */
'use strict';
const semver = require('semver');

const EDGE_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];
// Fields of a lockfile entry that describe the package itself; npm recomputes the tree flags (dev, optional, peer).
const ENTRY_FIELDS = [
  'version',
  'resolved',
  'integrity',
  'license',
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bin',
  'engines',
  'os',
  'cpu',
  'libc',
  'hasInstallScript',
  'funding',
  'deprecated',
];

/** The folder key of the package that contains `key` (`node_modules/a/node_modules/b` -> `node_modules/a`). */
function parentKey(key) {
  const i = key.lastIndexOf('/node_modules/');
  if (i >= 0) return key.slice(0, i);
  return '';
}

/**
 * Where Node's resolution finds `name` required from the package at `fromKey` in a v3 lockfile's `packages` map:
 * `fromKey/node_modules/name`, then the same in each enclosing folder, up to the root. Returns the key or null.
 */
function resolveKey(packages, fromKey, name) {
  let at = fromKey;
  for (;;) {
    const key = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
    if (packages[key]) return key;
    if (at === '') return null;
    at = parentKey(at);
  }
}

/** The lockfile entry at `key`, following a workspace link (`node_modules/x` -> `functions`). */
function entryAt(packages, key) {
  const e = packages[key];
  return e && e.link ? { key: e.resolved, entry: packages[e.resolved] } : { key, entry: e };
}

/**
 * Edges of an entry: [name, range, optional, optionalPeer]. Optional dependencies and optional peers may be absent;
 * npm installs an optional peer only when something else needs it, so the closure does not follow those.
 */
function edgesOf(entry) {
  const out = [];
  for (const field of EDGE_FIELDS) {
    for (const [name, range] of Object.entries(entry[field] ?? {})) {
      const optionalPeer = field === 'peerDependencies' && entry.peerDependenciesMeta?.[name]?.optional === true;
      out.push([name, range, optionalPeer || field === 'optionalDependencies', optionalPeer]);
    }
  }
  return out;
}

/**
 * The run-time closure of workspace `ws` (e.g. `functions`) in the root lockfile: a Map from root-lockfile key to
 * entry, for every package reachable from the workspace's dependencies (optional ones when present).
 */
function workspaceClosure(rootLock, ws) {
  const packages = rootLock.packages;
  if (!packages[ws]) throw new Error(`the root lockfile has no workspace "${ws}"`);
  const seen = new Map();
  const todo = [ws];
  while (todo.length > 0) {
    const from = todo.pop();
    const entry = from === ws ? packages[ws] : packages[from];
    for (const [name, , , optionalPeer] of edgesOf(entry)) {
      if (optionalPeer) continue;
      const found = resolveKey(packages, from, name);
      if (!found) continue; // a missing optional edge; lockProblems reports missing required ones
      const { key } = entryAt(packages, found);
      if (key === ws) continue;
      if (packages[found].link) {
        // Cloud Build installs from the upload of `functions/` alone: a workspace package is not in it.
        throw new Error(`${ws} depends on the workspace package ${name} (${key}), which a deploy of ${ws}/ alone cannot install`);
      }
      if (seen.has(key)) continue;
      seen.set(key, packages[key]);
      todo.push(key);
    }
  }
  return seen;
}

/** Key of a root-lockfile entry once the workspace folder is the root (`functions/node_modules/x` -> `node_modules/x`). */
function rebase(key, ws) {
  return key.startsWith(`${ws}/`) ? key.slice(ws.length + 1) : key;
}

/**
 * A lockfile (v3) for workspace `ws` alone, from the root lockfile's entries: `pkg` is the workspace's package.json.
 * A root-level entry shadowed by the workspace's own nested copy is left out (npm resolves what then needs it).
 */
function seedLock(rootLock, pkg, ws) {
  const closure = workspaceClosure(rootLock, ws);
  const packages = {
    '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies ?? {}, ...(pkg.engines ? { engines: pkg.engines } : {}) },
  };
  const keys = [...closure.keys()].sort((a, b) => rebase(a, ws).localeCompare(rebase(b, ws)));
  for (const key of keys) {
    const target = rebase(key, ws);
    if (packages[target]) continue;
    const entry = {};
    for (const f of ENTRY_FIELDS) if (closure.get(key)[f] !== undefined) entry[f] = closure.get(key)[f];
    packages[target] = entry;
  }
  return { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages };
}

/** The package name of a lockfile key (`node_modules/@scope/a/node_modules/b` -> `b`). */
function nameOf(key) {
  const i = key.lastIndexOf('node_modules/');
  return key.slice(i + 'node_modules/'.length);
}

/** True when `version` satisfies `range`; ranges that are not semver (aliases, git, file:) are only checked for presence. */
function satisfies(version, range) {
  if (range.startsWith('npm:')) range = range.slice(range.lastIndexOf('@') + 1);
  if (semver.validRange(range, { loose: true }) === null) return true;
  return semver.satisfies(version, range, { loose: true, includePrerelease: true });
}

/**
 * What makes `lock` (functions/package-lock.json) unfit to deploy `pkg` (functions/package.json), as sentences;
 * empty when it is fit. Checks what `npm ci` checks (the root entry lists exactly the package.json dependencies;
 * every dependency edge of every entry resolves to an entry whose version satisfies the range; every registry
 * entry is pinned by `version` and `integrity`) and that every package in it is a `name@version` the root lockfile
 * resolved for workspace `ws` (the versions the tests ran with).
 */
function lockProblems(lock, pkg, rootLock, ws) {
  const problems = [];
  if (!lock || lock.lockfileVersion !== 3 || !lock.packages) return ['not a lockfile of version 3 with `packages`'];
  const packages = lock.packages;
  const root = packages[''] ?? {};
  const want = pkg.dependencies ?? {};
  const have = root.dependencies ?? {};
  for (const name of new Set([...Object.keys(want), ...Object.keys(have)])) {
    if (want[name] !== have[name]) problems.push(`root entry lists ${name} as ${have[name] ?? 'nothing'}, package.json as ${want[name] ?? 'nothing'}`);
  }
  for (const [key, entry] of Object.entries(packages)) {
    // `resolved` may be absent: npm leaves it out under omit-lockfile-registry-resolved (the configured registry).
    if (key !== '' && !entry.link && (!entry.version || !entry.integrity)) {
      problems.push(`${key} is not pinned (version and integrity are required)`);
    }
    for (const [name, range, optional] of edgesOf(key === '' ? { dependencies: want } : entry)) {
      const found = resolveKey(packages, key, name);
      if (!found) {
        if (!optional) problems.push(`${key || 'the root'} needs ${name}@${range}, which is missing`);
        continue;
      }
      const version = packages[found].version;
      if (!satisfies(version, range)) problems.push(`${key || 'the root'} needs ${name}@${range}, the lockfile has ${version} at ${found}`);
    }
  }
  const rootVersions = new Set([...workspaceClosure(rootLock, ws)].map(([key, e]) => `${nameOf(key)}@${e.version}`));
  for (const [key, entry] of Object.entries(packages)) {
    if (key === '' || entry.link) continue;
    const id = `${nameOf(key)}@${entry.version}`;
    if (!rootVersions.has(id)) problems.push(`${key}: ${id} is not what the root lockfile resolved for ${ws}`);
  }
  return problems;
}

module.exports = { workspaceClosure, seedLock, lockProblems, resolveKey };
