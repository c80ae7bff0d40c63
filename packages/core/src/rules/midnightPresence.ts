/**
 * Presence under the `midnight` day-counting convention: a day counts for the country where the traveller is
 * at the end of it. Source: Finance Act 2013 Schedule 45 (the UK statutory residence test) para 22(1) "If P is
 * present in the UK at the end of a day, that day counts as a day spent by P in the UK", and the transit
 * exception of para 22(3): the day does not count when P (a) only arrives in the UK as a passenger on that day,
 * (b) leaves the UK the next day, and (c) between arrival and departure does not engage in activities to a
 * substantial extent unrelated to P's passage through the UK (HMRC RDR3 section 3 and Examples 17-18;
 * RDRM11730). Dates are the local calendar dates of the segments (`YYYY-MM-DD`, local at each place, never
 * converted through a time zone), so "the end of the day" is local midnight at the place.
 *
 * Derivation from the same segments as {@link computePresence}, read in the same order ({@link sortSegments}): after segment i
 * arrives in country C on date a_i, the traveller is in C at the end of every date from a_i up to the day before
 * the next segment departs (d_{i+1} - 1). Edge cases (each tested with the tax-year-presence rule):
 * - Several movements in one day: only the arrival country of the day's last movement has that midnight.
 * - A same-day visit (arrive and leave on date a): no midnight there.
 * - An overnight flight (departs d, arrives d + 1): date d ends in the air and counts for no country.
 * - Eastward over the date line (Auckland 24th 00:30 -> Honolulu 23rd): both countries' local 23rds end with
 *   the traveller there (NZ before the departure, the US after the arrival); each count uses its own calendar.
 * - Transit (`transit: true` on the inbound segment, with an onward segment): the traveller is in the country
 *   (airside) at the midnights from the arrival date up to the day before the onward departure; with
 *   `transitException` (UK: para 22(3)) they do not count when the onward segment departs the day after the
 *   arrival. A transit with the onward flight two or more days later counts every midnight (condition (b) fails);
 *   an onward flight the same day leaves no midnight. The app cannot know condition (c) (the traveller's
 *   activities) nor an overnight landside hotel stay like Example 17's: marking the inbound segment `transit` is
 *   the traveller's statement that the exception applies; an unmarked connection counts.
 * - A transit segment without an onward segment is an ordinary arrival (as in {@link computePresence}).
 * - The last segment: its arrival country from the arrival date through `asOf` when it arrived on or before
 *   `asOf`, else only its arrival date (a planned arrival: its first night).
 * - A gap in the data (the next segment departs from another country): the previous arrival country keeps the
 *   midnights up to the day before that departure, as {@link computePresence} keeps its days; nothing is invented for the
 *   country the next segment departs from (it has no midnight before the first segment either).
 * - Planned stays (`extraStays`, planning): midnights on the entry date up to the day before the exit date; a
 *   stay entered and left on the same date has none.
 * Not modelled: the UK deeming rule (para 23(2)-(5): for someone with 3 or more UK ties, UK resident in one of
 * the 3 previous years, days of presence without the midnight beyond the first 30 count too) and days ignored
 * for exceptional circumstances (para 22(4)-(6), at most 60 a year): the count is then a lower bound.
 *
 * Cost: one pass over the sorted segments; days kept as intervals. `midnightPresenceOfParsed` reads the segments
 * {@link prepareEvaluation} has already validated and parsed, in their {@link readingOrder} (no date parsed twice).
 */
import { toDayNumber, type IsoDate } from '../dates';
import { mergeIntervals, type DayInterval } from '../intervals';
import { parseSegments, readingOrder, type ParsedSegments } from '../parsedSegments';
import { type PlannedStay } from '../presence';
import type { IdentifiedSegment } from '../segment';

/** Options of `midnightPresence`. */
export interface MidnightOptions {
  /** Apply the transit exception (UK: Finance Act 2013 Sch. 45 para 22(3)). Default false. */
  transitException?: boolean;
  /** Hypothetical stays (planning), counted from the entry date to the day before the exit date. */
  extraStays?: readonly PlannedStay[];
}

/**
 * Country (ISO 3166-1 alpha-2) -> the days (day numbers, sorted maximal runs) on which the traveller is there at
 * the end of the day, from segments in any order, as of `asOf` (local `YYYY-MM-DD`). The segments are not
 * validated ({@link parseSegments}); {@link prepareEvaluation} with {@link midnightPresenceOfParsed} is the
 * validating path. Countries with no such day are absent from the map.
 * @throws InvalidDateError when `asOf`, a segment date or a planned date is not a real `YYYY-MM-DD` date.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'day-out', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'day-back', departureCountry: 'FR', arrivalCountry: 'GB', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 * ]
 * const run = (from, to) => ({ start: toDayNumber(from), end: toDayNumber(to) })
 * // 1 January ends in the air; the day in France ends in the United Kingdom, so France has no midnight:
 * midnightPresence(trip, '2026-01-12') //=> new Map([['GB', [run('2026-01-02', '2026-01-12')]]])
 */
export function midnightPresence(segments: readonly IdentifiedSegment[], asOf: IsoDate, options: MidnightOptions = {}): Map<string, DayInterval[]> {
  const E = toDayNumber(asOf, 'asOf');
  const parsed = parseSegments(segments, { validate: false });
  return midnightPresenceOfParsed(parsed, readingOrder(parsed), E, options);
}

/**
 * {@link midnightPresence} on parsed segments ({@link parseSegments}), read in their {@link readingOrder},
 * which is `sortSegments`'s order: the one pass (see the module docstring), without parsing a date again.
 * @throws InvalidDateError for a bad planned stay date (planned stays are validated by the caller).
 * @example
 * const trip = [
 *   { id: 'in', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight', transit: true },
 *   { id: 'on', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-03', arrivalDate: '2026-01-03', mode: 'flight' },
 * ]
 * const parsed = parseSegments(trip, { validate: true })
 * const asOf = toDayNumber('2026-01-05')
 * // A night airside at a UK airport is a UK midnight, unless the transit exception applies:
 * midnightPresenceOfParsed(parsed, readingOrder(parsed), asOf).get('GB') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-02') }]
 * midnightPresenceOfParsed(parsed, readingOrder(parsed), asOf, { transitException: true }).has('GB') //=> false
 */
export function midnightPresenceOfParsed(
  parsed: ParsedSegments,
  order: ArrayLike<number>,
  E: number,
  options: MidnightOptions = {},
): Map<string, DayInterval[]> {
  const { arr, dep, arrC, transit, codes } = parsed;
  const raw = new Map<string, DayInterval[]>();
  const add = (country: string, start: number, end: number) => {
    if (end < start) return;
    let list = raw.get(country);
    if (!list) raw.set(country, (list = []));
    list.push({ start, end });
  };
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const a = arr[i]!;
    const country = codes[arrC[i]!]!;
    if (k + 1 < n) {
      const onward = dep[order[k + 1]!]!;
      if (transit[i] !== 0 && options.transitException && onward === a + 1) continue;
      add(country, a, onward - 1);
    } else add(country, a, a <= E ? E : a);
  }
  (options.extraStays ?? []).forEach((st, k) => {
    const a = toDayNumber(st.entryDate, `extraStays[${k}].entryDate`);
    const b = toDayNumber(st.exitDate, `extraStays[${k}].exitDate`);
    add(st.country, Math.min(a, b), Math.max(a, b) - 1);
  });
  const out = new Map<string, DayInterval[]>();
  for (const [c, list] of raw) out.set(c, mergeIntervals(list));
  return out;
}
