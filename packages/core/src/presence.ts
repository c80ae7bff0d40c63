/**
 * Presence: on which local calendar dates the traveller was (or, after `asOf`, plans to be) in which country,
 * derived from travel segments.
 *
 * Counting rule (Regulation (EU) 2016/399, Schengen Borders Code, Art. 6(2): "the date of entry shall be
 * considered as the first day of stay ... and the date of exit ... as the last day of stay"): a traveller is in
 * a segment's `arrivalCountry` from its `arrivalDate` through the next segment's `departureDate`, both days
 * included, so a day with an exit and an entry counts in both countries. Dates are local at the place.
 */
import { fromDayNumber, toDayNumber, type IsoDate } from './dates';
import { mergeIntervals, type DayInterval } from './intervals';
import { parseSegments, readingOrder, type ParsedSegments } from './parsedSegments';
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

/**
 * Computes presence from segments (any order) as of `asOf`. The segments are not validated (see
 * {@link parseSegments}); the evaluation's `evaluateTravel` is the validating entry point.
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
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const presence = computePresence(trip, '2026-01-31', loadReferenceData())
 * presence.byCountry.get('FR') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }]
 * // Left on 1 January, back on 30 January and home since:
 * presence.byCountry.get('US')
 * //=> [{ start: toDayNumber('2026-01-01'), end: toDayNumber('2026-01-01') }, { start: toDayNumber('2026-01-30'), end: toDayNumber('2026-01-31') }]
 * presence.warnings //=> []
 */
export function computePresence(
  segments: readonly IdentifiedSegment[],
  asOf: IsoDate,
  reference: ReferenceData,
  extraStays: readonly PlannedStay[] = [],
): Presence {
  const asOfDay = toDayNumber(asOf, 'asOf');
  return presenceOfParsed(parseSegments(segments, { validate: false }), asOfDay, reference, extraStays);
}

/**
 * `computePresence` on parsed segments (same result). Planned stays are validated by the caller or here.
 * `order`: the segments' `readingOrder`, when the caller already has it (the midnight convention reads the same
 * order when it counts midnights).
 * @throws InvalidDateError for a bad planned stay date.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const parsed = parseSegments(trip, { validate: true })
 * const stays = [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-03-10' }]
 * const presence = presenceOfParsed(parsed, toDayNumber('2026-01-31'), loadReferenceData(), stays)
 * presence.byCountry.get('FR') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }]
 * presence.byCountry.get('IT') //=> [{ start: toDayNumber('2026-03-01'), end: toDayNumber('2026-03-10') }]
 */
export function presenceOfParsed(
  parsed: ParsedSegments,
  asOfDay: number,
  reference: ReferenceData,
  extraStays: readonly PlannedStay[] = [],
  order: ArrayLike<number> = readingOrder(parsed),
): Presence {
  const { codes } = parsed;
  const runs = new RunLists();
  const warnings: string[] = [];
  const transits: TransitStay[] = [];
  sweep(parsed, order, asOfDay, runs, warnings, transits);

  const stayCodes = [...codes];
  for (let k = 0; k < extraStays.length; k++) {
    const st = extraStays[k]!;
    const a = toDayNumber(st.entryDate, `extraStays[${k}].entryDate`);
    const b = toDayNumber(st.exitDate, `extraStays[${k}].exitDate`);
    if (!reference.countryExists(st.country)) warnings.push(`planned stay ${k + 1} (${st.country} ${st.entryDate}): unknown country code ${st.country}`);
    let c = stayCodes.indexOf(st.country);
    if (c === -1) c = stayCodes.push(st.country) - 1;
    runs.add(c, Math.min(a, b), Math.max(a, b));
  }
  warnings.push(...unknownCodeWarnings(parsed, order, reference));

  const byCountry = new Map<string, readonly DayInterval[]>();
  for (const c of runs.firstSeen) byCountry.set(stayCodes[c]!, maximalRuns(runs.lists[c]!));
  return { asOf: asOfDay, byCountry, transits, warnings };
}

/**
 * Presence runs per country id, appended in reading order as flat `start, end` pairs (no object per run until
 * the runs are merged); a run touching the previous one extends it.
 */
class RunLists {
  readonly lists: (number[] | undefined)[] = [];
  /** Country ids in the order of their first run. */
  readonly firstSeen: number[] = [];

  add(country: number, start: number, end: number): void {
    let list = this.lists[country];
    if (!list) {
      this.lists[country] = list = [];
      this.firstSeen.push(country);
    }
    const n = list.length;
    if (n > 0 && start >= list[n - 2]! && start <= list[n - 1]! + 1) {
      if (end > list[n - 1]!) list[n - 1] = end;
    } else list.push(start, end);
  }
}

/**
 * The reading pass of `presenceOfParsed` (its own function so that the engine optimises this loop alone): the
 * departure and stay runs of every segment in `order`, transit stays, and the warnings about dates and gaps.
 * Segment objects are read only for a warning, a same-date time comparison or a transit stay.
 */
