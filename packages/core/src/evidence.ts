/**
 * What each day of presence rests on (its basis), per country, derived from the same segments and the same reading
 * as {@link presenceOfParsed}; the counts never change, this only labels the days they are made of:
 *
 * - `recorded`: a segment departs or arrives in the country that day (both countries of a crossing);
 * - `between-records`: a day strictly inside a stay bounded by records of the same country (the traveller arrived
 *   in X and the next segment departs from X): continuous presence is the only consistent reading;
 * - `assumed`: counted without such support: after an arrival in X whose next segment departs from another
 *   country (a gap: the days after the arrival up to and including that departure day, which presence counts in
 *   X), and after the last record up to the evaluation date (the open end);
 * - `planned`: after the evaluation date, and the days of hypothetical stays (`extraStays`).
 * A day with several readings takes the strongest: recorded, then between-records, then planned, then assumed.
 *
 * Cost: one pass over the segments in reading order plus interval arithmetic per country, O(segments + runs);
 * separate from the presence sweep so that counting alone pays nothing for it.
 */
import { fromDayNumber, toDayNumber, type IsoDate } from './dates';
import { countDays, intersectIntervals, mergeIntervals, subtractIntervals, type DayInterval } from './intervals';
import type { ParsedSegments } from './parsedSegments';
import type { PlannedStay, Presence } from './presence';

/** The basis of one day of presence in one country (see the module docstring). */
export type DayBasis = 'recorded' | 'between-records' | 'assumed' | 'planned';

/** One stretch of assumed days: a gap between records of different countries, or the open end after the last record. */
export interface AssumedRun {
  /** `gap`: the next segment departs from another country; `open-end`: no later segment up to the evaluation date. */
  kind: 'gap' | 'open-end';
  /** ISO alpha-2 of the country the days are counted in (the arrival country of `segmentId`). */
  country: string;
  /** The record before the run: the arrival day of `segmentId` (day number). */
  from: number;
  /** The record after the run (the next departure day) for a gap; the evaluation date for an open end. */
  to: number;
  /** Id of the segment whose arrival opens the run. */
  segmentId: string;
  /** Departure country and id of the next segment (gap); null for an open end. */
  nextCountry: string | null;
  nextSegmentId: string | null;
  /** Days of the run that are assumed in `country` (after the stronger readings of the same days are taken out). */
  assumedDays: number;
}

/** Output of {@link presenceEvidence}: per country, sorted disjoint day runs (day numbers) of each basis. */
export interface PresenceEvidence {
  asOf: number;
  recorded: ReadonlyMap<string, readonly DayInterval[]>;
  betweenRecords: ReadonlyMap<string, readonly DayInterval[]>;
  /** Only days on or before `asOf`. */
  assumed: ReadonlyMap<string, readonly DayInterval[]>;
  planned: ReadonlyMap<string, readonly DayInterval[]>;
  /** The assumed stretches in reading order, each with at least one assumed day. */
  runs: readonly AssumedRun[];
  /** The last segment (reading order) arriving on or before `asOf`, and its arrival day; null without one. */
  lastRecord: { segmentId: string; country: string; day: number; airport: string | null; mode: string } | null;
  /** First and last recorded day on or before `asOf`; null without one. */
  firstRecordedDay: number | null;
  lastRecordedDay: number | null;
}

type Lists = Map<number, number[]>;
/** Appends a run as a flat `start, end` pair; a run touching the previous one (reading order) extends it. */
function push(lists: Lists, c: number, start: number, end: number): void {
  if (end < start) return;
  let l = lists.get(c);
  if (!l) lists.set(c, (l = []));
  const n = l.length;
  if (n > 0 && start >= l[n - 2]! && start <= l[n - 1]! + 1) {
    if (end > l[n - 1]!) l[n - 1] = end;
  } else l.push(start, end);
}

