/**
 * The segments an import creates: their documents, and their creation together with their timeline records in
 * chunked transactions, so the timeline always holds every imported segment and their create events are skipped
 * without a read (the segment trigger's event-skip rule).
 */
import type { ImportedSegment } from '@travel-time-tracker/import/types';
import type { SegmentDoc } from '../../model/documents';
import type { Repository, StoredSegment } from '../../repository/types';
import { micros } from '../../timeline/timeline';
import { evaluateTimeline, planCommit } from '../recompute/evaluate';
import { updateTimeline } from '../recompute/timelineUpdate';
import { EVENT_CLOCK_MARGIN_MS } from '../recompute/segmentWrite';
import { existingAtWrite } from './duplicates';

/**
 * Segments created per transaction: with the timeline documents, the statuses, the summary and the profile it stays
 * under Firestore's 500 writes per transaction.
 */
export const IMPORT_CHUNK = 450;

/**
 * The stored document of an imported flight: the segment as the import made it, with `source` (the import id) and
 * its times. Its flight number and free text are stored as the import kept them, the same as `travel-days report`
 * shows: the import package's {@link parseFlightNumber} and {@link parseNote} are the one place that decides which
 * text from a file is stored (none starts like a spreadsheet formula).
 */
export function toSegmentDoc(s: ImportedSegment, importId: string, now: Date): SegmentDoc {
  const { row: _row, planned: _planned, ...core } = s;
  return { ...core, source: importId, createdAt: now, updatedAt: now };
}

/** What `writeImportedSegments` did. */
export interface WrittenSegments {
  /** Segments this run created. */
  created: number;
  /** Already stored from an earlier attempt of this import (a retried event): imported. */
  ownExisting: number;
  /** Already stored otherwise (written meanwhile): duplicates. */
  otherExisting: number;
  /** Not created because the user's segments reached the cap. */
  capped: { id: string; row: number }[];
  /** Whether the last transaction evaluated, whether that wrote a status or the summary, and the live segments. */
  evaluated: boolean;
  changed: boolean;
  segments: number;
}

/**
 * Creates the import's segments and their timeline records in the same transactions (IMPORT_CHUNK per transaction,
 * each reading the deletion marker and the timeline), so the timeline always holds every imported segment and the
 * create events can be skipped without a read. The last transaction also evaluates and writes what changed.
 *
 * A record's version must order it before any later write of that segment and after any earlier one (a deleted
 * segment of the same id): it is the import's clock minus EVENT_CLOCK_MARGIN_MS (before this commit's time, which
 * every later write of the segment follows), and at least one more than the id's tombstone or the floor.
 * A segment that exists but is not in the timeline yet (written meanwhile, its event not handled) makes the
 * transaction fail (create() precondition); the chunk is then redone reading its segments, which are left alone
 * ({@link existingAtWrite}, check 3).
 * @throws AccountDeletedError once the account's deletion marker exists (nothing of the chunk is written).
 */
export async function writeImportedSegments(
  repo: Repository,
  uid: string,
  importId: string,
  toCreate: readonly (StoredSegment & { row: number })[],
  clock: () => Date,
  maxSegments: number,
  eventId: string,
): Promise<WrittenSegments> {
  const out: WrittenSegments = { created: 0, ownExisting: 0, otherExisting: 0, capped: [], evaluated: false, changed: false, segments: 0 };
  for (let i = 0; i < toCreate.length; i += IMPORT_CHUNK) {
    const chunk = toCreate.slice(i, i + IMPORT_CHUNK);
    const last = i + IMPORT_CHUNK >= toCreate.length;
    // A segment of the chunk that exists already fails the commit; it is then run again reading the chunk's segments.
    const opts = { now: clock, maxSegments, eventId, readOnConflict: chunk.map((s) => s.id) };
    const r = await updateTimeline(repo, uid, opts, (tl, { segments }) => {
      const now = clock();
      const earliest = micros(now) - EVENT_CLOCK_MARGIN_MS * 1000;
      const creates: StoredSegment[] = [];
      const res = { created: 0, own: 0, other: 0, capped: [] as { id: string; row: number }[], segments: 0 };
      for (const s of chunk) {
        const cur = tl.get(s.id);
        const existing = existingAtWrite(s.id, cur, segments, importId);
        if (existing === 'own') res.own += 1;
        if (existing === 'other') res.other += 1;
        if (existing) continue;
        if (tl.liveCount >= maxSegments) {
          res.capped.push({ id: s.id, row: s.row });
          continue;
        }
        const version = Math.max(earliest, (cur?.version ?? tl.meta.floor) + 1);
        tl.apply(s.id, version, s.data);
        creates.push({ id: s.id, data: s.data });
      }
      res.created = creates.length;
      if (!last) return { commit: { timeline: tl.encode(now), createSegments: creates }, result: res };
      tl.dropOldTombstones(now);
      const commit = planCommit(tl, evaluateTimeline(tl, now, maxSegments), now);
      res.segments = tl.liveCount;
      return { commit: { ...commit, createSegments: creates }, result: res };
    });
    out.created += r.result.created;
    out.ownExisting += r.result.own;
    out.otherExisting += r.result.other;
    out.capped.push(...r.result.capped);
    if (last) Object.assign(out, { evaluated: true, changed: r.changed, segments: r.result.segments });
  }
  return out;
}