function sweep(parsed: ParsedSegments, order: ArrayLike<number>, asOfDay: number, runs: RunLists, warnings: string[], transits: TransitStay[]): void {
  const { segments, dep, arr, depC, arrC, transit } = parsed;
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const d = dep[i]!;
    const a = arr[i]!;
    if (a < d - 1) warnings.push(arrivalWarning(segments[i]!));
    let airsideBefore = false;
    if (k > 0) {
      const pi = order[k - 1]!;
      if (arrC[pi] !== depC[i]) warnings.push(gapWarning(segments[i]!, segments[pi]!));
      else {
        const pa = arr[pi]!;
        if (d < pa || (d === pa && overlapsByTime(segments[i]!, segments[pi]!))) warnings.push(overlapWarning(segments[i]!, segments[pi]!));
        airsideBefore = transit[pi] === 1;
      }
    }
    if (!airsideBefore) runs.add(depC[i]!, d, d);

    const ni = k + 1 < n ? order[k + 1]! : -1;
    if (transit[i] !== 0) {
      if (ni !== -1) {
        transits.push(transitStay(segments[i]!, segments[ni]!, d, a, dep[ni]!, arr[ni]!));
        continue;
      }
      warnings.push(transitWarning(segments[i]!));
    }
    const end = ni !== -1 ? Math.max(a, dep[ni]!) : a <= asOfDay ? asOfDay : a;
    runs.add(arrC[i]!, a, end);
  }
}

function arrivalWarning(s: IdentifiedSegment): string {
  return `${describe(s)} arrives more than one day before it departs, which is impossible even across the date line`;
}

function gapWarning(s: IdentifiedSegment, prev: IdentifiedSegment): string {
  return `gap: ${describe(s)} departs from ${s.departureCountry}, but the previous ${describe(prev)} arrived in ${prev.arrivalCountry}`;
}

function overlapWarning(s: IdentifiedSegment, prev: IdentifiedSegment): string {
  return `overlap: ${describe(s)} departs before the previous ${describe(prev)} arrived`;
}

function transitWarning(s: IdentifiedSegment): string {
  return `${describe(s)} is marked as a transit but no onward segment follows; it is counted as a stay in ${s.arrivalCountry}`;
}

function transitStay(s: IdentifiedSegment, next: IdentifiedSegment, d: number, a: number, nextDep: number, nextArr: number): TransitStay {
  return {
    segmentId: s.id,
    onwardSegmentId: next.id,
    country: s.arrivalCountry,
    start: a,
    end: Math.max(a, nextDep),
    inboundFrom: s.departureCountry,
    inboundDepartureDay: d,
    onwardTo: next.arrivalCountry,
    onwardArrivalDay: nextArr,
  };
}

/** One warning per unknown country code, in reading order, naming up to five segments (id and date) using it. */
function unknownCodeWarnings(parsed: ParsedSegments, order: ArrayLike<number>, reference: ReferenceData): string[] {
  const { segments, depC, arrC, codes } = parsed;
  const known = codes.map((c) => reference.countryExists(c));
  if (known.every(Boolean)) return [];
  const unknown = new Map<string, string[]>();
  const note = (c: number, s: IdentifiedSegment) => {
    if (known[c]) return;
    const ids = unknown.get(codes[c]!) ?? [];
    if (ids.length < 5) ids.push(`"${s.id}" (${s.departureDate})`);
    unknown.set(codes[c]!, ids);
  };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    note(depC[i]!, segments[i]!);
    note(arrC[i]!, segments[i]!);
  }
  return [...unknown].map(([code, ids]) => `unknown country code ${code} in segment(s) ${ids.join(', ')}`);
}

/**
 * `mergeIntervals` of a run list built in reading order (flat `start, end` pairs): one linear pass, without
 * sorting, when the starts already ascend (the usual case); sorted otherwise (overlaps, date-line arrivals).
 */
function maximalRuns(list: readonly number[]): DayInterval[] {
  for (let k = 2; k < list.length; k += 2) {
    if (list[k]! < list[k - 2]!) {
      const runs: DayInterval[] = [];
      for (let j = 0; j < list.length; j += 2) runs.push({ start: list[j]!, end: list[j + 1]! });
      return mergeIntervals(runs);
    }
  }
  const out: DayInterval[] = [];
  let start = list[0]!;
  let end = list[1]!;
  for (let k = 2; k < list.length; k += 2) {
    const s = list[k]!;
    const e = list[k + 1]!;
    if (s <= end + 1) {
      if (e > end) end = e;
    } else {
      out.push({ start, end });
      start = s;
      end = e;
    }
  }
  out.push({ start, end });
  return out;
}

/** Same-date departure before the previous segment's arrival, by local times (when both are known). */
function overlapsByTime(s: IdentifiedSegment, prev: IdentifiedSegment): boolean {
  return !!(s.departureTime && prev.arrivalTime && s.departureTime < prev.arrivalTime);
}

function describe(s: IdentifiedSegment): string {
  return `segment "${s.id}" (${s.departureCountry} ${s.departureDate} -> ${s.arrivalCountry} ${s.arrivalDate})`;
}

/**
 * The presence days of one country as `YYYY-MM-DD` strings (tests, debugging).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * countryDates(computePresence(trip, '2026-01-31', loadReferenceData()), 'US') //=> ['2026-01-01', '2026-01-30', '2026-01-31']
 */
export function countryDates(presence: Presence, country: string): IsoDate[] {
  const out: IsoDate[] = [];
  for (const iv of presence.byCountry.get(country) ?? []) for (let d = iv.start; d <= iv.end; d++) out.push(fromDayNumber(d));
  return out;
}
