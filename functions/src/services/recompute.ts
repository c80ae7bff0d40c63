/**
 * Status recompute: evaluates the rules one user tracks (the profile's `trackedRules`, by default the Schengen rule)
 * and writes one `users/{uid}/visaStatus/{ruleId}` per rule and `users/{uid}/summaries/countryDays`
 * (Firebase-free; the repository is injected).
 *
 * ## Reads independent of the history's size and of the number of rules
 * The segments are not listed: the recompute reads the user's timeline (timeline/timeline.ts,
 * `users/{uid}/timeline/{head|s1...}`: one compact record per segment, one document up to about 13 000 segments),
 * which also holds the profile's rule inputs (the tracked rules among them) and the statuses last written. A segment
 * event applies its write to the timeline, evaluates every tracked rule in one pass (`evaluateTracked`: presence
 * prepared once, each rule evaluated on it, the reference data in memory), and commits the timeline, the statuses
 * and summary that changed, the statuses of rules no longer tracked deleted, and the profile's `nextAlertAt`, in ONE
 * transaction that reads the deletion marker and the timeline: 2 reads for a single-document timeline, whatever the
 * number of segments or rules; writes: the head, each status whose numbers changed, the summary, `nextAlertAt`.
 *
 * ## Correctness under redelivery, out-of-order events and concurrent writes
 * - Every write carries its commit time (the version); the timeline applies it only when it is newer than what it
 *   holds for that segment (or, for an id it does not hold, newer than its floor). A redelivered event, or an older
 *   write's event arriving after a newer one, changes nothing. Each segment's record therefore ends as its last
 *   write, whatever the order the events are handled in.
 * - Two devices writing at once: both events run the transaction on the same timeline documents; Firestore
 *   serialises them (the second reads what the first committed, or is retried), so neither write is lost and the
 *   status written with a timeline is the evaluation of that timeline.
 * - The written statuses are a pure function of (timeline, profile inputs, the user's local date); a status is
 *   written only when it differs from the one the head records as written, so a repeated evaluation writes nothing.
 *
 * ## Imports
 * The import creates its segments and their records in the same transactions (services/import/segments.ts), so the
 * create events of imported segments are skipped without any read: the timeline already holds them.
 *
 * ## Repair
 * A user without a timeline (created before it existed), or with an unreadable one, gets it rebuilt from a listing of
 * the segments (`repairTimeline`: N reads, once), merged by version so that events handled meanwhile are kept.
 * `verifyTimeline` compares the timeline with the segments (tests, operations).
 *
 * ## Account deletion
 * Every write here is a repository transaction that reads the account's deletion marker first; once the account is
 * deleted the write is refused (`AccountDeletedError`) and the recompute stops with `accountDeleted`.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { ResidencePermit } from '@travel-time-tracker/core/applicability';
import { addDays, type IsoDate } from '@travel-time-tracker/core/dates';
import { evaluatePrepared, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import type { DayInterval } from '@travel-time-tracker/core/intervals';
import { definitionDays, evaluateDefinitions, trackedDefinitions, type RuleResult } from '@travel-time-tracker/core/ruleResults';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { isTimeZone, todayIn } from '@travel-time-tracker/core/timeZones';
import { COUNTED_FIELDS, IdentifiedSegmentSchema, quickSegmentCheck, type IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { computeNextAlertAt } from '../policy/alerts';
import { zonedInstant } from '../policy/time';
import { log } from '../log';
import {
  MAX_STORED_TAX_YEARS,
  ProfileInputsSchema,
  defaultNotificationSettings,
  type CountryDaysDoc,
  type ProfileInputs,
  type UserProfile,
  type VisaStatusDoc,
} from '../model/documents';
import { isAccountDeletedError, type Repository, type StoredSegment, type TimelineCommit, type TimelineDocs } from '../repository/types';
import { Timeline, TimelineCorruptError, timelineFieldsOf } from '../timeline/timeline';

/**
 * A stored status reflects a segment write when it was computed at least this long after the write's commit
 * time (allows for clock skew between Firestore's commit timestamps and the function's clock).
 */
export const EVENT_CLOCK_MARGIN_MS = 2_000;

/**
 * Default cap on the segments one user may store (`MAX_SEGMENTS_PER_USER`, config.ts): a create beyond it is not
 * counted (the summary's warnings name it) and an import stops there. Up to the cap a timeline fits in two documents.
 */
export const DEFAULT_MAX_SEGMENTS = 20_000;

/** At most this many warnings are stored on the summary (Firestore's 1 MiB document limit). */
export const MAX_STORED_WARNINGS = 100;

/** Source value of segments the app writes (anything else is an import id). */
export const MANUAL_SOURCE = 'manual';

