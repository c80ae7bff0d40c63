#!/usr/bin/env node
/**
 * `npm test`: the project's whole test command, in tiers.
 *
 * 1. type check: `tsc --noEmit` over functions/src, test and scripts; then the contract freshness check: the JSON
 *    Schemas under schemas/ are regenerated in memory from the zod schemas (`node scripts/schemas.js --check`) and
 *    must equal the committed files (a stale file is named, with the command that fixes it: `npm run schemas`).
 *    lint: ESLint (eslint.config.mjs: typescript-eslint's type-checked rules) over functions/src, packages, tools, test, scripts,
 *    then `prettier --check .` (prettier.config.mjs, .prettierignore). Any ESLint error or unformatted file fails it.
 * The tiers are the Jest projects of jest.config.js, chosen by file name alone:
 * 2. offline: every `*.test.ts` that is not one of the two below (pure core, import, CLI, handler tests against the
 *    in-memory repository, the Storage rules checks that need no runtime).
 * 3. emulator: `*.emulator.test.ts`, against Google's Firestore emulator, found by scripts/lib/emulators.js (one
 *    already running at FIRESTORE_EMULATOR_HOST, the firebase-tools download, or the Cloud SDK's), started on a free
 *    port with firestore.rules; run in band (they share one database). FIRESTORE_EMULATOR_EVENTS_HOST names where the
 *    emulator delivers the events of the triggers a suite registers (describeWithFirestoreEvents,
 *    test/helpers/firestoreEvents.ts). Then the rules coverage gate: the emulator's coverage report must show every
 *    rule expression evaluated at least once.
 * 4. end to end: under `firebase emulators:exec --only auth,functions,firestore` (needs Java 21+, found by the same
 *    locator) the `*.e2e.test.ts` suites drive the client SDK as the iOS app does against the deployed functions code.
 * A tier that cannot start here is listed with each suite it skipped and why; with CI=true that is a failure, since
 * CI machines always have the emulator. The Storage emulator cannot run on these machines (its rules-runtime jar is
 * neither installed nor downloadable), so suites that need it (describeWithStorageEmulator) skip by name.
 * The last lines are the summary and the closing `N passed, N failed, N skipped` over every tier.
 *
 * `npm run test:emulators` (`--emulators`): tiers 3 and 4 only. Other arguments are Jest path patterns that limit
 * every tier but the type check and lint (`npm test -- test/functions/repository`). Must run on the pinned Node 24 (npm scripts put
 * node_modules/.bin/node first on PATH); under another Node it re-executes itself with the pinned one.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
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

const emu = require('./lib/emulators');
const { PROJECT_ID } = emu;

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Absolute path of a file inside an installed package (`jest/bin/jest.js`), whatever its `exports` allow. */
const bin = (pkgFile) => {
  const [scopeOrName, ...rest] = pkgFile.split('/');
  const name = scopeOrName.startsWith('@') ? `${scopeOrName}/${rest.shift()}` : scopeOrName;
  return path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] })), ...rest);
};

const quote = (a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a);

