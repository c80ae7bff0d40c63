/**
 * Presence: on which local calendar dates the traveller was (or, after `asOf`, plans to be) in which country,
 * derived from travel segments.
 *
 * Counting rule (Regulation (EU) 2016/399, Schengen Borders Code, Art. 6(2): "the date of entry shall be
 * considered as the first day of stay ... and the date of exit ... as the last day of stay"): a traveller is in
 * a segment's `arrivalCountry` from its `arrivalDate` through the next segment's `departureDate`, both days
 * included, so a day with an exit and an entry counts in both countries. Dates are local at the place.
 */
import { fromDayNumber, parseDayNumber, toDayNumber, type IsoDate } from './dates';
import { mergeIntervals, subtractIntervals, type DayInterval, type DaySet } from './intervals';
import { continuityOrder, type OrderView } from './order';
import type { ReferenceData } from './referenceData';
import { IdentifiedSegmentSchema, countryIndex, readSegment, type IdentifiedSegment, type SegmentRead } from './segment';
import { ValidationError, describeZodError } from './validation';

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
 *
 * Cost: O(n log n) for the sort (O(n) when the input is already in order), plus the repairs (order.ts): O(1) for
 * an out-of-order same-day hop, at most the number of distinct country pairs of that date otherwise; so
 * thousands of segments on one date cost about what they cost on distinct dates.
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

/** Comparator of `sortSegments` (string comparisons only: `YYYY-MM-DD` and `HH:MM` order lexically). */
export function compareSegments(a: IdentifiedSegment, b: IdentifiedSegment): number {
  if (a.departureDate !== b.departureDate) return a.departureDate < b.departureDate ? -1 : 1;
  const ta = a.departureTime ?? NO_TIME;
  const tb = b.departureTime ?? NO_TIME;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.arrivalDate !== b.arrivalDate) return a.arrivalDate < b.arrivalDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Same-date departure before the previous segment's arrival, by local times (when both are known). */
function overlapsByTime(s: IdentifiedSegment, prev: IdentifiedSegment): boolean {
  return !!(s.departureTime && prev.arrivalTime && s.departureTime < prev.arrivalTime);
}

function describe(s: IdentifiedSegment): string {
  return `segment "${s.id}" (${s.departureCountry} ${s.departureDate} -> ${s.arrivalCountry} ${s.arrivalDate})`;
}

/**
 * Segments with their dates already parsed (day numbers) and their countries as dense ids (in order of first
 * appearance), input order: what `parseSegments` returns, so that each date is parsed once.
 */
export interface ParsedSegments {
  readonly segments: readonly IdentifiedSegment[];
  readonly dep: ArrayLike<number>;
  readonly arr: ArrayLike<number>;
  readonly depC: ArrayLike<number>;
  readonly arrC: ArrayLike<number>;
  /**
   * `transit` of each segment: 1 for `true`, 0 when absent or false (2 for another truthy value, which only
   * unvalidated input can have: it makes a transit stay but never an airside departure).
   */
  readonly transit: ArrayLike<number>;
  /** Country id -> ISO code. */
  readonly codes: readonly string[];
}

/** Options of `parseSegments`. */
export interface ParseOptions {
  /**
   * True: every segment must pass `IdentifiedSegmentSchema` (its hand-written fast path, segment.ts
   * `readSegment`, with zod for whatever that refuses). False: only the dates must be real; the other fields are
   * taken as given (a country that is not a code is kept, and warned about as unknown; a truthy `transit` other
   * than `true` is 2, see `ParsedSegments.transit`).
   */
  validate: boolean;
}

/**
 * The one parser of segments into `ParsedSegments`: each date parsed once, country codes interned (a 26 x 26 table
 * for `[A-Z]{2}` codes, no hashing; anything else, only in unvalidated input, through a map).
 *
 * Validating (`validate: true`) is the path of everything the app is shown: evaluate.ts `prepareEvaluation`
 * (evaluateTravel, planTrips, evaluateDefinitions). Unvalidated callers: `computePresence` and
 * rules/midnightPresence.ts `midnightPresence`, whose callers are the tests and direct users of the core who pass
 * segments they built themselves (hand-made itineraries, out-of-range test dates).
 * @throws ValidationError (validating) naming the first invalid segment: `segments[3] (id "x"): arrivalDate ...`;
 *   or `segments must be an array`.
 * @throws InvalidDateError (not validating) naming the first bad date in reading order (`sortSegments`):
 *   `segment "x" departureDate: ...`.
 */