export interface RecomputeOptions {
  /** The evaluation instant: decides the user's local "today" (`asOf`) and is stored as `computedAt`. */
  now: Date;
  /** CloudEvent id of the event that caused the recompute (logged only). */
  eventId?: string;
  /** The segment cap (config.ts `MAX_SEGMENTS_PER_USER`), named in the warning of refused creates. */
  maxSegments?: number;
}

export interface RecomputeResult {
  statuses: VisaStatusDoc[];
  countryDays: CountryDaysDoc;
  /** False when the stored documents already equalled this evaluation (nothing written). */
  changed: boolean;
  /** True when a write was refused because the account is deleted (its deletion marker exists). */
  accountDeleted?: boolean;
}

/** The core fields of a stored segment, as the day-counting core takes them. */
export function toCoreSegment(s: StoredSegment): IdentifiedSegment {
  const { source: _source, createdAt: _c, updatedAt: _u, ...core } = s.data;
  return { ...core, id: s.id };
}

/**
 * The stored segments the core can evaluate, and one warning per segment left out. A stored document that breaks
 * the segment schema (written before a rule change, or by a buggy client) must not stop the whole user's status
 * from being computed, nor make the trigger retry forever; it is left out and named in the summary's warnings,
 * which the app shows, so the traveller can fix it.
 */
export function coreSegmentsOf(stored: readonly StoredSegment[]): { segments: IdentifiedSegment[]; warnings: string[] } {
  const segments: IdentifiedSegment[] = [];
  const warnings: string[] = [];
  for (const s of stored) {
    const core = toCoreSegment(s);
    // The engine's fast path first (it never accepts what the schema refuses; about 10x cheaper than zod per
    // segment); zod decides, and words the warning, only for what it refuses.
    if (quickSegmentCheck(core)) {
      segments.push(core);
      continue;
    }
    const r = IdentifiedSegmentSchema.safeParse(core);
    if (r.success) segments.push(core);
    else warnings.push(`segment "${s.id}" was left out of the count because it is invalid: ${describeZodError(r.error)}`);
  }
  return { segments, warnings };
}

/** Segment fields that can change an evaluation (core/segment.ts), in schema order for the fingerprint. */
const CORE_KEYS = [...COUNTED_FIELDS];

/**
 * Fingerprint of the segments an evaluation reads: SHA-256 (hex, first 32 characters) over the ids and the
 * fields that influence day counting, in id order. Free-text fields (notes, flight number, purpose, entry point)
 * are left out so that editing a note does not count as a change.
 */
export function segmentsHash(segments: readonly StoredSegment[]): string {
  const h = createHash('sha256');
  const sorted = [...segments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const s of sorted) {
    h.update(s.id);
    for (const k of CORE_KEYS) {
      const v = (s.data as Record<string, unknown>)[k];
      // Scalars as they always were (stored hashes stay valid); anything else by its content, never "[object Object]".
      const text = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : canonicalJson(v);
      h.update(`\u0000${text}`);
    }
    h.update('\u0001');
  }
  return h.digest('hex').slice(0, 32);
}

/** A time zone `Intl` accepts, else UTC (a profile with a bad zone must not stop its status being computed). */
export function safeTimeZone(tz: string | undefined | null): string {
  return tz && isTimeZone(tz) ? tz : 'UTC';
}

/**
 * The first instant (UTC `Date`, minute precision) at which the local date in `timeZone` is the day after the
 * local date at `now`: local midnight, or the first minute after a DST gap that skips midnight.
 */
export function startOfNextLocalDay(timeZone: string, now: Date): Date {
  const tomorrow = addDays(todayIn(timeZone, now), 1);
  // The local date changes exactly once between now and now + 27 h (the largest offset change is < 3 h).
  let lo = Math.floor(now.getTime() / 60_000);
  let hi = lo + 27 * 60;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (todayIn(timeZone, new Date(mid * 60_000)) >= tomorrow) hi = mid;
    else lo = mid;
  }
  return new Date(hi * 60_000);
}

/** What decides when a status can next change with time alone (`statusChangesOn`). */
export interface ScheduleContext {
  /** The evaluation date (the user's local today). */
  asOf: IsoDate;
  /** The latest departure or arrival date of any segment; null without segments. */
  lastSegmentDate: IsoDate | null;
  /** Whether `asOf` is a day the rule counts (the traveller is in its territory, not under a permit's cover). */
  countedToday: boolean;
  /** A rolling-window rule's period (`params.periodDays`; 180 for Schengen, Reg. (EU) 2016/399 Art. 6(1)). */
  periodDays?: number;
}

