#!/usr/bin/env node
/**
 * `npm run bench`: throughput and peak memory of the day-counting engine and the import pipeline at growing sizes,
 * then the functions' Firestore operation counts and the alert run's reads (through the in-memory repository).
 *
 * Each measurement runs in a fresh child process (scripts/bench-case.js) so that its peak RSS is its own.
 * Needs the compiled functions (`npm run build`, done by `npm install`).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

function runCase(kind, size) {
  const out = execFileSync(process.execPath, ['--expose-gc', path.join(__dirname, 'bench-case.js'), kind, String(size)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
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

async function main() {
  console.log(`node ${process.version}, ${require('node:os').cpus().length} cores`);

  const engine = [10, 1_000, 10_000, 100_000].map((n) => runCase('engine', n));
  table('Engine: full evaluation (country days + every rule output) per user', engine, [
    { label: 'segments', width: 10, value: (r) => fmt(r.size) },
    { label: 'days span', width: 10, value: (r) => fmt(r.days) },
    { label: 'first ms', width: 10, value: (r) => fmt(r.firstMs) },
    { label: 'runs', width: 6, value: (r) => r.runs },
    { label: 'median ms', width: 10, value: (r) => fmt(r.medianMs, 3) },
    { label: 'p90 ms', width: 10, value: (r) => fmt(r.p90Ms, 3) },
    { label: 'evals/s', width: 10, value: (r) => fmt(1000 / r.medianMs, 0) },
    { label: 'peak RSS MiB', width: 13, value: (r) => fmt(r.peakRssMiB, 1) },
  ]);
  const tenK = engine.find((r) => r.size === 10_000);
  console.log(
    `target: 10 000 segments < 5 ms -> median ${fmt(tenK.medianMs, 3)} ms, p90 ${fmt(tenK.p90Ms, 3)} ms: ${tenK.medianMs < 5 ? 'MET' : 'NOT MET'} (first call ${fmt(tenK.firstMs, 1)} ms includes loading the seed and JIT warm-up)`,
  );

  const imports = [1_000, 10_000, 100_000].map((n) => runCase('import', n));
  table('Import: generic CSV file streamed from disk', imports, [
    { label: 'rows', width: 10, value: (r) => fmt(r.size) },
    { label: 'file MiB', width: 10, value: (r) => fmt(r.fileMiB, 1) },
    { label: 'seconds', width: 10, value: (r) => fmt(r.seconds, 3) },
    { label: 'rows/s', width: 10, value: (r) => fmt(r.size / r.seconds, 0) },
    { label: 'flights', width: 10, value: (r) => fmt(r.flights) },
    { label: 'peak RSS MiB', width: 13, value: (r) => fmt(r.peakRssMiB, 1) },
    { label: 'heap after MiB', width: 15, value: (r) => fmt(r.heapAfterMiB, 1) },
  ]);
  const big = imports.find((r) => r.size === 100_000);
  console.log(`target: 100 000 rows < 10 s -> ${fmt(big.seconds, 2)} s: ${big.seconds < 10 ? 'MET' : 'NOT MET'}`);

  for (const [title, modulePath, fn] of [
    ['Functions: Firestore operations (in-memory repository counts)', '../functions/lib/bench/functions.js', 'benchFunctions'],
    ['Firestore reads and writes per operation, measured by running the real services against the counting in-memory repository', '../functions/lib/bench/reads.js', 'benchReads'],
    ['Alerts: documents read per scheduled run', '../functions/lib/bench/alerts.js', 'benchAlerts'],
  ]) {
    let mod;
    try {
      mod = require(modulePath);
    } catch {
      console.log(`\n${title}: not available (${modulePath} not built)`);
      continue;
    }
    console.log(`\n${title}`);
    for (const line of await mod[fn]()) console.log(line);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
