/**
 * `onSegmentWritten`: Firestore trigger on `users/{uid}/segments/{segmentId}` (create, update, delete) that keeps the
 * user's timeline, `users/{uid}/visaStatus/*` and `users/{uid}/summaries/countryDays` current
 * (services/recompute.ts `handleSegmentWrite`).
 *
 * The event is all it needs about the segment: the document after the write and the write's commit time (the
 * document's `updateTime`; for a delete, the event's `time`), which orders the writes of one segment.
 * Idempotent under redelivery and out-of-order delivery: a write is applied to the timeline only when newer than what
 * it holds for that segment. `retry: true`: a transient Firestore error must not leave a stale status; deterministic
 * problems do not throw. Memory: the timeline of the largest history allowed (20 000 segments) is a few MB decoded.
 */
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import type { Timestamp } from 'firebase-admin/firestore';
import { REGION, runtimeConfig } from '../config';
import { handleSegmentWrite } from '../services/recompute';
import { handlerDeps } from './deps';

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

function timestampMicros(t: Timestamp | undefined): number {
  return t && typeof t.seconds === 'number' ? t.seconds * 1_000_000 + Math.floor(t.nanoseconds / 1000) : NaN;
}

export const onSegmentWritten = onDocumentWritten(
  { document: 'users/{uid}/segments/{segmentId}', region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 120 },
  async (event) => {
    const { repo, clock } = handlerDeps();
    const after = event.data?.after;
    const before = event.data?.before;
    const eventMicros = rfc3339Micros(event.time);
    let version = after?.exists ? timestampMicros(after.updateTime) : eventMicros;
    if (!Number.isFinite(version)) version = eventMicros;
    // A delete is newer than the version it removes, whatever the event's clock says.
    const beforeMicros = before?.exists ? timestampMicros(before.updateTime) : NaN;
    if (Number.isFinite(beforeMicros) && !(version > beforeMicros)) version = beforeMicros + 1;
    const eventTime = new Date(event.time);
    if (!Number.isFinite(version)) throw new Error(`segment event ${event.id} has no readable commit time (${event.time})`);
    return handleSegmentWrite(
      repo,
      {
        uid: event.params.uid,
        segmentId: event.params.segmentId,
        eventId: event.id,
        // An unreadable event time must never make the event look older than the account deletion.
        eventTime: Number.isNaN(eventTime.getTime()) ? new Date(8.64e15) : eventTime,
        version,
        beforeExists: Boolean(before?.exists),
        after: after?.exists ? (after.data() ?? null) : null,
      },
      clock(),
      { maxSegments: runtimeConfig().maxSegmentsPerUser },
    );
  },
);
