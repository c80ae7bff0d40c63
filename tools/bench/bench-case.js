#!/usr/bin/env node
/**
 * One benchmark measurement in a fresh process (so that its peak RSS is its own); prints one JSON line.
 * Usage: bench-case.js engine|memory|sameday|import|daily|evidence N, or bench-case.js coldstart MODULE (a deployed module under
 * functions/src without `.ts`, e.g. `triggers/onSegmentWritten`, or `index` for the whole entry point), after
 * tools/bench/built.js `build()` (done by bench.js).
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const built = require('./built.js');

function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times `fns` side by side: `batches` rounds, each running every function `perBatch` times in a row (the order
 * alternating between rounds, so that both see the same machine). Per function: the median and the best (least
 * disturbed: the machine is shared) of the rounds' time per call, in ms.
 */
function sideBySide(fns, batches, perBatch) {
  const names = Object.keys(fns);
  const wall = Object.fromEntries(names.map((k) => [k, []]));
  for (let b = 0; b < batches; b++) {
    for (const k of b % 2 ? [...names].reverse() : names) {
      const t = performance.now();
      for (let r = 0; r < perBatch; r++) fns[k]();
      wall[k].push((performance.now() - t) / perBatch);
    }
  }
  return Object.fromEntries(names.map((k) => [k, { ms: median(wall[k]), bestMs: Math.min(...wall[k]) }]));
}

/** Runs per round so that a round takes about `targetMs`, from one timed call. */
function runsFor(fn, targetMs) {
  const t = performance.now();
  fn();
  return Math.max(1, Math.round(targetMs / Math.max(performance.now() - t, 0.001)));
}

function rules() {
  const { loadReferenceData } = built.load('engine');
  const ref = loadReferenceData();
  const rule = ref.rules[0];
  const members = new Set([...ref.countries.keys()].filter((c) => ref.membershipIntervals(c, rule.region).length > 0));
  return { rule, members };
}

async function engine(n) {
  const { evaluateTravel, daysBetween } = built.load('engine');
  const { itinerary } = require('./bench-data.js');
  const { floorEvaluation } = require('./bench-floor.js');
  const { segments, asOf } = itinerary(n);
  const { rule, members } = rules();
  let t = performance.now();
  const result = evaluateTravel(segments, { asOf });
  const firstMs = performance.now() - t;
  const fns = {
    engine: () => evaluateTravel(segments, { asOf }),
    floor: () => floorEvaluation(segments, asOf, members, rule.params.maxDays, rule.params.periodDays),
  };
  for (let w = 0; w < 5; w++) for (const f of Object.values(fns)) f(); // JIT warm-up
  const perBatch = runsFor(fns.engine, 40);
  const r = sideBySide(fns, n >= 100_000 ? 12 : 30, perBatch);
  return {
    size: n,
    days: daysBetween(segments[0].departureDate, asOf),
    first: segments[0].departureDate,
    asOf,
    firstMs,
    engineMs: r.engine.ms,
    floorMs: r.floor.ms,
    engineBestMs: r.engine.bestMs,
    floorBestMs: r.floor.bestMs,
    warnings: result.warnings.length,
    peakRssMiB: peakRssMiB(),
  };
}

/**
 * Memory of one evaluation, as a function instance does it: the segments are built (they stand for the documents
 * read), garbage is collected, then one evaluation runs. Reports the RSS before it and the peak RSS.
 */
async function engineMemory(n) {
  const { evaluateTravel } = built.load('engine');
  const { itinerary } = require('./bench-data.js');
  const { segments, asOf } = itinerary(n);
  global.gc?.();
  const before = process.memoryUsage();
  const peakBefore = peakRssMiB();
  const t = performance.now();
  const result = evaluateTravel(segments, { asOf });
  const ms = performance.now() - t;
  return {
    size: n,
    ms,
    rssBeforeMiB: before.rss / 1048576,
    heapBeforeMiB: before.heapUsed / 1048576,
    peakRssBeforeMiB: peakBefore,
    peakRssMiB: peakRssMiB(),
    countries: Object.keys(result.countryDays).length,
  };
}

async function sameDay(n) {
  const { evaluateTravel } = built.load('engine');
  const { hops } = require('./bench-data.js');
  const one = hops(n, true);
  const spread = hops(n, false);
  const a = evaluateTravel(one.segments, { asOf: one.asOf });
  const b = evaluateTravel(spread.segments, { asOf: spread.asOf });
  const fns = {
    sameDate: () => evaluateTravel(one.segments, { asOf: one.asOf }),
    spread: () => evaluateTravel(spread.segments, { asOf: spread.asOf }),
  };
  const perBatch = runsFor(fns.sameDate, 100);
  const r = sideBySide(fns, 10, perBatch);
  return {
    size: n,
    sameDateMs: r.sameDate.ms,
    spreadMs: r.spread.ms,
    sameDateBestMs: r.sameDate.bestMs,
    spreadBestMs: r.spread.bestMs,
    sameDateWarnings: a.warnings.length,
    spreadWarnings: b.warnings.length,
    peakRssMiB: peakRssMiB(),
  };
}

