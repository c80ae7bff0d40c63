#!/usr/bin/env node
/**
 * `npm start`: the Firebase emulator suite for the iOS developer, on the demo project `demo-travel-time-tracker`
 * (a `demo-` project id cannot reach any real Firebase resource), with the reference data seeded.
 *
 * - Finds the Firestore emulator and a Java 21+ with the same locator as `npm test` (scripts/lib/emulators.js) and
 *   prints what it found; firebase-tools is pointed at them (no download needed).
 * - Builds the functions first (the Functions emulator loads functions/lib); if the build fails, starts without
 *   the Functions emulator and says so.
 * - Starts Auth, Functions and Firestore (with its triggers). The Storage emulator cannot run on these machines (its
 *   rules-runtime jar is not installed and cannot be downloaded): CSV upload and the Storage part of deleteAccount
 *   are the pieces that need a real project or a machine where `npx firebase setup:emulators:storage` worked
 *   (`--only auth,functions,firestore,storage` there).
 * - Uses the ports of firebase.json (the iOS app's emulator settings point at them) when they are free; otherwise
 *   says which port is taken and stops, rather than moving the app's emulator somewhere it does not look.
 * - Once Firestore answers, loads countries/ and visaRules/ with the idempotent seed (scripts/seed.ts).
 * Ctrl-C stops the emulators. Options: `--only auth,functions` to choose; `--no-seed`.
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const emu = require('./lib/emulators');

const ROOT = path.resolve(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'firebase.json'), 'utf8'));
const ports = config.emulators;
const STORAGE_NOTE =
  'Storage is not started: its emulator always runs a cloud-storage-rules-runtime jar that is not installed here and cannot be downloaded; CSV uploads (onImportUploaded) and the Storage part of deleteAccount need a machine where `npx firebase setup:emulators:storage` works, or a real project.';

function log(msg) {
  console.log(`[start] ${msg}`);
}

function buildFunctions() {
  log('building functions (scripts/build.js functions) ...');
  const r = spawnSync(process.execPath, [path.join(__dirname, 'build.js'), 'functions'], { stdio: 'inherit' });
  const main = path.join(ROOT, 'functions', 'lib', 'index.js');
  if (r.status !== 0 || !fs.existsSync(main)) {
    log(`the functions did not build (above), so the Functions emulator cannot load any function: starting without it.`);
    return false;
  }
  return true;
}

/** True when nothing listens on host:port (a bind succeeds). */
function portFree(host, port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

async function waitForFirestore(hostPort, child, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) return false;
    if (await emu.answers(hostPort, 500)) return true;
    await sleep(500);
  }
  return false;
}

async function main() {
  require('./lib/register-ts');
  const args = process.argv.slice(2);
  const onlyIdx = args.indexOf('--only');
  const wanted =
    onlyIdx >= 0
      ? String(args[onlyIdx + 1] || '')
          .split(',')
          .filter(Boolean)
      : ['auth', 'functions', 'firestore'];
  const seed = !args.includes('--no-seed');

  const found = emu.locate();
  for (const l of emu.describe(found)) log(l);
  let only = wanted;
  if (wanted.includes('firestore') && !(found.firestore && found.java21)) {
    log('the Firestore emulator cannot start under firebase-tools on this machine:');
    for (const p of found.problems) log(`  * ${p}`);
    for (const h of found.howToFix) log(`  - ${h}`);
    only = wanted.filter((e) => e !== 'firestore');
  }
  if (!wanted.includes('storage')) log(STORAGE_NOTE);
  if (only.includes('functions') && !buildFunctions()) only = only.filter((e) => e !== 'functions');
  if (only.length === 0) {
    log('no emulator can start; nothing to do.');
    process.exit(1);
  }
  for (const e of only) {
    const p = ports[e];
    if (p && !(await portFree(p.host, p.port))) {
      log(
        `port ${p.port} (${e}, firebase.json) is taken by another process; stop it or change emulators.${e}.port in firebase.json and in the app's emulator settings.`,
      );
      process.exit(1);
    }
  }
  log(`starting: ${only.join(', ')}`);

  const firebase = require.resolve('firebase-tools/lib/bin/firebase.js', { paths: [ROOT] });
  const child = spawn(process.execPath, [firebase, 'emulators:start', '--only', only.join(','), '--project', emu.PROJECT_ID], {
    cwd: ROOT,
    stdio: 'inherit',
    env: emu.firebaseToolsEnv(found),
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  if (seed && only.includes('firestore')) {
    const host = `${ports.firestore.host}:${ports.firestore.port}`;
    if (await waitForFirestore(host, child, 120_000)) {
      process.env.FIRESTORE_EMULATOR_HOST = host;
      const { main: seedMain } = require('./seed.ts');
      const code = await seedMain(['--project', emu.PROJECT_ID]);
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
