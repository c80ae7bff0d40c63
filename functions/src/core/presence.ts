/**
 * Presence: on which local calendar dates the traveller was (or, after `asOf`, plans to be) in which country,
 * derived from travel segments.
 *
 * Counting rule (Regulation (EU) 2016/399, Schengen Borders Code, Art. 6(2): "the date of entry shall be
 * considered as the first day of stay ... and the date of exit ... as the last day of stay"): a traveller is in
 * a segment's `arrivalCountry` from its `arrivalDate` through the next segment's `departureDate`, both days
 * included, so a day with an exit and an entry counts in both countries. Dates are local at the place.
 */
import { fromDayNumber, type IsoDate } from './dates';
import { dayNumber, parseDayNumber } from './dayNumbers';
import { intersectIntervals, mergeIntervals, subtractIntervals, type DayInterval } from './intervals';
import type { ReferenceData } from './referenceData';
import type { IdentifiedSegment } from './segment';

/** A hypothetical stay (planning): presence in `country` on every local date from `entryDate` through `exitDate`. */
export interface PlannedStay {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Inclusive local date of entry, `YYYY-MM-DD`. */
  entryDate: string;
  /** Inclusive local date of exit, `YYYY-MM-DD`. */
  exitDate: string;
}

/**
 * Days spent airside at a connecting airport (`transit: true` on the inbound segment): no presence in
 * `country`, but they may count for a region (see `regionPresence`). Days are day numbers, inclusive.
 */
export interface TransitStay {
  /** Id of the inbound (transit) segment. */
  segmentId: string;
  /** Id of the onward segment. */
  onwardSegmentId: string;
  /** Country of the connecting airport. */
  country: string;
  /** Arrival day of the inbound segment. */
  start: number;
  /** Departure day of the onward segment (>= start). */
  end: number;
  /** Departure country and day of the inbound segment. */
  inboundFrom: string;
  inboundDepartureDay: number;
  /** Arrival country and day of the onward segment. */
  onwardTo: string;
  onwardArrivalDay: number;
}

/** Output of `computePresence`. */
export interface Presence {
  /** Evaluation date as a day number; days after it are planned presence. */
  asOf: number;
  /** ISO alpha-2 -> sorted maximal runs of presence days (day numbers, inclusive). Recorded and planned. */
  byCountry: ReadonlyMap<string, readonly DayInterval[]>;
  transits: readonly TransitStay[];
  /** Problems in the data, each naming the segment(s) by id and date. Presence is never silently repaired. */
  warnings: string[];
}

const NO_TIME = '99:99'; // sorts after every HH:MM

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
 */
export function sortSegments<S extends IdentifiedSegment>(segments: readonly S[]): S[] {
  const base = [...segments].sort(compareSegments);
  const n = base.length;
  const out: S[] = [];
  const taken = new Uint8Array(n);
  let i = 0;
  let cur: string | undefined;
  while (out.length < n) {
    while (taken[i]) i++;
    const h = base[i]!;
    let pick = i;
    if (h.departureCountry !== cur) {
      const hDep = h.departureDate;
      const lastDate = addDaysFast(hDep, 1);
      const cands: number[] = [];
      let k = i + 1;
      for (; k < n && base[k]!.departureDate <= lastDate; k++) {
        const x = base[k]!;
        if (!taken[k] && (x.departureDate === hDep || x.arrivalDate <= hDep)) cands.push(k);
      }
      const lands = (country: string, except: number) => {
        for (let q = i; q < k; q++) if (q !== except && !taken[q] && base[q]!.arrivalCountry === country) return true;
        return false;
      };
      if (cur !== undefined) pick = firstStepOfChain(base, cands, cur, h.departureCountry) ?? i;
      else if (lands(h.departureCountry, i)) pick = cands.find((j) => !lands(base[j]!.departureCountry, j)) ?? i;
    }
    taken[pick] = 1;
    const s = base[pick]!;
    out.push(s);
    cur = s.arrivalCountry;
  }
  return out;
}

/**
 * Breadth-first search over the segments `cands` (indices into `base`, in order) as edges between countries:
 * the index of the first segment of the shortest chain from `from` to `to`, or undefined when there is none.
 */
