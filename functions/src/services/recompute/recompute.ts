/**
 * Status recompute: evaluates the rules one user tracks (the profile's `trackedRules`, by default the Schengen rule)
 * and writes one `users/{uid}/visaStatus/{ruleId}` per rule and `users/{uid}/summaries/countryDays`
 * (Firebase-free; the repository is injected). This module holds the whole-user paths: `recomputeUser` (the daily
 * run, alerts, imports) and `verifyTimeline`, which compares the timeline with the segments (tests, operations). The
 * timeline is read, repaired and committed through {@link updateTimeline}.
 *
 * ## Account deletion
 * Every write here is a repository transaction that reads the account's deletion marker first; once the account is
 * deleted the write is refused (`AccountDeletedError`) and the recompute stops with `accountDeleted`.
 */
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { log } from '../../log';
import type { CountryDaysDoc, VisaStatusDoc } from '../../model/documents';
import { isAccountDeletedError, type Repository } from '../../repository/types';
import { timelineFieldsOf } from '../../timeline/records';
import { Timeline } from '../../timeline/timeline';
import { evaluationDocs } from './documents';
import { evaluateTimeline, planCommit } from './evaluate';
import { canonicalJson, segmentsHash } from './segments';
import { updateTimeline } from './timelineUpdate';

/** Options of `recomputeUser`. */
export interface RecomputeOptions {
  /** The evaluation instant: decides the user's local "today" (`asOf`) and is stored as `computedAt`. */
  now: Date;
  /** CloudEvent id of the event that caused the recompute (logged only). */
  eventId?: string;
  /** The segment cap (the `MAX_SEGMENTS_PER_USER` param), named in the warning of refused creates. */
  maxSegments?: number;
}

/** What `recomputeUser` stored: the statuses the head records and the summary, and whether anything was written. */
export interface RecomputeResult {
  statuses: VisaStatusDoc[];
  countryDays: CountryDaysDoc;
  /** False when the stored documents already equalled this evaluation (nothing written). */
  changed: boolean;
  /** True when a write was refused because the account is deleted (its deletion marker exists). */
  accountDeleted?: boolean;
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
    const r = await updateTimeline(repo, uid, { now, maxSegments: opts.maxSegments, eventId }, (tl) => {
      const ev = evaluateTimeline(tl, now, opts.maxSegments);
      const commit = planCommit(tl, ev, now);
      return { commit, result: { statuses: tl.meta.statuses, countryDays: ev.countryDays, segments: tl.liveCount, asOf: ev.asOf } };
    });
    const { statuses, countryDays, segments, asOf } = r.result;
    log.recomputeDone({ uid, eventId, asOf, segments, rules: statuses.length, changed: r.changed });
    return { statuses, countryDays, changed: r.changed };
  } catch (e) {
    if (!isAccountDeletedError(e)) throw e;
    log.recomputeDone({ uid, eventId, userGone: true, changed: false });
    const empty = evaluationDocs(
      {
        asOf: todayIn('UTC', now),
        results: [],
        countryDays: {},
        countryDaysByYear: {},
        assumedCountryDays: {},
        assumedCountryDaysByYear: {},
        lastRecordedDate: null,
        lastRecordedCountry: null,
        warnings: [],
      },
      segmentsHash([]),
      now,
    );
    return { ...empty, changed: false, accountDeleted: true };
  }
}
