/**
 * The straight-line floor `npm run bench` compares the engine with (issue 10): the least work any evaluation of
 * the same segments must do, written as one plain loop with no validation, no ordering, no warnings and no
 * object per stay. Benchmark only; never deployed, never used for a result.
 *
 * 1. parse each date once (`YYYY-MM-DD` -> day number, digits only, no checks);
 * 2. per stay, add its days to the arrival country's total and fill a presence bitmap over the whole span for the
 *    stays in a member of the rule's region;
 * 3. prefix sums over the bitmap, then the days used in the period ending on `asOf` and the first day whose
 *    period holds more than `maxDays` days.
 *
 * Segments must be in reading order and continuous (the bench's itineraries are).
 */
'use strict';

/** Day number (days since 1970-01-01) of a valid `YYYY-MM-DD` (days_from_civil, no validation). */
function day(s) {
  const y = (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + (s.charCodeAt(3) - 48);
  const m = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const d = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  const yy = m <= 2 ? y - 1 : y;
  const era = (yy / 400) | 0;
  const yoe = yy - era * 400;
  const doy = (((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) | 0) + d - 1;
  return era * 146097 + yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy - 719468;
}

/**
 * @param segments continuous itinerary in reading order ({departureDate, arrivalDate, arrivalCountry})
 * @param asOf `YYYY-MM-DD`
 * @param members Set of the region's member codes (membership dates ignored: a floor)
 * @param maxDays, periodDays the rule (90/180)
 * @returns totals per country, days used at asOf, first violation day (or -1)
 */
function floorEvaluation(segments, asOf, members, maxDays = 90, periodDays = 180) {
  const n = segments.length;
  const dep = new Int32Array(n);
  const arr = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    dep[i] = day(segments[i].departureDate);
    arr[i] = day(segments[i].arrivalDate);
  }
  const E = day(asOf);
  const lo = Math.min(dep[0], arr[0], E) - periodDays;
  const hi = Math.max(E, arr[n - 1]) + periodDays;
  const len = hi - lo + 1;
  const bitmap = new Uint8Array(len);
  const index = new Map();
  const totals = [];
  for (let i = 0; i < n; i++) {
    const country = segments[i].arrivalCountry;
    const start = arr[i];
    const end = i + 1 < n ? Math.max(start, dep[i + 1]) : Math.max(start, E);
    let c = index.get(country);
    if (c === undefined) {
      c = totals.length;
      index.set(country, c);
      totals.push(0);
    }
    totals[c] += end - start + 1;
    if (members.has(country)) bitmap.fill(1, start - lo, end - lo + 1);
  }
  const pre = new Int32Array(len + 1);
  for (let k = 0; k < len; k++) pre[k + 1] = pre[k] + bitmap[k];
  const daysUsed = pre[E - lo + 1] - pre[E - periodDays + 1 - lo];
  let firstViolation = -1;
  for (let d = lo + periodDays; d <= hi; d++) {
    if (bitmap[d - lo] === 1 && pre[d - lo + 1] - pre[d - periodDays + 1 - lo] > maxDays) {
      firstViolation = d;
      break;
    }
  }
  return { totals, daysUsed, firstViolation };
}

module.exports = { floorEvaluation };
