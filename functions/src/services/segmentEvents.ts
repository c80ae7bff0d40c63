/**
 * What a Firestore write event of `users/{uid}/segments/{segmentId}` says about the write, as the recompute needs
 * it ({@link SegmentWriteEvent}, handled by the recompute's `handleSegmentWrite`): the document after the write, and the
 * write's version, which orders the writes of one segment. Firebase-free: the event's snapshots are described by
 * their shape only.
 */

/** What a segment-write event says about the write (from the CloudEvent; no document read needed). */
export interface SegmentWriteEvent {
  uid: string;
  segmentId: string;
  /** CloudEvent id (redeliveries share it). */
  eventId: string;
  /** Commit time of the write (CloudEvent `time`), for the check against an account deletion. */
  eventTime: Date;
  /**
   * The write's version, in microseconds since the epoch: for a create or update, its commit time (the document's
   * `updateTime`); for a delete, the commit time of the write it removed (the `before` side's `updateTime`), which
   * a later re-create under the same id always exceeds. Two writes of one segment have increasing versions.
   */
  version: number;
  /** Whether the segment existed before the write (false: a create). */
  beforeExists: boolean;
  /** The document after the write; null for a delete (an account deletion's sweep fires one per segment). */
  after: Record<string, unknown> | null;
}

/** A Firestore `Timestamp` as the event's snapshots carry it (seconds and nanoseconds since the epoch, UTC). */
export interface TimestampLike {
  seconds: number;
  nanoseconds: number;
}

/** One side (before or after) of a document-written event. */
export interface SnapshotLike {
  exists: boolean;
  /** The document's last commit time; absent on a side that does not exist. */
  updateTime?: TimestampLike;
  data(): Record<string, unknown> | undefined;
}

/** The parts of a firebase-functions v2 `onDocumentWritten` event this mapping reads. */
export interface SegmentWrittenEvent {
  id: string;
  /** RFC 3339 commit time of the write (microsecond precision). */
  time: string;
  params: { uid: string; segmentId: string };
  data?: { before?: SnapshotLike; after?: SnapshotLike };
}

/**
 * Microseconds since the epoch of an RFC 3339 time such as `2026-11-23T10:00:00.123456Z` (CloudEvent `time` has
 * microsecond precision, which `Date` would cut to milliseconds); NaN when unreadable.
 */
export function rfc3339Micros(time: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!m) return NaN;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  const fraction = ((m[2] ?? '') + '000000').slice(0, 6);
  return seconds * 1000 + Number(fraction);
}

function timestampMicros(t: TimestampLike | undefined): number {
  return t && typeof t.seconds === 'number' ? t.seconds * 1_000_000 + Math.floor(t.nanoseconds / 1000) : NaN;
}

/**
 * The recompute's view of one segment write. The version of a create or update is the document's `updateTime`; of a
 * delete, the `updateTime` of the document it removed (`before`): a delete is ordered by what it removed, never by
 * the event's `time`, which is not the commit time (the emulators stamp it when they deliver, to the second) and
 * could place the delete after a re-create under the same id committed just after it. Only when a snapshot has no
 * readable `updateTime` does the event's `time` stand in for it. An unreadable event time becomes the latest
 * representable instant, so that it never makes the event look older than an account deletion.
 * @throws Error when neither the snapshot nor the event has a readable commit time (nothing can order the write).
 */
export function segmentWriteOf(event: SegmentWrittenEvent): SegmentWriteEvent {
  const after = event.data?.after;
  const before = event.data?.before;
  const eventMicros = rfc3339Micros(event.time);
  let version = after?.exists ? timestampMicros(after.updateTime) : before?.exists ? timestampMicros(before.updateTime) : NaN;
  if (!Number.isFinite(version)) version = eventMicros;
  const eventTime = new Date(event.time);
  if (!Number.isFinite(version)) throw new Error(`segment event ${event.id} has no readable commit time (${event.time})`);
  return {
    uid: event.params.uid,
    segmentId: event.params.segmentId,
    eventId: event.id,
    eventTime: Number.isNaN(eventTime.getTime()) ? new Date(8.64e15) : eventTime,
    version,
    beforeExists: Boolean(before?.exists),
    after: after?.exists ? (after.data() ?? null) : null,
  };
}