/**
 * The first local date after `asOf` from which the rule's status may read differently with time alone (no segment or
 * profile change), or null when it cannot. The fields that only restate the evaluation date are left aside (a status
 * not kept current says which day it is for in `asOf`): the period ending on it (`windowStart`, `windowEnd`) and the
 * dates of a stay that would start that day (`latestExitDate`, `nextEntryDate` and a per-stay `maxStayDays` when
 * there is no current stay). A rule that does not apply to the traveller is not kept current day by day (its numbers
 * are for its `asOf`). Otherwise, by kind:
 * - any kind: tomorrow when a segment is dated after `asOf` (planned trips become days of presence) or when `asOf`
 *   is a day the rule counts (the count grows);
 * - `rolling-window`: tomorrow while a segment date lies in the period ending tomorrow (days leave the period);
 * - `per-stay`: tomorrow while a stay runs (`currentStayStart`; also away in bridge territory, whose days count);
 * - `tax-year-presence`: the first day of the next tax year (`taxYearEnd` + 1: the count starts again and this
 *   year joins `byTaxYear`);
 * - `weighted-lookback`: the first day of the next year (`yearEnd` + 1: the years' weights move on).
 */
export function statusChangesOn(r: RuleResult, ctx: ScheduleContext): IsoDate | null {
  if (!r.applies) return null;
  const tomorrow = addDays(ctx.asOf, 1);
  if (ctx.countedToday || (ctx.lastSegmentDate !== null && ctx.lastSegmentDate > ctx.asOf)) return tomorrow;
  switch (r.kind) {
    case 'rolling-window':
      // A presence day from today's period start on still leaves the period later.
      return ctx.lastSegmentDate !== null && ctx.lastSegmentDate >= addDays(ctx.asOf, 1 - (ctx.periodDays ?? 180)) ? tomorrow : null;
    case 'per-stay':
      return r.currentStayStart !== null ? tomorrow : null;
    case 'tax-year-presence':
      return addDays(r.taxYearEnd, 1);
    case 'weighted-lookback':
      return addDays(r.yearEnd, 1);
  }
}

/**
 * When the scheduled recompute must next evaluate this user: the start (local midnight, or the first minute after a
 * DST gap that skips it) in `timeZone` of the earliest of `dates` (local dates after today, from `statusChangesOn`),
 * or null when there is none.
 */
export function nextRecomputeAt(dates: readonly (IsoDate | null)[], timeZone: string, now: Date): Date | null {
  let first: IsoDate | null = null;
  for (const d of dates) if (d !== null && (first === null || d < first)) first = d;
  if (first === null) return null;
  const today = todayIn(timeZone, now);
  if (first <= addDays(today, 1)) return startOfNextLocalDay(timeZone, now);
  // Local noon of the day before: never in a DST gap (they are at night), so its next local day is `first`.
  return startOfNextLocalDay(timeZone, zonedInstant(addDays(first, -1), 12 * 60, timeZone));
}

/**
 * Equal statuses but for `computedAt` and `segmentsHash` (compared at every depth: `byTaxYear`, `weightedDays`
 * included): an edit that leaves a rule's numbers as they were does not write its document again, whatever the
 * number of rules tracked (a UK trip's edit does not rewrite the Schengen status).
 */
function sameStatus(a: VisaStatusDoc, b: VisaStatusDoc | null | undefined): boolean {
  if (!b) return false;
  const { computedAt: _a, segmentsHash: _ha, ...ra } = a;
  const { computedAt: _b, segmentsHash: _hb, ...rb } = b;
  return isDeepStrictEqual(ra, rb);
}

function sameInstant(a: Date | null | undefined, b: Date | null | undefined): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/** Ids of the default rules (`ReferenceData.rules`: the Schengen rule), tracked when a profile names none. */
export function activeRuleIds(): string[] {
  return loadReferenceData().rules.map((r) => r.id);
}

/**
 * The status document of one rule's result as of `asOf`: the result with its kind's fields (core/ruleResultSchemas.ts),
 * `asOf`, `computedAt` and the segments' fingerprint; a tax-year-presence status keeps the latest
 * `MAX_STORED_TAX_YEARS` past tax years.
 */
export function statusDocOf(r: RuleResult, asOf: IsoDate, hash: string, computedAt: Date): VisaStatusDoc {
  const doc = { ...r, asOf, computedAt, segmentsHash: hash };
  if (doc.kind === 'tax-year-presence' && doc.byTaxYear.length > MAX_STORED_TAX_YEARS) doc.byTaxYear = doc.byTaxYear.slice(-MAX_STORED_TAX_YEARS);
  return doc;
}

/** What the documents of one evaluation are built from: the tracked rules' results and the days per country. */
export interface EvaluationParts {
  asOf: IsoDate;
  results: readonly RuleResult[];
  countryDays: Record<string, number>;
  countryDaysByYear: Record<string, Record<string, number>>;
  warnings: readonly string[];
}

