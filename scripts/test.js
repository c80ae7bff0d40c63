#!/usr/bin/env node
/**
 * `npm test`: the project's whole test command.
 *
 * 1. `tsc --noEmit` over the project (functions/src, test, scripts).
 * 2. Jest over every test file. Suites that need Google's emulators (those calling describeWithFirestoreEmulator /
 *    describeWithStorageEmulator from test/helpers/emulator.ts) report themselves as skipped, by name, when no
 *    emulator is running.
 * 3. The emulator tier, in band: when the Firestore and Storage emulators can run here (Java 21+ and their jars in
 *    ~/.cache/firebase/emulators) the emulator suites run under `firebase emulators:exec`; when an emulator is
 *    already running (FIRESTORE_EMULATOR_HOST set) they run against it (and step 2 leaves them out). Otherwise
 *    they are listed by name with the reason and what to install.
 * The exit code is 0 only when every step that could run passed. The last lines are the counts.
 *
 * `npm run test:emulators` (`--emulators`): only step 3, and a failure when the emulators cannot run.
 * Other arguments are Jest path patterns that limit every step but the type check (`npm test -- test/contract`).
 * Must run on the pinned Node 24 (npm scripts put node_modules/.bin/node first on PATH); under another Node it
 * re-executes itself with the pinned one.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PINNED_NODE = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');

if (process.versions.node.split('.')[0] !== '24') {
  if (fs.existsSync(PINNED_NODE) && !process.env.TTT_TEST_REEXEC) {
    const r = spawnSync(PINNED_NODE, [__filename, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, TTT_TEST_REEXEC: '1' },
    });
    process.exit(r.status ?? 1);
  }
  console.error(`npm test needs Node 24 (found ${process.version}); run \`npm install\` to get the pinned node.`);
  process.exit(1);
}

const { javaEmulatorsStatus, PROJECT_ID } = require('./lib/emulators');

const EMULATOR_MARKERS = /describeWith(Firestore|Storage)Emulator\s*\(/;
/** Absolute path of a file inside an installed package (`jest/bin/jest.js`), whatever its `exports` allow. */
const bin = (pkgFile) => {
  const [scopeOrName, ...rest] = pkgFile.split('/');
  const name = scopeOrName.startsWith('@') ? `${scopeOrName}/${rest.shift()}` : scopeOrName;
  return path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] })), ...rest);
};

function run(label, args, env = process.env) {
  console.log(`\n=== ${label}\n$ ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
  return r.status ?? 1;
}

function listTestFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTestFiles(p));
    else if (e.name.endsWith('.test.ts')) out.push(path.relative(ROOT, p));
  }
  return out.sort();
}

/** Test files with at least one emulator-gated suite, and the suite names (first argument of the call). */
function emulatorSuites() {
  const suites = [];
  for (const file of listTestFiles(path.join(ROOT, 'test'))) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    if (!EMULATOR_MARKERS.test(text)) continue;
    const names = [...text.matchAll(/describeWith(?:Firestore|Storage)Emulator\s*\(\s*(['"`])(.*?)\1/g)].map((m) => m[2]);
    suites.push({ file, names });
  }
  return suites;
}

function readJestJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Tests counted over every tier, for the closing `tests: N passed, N failed, N skipped` line CI reads. */
const totals = { passed: 0, failed: 0, skipped: 0 };

function countsOf(json) {
  if (!json) {
    totals.failed += 1; // a tier whose runner died counts as a failure, never as "0 failed"
    return 'no results (jest did not finish)';
  }
  totals.passed += json.numPassedTests;
  totals.failed += json.numFailedTests;
  totals.skipped += json.numPendingTests + json.numTodoTests;
  return `${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests + json.numTodoTests} skipped, ${json.numTotalTests} total in ${json.numTotalTestSuites} suites`;
}

/**
 * Emulator suites run in band: they share one emulator and some clear its whole database between tests, so two
 * at once would delete each other's data.
 */