export function parseSegments(segments: readonly IdentifiedSegment[], options: ParseOptions): ParsedSegments {
  const validate = options.validate;
  if (validate && !Array.isArray(segments)) throw new ValidationError('segments must be an array', [{ path: 'segments', message: 'must be an array' }]);
  const n = segments.length;
  const dep = new Int32Array(n);
  const arr = new Int32Array(n);
  const depC = new Int32Array(n);
  const arrC = new Int32Array(n);
  const transit = new Uint8Array(n);
  // Country codes are [A-Z]{2} in valid segments: a 26 x 26 table maps each to a dense id without hashing
  // (entry = id + 1). Other values (unvalidated input only) go through `others`.
  const idOf = new Int32Array(676);
  const codes: string[] = [];
  let others: Map<unknown, number> | undefined;
  const intern = (code: unknown, index: number) => {
    if (index < 0) {
      others ??= new Map();
      let k = others.get(code);
      if (k === undefined) others.set(code, (k = codes.push(code as string) - 1));
      return k;
    }
    let id = idOf[index]! - 1;
    if (id === -1) {
      id = codes.push(code as string) - 1;
      idOf[index] = id + 1;
    }
    return id;
  };
  const read: SegmentRead = { departure: 0, arrival: 0, depC: 0, arrC: 0, transit: false };
  let badDate = false;
  for (let i = 0; i < n; i++) {
    const s = segments[i]!;
    if (validate && readSegment(s, read)) {
      // The fast path's result: no property of the segment is read again.
      dep[i] = read.departure;
      arr[i] = read.arrival;
      transit[i] = read.transit ? 1 : 0;
      depC[i] = intern(s.departureCountry, read.depC);
      arrC[i] = intern(s.arrivalCountry, read.arrC);
      continue;
    }
    if (validate) {
      const r = IdentifiedSegmentSchema.safeParse(s);
      if (!r.success) {
        const id = (s as { id?: unknown } | undefined)?.id;
        const what = typeof id === 'string' ? `segments[${i}] (id "${id}")` : `segments[${i}]`;
        throw new ValidationError(
          describeZodError(r.error, what),
          r.error.issues.map((x) => ({ path: `segments[${i}].${x.path.join('.')}`, message: x.message })),
        );
      }
      // Valid after all (e.g. a field explicitly set to undefined): read below like any other.
    }
    const d = parseDayNumber(s.departureDate);
    const a = parseDayNumber(s.arrivalDate);
    // Checked before storing: an Int32Array stores NaN as 0.
    if (Number.isNaN(d) || Number.isNaN(a)) badDate = true;
    dep[i] = d;
    arr[i] = a;
    depC[i] = intern(s.departureCountry, countryIndex(s.departureCountry));
    arrC[i] = intern(s.arrivalCountry, countryIndex(s.arrivalCountry));
    transit[i] = s.transit === true ? 1 : s.transit ? 2 : 0;
  }
  if (badDate) {
    // Only unvalidated input gets here. The error names the first bad date in reading order, with its field
    // (building names up front costs more than the whole count).
    for (const x of sortSegments(segments)) {
      toDayNumber(x.departureDate, `segment "${x.id}" departureDate`);
      toDayNumber(x.arrivalDate, `segment "${x.id}" arrivalDate`);
    }
  }
  return { segments, dep, arr, depC, arrC, transit, codes };
}

/**
 * Computes presence from segments (any order) as of `asOf`. The segments are not validated (see
 * `parseSegments`); evaluate.ts `evaluateTravel` is the validating entry point.
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
  const asOfDay = toDayNumber(asOf, 'asOf');
  return presenceOfParsed(parseSegments(segments, { validate: false }), asOfDay, reference, extraStays);
}

/**
 * `computePresence` on parsed segments (same result). Planned stays are validated by the caller or here.
 * `order`: the segments' `readingOrder`, when the caller already has it (the midnight convention reads the same
 * order: rules/midnightPresence.ts `midnightPresenceOfParsed`).
 * @throws InvalidDateError for a bad planned stay date.
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

/** The `sortSegments` order of parsed segments, as input positions (`compareSegments` on day numbers). */
export function readingOrder(parsed: ParsedSegments): ArrayLike<number> {
  const { segments, dep, arr, depC, arrC, codes } = parsed;
  const base = sortedPositions(
    segments.length,
    (a, b) => {
      if (dep[a] !== dep[b]) return dep[a]! - dep[b]!;
      const x = segments[a]!;
      const y = segments[b]!;
      const ta = x.departureTime ?? NO_TIME;
      const tb = y.departureTime ?? NO_TIME;
      if (ta !== tb) return ta < tb ? -1 : 1;
      if (arr[a] !== arr[b]) return arr[a]! - arr[b]!;
      return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
    },
    dep,
  );
  return continuityOrder(base, { dep, arr, depC, arrC, countries: codes.length, lastKey: (d) => d + 1 });
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

/** The presence days of one country as `YYYY-MM-DD` strings (tests, debugging). */
export function countryDates(presence: Presence, country: string): IsoDate[] {
  const out: IsoDate[] = [];
  for (const iv of presence.byCountry.get(country) ?? []) for (let d = iv.start; d <= iv.end; d++) out.push(fromDayNumber(d));
  return out;
}
