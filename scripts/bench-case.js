#!/usr/bin/env node
/** One benchmark measurement in a fresh process; prints one JSON line. Usage: bench-case.js engine|import N */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const lib = path.join(__dirname, '..', 'functions', 'lib');
const { addDays, daysBetween } = require(path.join(lib, 'core', 'dates.js'));

// Deterministic pseudo-random numbers (mulberry32), shared with the functions benchmark, so runs are comparable.
const { rng } = require(path.join(lib, 'bench', 'flights.js'));

const COUNTRIES = ['US', 'FR', 'DE', 'ES', 'IT', 'GB', 'IE', 'CY', 'HR', 'BG', 'RO', 'CH', 'JP', 'TH', 'MC', 'NO'];
const AIRPORTS = ['JFK', 'CDG', 'FRA', 'MAD', 'FCO', 'LHR', 'DUB', 'LCA', 'ZAG', 'SOF', 'OTP', 'ZRH', 'NRT', 'BKK', 'NCE', 'OSL'];

/** A chronological itinerary of `n` segments starting 2000-01-01, 0-6 days apart, ending before `asOf`. */
function itinerary(n, seed = 42) {
  const r = rng(seed);
  const segments = [];
  let date = '2000-01-01';
  let here = 'US';
  for (let i = 0; i < n; i++) {
    let to = COUNTRIES[Math.floor(r() * COUNTRIES.length)];
    if (to === here) to = COUNTRIES[(COUNTRIES.indexOf(to) + 1) % COUNTRIES.length];
    const arrival = r() < 0.2 ? addDays(date, 1) : date;
    segments.push({ id: `s${i}`, departureCountry: here, arrivalCountry: to, departureDate: date, arrivalDate: arrival, mode: 'flight' });
    here = to;
    date = addDays(arrival, Math.floor(r() * 7));
  }
  return { segments, asOf: date };
}

function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

async function engine(n) {
  const { evaluateTravel } = require(path.join(lib, 'core', 'evaluate.js'));
  const { segments, asOf } = itinerary(n);
  let t = performance.now();
  evaluateTravel(segments, { asOf });
  const firstMs = performance.now() - t;
  const runs = n >= 100_000 ? 11 : n >= 10_000 ? 201 : 501;
  const times = [];
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    evaluateTravel(segments, { asOf });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return {
    size: n,
    runs,
    days: daysBetween(segments[0].departureDate, asOf),
    firstMs,
    medianMs: times[Math.floor(runs / 2)],
    p90Ms: times[Math.floor(runs * 0.9)],
    peakRssMiB: peakRssMiB(),
  };
}

async function importRows(n) {
  const { importFile } = require(path.join(lib, 'core', 'import', 'index.js'));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-bench-')), `generic-${n}.csv`);
  const r = rng(7);
  const out = fs.createWriteStream(file);
  out.write('date,from,to,departure_time,arrival_time,flight_number\n');
  let date = '1990-01-01';
  let here = 'JFK';
  for (let i = 0; i < n; i++) {
    let to = AIRPORTS[Math.floor(r() * AIRPORTS.length)];
    if (to === here) to = AIRPORTS[(AIRPORTS.indexOf(to) + 1) % AIRPORTS.length];
    const dep = `${String(6 + Math.floor(r() * 12)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}`;
    const arr = `${String(Math.floor(r() * 24)).padStart(2, '0')}:${String(Math.floor(r() * 60)).padStart(2, '0')}`;
    if (!out.write(`${date},${here},${to},${dep},${arr},XX${100 + (i % 900)}\n`)) await new Promise((res) => out.once('drain', res));
    here = to;
    date = addDays(date, 1 + Math.floor(r() * 2));
  }
  await new Promise((res) => out.end(res));
  const fileMiB = fs.statSync(file).size / 1048576;
  global.gc?.();
  const t = performance.now();
  const result = await importFile(file, { importDate: '2026-11-23' });
  const seconds = (performance.now() - t) / 1000;
  global.gc?.();
  const heapAfterMiB = process.memoryUsage().heapUsed / 1048576;
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return { size: n, fileMiB, seconds, flights: result.flights, skipped: result.skipped.length, peakRssMiB: peakRssMiB(), heapAfterMiB };
}

const [kind, size] = process.argv.slice(2);
const run = kind === 'engine' ? engine : kind === 'import' ? importRows : null;
if (!run) {
  console.error('usage: bench-case.js engine|import N');
  process.exit(2);
}
run(Number(size)).then((r) => console.log(JSON.stringify(r)));
