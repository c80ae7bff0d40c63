/**
 * The order segments are read in: `sortSegments` (by date and time, then repaired for continuity where that order
 * is only a guess: {@link continuityOrder}), its comparator, and the near-linear stable sort both the raw and
 * the parsed paths ({@link readingOrder}) use.
 */
import { fromDayNumber, parseDayNumber } from './dates';
import { continuityOrder, type OrderView } from './order';
import type { IdentifiedSegment } from './segment';

/** Sort key of a segment without a departure time: after every `HH:MM` of the same date. */
export const NO_TIME = '99:99';

/**
 * The order segments are read in. First by `compareSegments`: `departureDate`, then `departureTime` (a segment
 * without a time after those with one on the same date: a timed departure is known to be at that time, an
 * untimed one could be any time, and putting it last keeps timed same-day connections in their true order),
 * then `arrivalDate` (a same-day hop before an overnight flight), then `id` (so the order, and therefore every
 * result, never depends on the input order).
 *
 * Then a repair for continuity, because that order is only a guess where it compares things that are not
 * comparable: local times in different time zones, untimed same-day hops (ordered by id), a flight eastward
 * over the date line that lands on the local day before it left (Auckland 24th -> Honolulu 23rd, then
 * Honolulu 23rd -> Los Angeles). Segments are taken one by one; when the next segment `h` does not depart from
 * where the previous one arrived, the "candidates" are the other segments departing on `h`'s date, plus
 * date-line flights departing the next day that land on or before it:
 * - if a chain of candidates leads from where the previous segment arrived to where `h` departs, its first
 *   segment is taken instead (the shortest chain; the first in `compareSegments` order on ties);
 * - at the very start (no previous segment), if some candidate lands where `h` departs, the first candidate
 *   that nothing lands before (a chain head: no other segment of those dates lands in its departure country)
 *   is taken instead; a same-day round trip US -> FR, FR -> US has no head and keeps its order.
 * Data whose order is already continuous is never reordered, and a gap no chain of same-date segments bridges
 * (a missing segment) is left as it is and warned about. Deterministic. Returns a new array.
 *
 * Cost: O(n log n) for the sort (O(n) when the input is already in order), plus the repairs ({@link continuityOrder}): O(1) for
 * an out-of-order same-day hop, at most the number of distinct country pairs of that date otherwise; so
 * thousands of segments on one date cost about what they cost on distinct dates.
 * @example
 * const trip = [
 *   { id: 'home', departureCountry: 'IT', arrivalCountry: 'GB', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 *   { id: 'hop-1', departureCountry: 'FR', arrivalCountry: 'IT', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'hop-2', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 * ]
 * // By date, then id, hop-1 would come first; but the traveller must reach France before leaving it:
 * sortSegments(trip).map((s) => s.id) //=> ['hop-2', 'hop-1', 'home']
 */
export function sortSegments<S extends IdentifiedSegment>(segments: readonly S[]): S[] {
  const base = sortedPositions(segments.length, (a, b) => compareSegments(segments[a]!, segments[b]!));
  const order = continuityOrder(base, rawView(segments));
  const out = new Array<S>(order.length);
  for (let k = 0; k < order.length; k++) out[k] = segments[order[k]!]!;
  return out;
}

/**
 * Positions `0..n-1` sorted by `cmp` (stable). Input that is already in order, or nearly (a few same-date segments
 * out of order), is put in order by insertion, in O(n) plus the moves; once that has moved more than n positions,
 * by a full sort (so the worst case stays O(n log n)). `key`, when given, is a first sort key consistent with
 * `cmp` (a smaller key sorts first): neighbours with increasing keys are in order without calling `cmp`.
 * @example
 * const days = [30, 10, 20, 10]
 * // The two 10s keep their input order (positions 1, then 3):
 * Array.from(sortedPositions(days.length, (a, b) => days[a] - days[b])) //=> [1, 3, 2, 0]
 */