/** Runs a command with inherited stdio; resolves with its exit status. Async so an emulator child keeps running. */
function run(label, args, env = process.env) {
  console.log(`\n=== ${label}\n$ ${args.map(quote).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
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

/** Folders ESLint checks (the same as the type check's). */
const LINT_DIRS = ['functions/src', 'packages', 'tools', 'test', 'scripts'];

/**
 * The lint tier: ESLint, then Prettier's check. Prints each problem as `file:line:col rule message` and returns the
 * summary line's text and whether it passed.
 */
async function lintTier() {
  const out = path.join(os.tmpdir(), `ttt-eslint-${process.pid}.json`);
  const eslintStatus = await run('lint: eslint', [bin('eslint/bin/eslint.js'), '--format', 'json', '--output-file', out, ...LINT_DIRS]);
  let report = null;
  try {
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  } catch {
    // no report: ESLint itself failed (config error); its message is above
  }
  fs.rmSync(out, { force: true });
  let errors = 0;
  let warnings = 0;
  for (const file of report ?? []) {
    for (const m of file.messages) {
      if (m.severity === 2) errors += 1;
      else warnings += 1;
      console.log(`  ${path.relative(ROOT, file.filePath)}:${m.line}:${m.column} ${m.ruleId ?? '(directive)'} ${m.message}`);
    }
  }
  const eslintOk = eslintStatus === 0 && report !== null && errors === 0;
  const eslintText =
    report === null ? `eslint exited ${eslintStatus} without a report` : `eslint ${errors} errors, ${warnings} warnings in ${report.length} files`;

  const unformatted = [];
  const prettierStatus = await new Promise((resolve) => {
    const args = [bin('prettier/bin/prettier.cjs'), '--list-different', '.'];
    console.log(`\n=== lint: prettier --check\n$ ${args.map(quote).join(' ')}`);
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => (buf += d));
    child.on('exit', (code, signal) => {
      unformatted.push(...buf.split('\n').filter(Boolean));
      resolve(code ?? (signal ? 1 : 0));
    });
  });
  for (const f of unformatted) console.log(`  not formatted: ${f} (npm run format)`);
  // --list-different exits 1 when a file differs, 2 when Prettier itself failed.
  const prettierOk = prettierStatus === 0;
  const prettierText = prettierStatus > 1 ? `prettier exited ${prettierStatus}` : `prettier ${unformatted.length} files not formatted`;
  const ok = eslintOk && prettierOk;
  return { ok, line: `lint: ${ok ? 'passed' : 'FAILED'} (${eslintText}; ${prettierText})` };
}

/** Every selected test file by tier, from its name alone (the projects of jest.config.js). */
function classify(selected) {
  const files = listTestFiles(path.join(ROOT, 'test')).filter(selected);
  const tier = (f) => (f.endsWith('.e2e.test.ts') ? 'e2e' : f.endsWith('.emulator.test.ts') ? 'emulator' : 'offline');
  return {
    offline: files.filter((f) => tier(f) === 'offline'),
    emulator: files.filter((f) => tier(f) === 'emulator'),
    e2e: files.filter((f) => tier(f) === 'e2e'),
  };
}

function readJestJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The rules coverage line, printed after the tiers' counts. */
let coverageLine = null;

/** Tests counted over every tier, for the closing `N passed, N failed, N skipped` line. */
const totals = { passed: 0, failed: 0, skipped: 0 };

function countsOf(json, status) {
  if (!json) {
    totals.failed += 1; // a tier whose runner died counts as a failure, never as "0 failed"
    return `no results (jest exited ${status} without a report)`;
  }
  // A suite that failed to load (syntax error, throwing import) has no tests: count it as one failure.
  const brokenSuites = json.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  const failed = json.numFailedTests + brokenSuites;
  const skipped = json.numPendingTests + json.numTodoTests;
  totals.passed += json.numPassedTests;
  totals.failed += failed;
  totals.skipped += skipped;
  return `${json.numPassedTests} passed, ${failed} failed, ${skipped} skipped (${json.numTotalTestSuites} files)`;
}

function jestArgs(project, files, outFile, { inBand = false } = {}) {
  return [
    bin('jest/bin/jest.js'),
    '--ci',
    '--selectProjects',
    project,
    ...(inBand ? ['--runInBand', '--testTimeout=120000'] : ['--maxWorkers=2']),
    '--json',
    `--outputFile=${outFile}`,
    '--runTestsByPath',
    ...files,
  ];
}

/**
 * Rules coverage from the emulator's report (`/emulator/v1/projects/<id>:ruleCoverage`): every expression of
 * firestore.rules with the values it evaluated to. An expression that only ever errored counts as evaluated (it
 * ran), but is listed so that a case can be added for it.
 */
async function rulesCoverage(host) {
  const res = await fetch(`http://${host}/emulator/v1/projects/${PROJECT_ID}:ruleCoverage`);
  if (!res.ok) throw new Error(`coverage report: HTTP ${res.status}`);
  const report = await res.json();
  // The report is a tree of expressions: each has a sourcePosition, the values it evaluated to (absent when it was
  // never reached: a short-circuit, a rule no request hit) and its sub-expressions in `children`. Only `children` is
  // walked: an error is recorded as a value `{ undefined: { sourcePosition, causeMessage } }`, not an expression.
  const exprs = [];
  const walk = (node) => {
    exprs.push({ ...node, values: node.values ?? [] });
    for (const c of node.children ?? []) walk(c);
  };
  for (const top of Object.values(report.report ?? {})) walk(top);
  const never = exprs.filter((e) => e.values.length === 0);
  // An evaluation that raised an error has an empty value (`{}`) or the error form (`{ undefined: ... }`).
  const isError = (v) => Object.keys(v.value ?? {}).length === 0 || 'undefined' in (v.value ?? {});
  const onlyErrors = exprs.filter((e) => e.values.length > 0 && e.values.every(isError));
  const out = path.join(ROOT, 'coverage-rules');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'firestore-coverage.json'), JSON.stringify(report, null, 1));
  const html = await fetch(`http://${host}/emulator/v1/projects/${PROJECT_ID}:ruleCoverage.html`);
  if (html.ok) fs.writeFileSync(path.join(out, 'firestore-coverage.html'), await html.text());
  return { total: exprs.length, never, onlyErrors };
}