function firstStepOfChain(base: readonly IdentifiedSegment[], cands: readonly number[], from: string, to: string): number | undefined {
  const firstStep = new Map<string, number>();
  let frontier = [from];
  const seen = new Set([from]);
  while (frontier.length) {
    const next: string[] = [];
    for (const country of frontier) {
      for (const j of cands) {
        const x = base[j]!;
        if (x.departureCountry !== country || seen.has(x.arrivalCountry)) continue;
        const step = country === from ? j : firstStep.get(country)!;
        if (x.arrivalCountry === to) return step;
        seen.add(x.arrivalCountry);
        firstStep.set(x.arrivalCountry, step);
        next.push(x.arrivalCountry);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** `YYYY-MM-DD` one day after `date` (the sort runs on raw strings; an invalid date compares as itself). */
function addDaysFast(date: string, days: number): string {
  const d = parseDayNumber(date);
  return Number.isNaN(d) ? date : fromDayNumber(d + days);
}

/** Comparator of `sortSegments` (string comparisons only: `YYYY-MM-DD` and `HH:MM` order lexically). */
export function compareSegments(a: IdentifiedSegment, b: IdentifiedSegment): number {
  if (a.departureDate !== b.departureDate) return a.departureDate < b.departureDate ? -1 : 1;
  const ta = a.departureTime ?? NO_TIME;
  const tb = b.departureTime ?? NO_TIME;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.arrivalDate !== b.arrivalDate) return a.arrivalDate < b.arrivalDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function describe(s: IdentifiedSegment): string {
  return `segment "${s.id}" (${s.departureCountry} ${s.departureDate} -> ${s.arrivalCountry} ${s.arrivalDate})`;
}

/**
 * Computes presence from segments (any order) as of `asOf`.
 *
 * - Segments are ordered by `sortSegments`.
 * - The departure date of every segment counts in its `departureCountry` (for the first segment that is all
 *   that is known about that country); it is skipped only when the previous segment was a transit into that
 *   same country (the traveller stayed airside).
 * - A non-transit segment gives presence in `arrivalCountry` from `arrivalDate` through the next segment's
 *   `departureDate` (at least the arrival date itself, even when the next segment overlaps). The last stay
 *   continues through `asOf` when it began on or before `asOf`; otherwise it is its arrival date only.
 * - A transit segment followed by another segment gives a `TransitStay` (no presence in that country).
 *   A transit segment with no onward segment is counted as an ordinary arrival, with a warning (the
 *   conservative reading: the traveller may have entered).
 * - `extraStays` add presence on every date of each stay (planning).
 *
 * Warnings: gaps (departure from a country other than the previous arrival), overlaps (a departure before the
 * previous arrival), an arrival more than one day before departure (impossible even over the date line),
 * unknown country codes, a transit without onward segment.
 * @throws InvalidDateError when `asOf` or a segment date is not a real `YYYY-MM-DD` date.
 */
export function computePresence(
  segments: readonly IdentifiedSegment[],
  asOf: IsoDate,
  reference: ReferenceData,
  extraStays: readonly PlannedStay[] = [],
): Presence {
  const asOfDay = dayNumber(asOf, 'asOf');
  const sorted = sortSegments(segments);
  const n = sorted.length;
  const dep = new Array<number>(n);
  const arr = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const s = sorted[i]!;
    try {
      dep[i] = dayNumber(s.departureDate);
      arr[i] = dayNumber(s.arrivalDate);
    } catch {
      // Again with the field named (building the names up front costs more than the whole count).
      dayNumber(s.departureDate, `segment "${s.id}" departureDate`);
      dayNumber(s.arrivalDate, `segment "${s.id}" arrivalDate`);
    }
  }
  const raw = new Map<string, DayInterval[]>();
  const add = (country: string, start: number, end: number) => {
    let list = raw.get(country);
    if (!list) raw.set(country, (list = []));
    const last = list[list.length - 1];
    // Consecutive stays in one country usually touch; extending in place keeps the list short.
    if (last && start >= last.start && start <= last.end + 1) {
      if (end > last.end) last.end = end;
    } else list.push({ start, end });
  };
  const warnings: string[] = [];
  const transits: TransitStay[] = [];
  const unknown = new Map<string, string[]>();
  const noteUnknown = (code: string, s: IdentifiedSegment) => {
    if (reference.countryExists(code)) return;
    const ids = unknown.get(code) ?? [];
    if (ids.length < 5) ids.push(`"${s.id}" (${s.departureDate})`);
    unknown.set(code, ids);
  };

  for (let i = 0; i < n; i++) {
    const s = sorted[i]!;
    const prev = i > 0 ? sorted[i - 1] : undefined;
    const next = i + 1 < n ? sorted[i + 1] : undefined;
    noteUnknown(s.departureCountry, s);
    noteUnknown(s.arrivalCountry, s);
    if (arr[i]! < dep[i]! - 1) {
      warnings.push(`${describe(s)} arrives more than one day before it departs, which is impossible even across the date line`);
    }
    if (prev) {
      if (prev.arrivalCountry !== s.departureCountry) {
        warnings.push(
          `gap: ${describe(s)} departs from ${s.departureCountry}, but the previous ${describe(prev)} arrived in ${prev.arrivalCountry}`,
        );
      } else if (
        dep[i]! < arr[i - 1]! ||
        (dep[i] === arr[i - 1] && s.departureTime && prev.arrivalTime && s.departureTime < prev.arrivalTime)
      ) {
        warnings.push(`overlap: ${describe(s)} departs before the previous ${describe(prev)} arrived`);
      }
    }
    const airsideBefore = prev?.transit === true && prev.arrivalCountry === s.departureCountry;
    if (!airsideBefore) add(s.departureCountry, dep[i]!, dep[i]!);

    const start = arr[i]!;
    if (s.transit && next) {
      transits.push({
        segmentId: s.id,
        onwardSegmentId: next.id,
        country: s.arrivalCountry,
        start,
        end: Math.max(start, dep[i + 1]!),
        inboundFrom: s.departureCountry,
        inboundDepartureDay: dep[i]!,
        onwardTo: next.arrivalCountry,
        onwardArrivalDay: arr[i + 1]!,
      });
      continue;
    }
    if (s.transit) {
      warnings.push(`${describe(s)} is marked as a transit but no onward segment follows; it is counted as a stay in ${s.arrivalCountry}`);
    }
    const end = next ? Math.max(start, dep[i + 1]!) : start <= asOfDay ? asOfDay : start;
    add(s.arrivalCountry, start, end);
  }

  for (let k = 0; k < extraStays.length; k++) {
    const st = extraStays[k]!;
    const a = dayNumber(st.entryDate, `extraStays[${k}].entryDate`);
    const b = dayNumber(st.exitDate, `extraStays[${k}].exitDate`);
    if (!reference.countryExists(st.country)) warnings.push(`planned stay ${k + 1} (${st.country} ${st.entryDate}): unknown country code ${st.country}`);
    add(st.country, Math.min(a, b), Math.max(a, b));
  }
  for (const [code, ids] of unknown) {
    warnings.push(`unknown country code ${code} in segment(s) ${ids.join(', ')}`);
  }

  const byCountry = new Map<string, readonly DayInterval[]>();
  for (const [c, list] of raw) byCountry.set(c, mergeIntervals(list));
  return { asOf: asOfDay, byCountry, transits, warnings };
}

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
 * Distinct presence days in `region` as sorted maximal runs (day numbers): every country's presence on the
 * dates it is a member, plus transit days counted per `transitTouchesRegion`. An exit and re-entry on the same
 * date, or a move between two member countries, counts once.
 */
export function regionPresence(
  presence: Presence,
  region: string,
  reference: ReferenceData,
  excluded?: ReadonlyMap<string, readonly DayInterval[]>,
): DayInterval[] {
  // `excluded`: days per country that do not count in that country (a residence permit's cover, applicability.ts);
  // presence in another member state on the same day still counts.
  const keep = (country: string, days: readonly DayInterval[]) => {
    const x = excluded?.get(country);
    return x?.length ? subtractIntervals(days, x) : days;
  };
  const parts: DayInterval[] = [];
  for (const [country, days] of presence.byCountry) {
    const member = reference.membershipIntervals(country, region);
    if (member.length) parts.push(...intersectIntervals(keep(country, days), member));
  }
  for (const t of presence.transits) {
    const member = reference.membershipIntervals(t.country, region);
    if (member.length && transitTouchesRegion(t, region, reference)) {
      parts.push(...intersectIntervals(keep(t.country, [{ start: t.start, end: t.end }]), member));
    }
  }
  return mergeIntervals(parts);
}

/** The presence days of one country as `YYYY-MM-DD` strings (tests, debugging). */
export function countryDates(presence: Presence, country: string): IsoDate[] {
  const out: IsoDate[] = [];
  for (const iv of presence.byCountry.get(country) ?? []) for (let d = iv.start; d <= iv.end; d++) out.push(fromDayNumber(d));
  return out;
}
