/**
 * Region days: the distinct days of presence in a region (the Schengen area, the EU), counting each country's days
 * only on the dates it is a member, and transit days where the connection touches the region.
 */
import { subtractIntervals, type DayInterval, type DaySet } from './intervals';
import type { Presence, TransitStay } from './presence';
import type { ReferenceData } from './referenceData';

/**
 * True when a transit stay counts for `region`: the connection touches the region's inside, i.e. the inbound
 * segment departed from a member (on its departure date) or the onward segment arrives in a member (on its
 * arrival date). Entry and exit checks happen at the first/last airport of the area, so New York -> Frankfurt
 * (transit) -> Prague enters the Schengen area at Frankfurt; New York -> Frankfurt (transit) -> Delhi does not.
 * The transit days themselves count only on dates when the connecting country is a member.
 * @example
 * const reference = loadReferenceData()
 * const viaFrankfurt = (to) => [
 *   { id: 'in', departureCountry: 'US', arrivalCountry: 'DE', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight', transit: true },
 *   { id: 'on', departureCountry: 'DE', arrivalCountry: to, departureDate: '2026-01-02', arrivalDate: '2026-01-02', mode: 'flight' },
 * ]
 * const toPrague = computePresence(viaFrankfurt('CZ'), '2026-01-10', reference).transits[0]
 * transitTouchesRegion(toPrague, 'SCHENGEN', reference) //=> true
 * const toDelhi = computePresence(viaFrankfurt('IN'), '2026-01-10', reference).transits[0]
 * transitTouchesRegion(toDelhi, 'SCHENGEN', reference) //=> false
 */
export function transitTouchesRegion(t: TransitStay, region: string, reference: ReferenceData): boolean {
  return reference.isMember(t.inboundFrom, region, t.inboundDepartureDay) || reference.isMember(t.onwardTo, region, t.onwardArrivalDay);
}

/**
 * Distinct presence days in `region` as a bitmap: every country's presence on the dates it is a member, plus
 * transit days counted per `transitTouchesRegion`. An exit and re-entry on the same date, or a move between two
 * member countries, counts once. `first` and `last` are the first and last day of the set.
 * @example
 * const trip = [
 *   { id: 'a', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-01', mode: 'train' },
 *   { id: 'b', departureCountry: 'FR', arrivalCountry: 'CH', departureDate: '2026-01-05', arrivalDate: '2026-01-05', mode: 'train' },
 *   { id: 'c', departureCountry: 'CH', arrivalCountry: 'GB', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'flight' },
 * ]
 * const reference = loadReferenceData()
 * const set = regionDays(computePresence(trip, '2026-01-31', reference), 'SCHENGEN', reference)
 * fromDayNumber(set.first) //=> '2026-01-01'
 * fromDayNumber(set.last) //=> '2026-01-10'
 * // 5 January, the move from France to Switzerland, counts once: 10 days, not 11
 * set.bits.length //=> 10
 */
export function regionDays(presence: Presence, region: string, reference: ReferenceData, excluded?: ReadonlyMap<string, readonly DayInterval[]>): DaySet {
  // `excluded`: days per country that do not count in that country (a residence permit's cover, {@link permitCover});
  // presence in another member state on the same day still counts.
  const keep = (country: string, days: readonly DayInterval[]) => {
    const x = excluded?.get(country);
    return x?.length ? subtractIntervals(days, x) : days;
  };
  // Bounds that hold every intersection (a clipped interval lies within both lists' extents), then the bits, then
  // the exact first and last day.
  let lo = Infinity;
  let hi = -Infinity;
  const parts: { days: readonly DayInterval[]; member: readonly DayInterval[] }[] = [];
  const consider = (days: readonly DayInterval[], member: readonly DayInterval[]) => {
    if (!member.length || !days.length) return;
    parts.push({ days, member });
    const a = Math.max(days[0]!.start, member[0]!.start);
    const b = Math.min(days[days.length - 1]!.end, member[member.length - 1]!.end);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  };
  for (const [country, days] of presence.byCountry) consider(keep(country, days), reference.membershipIntervals(country, region));
  for (const t of presence.transits) {
    const member = reference.membershipIntervals(t.country, region);
    if (member.length && transitTouchesRegion(t, region, reference)) consider(keep(t.country, [{ start: t.start, end: t.end }]), member);
  }
  if (lo > hi) return { first: 0, last: -1, bits: new Uint8Array(0) };
  const bits = new Uint8Array(hi - lo + 1);
  for (const { days, member } of parts) fillIntersection(bits, lo, days, member);
  let first = 0;
  while (first < bits.length && bits[first] === 0) first++;
  if (first === bits.length) return { first: 0, last: -1, bits: new Uint8Array(0) };
  let last = bits.length - 1;
  while (bits[last] === 0) last--;
  return { first: lo + first, last: lo + last, bits: bits.subarray(first, last + 1) };
}

/**
 * Sets the days of the intersection of two sorted, disjoint interval lists ({@link intersectIntervals},
 * without building it) in `bits`, whose first day is `lo`.
 */
function fillIntersection(bits: Uint8Array, lo: number, days: readonly DayInterval[], member: readonly DayInterval[]): void {
  let i = 0;
  let j = 0;
  while (i < days.length && j < member.length) {
    const x = days[i]!;
    const y = member[j]!;
    const start = x.start > y.start ? x.start : y.start;
    const end = x.end < y.end ? x.end : y.end;
    // Most stays are a few days: a loop is cheaper than a call to fill for those.
    if (end - start < 16) for (let d = start; d <= end; d++) bits[d - lo] = 1;
    else bits.fill(1, start - lo, end - lo + 1);
    if (x.end < y.end) i++;
    else j++;
  }
}

/**
 * The days of a {@link DaySet} as sorted maximal runs (day numbers, inclusive).
 * @example
 * daySetRuns(daySetOf([{ start: 5, end: 5 }, { start: 1, end: 3 }, { start: 4, end: 4 }])) //=> [{ start: 1, end: 5 }]
 */
export function daySetRuns(set: DaySet): DayInterval[] {
  const out: DayInterval[] = [];
  const { bits, first } = set;
  let k = 0;
  while (k < bits.length) {
    if (bits[k] === 0) {
      k++;
      continue;
    }
    const start = k;
    while (k < bits.length && bits[k] === 1) k++;
    out.push({ start: first + start, end: first + k - 1 });
  }
  return out;
}

/**
 * Distinct presence days in `region` as sorted maximal runs (day numbers), as {@link regionDays}.
 * @example
 * const trip = [
 *   { id: 'a', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-01', mode: 'train' },
 *   { id: 'b', departureCountry: 'FR', arrivalCountry: 'CH', departureDate: '2026-01-05', arrivalDate: '2026-01-05', mode: 'train' },
 *   { id: 'c', departureCountry: 'CH', arrivalCountry: 'GB', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'flight' },
 * ]
 * const reference = loadReferenceData()
 * const presence = computePresence(trip, '2026-01-31', reference)
 * // Switzerland is in the Schengen area but not in the EU:
 * regionPresence(presence, 'SCHENGEN', reference) //=> [{ start: toDayNumber('2026-01-01'), end: toDayNumber('2026-01-10') }]
 * regionPresence(presence, 'EU', reference) //=> [{ start: toDayNumber('2026-01-01'), end: toDayNumber('2026-01-05') }]
 */
export function regionPresence(
  presence: Presence,
  region: string,
  reference: ReferenceData,
  excluded?: ReadonlyMap<string, readonly DayInterval[]>,
): DayInterval[] {
  return daySetRuns(regionDays(presence, region, reference, excluded));
}
