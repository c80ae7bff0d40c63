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
 */
export function transitTouchesRegion(t: TransitStay, region: string, reference: ReferenceData): boolean {
  return reference.isMember(t.inboundFrom, region, t.inboundDepartureDay) || reference.isMember(t.onwardTo, region, t.onwardArrivalDay);
}

/**
 * Distinct presence days in `region` as a bitmap: every country's presence on the dates it is a member, plus
 * transit days counted per `transitTouchesRegion`. An exit and re-entry on the same date, or a move between two
 * member countries, counts once. `first` and `last` are the first and last day of the set.
 */
export function regionDays(presence: Presence, region: string, reference: ReferenceData, excluded?: ReadonlyMap<string, readonly DayInterval[]>): DaySet {
  // `excluded`: days per country that do not count in that country (a residence permit's cover, applicability.ts);
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
 * Sets the days of the intersection of two sorted, disjoint interval lists (intervals.ts `intersectIntervals`,
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

/** The days of a `DaySet` as sorted maximal runs (day numbers, inclusive). */
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
 * Distinct presence days in `region` as sorted maximal runs (day numbers), as `regionDays`.
 */
export function regionPresence(
  presence: Presence,
  region: string,
  reference: ReferenceData,
  excluded?: ReadonlyMap<string, readonly DayInterval[]>,
): DayInterval[] {
  return daySetRuns(regionDays(presence, region, reference, excluded));
}