function jestArgs(files, outFile, { inBand = false, ignore = [] } = {}) {
  const ignores = ignore.map((f) => `--testPathIgnorePatterns=${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return [bin('jest/bin/jest.js'), '--ci', inBand ? '--runInBand' : '--maxWorkers=2', '--json', `--outputFile=${outFile}`, ...files, ...ignores];
}

function emulatorTier(suites, outFile) {
  const files = suites.map((s) => s.file);
  const firebase = bin('firebase-tools/lib/bin/firebase.js');
  // emulators:exec starts the emulators, sets FIRESTORE_EMULATOR_HOST etc. for the script, stops them after.
  const inner = [process.execPath, ...jestArgs(files, outFile, { inBand: true })].map((a) => JSON.stringify(a)).join(' ');
  return run('emulator tier (firebase emulators:exec)', [
    firebase,
    'emulators:exec',
    '--only',
    'firestore,storage,auth',
    '--project',
    PROJECT_ID,
    inner,
  ]);
}

function main() {
  const emulatorsOnly = process.argv.includes('--emulators');
  // Other arguments are Jest path patterns limiting the run (`npm test -- test/contract`).
  const patterns = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const selected = (file) => patterns.length === 0 || patterns.some((p) => file.includes(p) || new RegExp(p).test(file));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-test-'));
  const suites = emulatorSuites().filter((x) => selected(x.file));
  const status = javaEmulatorsStatus();
  const alreadyRunning = Boolean(process.env.FIRESTORE_EMULATOR_HOST);
  const summary = [];
  let failed = false;

  if (!emulatorsOnly) {
    const tscStatus = run('type check (tsc --noEmit)', [bin('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
    summary.push(`type check: ${tscStatus === 0 ? 'passed' : 'FAILED'}`);
    failed ||= tscStatus !== 0;

    const out = path.join(tmp, 'offline.json');
    // With an emulator already running, the emulator suites run afterwards, in band.
    const label = alreadyRunning ? 'offline tests (emulator suites follow)' : 'offline tests';
    const ignore = alreadyRunning ? suites.map((x) => x.file) : [];
    const jestStatus = run(label, jestArgs(patterns, out, { ignore }));
    summary.push(`${label}: ${countsOf(readJestJson(out))}`);
    failed ||= jestStatus !== 0;
  }

  if (suites.length === 0) {
    summary.push('emulator tier: no emulator suites selected');
    if (emulatorsOnly) failed = true;
  } else if (alreadyRunning) {
    const out = path.join(tmp, 'emulator.json');
    const s = run('emulator tier (emulator already running)', jestArgs(suites.map((x) => x.file), out, { inBand: true }));
    summary.push(`emulator tier: ${countsOf(readJestJson(out))}`);
    failed ||= s !== 0;
  } else if (!alreadyRunning && status.canRun) {
    const out = path.join(tmp, 'emulator.json');
    const s = emulatorTier(suites, out);
    summary.push(`emulator tier: ${countsOf(readJestJson(out))}`);
    failed ||= s !== 0;
  } else if (!alreadyRunning) {
    const lines = suites.flatMap((s) => s.names.map((n) => `  - "${n}" (${s.file})`));
    console.log(`\n=== emulator tier: SKIPPED, ${lines.length} suites not run because the emulators cannot start here:`);
    for (const p of status.problems) console.log(`  * ${p}`);
    console.log('  to run them:');
    for (const h of status.howToFix) console.log(`    - ${h}`);
    console.log('    - then `npm run test:emulators`');
    console.log('  skipped suites:');
    for (const l of lines) console.log(l);
    summary.push(`emulator tier: SKIPPED (${lines.length} suites in ${suites.length} files): ${status.problems.join('; ')}`);
    if (emulatorsOnly) failed = true;
  }

  fs.rmSync(tmp, { recursive: true, force: true });
  console.log('\n=== summary');
  for (const s of summary) console.log(s);
  console.log(failed ? 'npm test: FAILED' : 'npm test: everything that could run passed');
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(failed ? 1 : 0);
}

main();
