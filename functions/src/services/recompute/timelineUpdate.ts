/**
 * The one way into a user's timeline (Firebase-free): `updateTimeline` reads it in a repository transaction, rebuilds
 * it when it is missing or unreadable (`repairTimeline`) and tries again, hands the decoded {@link Timeline} to the
 * caller's `decide`, commits what that returns, and says whether the commit changed anything the app reads
 * (`commitChanges`, the one definition of "changed"). Every service that changes a timeline (a segment write, a
 * profile write, the import, the recompute and the daily run) goes through it; the head's fields change only through
 * the methods of the timeline's head (`Timeline.head`).
 *
 * ## Repair
 * A user without a timeline (created before it existed), or with an unreadable one, gets it rebuilt from a listing of
 * the segments (`repairTimeline`: N reads, once), merged by version so that events handled meanwhile are kept.
 */
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { log } from '../../log';
import { SegmentExistsError, type Repository, type TimelineCommit, type TimelineDocs, type TimelineRead, type TimelineTxOptions } from '../../repository/types';
import { Timeline } from '../../timeline/timeline';
import { TimelineCorruptError } from '../../timeline/records';
import { profileInputsOf } from './documents';
import { evaluateTimeline, planCommit } from './evaluate';

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

/**
 * Whether a commit changes a document the app reads: a status written or deleted, the summary written, or the
 * profile's `nextAlertAt` moved. The timeline's own documents do not count (they are the backend's bookkeeping).
 */
export function commitChanges(c: TimelineCommit | null): boolean {
  return Boolean(c && ((c.statuses?.length ?? 0) > 0 || (c.deleteStatuses?.length ?? 0) > 0 || c.countryDays || c.profile));
}

/** What `decide` returns: what to commit (null: nothing) and the caller's result. */
export interface TimelineDecision<T> {
  commit: TimelineCommit | null;
  result: T;
}

/** Options of `updateTimeline`. */
export interface TimelineUpdateOptions {
  /** The instant a repair evaluates at (a function: read when the repair runs). */
  now: Date | (() => Date);
  /** The segment cap (the `MAX_SEGMENTS_PER_USER` param), for a repair's warning of refused creates. */
  maxSegments?: number;
  /** CloudEvent id of the event being handled (logged only). */
  eventId?: string;
  /**
   * When there is no readable timeline: `retry` (default) rebuilds it and runs `decide` on the rebuilt one;
   * `repair` rebuilds it and stops (the repair did the caller's work: it copies the profile and evaluates); `skip`
   * stops without a write.
   */
  ifMissing?: 'retry' | 'repair' | 'skip';
  /** Read the profile in the transaction too (1 more read). */
  withProfile?: boolean;
  /**
   * Segments a commit creates: when one exists already (`SegmentExistsError`, nothing written), the transaction is
   * run again reading these, so that `decide` sees them in `read.segments`.
   */
  readOnConflict?: readonly string[];
  /** Runs before the timeline is decoded (and before any repair): true ends the update, writing nothing. */
  skipIf?: (read: TimelineRead) => boolean;
}

/** `decide` ran and its commit (if any) was committed; `repaired` when the timeline was rebuilt first. */
export interface TimelineDone<T> {
  kind: 'done';
  result: T;
  /** Whether the commit changed a document the app reads (`commitChanges`). */
  changed: boolean;
  repaired: boolean;
}

/** What `updateTimeline` did. */
export type TimelineUpdate<T> =
  | TimelineDone<T>
  /**
   * Nothing decided: `skipIf` said so (`skipped`), or there was no readable timeline, rebuilt (`repaired`, with
   * `ifMissing: 'repair'`) or left alone (`missing`, with `ifMissing: 'skip'`).
   */
  | { kind: 'skipped' | 'repaired' | 'missing' };

/** Most transactions one update runs: a repair and a rerun, and the rerun of a commit whose segments existed. */
const MAX_ATTEMPTS = 4;

/**
 * Runs `decide` on the user's timeline in one repository transaction (which reads the deletion marker first) and
 * commits what it returns; see the file docstring. `decide` may run more than once (the transaction retries on
 * contention): it must only change the timeline it is given and return.
 * @throws AccountDeletedError (nothing written) once the account is deleted; Error when the timeline cannot be built.
 */
export async function updateTimeline<T>(
  repo: Repository,
  uid: string,
  opts: TimelineUpdateOptions & { ifMissing?: 'retry'; skipIf?: undefined },
  decide: (tl: Timeline, read: TimelineRead) => TimelineDecision<T>,
): Promise<TimelineDone<T>>;
export async function updateTimeline<T>(
  repo: Repository,
  uid: string,
  opts: TimelineUpdateOptions,
  decide: (tl: Timeline, read: TimelineRead) => TimelineDecision<T>,
): Promise<TimelineUpdate<T>>;
export async function updateTimeline<T>(
  repo: Repository,
  uid: string,
  opts: TimelineUpdateOptions,
  decide: (tl: Timeline, read: TimelineRead) => TimelineDecision<T>,
): Promise<TimelineUpdate<T>> {
  const ifMissing = opts.ifMissing ?? 'retry';
  const tx: TimelineTxOptions = {};
  if (opts.withProfile) tx.withProfile = true;
  let repaired = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    type Read = { kind: 'missing' | 'skipped' } | { kind: 'done'; result: T; changed: boolean };
    let r: Read;
    try {
      r = await repo.updateTimeline<Read>(
        uid,
        (read) => {
          if (opts.skipIf?.(read)) return { commit: null, result: { kind: 'skipped' } };
          const tl = decodeTimeline(uid, read.timeline);
          if (!tl) return { commit: null, result: { kind: 'missing' } };
          const { commit, result } = decide(tl, read);
          return { commit, result: { kind: 'done', result, changed: commitChanges(commit) } };
        },
        Object.keys(tx).length > 0 ? tx : undefined,
      );
    } catch (e) {
      if (!(e instanceof SegmentExistsError) || !opts.readOnConflict) throw e;
      tx.readSegments = opts.readOnConflict;
      continue;
    }
    if (r.kind === 'skipped') return r;
    if (r.kind === 'done') return { ...r, repaired };
    if (ifMissing === 'skip') return { kind: 'missing' };
    if (repaired) break;
    const now = typeof opts.now === 'function' ? opts.now() : opts.now;
    await repairTimeline(repo, uid, now, { maxSegments: opts.maxSegments, eventId: opts.eventId });
    repaired = true;
    if (ifMissing === 'repair') return { kind: 'repaired' };
  }
  throw new Error(`updateTimeline: the timeline of ${uid} could not be built`);
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
      tl.head.setProfile(profile ? profileInputsOf(profile) : null);
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