/** Builds the documents of one evaluation: one status per result, in order, and the summary. */
export function evaluationDocs(parts: EvaluationParts, hash: string, computedAt: Date): { statuses: VisaStatusDoc[]; countryDays: CountryDaysDoc } {
  const statuses = parts.results.map((r) => statusDocOf(r, parts.asOf, hash, computedAt));
  const countryDays: CountryDaysDoc = {
    asOf: parts.asOf,
    countryDays: parts.countryDays,
    countryDaysByYear: parts.countryDaysByYear,
    warnings:
      parts.warnings.length > MAX_STORED_WARNINGS
        ? [...parts.warnings.slice(0, MAX_STORED_WARNINGS), `and ${parts.warnings.length - MAX_STORED_WARNINGS} more warnings`]
        : [...parts.warnings],
    computedAt,
    segmentsHash: hash,
  };
  return { statuses, countryDays };
}

/** Inputs of `evaluateTracked`: the traveller as the profile describes them, and the evaluation date. */
export interface TrackedOptions {
  /** The evaluation date: the user's local today. */
  asOf: IsoDate;
  nationalities: readonly string[];
  residencePermits: readonly ResidencePermit[];
  /** The profile's `trackedRules`; null or absent: the default rules. */
  trackedRules?: readonly string[] | null;
}

/** Result of `evaluateTracked`. */
export interface TrackedEvaluation extends EvaluationParts {
  /** Tracked ids that are not rows of the reference data (not evaluated; a warning names each). */
  unknownRules: string[];
  /** For each result, the first date it may change with time alone (`statusChangesOn`). */
  changesOn: (IsoDate | null)[];
}

/**
 * One pass over the segments for everything the recompute stores: the presence is prepared once
 * (`prepareEvaluation`, which validates and parses each segment once), the days per country and warnings are read off
 * it, and each tracked rule is evaluated on it (`evaluateDefinitions`), the default Schengen rule among them only
 * once. Unknown tracked ids give a warning naming each, first in `warnings`.
 * @throws ValidationError for a segment the core refuses (callers pass `coreSegmentsOf` output, which it accepts).
 */
export function evaluateTracked(segments: readonly IdentifiedSegment[], opts: TrackedOptions): TrackedEvaluation {
  const reference = loadReferenceData();
  const tracked = trackedDefinitions(reference, opts.trackedRules);
  // No rule in the prepared evaluation itself: evaluatePrepared then gives the days per country and the warnings only.
  const prepared = prepareEvaluation(segments, {
    asOf: opts.asOf,
    nationalities: opts.nationalities,
    residencePermits: opts.residencePermits,
    reference,
    rules: [],
  });
  const travel = evaluatePrepared(prepared);
  const results = evaluateDefinitions(prepared, tracked.definitions);
  let lastSegmentDate: IsoDate | null = null;
  for (const s of segments) {
    const d = s.arrivalDate > s.departureDate ? s.arrivalDate : s.departureDate;
    if (lastSegmentDate === null || d > lastSegmentDate) lastSegmentDate = d;
  }
  const changesOn = results.map((r, i) => {
    const d = tracked.definitions[i]!;
    return statusChangesOn(r, {
      asOf: prepared.asOf,
      lastSegmentDate,
      countedToday: r.applies && containsDay(definitionDays(prepared, d), prepared.asOfDay),
      periodDays: d.kind === 'rolling-window' ? d.params.periodDays : undefined,
    });
  });
  const unknownWarnings = tracked.unknown.map(
    (id) => `the tracked rule "${id}" is not a rule this app knows (it may have been withdrawn); it is not evaluated: remove it from your tracked rules`,
  );
  return {
    asOf: prepared.asOf,
    results,
    countryDays: travel.countryDays,
    countryDaysByYear: travel.countryDaysByYear,
    warnings: [...unknownWarnings, ...travel.warnings],
    unknownRules: tracked.unknown,
    changesOn,
  };
}

/** Whether sorted disjoint `runs` hold `day` (binary search). */
function containsDay(runs: readonly DayInterval[], day: number): boolean {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid]!;
    if (day < r.start) hi = mid - 1;
    else if (day > r.end) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The profile's rule inputs, as the timeline head keeps them. A stored profile that breaks its schema (written
 * outside the rules) must not make the head unreadable, which would rebuild the timeline at every event: each input
 * that is not valid is replaced by its default (no nationality, UTC, the default notification settings), as the
 * recompute treats a missing profile.
 */
export function profileInputsOf(p: UserProfile): ProfileInputs {
  const shape = ProfileInputsSchema.shape;
  const pick = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, value: unknown, fallback: T): T => {
    const r = schema.safeParse(value);
    return r.success ? (r.data as T) : fallback;
  };
  return {
    nationalities: pick(shape.nationalities, p.nationalities, []),
    homeCountry: pick(shape.homeCountry, p.homeCountry ?? null, null),
    timeZone: pick(shape.timeZone, p.timeZone, 'UTC'),
    notifications: pick(shape.notifications, p.notifications, defaultNotificationSettings()),
    residencePermits: pick(shape.residencePermits, p.residencePermits ?? [], []),
    // Unreadable (written outside the rules): the default rules, as for a profile without the field.
    trackedRules: pick(shape.trackedRules, p.trackedRules ?? null, null),
  };
}