/**
 * The basis of every presence day of `presence` (which {@link presenceOfParsed} computed from `parsed` read in
 * `order` as of `presence.asOf`, with `extraStays`). Every day of `presence.byCountry` has exactly one basis:
 * the four maps are disjoint per country and their union is `presence.byCountry`.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'train', departureCountry: 'FR', arrivalCountry: 'DE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'home', departureCountry: 'ES', arrivalCountry: 'US', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 * ]
 * // Nothing records how the traveller got from Germany to Spain, nor anything after the flight home.
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * const evidence = presenceEvidence(prepared.parsed, prepared.order, prepared.presence)
 * evidence.recorded.get('FR') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-02') }, { start: toDayNumber('2026-01-10'), end: toDayNumber('2026-01-10') }]
 * evidence.betweenRecords.get('FR') //=> [{ start: toDayNumber('2026-01-03'), end: toDayNumber('2026-01-09') }]
 * evidence.assumed.get('DE') //=> [{ start: toDayNumber('2026-01-11'), end: toDayNumber('2026-01-20') }]
 * evidence.runs.map((r) => [r.kind, r.country, r.assumedDays]) //=> [['gap', 'DE', 10], ['open-end', 'US', 11]]
 */
export function presenceEvidence(
  parsed: ParsedSegments,
  order: ArrayLike<number>,
  presence: Presence,
  extraStays: readonly PlannedStay[] = [],
): PresenceEvidence {
  const { segments, dep, arr, depC, arrC, transit, codes } = parsed;
  const E = presence.asOf;
  const rec: Lists = new Map();
  const btw: Lists = new Map();
  const asm: Lists = new Map();
  const raw: Omit<AssumedRun, 'assumedDays'>[] = [];
  const n = order.length;
  let last: PresenceEvidence['lastRecord'] = null;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const d = dep[i]!;
    const a = arr[i]!;
    const pi = k > 0 ? order[k - 1]! : -1;
    // As the presence sweep: no departure day after an airside transit into the same country.
    const airsideBefore = pi !== -1 && arrC[pi] === depC[i] && transit[pi] === 1;
    if (!airsideBefore) push(rec, depC[i]!, d, d);
    const ni = k + 1 < n ? order[k + 1]! : -1;
    if (transit[i] !== 0 && ni !== -1) continue; // a transit stay: no presence in that country
    const c = arrC[i]!;
    push(rec, c, a, a);
    if (a <= E && d <= E) {
      const s = segments[i]!;
      last = { segmentId: s.id, country: codes[c]!, day: a, airport: s.arrivalAirport ?? null, mode: s.mode };
    }
    if (ni !== -1) {
      const nd = dep[ni]!;
      if (depC[ni] === c) push(btw, c, a + 1, nd - 1);
      else if (nd > a) {
        push(asm, c, a + 1, nd);
        raw.push({
          kind: 'gap',
          country: codes[c]!,
          from: a,
          to: nd,
          segmentId: segments[i]!.id,
          nextCountry: codes[depC[ni]!]!,
          nextSegmentId: segments[ni]!.id,
        });
      }
    } else if (a < E) {
      push(asm, c, a + 1, E);
      raw.push({ kind: 'open-end', country: codes[c]!, from: a, to: E, segmentId: segments[i]!.id, nextCountry: null, nextSegmentId: null });
    }
  }

  const stays = new Map<string, DayInterval[]>();
  for (const st of extraStays) {
    const x = toDayNumber(st.entryDate);
    const y = toDayNumber(st.exitDate);
    const l = stays.get(st.country) ?? [];
    l.push({ start: Math.min(x, y), end: Math.max(x, y) });
    stays.set(st.country, l);
  }

  const upToE = [{ start: -Infinity, end: E }];
  const recorded = new Map<string, DayInterval[]>();
  const betweenRecords = new Map<string, DayInterval[]>();
  const assumed = new Map<string, DayInterval[]>();
  const planned = new Map<string, DayInterval[]>();
  let firstRecordedDay: number | null = null;
  let lastRecordedDay: number | null = null;
  for (const [country, days] of presence.byCountry) {
    const id = codes.indexOf(country);
    // (Recorded, between and assumed runs lie within presence by construction; the intersections only clip them
    // to the evaluation date.)
    const past = days.length && days[days.length - 1]!.end <= E ? days : intersectIntervals(days, upToE);
    const r = intersectIntervals(past, runsOf(rec.get(id)));
    const between = runsOf(btw.get(id));
    const b = between.length ? subtractIntervals(intersectIntervals(past, between), r) : [];
    const strong = b.length ? mergeIntervals([...r, ...b]) : r;
    const planStays = stays.get(country);
    const p = planStays ? intersectIntervals(past, mergeIntervals(planStays)) : [];
    const assumedRuns = runsOf(asm.get(id));
    let a = assumedRuns.length ? subtractIntervals(intersectIntervals(past, assumedRuns), strong) : [];
    if (p.length && a.length) a = subtractIntervals(a, p);
    const rest = subtractIntervals(days, a.length ? mergeIntervals([...strong, ...a]) : strong);
    if (r.length) {
      recorded.set(country, r);
      if (firstRecordedDay === null || r[0]!.start < firstRecordedDay) firstRecordedDay = r[0]!.start;
      if (lastRecordedDay === null || r[r.length - 1]!.end > lastRecordedDay) lastRecordedDay = r[r.length - 1]!.end;
    }
    if (b.length) betweenRecords.set(country, b);
    if (a.length) assumed.set(country, a);
    if (rest.length) planned.set(country, rest);
  }

  const runs: AssumedRun[] = [];
  for (const run of raw) {
    const assumedDays = countDays(intersectIntervals(assumed.get(run.country) ?? [], [{ start: run.from + 1, end: run.to }]));
    if (assumedDays > 0) runs.push({ ...run, assumedDays });
  }
  return { asOf: E, recorded, betweenRecords, assumed, planned, runs, lastRecord: last, firstRecordedDay, lastRecordedDay };
}

