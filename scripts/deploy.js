#!/usr/bin/env node
/**
 * `npm run deploy [-- <firebase deploy options>]`: build, refresh the lockfile that deploys with `functions/`, then
 * `firebase deploy` with the project's pinned firebase-tools (options are passed on, e.g. `-- --only functions`).
 * `npm run deploy -- --lock-only`: only refresh functions/package-lock.json (after a dependency change; commit it).
 *
 * Why a lockfile in functions/: `firebase deploy` uploads `functions/` alone, and Google's buildpack runs `npm ci`
 * there when it finds a lockfile, else resolves the `^` ranges at deploy time. The root package-lock.json (the npm
 * workspace's) is not uploaded. The lockfile written here pins exactly the versions the root lockfile resolved for
 * the `functions` workspace (scripts/lib/functionsLock.js): it is seeded from the root lockfile's entries, and
 * `npm install --package-lock-only --no-workspaces` in a temporary copy of functions/package.json only tidies it.
 * test/scripts/functionsLock.test.ts fails when the committed one no longer fits.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { seedLock, lockProblems } = require('./lib/functionsLock');

const ROOT = path.resolve(__dirname, '..');
const WS = 'functions';
const LOCK = path.join(ROOT, WS, 'package-lock.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(cmd, args, cwd) {
  console.log(`$ ${[cmd, ...args].join(' ')}${cwd === ROOT ? '' : `   (in ${cwd})`}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`deploy: ${cmd} ${args[0]} exited ${r.status ?? r.signal}`);
    process.exit(r.status || 1);
  }
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Writes functions/package-lock.json from the root lockfile; returns true when its content changed. */
function refreshFunctionsLock() {
  const rootLock = readJson(path.join(ROOT, 'package-lock.json'));
  const pkg = readJson(path.join(ROOT, WS, 'package.json'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-functions-lock-'));
  try {
    fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    fs.writeFileSync(path.join(tmp, 'package-lock.json'), JSON.stringify(seedLock(rootLock, pkg, WS), null, 2) + '\n');
    sh(npm, ['install', '--package-lock-only', '--no-workspaces', '--ignore-scripts', '--no-audit', '--no-fund'], tmp);
    const lock = readJson(path.join(tmp, 'package-lock.json'));
    const problems = lockProblems(lock, pkg, rootLock, WS);
    if (problems.length > 0) {
      console.error('deploy: the functions lockfile npm wrote does not fit the root lockfile:');
      for (const p of problems) console.error(`  - ${p}`);
      console.error('run `npm install` at the root first, so that package-lock.json resolves functions/package.json.');
      process.exit(1);
    }
    const text = JSON.stringify(lock, null, 2) + '\n';
    const before = fs.existsSync(LOCK) ? fs.readFileSync(LOCK, 'utf8') : null;
    if (before === text) {
      console.log(`deploy: ${path.relative(ROOT, LOCK)} is up to date (${Object.keys(lock.packages).length - 1} packages)`);
      return false;
    }
    fs.writeFileSync(LOCK, text);
    console.log(`deploy: wrote ${path.relative(ROOT, LOCK)} (${Object.keys(lock.packages).length - 1} packages); commit it`);
    return true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const args = process.argv.slice(2);
  const lockOnly = args.includes('--lock-only');
  const changed = refreshFunctionsLock();
  if (lockOnly) return;
  sh(npm, ['run', 'build'], ROOT);
  const firebase = path.join(path.dirname(require.resolve('firebase-tools/package.json', { paths: [ROOT] })), 'lib', 'bin', 'firebase.js');
  sh(process.execPath, [firebase, 'deploy', ...args], ROOT);
  if (changed) console.log(`deploy: deployed with a new ${path.relative(ROOT, LOCK)}; commit it so the next deploy is the same`);
}

main();