/** Fingerprint of a summary without `computedAt` (the head records the one written; change detection). */
function summaryKey(c: CountryDaysDoc): string {
  const { computedAt: _c, ...rest } = c;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 32);
}

/** One evaluation of a timeline: the documents it gives and the schedule that follows. */
export interface TimelineEvaluation {
  /** One status per tracked rule evaluated, in the tracked order. */
  statuses: VisaStatusDoc[];
  countryDays: CountryDaysDoc;
  /** The evaluation date (the user's local today). */
  asOf: IsoDate;
  nextRecomputeAt: Date | null;
  /** The alert schedule (`users/{uid}.nextAlertAt`); null also when no profile is known. */
  nextAlertAt: Date | null;
  /** Wall time of the evaluation (ms), recorded by the daily run. */
  ms: number;
}

/**
 * Evaluates the live segments of a timeline for the user's local date at `now`, for the rules the profile tracks
 * (profile inputs from the head; UTC, no nationality and the default rules without a profile), in one pass
 * (`evaluateTracked`). Invalid records are left out with a warning naming them, as creates refused by the segment cap
 * and tracked ids the reference data does not have are.
 */
export function evaluateTimeline(tl: Timeline, now: Date, maxSegments = DEFAULT_MAX_SEGMENTS): TimelineEvaluation {
  const t0 = performance.now();
  const inputs = tl.meta.profile;
  const timeZone = safeTimeZone(inputs?.timeZone);
  const asOf = todayIn(timeZone, now);
  const stored = tl.liveSegments();
  const usable = coreSegmentsOf(stored);
  const evaluation = evaluateTracked(usable.segments, {
    asOf,
    nationalities: inputs?.nationalities ?? [],
    residencePermits: inputs?.residencePermits ?? [],
    trackedRules: inputs?.trackedRules ?? null,
  });
  const extra = [...usable.warnings];
  const refused = tl.refusedIds();
  if (refused.length > 0) {
    const shown = refused
      .slice(0, 5)
      .map((id) => `"${id}"`)
      .join(', ');
    extra.push(
      `${refused.length} segment${refused.length === 1 ? ' was' : 's were'} not counted because your travel history has reached ` +
        `the limit of ${maxSegments} segments (${shown}${refused.length > 5 ? ', ...' : ''}); delete segments you no longer need, ` +
        'then edit these to count them',
    );
  }
  const docs = evaluationDocs({ ...evaluation, warnings: [...extra, ...evaluation.warnings] }, segmentsHash(stored), now);
  return {
    ...docs,
    asOf,
    nextRecomputeAt: nextRecomputeAt(evaluation.changesOn, timeZone, now),
    nextAlertAt: inputs ? computeNextAlertAt(inputs, docs.statuses, now) : null,
    ms: performance.now() - t0,
  };
}

/**
 * What committing an evaluation writes, against what the head records as written: the statuses that differ
 * (ignoring `computedAt`), the summary when it differs, `users/{uid}.nextAlertAt` when it differs from what the
 * recompute last wrote (an alert run may have moved it since: it stays unless the evaluation moves it), and the
 * timeline documents that changed (the head always: `nextRecomputeAt`). Updates the head's records of them.
 * `force` writes every status and the summary (repair: the head's record of them cannot be trusted).
 * `profileNextAlertAt`: the profile's current value when it was read (repair, profile events), compared instead.
 */
