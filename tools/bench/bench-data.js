/**
 * Deterministic inputs of `npm run bench` (tools/bench/bench-case.js), all within the travel-date bounds
 * (core/segment.ts MIN_TRAVEL_DATE..MAX_TRAVEL_DATE, 1900-01-01..2199-12-31): a generator that ran past them would
 * measure an error path, not the work.
 */
'use strict';
// rng: deterministic pseudo-random numbers (mulberry32), shared with the functions benchmark, so runs are comparable.
const { addDays, daysBetween, MAX_TRAVEL_DATE, rng } = require('./built.js').load('engine');

const COUNTRIES = ['US', 'FR', 'DE', 'ES', 'IT', 'GB', 'IE', 'CY', 'HR', 'BG', 'RO', 'CH', 'JP', 'TH', 'MC', 'NO'];
const AIRPORTS = ['JFK', 'CDG', 'FRA', 'MAD', 'FCO', 'LHR', 'DUB', 'LCA', 'ZAG', 'SOF', 'OTP', 'ZRH', 'NRT', 'BKK', 'NCE', 'OSL'];

function checkBound(date, what) {
  if (date > MAX_TRAVEL_DATE) throw new Error(`bench generator bug: ${what} reaches ${date}, after ${MAX_TRAVEL_DATE}`);
}

/**
 * A continuous itinerary of `n` segments in chronological order (ids `s0`, `s1`, ...; no local times): from
 * 2000-01-01, 0-6 days apart, one arrival in five on the next day; larger itineraries start on 1900-01-01 with
 * the gaps shrunk so that they end before 2199-12-31. `asOf` is the day after the last arrival.
 */
function itinerary(n, seed = 42) {
  const start = n > 20_000 ? '1900-01-01' : '2000-01-01';
  // Days per segment on average: maxGap / 2, plus 0.2 for next-day arrivals; leave a month of room.
  const room = daysBetween(start, MAX_TRAVEL_DATE) - 30;
  const maxGap = Math.max(0, Math.min(6, Math.floor(2 * (room / n - 0.2))));
  const r = rng(seed);
  const segments = [];
  let date = start;
  let here = 'US';
  for (let i = 0; i < n; i++) {
    let to = COUNTRIES[Math.floor(r() * COUNTRIES.length)];
    if (to === here) to = COUNTRIES[(COUNTRIES.indexOf(to) + 1) % COUNTRIES.length];
    const arrival = r() < 0.2 ? addDays(date, 1) : date;
    segments.push({ id: `s${i}`, departureCountry: here, arrivalCountry: to, departureDate: date, arrivalDate: arrival, mode: 'flight' });
    here = to;
    date = addDays(arrival, Math.floor(r() * (maxGap + 1)));
  }
  checkBound(date, 'itinerary');
  return { segments, asOf: date };
}

/**
 * The same-date worst case of issue 10: a continuous chain of `n` untimed hops between 16 countries, all on
 * 2024-05-01 (`sameDate`) or one per day from 1980-01-01. Ids are a fixed permutation of the chain order (as
 * random document ids are), and the segments come in id order (as a repository lists them), so on one date the
 * `compareSegments` order (by id) is unrelated to the chain and nearly every segment needs the continuity repair.
 */
function hops(n, sameDate, seed = 11) {
  const r = rng(seed);
  const segments = [];
  let here = 'US';
  const width = String(n).length;
  for (let k = 0; k < n; k++) {
    let to = COUNTRIES[Math.floor(r() * COUNTRIES.length)];
    if (to === here) to = COUNTRIES[(COUNTRIES.indexOf(to) + 1) % COUNTRIES.length];
    const date = sameDate ? '2024-05-01' : addDays('1980-01-01', k);
    // 7919 is prime and does not divide n, so k -> 7919 k mod n is a permutation.
    const id = `h${String((k * 7919) % n).padStart(width, '0')}`;
    segments.push({ id, departureCountry: here, arrivalCountry: to, departureDate: date, arrivalDate: date, mode: 'flight' });
    here = to;
  }
  if (n % 7919 === 0) throw new Error('hops: n must not be a multiple of 7919');
  segments.sort((a, b) => (a.id < b.id ? -1 : 1));
  const last = segments.reduce((m, s) => (s.departureDate > m ? s.departureDate : m), '');
  checkBound(last, 'hops');
  return { segments, asOf: addDays(last, 1) };
}

const pad = (x) => String(x).padStart(2, '0');
const hhmm = (minutes) => `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;

/**
 * Lines of a generic CSV (`date,from,to,departure_time,arrival_time,flight_number`, header first) of `n` flights
 * hopping between 16 large airports from 1950-01-01: several a day, each departing 3-7 hours after the previous
 * one on the same date (so no two rows repeat a route at the same time: no duplicates), every row a valid flight.
 * Yields `{ text, date }`.
 */
function* flightRows(n, seed = 7) {
  const r = rng(seed);
  yield { text: 'date,from,to,departure_time,arrival_time,flight_number' };
  let date = '1950-01-01';
  let here = 'JFK';
  let clock = 6 * 60 + Math.floor(r() * 120); // minutes after local midnight
  for (let i = 0; i < n; i++) {
    let to = AIRPORTS[Math.floor(r() * AIRPORTS.length)];
    if (to === here) to = AIRPORTS[(AIRPORTS.indexOf(to) + 1) % AIRPORTS.length];
    const arrival = clock + 60 + Math.floor(r() * 600); // local arrival clock; the import places its date
    yield { text: `${date},${here},${to},${hhmm(clock)},${hhmm(arrival)},XX${100 + (i % 900)}`, date };
    here = to;
    clock += 180 + Math.floor(r() * 240);
    if (clock > 21 * 60) {
      date = addDays(date, 1 + Math.floor(r() * 2));
      clock = 6 * 60 + Math.floor(r() * 120);
    }
  }
  checkBound(date, 'flightRows');
}

module.exports = { itinerary, hops, flightRows, COUNTRIES, AIRPORTS };