/** Sorted maximal runs of a flat run list: one linear pass when the starts ascend (the usual case), else sorted. */
function runsOf(flat: number[] | undefined): DayInterval[] {
  if (!flat) return [];
  const out: DayInterval[] = [];
  for (let k = 0; k < flat.length; k += 2) {
    const start = flat[k]!;
    const end = flat[k + 1]!;
    const last = out[out.length - 1];
    if (last && start < last.start) return mergeIntervals(pairs(flat));
    if (last && start <= last.end + 1) {
      if (end > last.end) last.end = end;
    } else out.push({ start, end });
  }
  return out;
}

function pairs(flat: readonly number[]): DayInterval[] {
  const out: DayInterval[] = [];
  for (let k = 0; k < flat.length; k += 2) out.push({ start: flat[k]!, end: flat[k + 1]! });
  return out;
}

/**
 * The basis of `day` (a day number) in `country`, or null when the traveller is not there that day.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'train', departureCountry: 'FR', arrivalCountry: 'DE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'home', departureCountry: 'ES', arrivalCountry: 'US', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 * ]
 * // Nothing records how the traveller got from Germany to Spain, nor anything after the flight home.
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * basisOf(prepared.evidence, 'FR', toDayNumber('2026-01-02')) //=> 'recorded'
 * basisOf(prepared.evidence, 'FR', toDayNumber('2026-01-05')) //=> 'between-records'
 * basisOf(prepared.evidence, 'DE', toDayNumber('2026-01-15')) //=> 'assumed'
 * basisOf(prepared.evidence, 'FR', toDayNumber('2026-01-15')) //=> null
 */
export function basisOf(evidence: PresenceEvidence, country: string, day: number): DayBasis | null {
  const has = (m: ReadonlyMap<string, readonly DayInterval[]>) => (m.get(country) ?? []).some((iv) => iv.start <= day && day <= iv.end);
  if (has(evidence.recorded)) return 'recorded';
  if (has(evidence.betweenRecords)) return 'between-records';
  if (has(evidence.assumed)) return 'assumed';
  if (has(evidence.planned)) return 'planned';
  return null;
}

/**
 * Assumed days in the country of the last record after it, up to the evaluation date: the open end (or the start
 * of a gap reaching past the evaluation date); 0 when there is no record or the next record supports the days.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'train', departureCountry: 'FR', arrivalCountry: 'DE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'home', departureCountry: 'ES', arrivalCountry: 'US', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 * ]
 * // Nothing records how the traveller got from Germany to Spain, nor anything after the flight home.
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * // Home on 20 January, nothing recorded from 21 to 31 January:
 * assumedSinceLastRecord(prepared.evidence) //=> 11
 */
export function assumedSinceLastRecord(evidence: PresenceEvidence): number {
  const last = evidence.lastRecord;
  if (!last) return 0;
  return countDays(intersectIntervals(evidence.assumed.get(last.country) ?? [], [{ start: last.day + 1, end: evidence.asOf }]));
}