export function planCommit(
  tl: Timeline,
  ev: TimelineEvaluation,
  now: Date,
  opts: { force?: boolean; profileNextAlertAt?: Date | null; alsoDelete?: readonly string[] } = {},
): TimelineCommit {
  const commit: TimelineCommit = { timeline: new Map() };
  const previous = new Map(tl.meta.statuses.map((s) => [s.ruleId, s]));
  // Rules the head records a status for and that are no longer evaluated (untracked, or withdrawn from the seed):
  // their documents go. `alsoDelete` (repair) adds the ids whose documents may exist although the head does not say.
  const evaluated = new Set(ev.statuses.map((s) => s.ruleId));
  const gone = new Set([...previous.keys(), ...(opts.alsoDelete ?? [])].filter((id) => !evaluated.has(id)));
  if (gone.size > 0) commit.deleteStatuses = [...gone];
  // A status whose document predates issue 12 (no `kind`) is written again, with its kind.
  const changed = opts.force ? ev.statuses : ev.statuses.filter((s) => tl.legacyStatusIds.has(s.ruleId) || !sameStatus(s, previous.get(s.ruleId)));
  for (const id of [...changed.map((s) => s.ruleId), ...gone]) tl.legacyStatusIds.delete(id);
  if (changed.length > 0) commit.statuses = changed;
  if (changed.length > 0 || gone.size > 0) {
    // The head records what the documents hold: the statuses written now, the others as they were.
    const written = new Map(changed.map((s) => [s.ruleId, s]));
    tl.meta.statuses = ev.statuses.map((s) => written.get(s.ruleId) ?? previous.get(s.ruleId) ?? s);
  }
  const key = summaryKey(ev.countryDays);
  if (opts.force || key !== tl.meta.summaryKey) {
    commit.countryDays = ev.countryDays;
    tl.meta.summaryKey = key;
  }
  if (tl.meta.profile) {
    const current = opts.profileNextAlertAt !== undefined ? opts.profileNextAlertAt : tl.meta.alertAt;
    if (!sameInstant(current, ev.nextAlertAt)) commit.profile = { nextAlertAt: ev.nextAlertAt };
    tl.meta.alertAt = ev.nextAlertAt;
  }
  tl.meta.nextRecomputeAt = ev.nextRecomputeAt;
  commit.timeline = tl.encode(now);
  return commit;
}

/** Whether a commit writes or deletes a status, or writes the summary (what `changed` reports). */
function writesEvaluation(c: TimelineCommit | null): boolean {
  return Boolean(c && ((c.statuses?.length ?? 0) > 0 || (c.deleteStatuses?.length ?? 0) > 0 || c.countryDays));
}

/** Decodes a timeline as read; null when it must be (re)built: absent, or unreadable (logged). */
export function decodeTimeline(uid: string, docs: TimelineDocs): Timeline | null {
  try {
    return Timeline.decode(docs);
  } catch (e) {
    if (!(e instanceof TimelineCorruptError)) throw e;
    log.timelineCorrupt({ uid, error: e });
    return null;
  }
}

export interface RepairResult {
  /** Records added, replaced or tombstoned from the listing. */
  merged: number;
  segments: number;
  changed: boolean;
}

/**
 * The repair path: rebuilds the timeline from a listing of the segments (N reads), merged into what is there by
 * version (`Timeline.mergeListing`), so that writes whose events were applied while the listing was read are kept;
 * copies the profile's rule inputs; evaluates and writes every status and the summary. Moves a legacy
 * `users/{uid}.nextRecomputeAt` to the head. Used for users whose timeline does not exist yet or is unreadable, and
 * by operations. Idempotent.
 * @throws AccountDeletedError once the account is deleted (nothing written).
 */
export async function repairTimeline(repo: Repository, uid: string, now: Date, opts: { maxSegments?: number; eventId?: string } = {}): Promise<RepairResult> {
  const listing = await repo.listSegmentVersions(uid);
  const result = await repo.updateTimeline(
    uid,
    ({ timeline, profile }) => {
      const tl = decodeTimeline(uid, timeline) ?? Timeline.empty();
      const merged = tl.mergeListing(
        listing.segments.map((s) => ({ id: s.id, version: s.version, data: s.data })),
        listing.readTime,
      );
      tl.meta.profile = profile ? profileInputsOf(profile) : null;
      tl.dropOldTombstones(now);
      const ev = evaluateTimeline(tl, now, opts.maxSegments);
      // The head's record of the statuses cannot be trusted here: every rule of the seed that is not evaluated has
      // its document deleted (an untracked rule's status may be left from before; deleting an absent one is a no-op).
      const alsoDelete = loadReferenceData().definitions.map((d) => d.id);
      const commit = planCommit(tl, ev, now, { force: true, profileNextAlertAt: profile?.nextAlertAt ?? null, alsoDelete });
      if (profile && profile.nextRecomputeAt !== undefined && profile.nextRecomputeAt !== null) {
        commit.profile = { ...commit.profile, nextRecomputeAt: null };
      }
      return { commit, result: { merged, segments: tl.liveCount, changed: true } };
    },
    { withProfile: true },
  );
  log.timelineRepaired({ uid, eventId: opts.eventId, merged: result.merged, segments: result.segments });
  return result;
}

/** Differences between a timeline and the segments (`verifyTimeline`); all empty when they agree. */
export interface TimelineCheck {
  /** Stored segments with no live record (and not refused by the cap). */
  missing: string[];
  /** Live records of segments that are not stored. */
  extra: string[];
  /** Segments whose record holds other values. */
  different: string[];
  /** Refused by the cap (stored, not counted: expected). */
  refused: string[];
  /** False when there is no timeline at all. */
  exists: boolean;
}

/**
 * The consistency check: lists the segments (N reads) and compares them with the timeline's live records, field by
 * field (the fields a record keeps). After every segment's events are handled the result is all empty (invariant 3).
 */
