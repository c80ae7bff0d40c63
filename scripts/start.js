#!/usr/bin/env node
/**
 * `npm start`: the Firebase emulator suite for the iOS developer, on the demo project `demo-travel-time-tracker`
 * (a `demo-` project id cannot reach any real Firebase resource), with the reference data seeded.
 *
 * - Builds the functions first (the Functions emulator loads functions/lib); if the build fails, starts without
 *   the Functions emulator and says so.
 * - Starts the Firestore and Storage emulators only where they can run (Java 21+ and their jars in
 *   ~/.cache/firebase/emulators); otherwise says exactly what is missing and how to install it, and starts what
 *   can run (Auth and Functions are Node.js emulators).
 * - Once Firestore answers, loads countries/ and visaRules/ with the idempotent seed (scripts/seed.ts).
 * Ctrl-C stops the emulators. Options: `--only auth,functions` to choose; `--no-seed`.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { javaEmulatorsStatus, PROJECT_ID } = require('./lib/emulators');

const ROOT = path.resolve(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'firebase.json'), 'utf8'));
const ports = config.emulators;

function log(msg) {
  console.log(`[start] ${msg}`);
}

function buildFunctions() {
  log('building functions (npm run build) ...');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'functions', 'tsconfig.json')], { stdio: 'inherit' });
  const main = path.join(ROOT, 'functions', 'lib', 'index.js');
  if (r.status !== 0) log('the functions build reported errors (above).');
  if (!fs.existsSync(main)) {
    log(`functions/lib/index.js does not exist, so the Functions emulator cannot load any function: starting without it.`);
    return false;
  }
  const copy = spawnSync(process.execPath, [path.join(__dirname, 'copy-seed.js')], { stdio: 'inherit' });
  return copy.status === 0;
}

async function waitForPort(hostPort, child, timeoutMs) {
  const { isReachable } = require('./seed.ts');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) return false;
    if (await isReachable(hostPort, 500)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main() {
  require('./lib/register-ts');
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf('--only');
  const wanted = onlyIdx >= 0 ? String(args[onlyIdx + 1] || '').split(',').filter(Boolean) : ['auth', 'functions', 'firestore', 'storage'];
  const seed = !args.includes('--no-seed');

  const java = javaEmulatorsStatus();
  let only = wanted;
  if (!java.canRun && wanted.some((e) => e === 'firestore' || e === 'storage')) {
    log('the Firestore and Storage emulators cannot start on this machine:');
    for (const p of java.problems) log(`  * ${p}`);
    log('to get them:');
    for (const h of java.howToFix) log(`  - ${h}`);
    only = wanted.filter((e) => e !== 'firestore' && e !== 'storage');
    log(`starting what can run: ${only.join(', ') || '(nothing)'}; the seed needs Firestore and is skipped.`);
  }
  if (only.includes('functions') && !buildFunctions()) only = only.filter((e) => e !== 'functions');
  if (only.length === 0) {
    log('no emulator can start; nothing to do.');
    process.exit(1);
  }

  const firebase = require.resolve('firebase-tools/lib/bin/firebase.js', { paths: [ROOT] });
  const child = spawn(process.execPath, [firebase, 'emulators:start', '--only', only.join(','), '--project', PROJECT_ID], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  if (seed && only.includes('firestore')) {
    const host = `${ports.firestore.host}:${ports.firestore.port}`;
    if (await waitForPort(host, child, 120_000)) {
      process.env.FIRESTORE_EMULATOR_HOST = host;
      const { main: seedMain } = require('./seed.ts');
      const code = await seedMain(['--project', PROJECT_ID]);
      log(code === 0 ? 'reference data loaded into the Firestore emulator.' : 'the seed failed (see above); the emulators keep running.');
    } else if (child.exitCode === null) {
      log(`Firestore did not answer at ${host} within 2 minutes; the seed was not loaded.`);
    }
  }
}

main().catch((e) => {
  console.error(`[start] ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
