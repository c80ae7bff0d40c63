#!/usr/bin/env node
/**
 * `npm run bench`: the engine against its straight-line floor at growing sizes, the cost of the evidence (what each
 * figure rests on) in the recompute's evaluation, the same-date worst case, memory of
 * one large evaluation, the import pipeline, each deployed function's cold start, then the functions' Firestore
 * operation counts and the alert run's reads (through the in-memory repository).
 *
 * Each measurement runs in a fresh child process (tools/bench/bench-case.js) so that its peak RSS is its own.
 * Inputs: tools/bench/bench-data.js (all within the travel-date bounds); floor: tools/bench/bench-floor.js.
 * The measured code is bundled first, as for a deploy (tools/bench/built.js).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

function runCase(kind, arg, env = {}, nodeFlags = []) {
  const out = execFileSync(process.execPath, ['--expose-gc', ...nodeFlags, path.join(__dirname, 'bench-case.js'), kind, String(arg)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'], // firebase-functions warns on stderr when loaded outside Cloud Functions
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function fmt(n, digits = 2) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function table(title, rows, columns) {
  console.log(`\n${title}`);
  console.log(columns.map((c) => c.label.padStart(c.width)).join(' '));
  for (const r of rows) console.log(columns.map((c) => String(c.value(r)).padStart(c.width)).join(' '));
}

const met = (ok) => (ok ? 'MET' : 'NOT MET');

const built = require('./built.js');

async function main() {
  await built.build();
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );

  const engine = [10, 1_000, 10_000, 100_000].map((n) => runCase('engine', n));
  console.log('\nEngine: full evaluation (every rule output, country days per year, warnings) against the straight-line floor');
  console.log('(parse each date, presence bitmap, prefix sums: tools/bench/bench-floor.js), side by side in one process.');
  console.log('ms = median over rounds of the time per call; best = the least disturbed round (the machine is shared).');
  for (const r of engine) {
    console.log(
      `engine, ${fmt(r.size)} segments (${fmt(r.days)} days): ${fmt(r.engineMs, 3)} ms, floor ${fmt(r.floorMs, 3)} ms: ` +
        `ratio ${fmt(r.engineMs / r.floorMs)} (best ${fmt(r.engineBestMs, 3)} / ${fmt(r.floorBestMs, 3)} ms: ${fmt(r.engineBestMs / r.floorBestMs)}); ` +
        `first call ${fmt(r.firstMs, 1)} ms; ${r.warnings} warnings; peak RSS ${fmt(r.peakRssMiB, 0)} MiB`,
    );
  }
  const tenK = engine.find((r) => r.size === 10_000);
  const ratio = tenK.engineMs / tenK.floorMs;
  console.log(
    `target: 10 000 segments within 3x of the floor -> median ${fmt(ratio)} (best ${fmt(tenK.engineBestMs / tenK.floorBestMs)}): ` + `${met(ratio <= 3)}`,
  );

  const ev = runCase('evidence', 20_000);
  table(`Evidence: the recompute's evaluation of ${fmt(ev.size)} segments without and with what each figure rests on (each rule evaluated twice)`, ev.cases, [
    { label: 'history', width: 23, value: (r) => r.history },
    { label: 'rules', width: 6, value: (r) => r.rules },
    { label: 'off ms', width: 8, value: (r) => fmt(r.offMs, 1) },
    { label: 'on ms', width: 8, value: (r) => fmt(r.onMs, 1) },
    { label: 'ratio', width: 6, value: (r) => fmt(r.onMs / r.offMs) },
    { label: 'best off/on ms', width: 15, value: (r) => `${fmt(r.offBestMs, 1)} / ${fmt(r.onBestMs, 1)}` },
  ]);

  const mem = runCase('memory', 100_000);
  console.log(
    `memory: one evaluation of ${fmt(mem.size)} segments (segments built, then evaluated once): RSS ${fmt(mem.rssBeforeMiB, 0)} MiB before, ` +
      `peak ${fmt(mem.peakRssMiB, 0)} MiB (+${fmt(mem.peakRssMiB - Math.max(mem.rssBeforeMiB, mem.peakRssBeforeMiB), 0)} MiB), ${fmt(mem.ms, 0)} ms ` +
      '(segment and profile triggers have 256 MiB)',
  );

  // The daily run in a process whose heap cannot outgrow the function's memory, as an instance's cannot.
  const { memoryMiB, pageSize } = built.load('daily').dailyRunLimits();
  let daily;
  try {
    daily = runCase('daily', pageSize, {}, [`--max-old-space-size=${memoryMiB}`]);
  } catch (e) {
    daily = { error: String(e.message).split('\n')[0] };
  }
  if (daily.error) {
    console.log(`daily run, page of ${pageSize} largest heads: failed under a ${memoryMiB} MiB heap (${daily.error})`);
  } else {
    console.log(`daily run, page of ${pageSize} largest heads: peak ${fmt(daily.peakRssMiB, 0)} MiB of ${memoryMiB} MiB`);
    console.log(
      `  each head ${fmt(daily.headBytes / 1024, 0)} KiB of records (${fmt(daily.segments)} segments); ${daily.users} users evaluated, ` +
        `${daily.failed} failed, ${fmt(daily.ms / 1000, 1)} s`,
    );
  }
  const dailyOk = !daily.error && daily.users === pageSize && daily.peakRssMiB <= (3 * memoryMiB) / 4;
  console.log(`target: peak at most three quarters of the function's memory, every user evaluated: ${met(dailyOk)}`);

  const sd = runCase('sameday', 16_000);
  console.log(`\nSame-date worst case: ${fmt(sd.size)} untimed hops, ids unrelated to the chain, all on one date vs one per date`);
  console.log(
    `same date: ${fmt(sd.sameDateMs, 1)} ms, spread dates: ${fmt(sd.spreadMs, 1)} ms: ratio ${fmt(sd.sameDateMs / sd.spreadMs)} ` +
      `(best ${fmt(sd.sameDateBestMs, 1)} / ${fmt(sd.spreadBestMs, 1)} ms: ${fmt(sd.sameDateBestMs / sd.spreadBestMs)}); ` +
      `warnings ${sd.sameDateWarnings} / ${sd.spreadWarnings}`,
  );
  console.log(`target: same date within 5x of spread dates -> ${fmt(sd.sameDateMs / sd.spreadMs)}: ${met(sd.sameDateMs / sd.spreadMs <= 5)}`);

  const imports = [1_000, 10_000, 100_000].map((n) => runCase('import', n));
  table('Import: generic CSV streamed from disk, every row a valid flight (1950 on, several a day)', imports, [
    { label: 'rows', width: 9, value: (r) => fmt(r.size) },
    { label: 'file MiB', width: 9, value: (r) => fmt(r.fileMiB, 1) },
    { label: 'seconds', width: 8, value: (r) => fmt(r.seconds, 2) },
    { label: 'rows/s', width: 8, value: (r) => fmt(r.size / r.seconds, 0) },
    { label: 'flights', width: 8, value: (r) => fmt(r.flights) },
    { label: 'skipped', width: 8, value: (r) => fmt(r.skipped) },
    { label: 'duplicates', width: 11, value: (r) => fmt(r.duplicates) },
    { label: 'peak RSS MiB', width: 13, value: (r) => fmt(r.peakRssMiB, 0) },
    { label: 'heap after MiB', width: 15, value: (r) => fmt(r.heapAfterMiB, 0) },
  ]);
  for (const r of imports) {
    if (r.skipped || r.duplicates) console.log(`  ${fmt(r.size)} rows: first skipped row: ${r.firstSkipped}`);
  }
  const big = imports.find((r) => r.size === 100_000);
  console.log(
    `target: 100 000 rows < 10 s -> ${fmt(big.seconds, 2)} s, ${fmt(big.skipped)} skipped, peak RSS ${fmt(big.peakRssMiB, 0)} MiB ` +
      `(heap after ${fmt(big.heapAfterMiB, 0)} MiB, the result): ${met(big.seconds < 10 && big.skipped === 0)}`,
  );

  // A deployed instance loads the whole entry point (every function's module); each module alone shows its share.
  const env = { FIREBASE_CONFIG: JSON.stringify({ projectId: 'demo-bench', storageBucket: 'demo-bench.appspot.com' }), GCLOUD_PROJECT: 'demo-bench' };
  const cold = [...built.deployedFunctions(), { name: '(entry point: all functions)', module: 'index' }].map((f) => ({
    ...f,
    ...runCase('coldstart', f.module, env),
  }));
  table('Cold start: module load in a fresh process (what an instance does before its first event)', cold, [
    { label: 'function', width: 29, value: (r) => r.name },
    { label: 'load ms', width: 8, value: (r) => fmt(r.ms, 0) },
    { label: 'RSS MiB', width: 8, value: (r) => fmt(r.rssMiB, 0) },
    { label: 'modules', width: 8, value: (r) => r.modules },
    { label: 'airport-data-js', width: 16, value: (r) => (r.airportData ? 'LOADED' : 'no') },
  ]);
  const loaded = cold.filter((r) => r.airportData).map((r) => r.name);
  console.log(`target: no function loads airport-data-js at module load -> ${loaded.length ? loaded.join(', ') : 'none does'}: ${met(loaded.length === 0)}`);

  for (const [title, entry, fn] of [
    ['Functions: Firestore operations (in-memory repository counts)', 'functions', 'benchFunctions'],
    ['Firestore reads and writes per operation, measured by running the real services against the counting in-memory repository', 'reads', 'benchReads'],
    ['Alerts: documents read per scheduled run', 'alerts', 'benchAlerts'],
  ]) {
    const mod = built.load(entry);
    console.log(`\n${title}`);
    for (const line of await mod[fn]()) console.log(line);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