export async function verifyTimeline(repo: Repository, uid: string): Promise<TimelineCheck> {
  const [segments, docs] = await Promise.all([repo.listSegments(uid), repo.readTimeline(uid)]);
  const tl = Timeline.decode(docs);
  const out: TimelineCheck = { missing: [], extra: [], different: [], refused: [], exists: tl !== null };
  const live = new Map((tl?.liveSegments() ?? []).map((s) => [s.id, s.data as unknown as Record<string, unknown>]));
  for (const s of segments) {
    const rec = live.get(s.id);
    if (!rec) {
      if (tl?.get(s.id)?.kind === 'refused') out.refused.push(s.id);
      else out.missing.push(s.id);
      continue;
    }
    live.delete(s.id);
    const want = canonicalJson({ ...timelineFieldsOf(s.data), source: s.data.source });
    if (canonicalJson(rec) !== want) out.different.push(s.id);
  }
  out.extra = [...live.keys()];
  return out;
}

/**
 * Re-evaluates every rule for `uid` from its timeline and stores what changed (statuses, summary, `nextAlertAt`,
 * `nextRecomputeAt` on the head). Builds the timeline first when there is none (`repairTimeline`). Works without a
 * profile (defaults: UTC, no nationality). Idempotent: a second call writes nothing but the head's schedule when it
 * moved.
 *
 * Reads: the deletion marker + the timeline documents (2 for a one-document timeline). Writes: the head, the
 * statuses and summary that changed, and the profile when `nextAlertAt` moved.
 * Once the account's deletion marker exists nothing is written and `accountDeleted: true` is returned.
 * @throws whatever the repository throws (the trigger then lets Cloud Functions retry).
 */
export async function recomputeUser(repo: Repository, uid: string, opts: RecomputeOptions): Promise<RecomputeResult> {
  const { now, eventId } = opts;
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await repo.updateTimeline(uid, ({ timeline }) => {
        const tl = decodeTimeline(uid, timeline);
        if (!tl) return { commit: null, result: null };
        const ev = evaluateTimeline(tl, now, opts.maxSegments);
        const commit = planCommit(tl, ev, now);
        return {
          commit,
          result: { statuses: tl.meta.statuses, countryDays: ev.countryDays, changed: writesEvaluation(commit), segments: tl.liveCount, asOf: ev.asOf },
        };
      });
      if (r === null) {
        await repairTimeline(repo, uid, now, { maxSegments: opts.maxSegments, eventId });
        continue;
      }
      log.recomputeDone({ uid, eventId, asOf: r.asOf, segments: r.segments, rules: r.statuses.length, changed: r.changed });
      return { statuses: r.statuses, countryDays: r.countryDays, changed: r.changed };
    }
    throw new Error(`recomputeUser: the timeline of ${uid} could not be built`);
  } catch (e) {
    if (!isAccountDeletedError(e)) throw e;
    log.recomputeDone({ uid, eventId, userGone: true, changed: false });
    const empty = evaluationDocs({ asOf: todayIn('UTC', now), results: [], countryDays: {}, countryDaysByYear: {}, warnings: [] }, segmentsHash([]), now);
    return { ...empty, changed: false, accountDeleted: true };
  }
}