/**
 * `presence` without its assumed days (`--assumed exclude`: a lower bound); transits are kept.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'train', departureCountry: 'FR', arrivalCountry: 'DE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'home', departureCountry: 'ES', arrivalCountry: 'US', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 * ]
 * // Nothing records how the traveller got from Germany to Spain, nor anything after the flight home.
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * // Only the day of arrival in Germany is left there:
 * withoutAssumed(prepared.presence, prepared.evidence).byCountry.get('DE')
 * //=> [{ start: toDayNumber('2026-01-10'), end: toDayNumber('2026-01-10') }]
 * prepared.presence.byCountry.get('DE') //=> [{ start: toDayNumber('2026-01-10'), end: toDayNumber('2026-01-20') }]
 */
export function withoutAssumed(presence: Presence, evidence: PresenceEvidence): Presence {
  if (evidence.assumed.size === 0) return presence;
  const byCountry = new Map<string, readonly DayInterval[]>();
  for (const [c, days] of presence.byCountry) {
    const x = evidence.assumed.get(c);
    const kept = x ? subtractIntervals(days, x) : days;
    if (kept.length) byCountry.set(c, kept);
  }
  return { ...presence, byCountry };
}

/**
 * Total days of a basis map on or before `upTo` (country-days: a crossing day counts in each country).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'train', departureCountry: 'FR', arrivalCountry: 'DE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'home', departureCountry: 'ES', arrivalCountry: 'US', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 * ]
 * // Nothing records how the traveller got from Germany to Spain, nor anything after the flight home.
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * // 10 days in Germany between the records, 11 in the United States after the last:
 * basisDays(prepared.evidence.assumed) //=> 21
 * basisDays(prepared.evidence.assumed, toDayNumber('2026-01-20')) //=> 10
 */
export function basisDays(m: ReadonlyMap<string, readonly DayInterval[]>, upTo = Infinity): number {
  let n = 0;
  for (const days of m.values()) n += countDays(days, upTo);
  return n;
}

/** How to count days the records do not support (`assumed`): `count` (the default, the safe side of a limit) or `exclude` (a lower bound). */
export type AssumedMode = 'count' | 'exclude';

/** The evidence summary of a report (`--json` `evidence`): dates `YYYY-MM-DD`, totals in country-days up to the evaluation date. */
export interface EvidenceSummary {
  firstRecordedDate: IsoDate | null;
  lastRecordedDate: IsoDate | null;
  /** Arrival country of the last segment arriving on or before the evaluation date. */
  lastRecordedCountry: string | null;
  /** Evaluation date minus `lastRecordedDate`, in days; null without a record. */
  daysSinceLastRecord: number | null;
  recordedDays: number;
  betweenRecordsDays: number;
  assumedDays: number;
}

/**
 * The summary of `evidence` (see {@link EvidenceSummary}).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'train', departureCountry: 'FR', arrivalCountry: 'DE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 *   { id: 'home', departureCountry: 'ES', arrivalCountry: 'US', departureDate: '2026-01-20', arrivalDate: '2026-01-20', mode: 'flight' },
 * ]
 * // Nothing records how the traveller got from Germany to Spain, nor anything after the flight home.
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * evidenceSummary(prepared.evidence)
 * //=> { firstRecordedDate: '2026-01-01', lastRecordedDate: '2026-01-20', lastRecordedCountry: 'US', daysSinceLastRecord: 11, recordedDays: 6, betweenRecordsDays: 7, assumedDays: 21 }
 */
export function evidenceSummary(evidence: PresenceEvidence): EvidenceSummary {
  const date = (d: number | null) => (d === null ? null : fromDayNumber(d));
  return {
    firstRecordedDate: date(evidence.firstRecordedDay),
    lastRecordedDate: date(evidence.lastRecordedDay),
    lastRecordedCountry: evidence.lastRecord?.country ?? null,
    daysSinceLastRecord: evidence.lastRecordedDay === null ? null : evidence.asOf - evidence.lastRecordedDay,
    recordedDays: basisDays(evidence.recorded),
    betweenRecordsDays: basisDays(evidence.betweenRecords),
    assumedDays: basisDays(evidence.assumed),
  };
}