async function importRows(n) {
  const { importFile } = built.load('engine');
  const { flightRows } = require('./bench-data.js');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-bench-')), `generic-${n}.csv`);
  const out = fs.createWriteStream(file);
  let lastDate;
  for (const line of flightRows(n)) {
    if (!out.write(`${line.text}\n`)) await new Promise((res) => out.once('drain', res));
    lastDate = line.date ?? lastDate;
  }
  await new Promise((res) => out.end(res));
  const fileMiB = fs.statSync(file).size / 1048576;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss / 1048576;
  const t = performance.now();
  const result = await importFile(file, { importDate: '2026-11-23' });
  const seconds = (performance.now() - t) / 1000;
  global.gc?.();
  const heapAfterMiB = process.memoryUsage().heapUsed / 1048576;
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const skipped = result.skipped.filter((s) => !s.duplicate);
  const duplicates = result.skipped.length - skipped.length;
  return {
    size: n,
    lastDate,
    fileMiB,
    seconds,
    rows: result.rows,
    flights: result.flights,
    skipped: skipped.length,
    duplicates,
    firstSkipped: skipped[0]?.reason ?? result.skipped[0]?.reason ?? null,
    rssBeforeMiB: rssBefore,
    peakRssMiB: peakRssMiB(),
    heapAfterMiB,
  };
}

/**
 * Loads one deployed function's module, bundled as for a deploy (what a cold start does before the first event), and
 * reports the cost.
 */
async function coldStart(module) {
  const t = performance.now();
  const exported = require(path.join(built.COLD_DIR, `${module}.js`));
  const ms = performance.now() - t;
  const loaded = Object.keys(require.cache);
  return {
    module,
    exports: Object.keys(exported),
    ms,
    rssMiB: process.memoryUsage().rss / 1048576,
    modules: loaded.length,
    airportData: loaded.some((k) => k.includes(`${path.sep}airport-data-js${path.sep}`)),
  };
}

/**
 * The recompute's evaluation (services/recompute/evaluate.ts `evaluateTracked`: presence prepared once, the days per
 * country, every tracked rule) without and with the evidence (`EvaluateOptions.evidence`: each rule evaluated with
 * and without the assumed days), side by side, on `n` segments: a continuous itinerary (only the open end after the
 * last record is assumed) and the same with every 10th segment departing from another country (a gap each time),
 * for the default rule and for every rule of the seed.
 */
async function evidence(n) {
  const { prepareEvaluation, evaluatePrepared, evaluateDefinitions, trackedDefinitions, loadReferenceData } = built.load('engine');
  const { itinerary } = require('./bench-data.js');
  const reference = loadReferenceData();
  const { segments, asOf } = itinerary(n);
  const gappy = segments.map((s, i) => (i % 10 === 5 ? { ...s, departureCountry: s.departureCountry === 'JP' ? 'TH' : 'JP' } : s));
  const evaluate = (segs, tracked, on) => {
    const prepared = prepareEvaluation(segs, { asOf, nationalities: ['US'], residencePermits: [], reference, rules: [], evidence: on });
    evaluatePrepared(prepared);
    return evaluateDefinitions(prepared, trackedDefinitions(reference, tracked).definitions);
  };
  const out = [];
  for (const [history, segs] of [
    ['continuous', segments],
    ['gap every 10th segment', gappy],
  ]) {
    for (const tracked of [null, reference.definitions.map((d) => d.id)]) {
      const fns = { off: () => evaluate(segs, tracked, false), on: () => evaluate(segs, tracked, true) };
      for (let w = 0; w < 3; w++) for (const f of Object.values(fns)) f(); // JIT warm-up
      const r = sideBySide(fns, 10, runsFor(fns.on, 40));
      out.push({ history, rules: tracked ? tracked.length : 1, offMs: r.off.ms, onMs: r.on.ms, offBestMs: r.off.bestMs, onBestMs: r.on.bestMs });
    }
  }
  return { size: n, cases: out, peakRssMiB: peakRssMiB() };
}

/** The daily run over one page of `page` users with the largest allowed heads (tools/bench/dailyMemory.ts). */
async function daily(page) {
  return built.load('daily').dailyMemory(page);
}

const [kind, arg] = process.argv.slice(2);
const cases = { engine, memory: engineMemory, sameday: sameDay, import: importRows, coldstart: coldStart, daily, evidence };
const run = cases[kind];
if (!run) {
  console.error('usage: bench-case.js engine|memory|sameday|import|daily|evidence N | coldstart MODULE');
  process.exit(2);
}
run(kind === 'coldstart' ? arg : Number(arg)).then((r) => console.log(JSON.stringify(r)));
