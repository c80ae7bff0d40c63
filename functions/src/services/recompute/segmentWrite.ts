/**
 * The event of one segment write (`users/{uid}/segments/{segmentId}`): `handleSegmentWrite` applies the write to the
 * user's timeline and commits the evaluation, skipping without a read the creates an import made (the event-skip
 * rule); `eraseWritesAfterDeletion` erases a write the app made after the account's deletion began.
 * Firebase-free (the event is described by {@link SegmentWriteEvent}, built from the CloudEvent by `segmentWriteOf`).
 *
 * ## Reads independent of the history's size and of the number of rules
 * The segments are not listed: the recompute reads the user's timeline (through {@link updateTimeline},
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
 *   holds for that segment (or, for an id it does not hold, newer than its floor). A delete carries the version of
 *   the write it removed and applies only when the record is not newer, so a segment deleted and re-entered at once
 *   under the same id stays, whichever event comes first. A redelivered event, or an older write's event arriving
 *   after a newer one, changes nothing. Each segment's record therefore ends as its last write, whatever the order
 *   the events are handled in.
 * - Two devices writing at once: both events run the transaction on the same timeline documents; Firestore
 *   serialises them (the second reads what the first committed, or is retried), so neither write is lost and the
 *   status written with a timeline is the evaluation of that timeline.
 * - The written statuses are a pure function of (timeline, profile inputs, the user's local date); a status is
 *   written only when it differs from the one the head records as written, so a repeated evaluation writes nothing.
 *
 * ## Imports
 * The import creates its segments and their records in the same transactions (the import's `writeImportedSegments`), so the
 * create events of imported segments are skipped without any read: the timeline already holds them.
 */
import { log } from '../../log';
import { ensureProfile } from '../account';
import { isAccountDeletedError, type Repository } from '../../repository/types';
import { MANUAL_SOURCE } from '../../timeline/records';
import type { SegmentWriteEvent } from '../segmentEvents';
import { DEFAULT_MAX_SEGMENTS, evaluateTimeline, planCommit } from './evaluate';
import { updateTimeline } from './timelineUpdate';

/**
 * A stored status reflects a segment write when it was computed at least this long after the write's commit
 * time (allows for clock skew between Firestore's commit timestamps and the function's clock).
 */
export const EVENT_CLOCK_MARGIN_MS = 2_000;

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
 * backend's own writes cannot land after the marker. firestore.rules already refuse every app create or update under
 * `users/{uid}` checked after the marker (`notDeleted`), so this erase is the backend's second line, not the only
 * one. Writes committed before the marker are the sweep's job, so their events (an import's segment creations
 * arriving during the deletion) do not sweep again.
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
  try {
    // A timeline missing or unreadable is rebuilt from the segments first; this event is then stale when the
    // listing already showed its write.
    const r = await updateTimeline(repo, uid, { now, maxSegments: cap, eventId }, (tl) => {
      const cur = tl.get(segmentId);
      const refuse = event.after !== null && cur?.kind !== 'live' && tl.liveCount >= cap;
      const applied = refuse ? tl.refuse(segmentId, version) : tl.apply(segmentId, version, event.after);
      if (applied === 'stale') return { commit: null, result: { stale: true, refused: false } };
      tl.dropOldTombstones(now);
      if (applied === 'version-only' && !refuse) return { commit: { timeline: tl.encode(now) }, result: { stale: false, refused: false } };
      return { commit: planCommit(tl, evaluateTimeline(tl, now, cap), now), result: { stale: false, refused: refuse } };
    });
    // The user's first segment event (no timeline yet) creates a profile missing after sign-up, with the defaults.
    if (r.repaired) await ensureProfile(repo, uid, now, eventId);
    if (r.result.stale) {
      log.segmentEventSkipped({ uid, eventId, segmentId, reason: 'already-reflected' });
      return r.repaired ? { action: 'recomputed', changed: true } : { action: 'skipped', reason: 'already-reflected' };
    }
    if (r.result.refused) log.segmentRefused({ uid, eventId, segmentId, maxSegments: cap });
    // After a repair the statuses were written by it.
    const changed = r.changed || r.repaired;
    log.recomputeDone({ uid, eventId, changed });
    return r.result.refused ? { action: 'recomputed', changed, refused: true } : { action: 'recomputed', changed };
  } catch (e) {
    if (!isAccountDeletedError(e)) throw e;
    // A delete event is the sweep's own (or removes data anyway): nothing to erase.
    const erased = event.after === null ? false : await eraseWritesAfterDeletion(repo, uid, event.eventTime, eventId);
    return { action: 'account-deleted', erased };
  }
}