const position = (e) => `firestore.rules:${e.sourcePosition.line}:${e.sourcePosition.column}`;

async function emulatorTier(files, summary, found) {
  let fsEmu = null;
  let host = found.running;
  if (!host) {
    console.log('\n=== starting the Firestore emulator');
    for (const l of emu.describe(found)) console.log(`  ${l}`);
    fsEmu = await emu.startFirestore(found.firestore, { rules: path.join(ROOT, 'firestore.rules'), deliverEvents: true });
    host = fsEmu.host;
    console.log(`  listening on ${host} (log: ${fsEmu.logFile})`);
  }
  const env = { ...process.env, FIRESTORE_EMULATOR_HOST: host, GCLOUD_PROJECT: PROJECT_ID };
  if (fsEmu?.eventsHost) env.FIRESTORE_EMULATOR_EVENTS_HOST = fsEmu.eventsHost;
  delete env.FIREBASE_STORAGE_EMULATOR_HOST;
  try {
    const out = path.join(os.tmpdir(), `ttt-emulator-${process.pid}.json`);
    const status = await run(`emulator tier (Firestore emulator at ${host})`, jestArgs('emulator', files, out, { inBand: true }), env);
    summary.push(`emulator: ${countsOf(readJestJson(out), status)}`);
    fs.rmSync(out, { force: true });
    let ok = status === 0;
    if (files.some((f) => f.includes('rules'))) {
      const cov = await rulesCoverage(host);
      coverageLine = `rules coverage: ${cov.total - cov.never.length} of ${cov.total} expressions evaluated, ${cov.never.length} never evaluated`;
      for (const e of cov.never) console.log(`  never evaluated: ${position(e)}`);
      for (const e of cov.onlyErrors) console.log(`  only ever errored: ${position(e)}`);
      if (cov.never.length > 0) ok = false;
    }
    return ok;
  } finally {
    if (fsEmu) await fsEmu.stop();
  }
}

async function endToEndTier(files, summary, found) {
  // The Functions emulator loads functions/lib: bundle it from the sources under test, exactly as for a deploy.
  const build = await run('end to end: build the functions', [path.join(__dirname, 'build.js'), 'functions']);
  if (build !== 0) {
    summary.push('end to end: FAILED (the functions did not build)');
    totals.failed += 1;
    return false;
  }
  const only = ['auth', 'functions', 'firestore'];
  const config = await emu.writeEmulatorConfig(ROOT, only);
  const env = { ...emu.firebaseToolsEnv(found), GCLOUD_PROJECT: PROJECT_ID };
  const out = path.join(os.tmpdir(), `ttt-e2e-${process.pid}.json`);
  const inner = [process.execPath, ...jestArgs('e2e', files, out, { inBand: true })].map((a) => JSON.stringify(a)).join(' ');
  const firebase = bin('firebase-tools/lib/bin/firebase.js');
  try {
    const status = await run(
      `end to end (firebase emulators:exec --only ${only.join(',')}; Java ${found.java21.version})`,
      [firebase, 'emulators:exec', '--only', only.join(','), '--project', PROJECT_ID, '--config', config.file, inner],
      env,
    );
    summary.push(`end to end: ${countsOf(readJestJson(out), status)}`);
    return status === 0;
  } finally {
    fs.rmSync(out, { force: true });
    fs.rmSync(config.file, { force: true });
  }
}