export function sortedPositions(n: number, cmp: (a: number, b: number) => number, key?: ArrayLike<number>): Int32Array {
  const base = new Int32Array(n);
  for (let k = 0; k < n; k++) base[k] = k;
  let budget = n;
  for (let k = 1; k < n; k++) {
    const x = base[k]!;
    if (key && key[base[k - 1]!]! < key[x]!) continue;
    if (cmp(base[k - 1]!, x) <= 0) continue;
    // Only strictly greater positions move past x, so equal ones keep their input order (stable), also for the
    // full sort below (typed-array sort is stable).
    let j = k - 1;
    while (j >= 0 && cmp(base[j]!, x) > 0) {
      base[j + 1] = base[j]!;
      j--;
      budget--;
    }
    base[j + 1] = x;
    if (budget < 0) return base.sort(cmp);
  }
  return base;
}

/**
 * The order view of segments whose dates may be invalid (the exported `sortSegments` runs on raw strings; an
 * invalid date compares as itself): day numbers when every date is valid, else ranks of the distinct strings.
 */
function rawView(segments: readonly IdentifiedSegment[]): OrderView {
  const n = segments.length;
  const countryIds = new Map<string, number>();
  const id = (c: string) => {
    let k = countryIds.get(c);
    if (k === undefined) countryIds.set(c, (k = countryIds.size));
    return k;
  };
  const dep = new Float64Array(n);
  const arr = new Float64Array(n);
  const depC = new Int32Array(n);
  const arrC = new Int32Array(n);
  let valid = true;
  for (let k = 0; k < n; k++) {
    const s = segments[k]!;
    dep[k] = parseDayNumber(s.departureDate);
    arr[k] = parseDayNumber(s.arrivalDate);
    if (Number.isNaN(dep[k]) || Number.isNaN(arr[k])) valid = false;
    depC[k] = id(s.departureCountry);
    arrC[k] = id(s.arrivalCountry);
  }
  if (valid) return { dep, arr, depC, arrC, countries: countryIds.size, lastKey: (d) => d + 1 };
  const strings = [...new Set(segments.flatMap((s) => [s.departureDate, s.arrivalDate]))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(strings.map((x, r) => [x, r]));
  for (let k = 0; k < n; k++) {
    dep[k] = rank.get(segments[k]!.departureDate)!;
    arr[k] = rank.get(segments[k]!.arrivalDate)!;
  }
  const last = strings.map((x) => {
    // Largest rank whose string is <= the day after x (x itself when x is not a date).
    const bound = addDaysFast(x, 1);
    let lo = 0;
    let hi = strings.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (strings[mid]! <= bound) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  });
  return { dep, arr, depC, arrC, countries: countryIds.size, lastKey: (r) => last[r]! };
}

/** `YYYY-MM-DD` one day after `date` (the sort runs on raw strings; an invalid date compares as itself). */
function addDaysFast(date: string, days: number): string {
  const d = parseDayNumber(date);
  return Number.isNaN(d) ? date : fromDayNumber(d + days);
}

/**
 * Comparator of {@link sortSegments} (string comparisons only: `YYYY-MM-DD` and `HH:MM` order lexically).
 * @example
 * const untimed = { id: 'b', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' }
 * const timed = { ...untimed, id: 'c', departureTime: '18:00' }
 * // A departure at a known time comes before one at an unknown time of the same date:
 * compareSegments(timed, untimed) //=> -1
 * compareSegments(untimed, { ...untimed, departureDate: '2026-01-09' }) //=> 1
 */
export function compareSegments(a: IdentifiedSegment, b: IdentifiedSegment): number {
  if (a.departureDate !== b.departureDate) return a.departureDate < b.departureDate ? -1 : 1;
  const ta = a.departureTime ?? NO_TIME;
  const tb = b.departureTime ?? NO_TIME;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.arrivalDate !== b.arrivalDate) return a.arrivalDate < b.arrivalDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
