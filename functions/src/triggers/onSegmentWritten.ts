/**
 * `onSegmentWritten`: Firestore trigger on `users/{uid}/segments/{segmentId}` (create, update, delete) that keeps
 * `users/{uid}/visaStatus/*` and `users/{uid}/summaries/countryDays` current.
 *
 * Idempotent under redelivery: the recompute derives the documents from the stored segments, not from the event,
 * and an event whose write the stored status already reflects (status computed after the event's commit time) is
 * skipped; see services/recompute.ts for the concurrency argument and the cost bound of imports.
 * `retry: true`: a transient Firestore error must not leave a stale status; deterministic problems do not throw.
 */
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { REGION } from '../config';
import { handleSegmentWrite } from '../services/recompute';
import { handlerDeps } from './deps';

function sourceOf(data: unknown): string | undefined {
  const s = (data as { source?: unknown } | undefined)?.source;
  return typeof s === 'string' ? s : undefined;
}

export const onSegmentWritten = onDocumentWritten(
  { document: 'users/{uid}/segments/{segmentId}', region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 120 },
  async (event) => {
    const { repo, clock } = handlerDeps();
    const after = event.data?.after;
    const before = event.data?.before;
    const source = sourceOf(after?.exists ? after.data() : undefined) ?? sourceOf(before?.exists ? before.data() : undefined);
    const eventTime = new Date(event.time);
    return handleSegmentWrite(
      repo,
      {
        uid: event.params.uid,
        segmentId: event.params.segmentId,
        eventId: event.id,
        // An unreadable event time must never make the event look already handled.
        eventTime: Number.isNaN(eventTime.getTime()) ? new Date(8.64e15) : eventTime,
        source,
        deleted: !after?.exists,
      },
      clock(),
    );
  },
);