/**
 * The contract freshness check (scripts/schemas.js --check): its output is printed, and its summary line names the
 * stale files and the fix, so that the reason is in the last lines of a long run.
 */
function schemasFresh() {
  const args = [path.join('scripts', 'schemas.js'), '--check'];
  console.log(`\n=== schemas fresh (the app's contract, regenerated in memory)\n$ node ${args.join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status === 0) return { ok: true, line: `schemas: fresh (${(r.stdout.match(/(\d+) files/) ?? [])[1] ?? '?'} files)` };
  const stale = (r.stdout ?? '')
    .split('\n')
    .filter((l) => /^\s+\S+\.json: /.test(l))
    .map((l) => l.trim());
  return {
    ok: false,
    line: stale.length > 0 ? `schemas: STALE: ${stale.join('; ')}; run \`npm run schemas\` and commit schemas/` : 'schemas: FAILED (see the output above)',
  };
}

function reportSkipped(label, suites, problems, summary) {
  console.log(`\n=== ${label}: SKIPPED, ${suites.length} suites not run:`);
  for (const p of problems) console.log(`  * ${p}`);
  for (const s of suites) console.log(`  - ${s}`);
  summary.push(`${label}: SKIPPED (${suites.length} suites): ${problems.join('; ')}`);
}

async function main() {
  const emulatorsOnly = process.argv.includes('--emulators');
  const patterns = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const selected = (file) => patterns.length === 0 || patterns.some((p) => file.includes(p) || new RegExp(p).test(file));
  const tiers = classify(selected);
  const found = emu.locate();
  const summary = [];
  let failed = false;

  if (!emulatorsOnly) {
    const tscStatus = await run('type check (tsc --noEmit)', [bin('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
    summary.push(`type check: ${tscStatus === 0 ? 'passed' : 'FAILED'}`);
    // A failed check counts as one failure in the closing line too, so that it never reads "0 failed".
    if (tscStatus !== 0) totals.failed += 1;
    failed ||= tscStatus !== 0;
    const fresh = schemasFresh();
    summary.push(fresh.line);
    failed ||= !fresh.ok;
    const lint = await lintTier();
    summary.push(lint.line);
    if (!lint.ok) totals.failed += 1;
    failed ||= !lint.ok;
    if (tiers.offline.length > 0) {
      const out = path.join(os.tmpdir(), `ttt-offline-${process.pid}.json`);
      const status = await run('offline tests', jestArgs('offline', tiers.offline, out));
      summary.push(`offline: ${countsOf(readJestJson(out), status)}`);
      fs.rmSync(out, { force: true });
      failed ||= status !== 0;
    }
  }

  if (tiers.emulator.length > 0) {
    if (found.running || found.firestore) {
      try {
        failed = !(await emulatorTier(tiers.emulator, summary, found)) || failed;
      } catch (e) {
        console.log(`\n=== emulator tier could not start: ${e.message}`);
        summary.push(`emulator: FAILED to start (${e.message.split('\n')[0]})`);
        totals.failed += 1;
        failed = true;
      }
    } else {
      reportSkipped('emulator', tiers.emulator, found.problems, summary);
      console.log('  to run them:');
      for (const h of found.howToFix) console.log(`    - ${h}`);
      if (IN_CI || emulatorsOnly) {
        console.log(`  ${emulatorsOnly ? '--emulators' : 'CI=true (CI machines always have the Firestore emulator)'}: not running them is a failure.`);
        failed = true;
      }
    }
  }

  if (tiers.e2e.length > 0) {
    if (found.java21 && found.firestore) {
      failed = !(await endToEndTier(tiers.e2e, summary, found)) || failed;
    } else {
      reportSkipped('end to end', tiers.e2e, found.problems, summary);
      if (IN_CI || emulatorsOnly) failed = true;
    }
  }

  if (coverageLine) summary.push(coverageLine);
  console.log('\n=== summary');
  for (const s of summary) console.log(s);
  console.log(failed ? 'npm test: FAILED' : 'npm test: everything passed');
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  console.log(`${totals.passed} passed, ${totals.failed + 1} failed, ${totals.skipped} skipped`);
  process.exit(1);
});
