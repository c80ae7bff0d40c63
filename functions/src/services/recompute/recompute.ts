/**
 * Status recompute: evaluates the rules one user tracks (the profile's `trackedRules`, by default the Schengen rule)
 * and writes one `users/{uid}/visaStatus/{ruleId}` per rule and `users/{uid}/summaries/countryDays`
 * (Firebase-free; the repository is injected). This module holds the whole-user paths: `recomputeUser` (the daily
 * run, alerts, imports), `repairTimeline` and `verifyTimeline`; a segment write's event is segmentWrite.ts, the
 * evaluation and its commit evaluate.ts.
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
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { log } from '../../log';
import type { CountryDaysDoc, VisaStatusDoc } from '../../model/documents';
import { isAccountDeletedError, type Repository } from '../../repository/types';
import { Timeline, timelineFieldsOf } from '../../timeline/timeline';
import { evaluationDocs, profileInputsOf } from './documents';
import { decodeTimeline, evaluateTimeline, planCommit, writesEvaluation } from './evaluate';
import { canonicalJson, segmentsHash } from './segments';

/** Options of `recomputeUser`. */
export interface RecomputeOptions {
  /** The evaluation instant: decides the user's local "today" (`asOf`) and is stored as `computedAt`. */
  now: Date;
  /** CloudEvent id of the event that caused the recompute (logged only). */
  eventId?: string;
  /** The segment cap (config.ts `MAX_SEGMENTS_PER_USER`), named in the warning of refused creates. */
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

/** What `repairTimeline` did (`segments`: the live records after the merge). */
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