/** JSON with object keys sorted at every depth (Firestore does not preserve map key order). */
function canonicalJson(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** What a segment-write event says about the write (from the CloudEvent; no document read needed). */
export interface SegmentWriteEvent {
  uid: string;
  segmentId: string;
  /** CloudEvent id (redeliveries share it). */
  eventId: string;
  /** Commit time of the write (CloudEvent `time`), for the check against an account deletion. */
  eventTime: Date;
  /**
   * The write's version: its commit time in microseconds since the epoch (the document's `updateTime`; for a delete,
   * the event time). Two writes of one segment have increasing versions.
   */
  version: number;
  /** Whether the segment existed before the write (false: a create). */
  beforeExists: boolean;
  /** The document after the write; null for a delete (an account deletion's sweep fires one per segment). */
  after: Record<string, unknown> | null;
}

export type SegmentWriteOutcome =
  | {
      action: 'skipped';
      /**
       * `imported-create`: an import created the segment, and its record in the same transaction (no read).
       * `already-reflected`: the timeline holds this write or a newer one (redelivered or out-of-order event).
       */
      reason: 'imported-create' | 'already-reflected';
    }
  /** Applied; `changed` when a status or the summary was written; `refused` when the create is over the cap. */
  | { action: 'recomputed'; changed: boolean; refused?: boolean }
  /** The account is deleted: nothing was written; `erased` when a write made after the deletion was erased. */
  | { action: 'account-deleted'; erased: boolean };

/**
 * After a recompute found the account deleted (its write refused): erases the user's documents again when the
 * event's write may have been committed after the deletion began (commit time not earlier than the marker's
 * `deletedAt` minus the clock margin). Such a write is one the app made with a still-valid ID token (Firebase ID
 * tokens stay valid up to an hour after the Auth user is deleted), e.g. an offline queue flushed late; the
 * backend's own writes cannot land after the marker. Writes committed before the marker are the sweep's job, so
 * their events (an import's segment creations arriving during the deletion) do not sweep again.
 * `eventTime` null: unknown, always erase. Returns whether it erased. Idempotent (the sweep is).
 */
export async function eraseWritesAfterDeletion(repo: Repository, uid: string, eventTime: Date | null, eventId?: string): Promise<boolean> {
  const deletedAt = await repo.getAccountDeletedAt(uid);
  if (!deletedAt) return false;
  if (eventTime && eventTime.getTime() < deletedAt.getTime() - EVENT_CLOCK_MARGIN_MS) return false;
  await repo.deleteUserData(uid);
  log.accountStrayWritesErased({ uid, eventId });
  return true;
}

/**
 * Handles one write of `users/{uid}/segments/{segmentId}`: applies it to the timeline when newer than what the
 * timeline holds for that segment, then evaluates and commits what changed, in one transaction (see the file
 * docstring). A create beyond the segment cap is recorded as refused (not counted, named in the summary's warnings).
 * Creates by an import are skipped without a read (the import wrote their records).
 *
 * Cost with a one-document timeline: 2 reads (deletion marker, timeline) and at most 4 writes (timeline, one status,
 * summary, profile `nextAlertAt`); a stale event 2 reads and no write. When the account turns out to be deleted,
 * erases a write the app made after the deletion (`eraseWritesAfterDeletion`).
 * Idempotent: a redelivered event finds its version applied and changes nothing.
 */
export async function handleSegmentWrite(
  repo: Repository,
  event: SegmentWriteEvent,
  now: Date,
  opts: { maxSegments?: number } = {},
): Promise<SegmentWriteOutcome> {
  const { uid, eventId, segmentId, version } = event;
  const source = typeof event.after?.source === 'string' ? event.after.source : MANUAL_SOURCE;
  if (!event.beforeExists && event.after && source !== MANUAL_SOURCE) {
    // Only the import creates non-manual segments (firestore.rules), and it writes their records with them.
    log.segmentEventSkipped({ uid, eventId, segmentId, reason: 'imported-create' });
    return { action: 'skipped', reason: 'imported-create' };
  }
  const cap = opts.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  type Applied = { kind: 'repair' } | { kind: 'stale' } | { kind: 'applied'; changed: boolean; refused: boolean };
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await repo.updateTimeline<Applied>(uid, ({ timeline }) => {
        const tl = decodeTimeline(uid, timeline);
        if (!tl) return { commit: null, result: { kind: 'repair' } };
        const cur = tl.get(segmentId);
        const refuse = event.after !== null && cur?.kind !== 'live' && tl.liveCount >= cap;
        const applied = refuse ? tl.refuse(segmentId, version) : tl.apply(segmentId, version, event.after);
        if (applied === 'stale') return { commit: null, result: { kind: 'stale' } };
        tl.dropOldTombstones(now);
        if (applied === 'version-only' && !refuse) {
          return { commit: { timeline: tl.encode(now) }, result: { kind: 'applied', changed: false, refused: false } };
        }
        const commit = planCommit(tl, evaluateTimeline(tl, now, cap), now);
        return { commit, result: { kind: 'applied', changed: writesEvaluation(commit), refused: refuse } };
      });
      if (r.kind === 'repair') {
        // No timeline yet (or unreadable): build it from the segments, then apply this event (stale when the listing
        // already showed its write).
        await repairTimeline(repo, uid, now, { maxSegments: cap, eventId });
        continue;
      }
      if (r.kind === 'stale') {
        log.segmentEventSkipped({ uid, eventId, segmentId, reason: 'already-reflected' });
        return attempt === 0 ? { action: 'skipped', reason: 'already-reflected' } : { action: 'recomputed', changed: true };
      }
      if (r.refused) log.segmentRefused({ uid, eventId, segmentId, maxSegments: cap });
      // After a repair (attempt 1) the statuses were written by it.
      const changed = r.changed || attempt === 1;
      log.recomputeDone({ uid, eventId, changed });
      return r.refused ? { action: 'recomputed', changed, refused: true } : { action: 'recomputed', changed };
    }
    throw new Error(`handleSegmentWrite: the timeline of ${uid} could not be built`);
  } catch (e) {
    if (!isAccountDeletedError(e)) throw e;
    // A delete event is the sweep's own (or removes data anyway): nothing to erase.
    const erased = event.after === null ? false : await eraseWritesAfterDeletion(repo, uid, event.eventTime, eventId);
    return { action: 'account-deleted', erased };
  }
}
