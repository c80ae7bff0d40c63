/**
 * Evaluation of a user's timeline and what committing it writes. All the tracked rules are evaluated in one pass
 * (`evaluateTracked`: presence prepared once, each rule evaluated on it, the reference data in memory), for the
 * user's local date, from the timeline's live records and the profile inputs its head keeps (`evaluateTimeline`);
 * `planCommit` turns an evaluation into the timeline commit: the statuses and summary that changed, the statuses of
 * rules no longer tracked deleted, the profile's `nextAlertAt`, and the head (its schedule and its records of what
 * was written). Firebase-free.
 */
import { performance } from 'node:perf_hooks';
import type { ResidencePermit } from '@travel-time-tracker/core/applicability';
import type { IsoDate } from '@travel-time-tracker/core/dates';
import { evaluatePrepared, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { evidenceSummary, type PresenceEvidence } from '@travel-time-tracker/core/evidence';
import type { DayInterval } from '@travel-time-tracker/core/intervals';
import { definitionDays, evaluateDefinitions, trackedDefinitions } from '@travel-time-tracker/core/ruleResults';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { todayIn } from '@travel-time-tracker/core/timeZones';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { computeNextAlertAt } from '../../policy/alerts';
import type { CountryDaysDoc, VisaStatusDoc } from '../../model/documents';
import type { TimelineCommit } from '../../repository/types';
import type { Timeline } from '../../timeline/timeline';
import { evaluationDocs, knownNationalities, sameInstant, sameStatus, summaryKey, type EvaluationParts } from './documents';
import { nextRecomputeAt, safeTimeZone, statusChangesOn } from './schedule';
import { coreSegmentsOf, segmentsHash } from './segments';

/**
 * Default cap on the segments one user may store (the `MAX_SEGMENTS_PER_USER` param): a create beyond it is not
 * counted (the summary's warnings name it) and an import stops there. Up to the cap a timeline fits in two documents.
 */
export const DEFAULT_MAX_SEGMENTS = 20_000;

/** Ids of the default rules (`ReferenceData.rules`: the Schengen rule), tracked when a profile names none. */
export function activeRuleIds(): string[] {
  return loadReferenceData().rules.map((r) => r.id);
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
 * once. Evaluated with the evidence (`EvaluateOptions.evidence`): each result says how many of its days are assumed
 * and whether its verdict rests on them, the days per country come with their assumed days, and the last recorded
 * date is kept. Unknown tracked ids give a warning naming each, first in `warnings`.
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
    evidence: true,
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
    assumedCountryDays: travel.assumedCountryDays ?? {},
    assumedCountryDaysByYear: travel.assumedCountryDaysByYear ?? {},
    ...lastRecordOf(prepared.evidence),
    warnings: [...unknownWarnings, ...travel.warnings],
    unknownRules: tracked.unknown,
    changesOn,
  };
}

/** The date and arrival country of the last record on or before the evaluation date (`evidenceSummary`); null without one. */
function lastRecordOf(evidence: PresenceEvidence | null): Pick<EvaluationParts, 'lastRecordedDate' | 'lastRecordedCountry'> {
  const s = evidence ? evidenceSummary(evidence) : null;
  return { lastRecordedDate: s?.lastRecordedDate ?? null, lastRecordedCountry: s?.lastRecordedCountry ?? null };
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
  const known = knownNationalities(inputs?.nationalities);
  const evaluation = evaluateTracked(usable.segments, {
    asOf,
    nationalities: known.nationalities,
    residencePermits: inputs?.residencePermits ?? [],
    trackedRules: inputs?.trackedRules ?? null,
  });
  const extra = [...usable.warnings, ...known.warnings];
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
 * timeline documents that changed (the head always: `nextRecomputeAt`). Records them on the head (`Timeline.head`).
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
  // A status whose document predates statuses' `kind` is written again, with its kind.
  const changed = opts.force ? ev.statuses : ev.statuses.filter((s) => tl.head.hasLegacyStatus(s.ruleId) || !sameStatus(s, previous.get(s.ruleId)));
  if (changed.length > 0) commit.statuses = changed;
  // The head records what the documents hold: the statuses written now, the others as they were.
  const written = new Map(changed.map((s) => [s.ruleId, s]));
  const statuses = changed.length > 0 || gone.size > 0 ? ev.statuses.map((s) => written.get(s.ruleId) ?? previous.get(s.ruleId) ?? s) : undefined;
  const key = summaryKey(ev.countryDays);
  const summaryWritten = opts.force || key !== tl.meta.summaryKey;
  if (summaryWritten) commit.countryDays = ev.countryDays;
  tl.head.recordWritten({ statuses, rewritten: [...written.keys(), ...gone], summaryKey: summaryWritten ? key : undefined });
  if (tl.meta.profile) {
    const current = opts.profileNextAlertAt !== undefined ? opts.profileNextAlertAt : tl.meta.alertAt;
    if (!sameInstant(current, ev.nextAlertAt)) commit.profile = { nextAlertAt: ev.nextAlertAt };
    tl.head.setAlertAt(ev.nextAlertAt);
  }
  tl.head.setNextRecomputeAt(ev.nextRecomputeAt);
  commit.timeline = tl.encode(now);
  return commit;
}
