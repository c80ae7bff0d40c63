/**
 * `onSegmentWritten`: Firestore trigger on `users/{uid}/segments/{segmentId}` (create, update, delete) that keeps the
 * user's timeline, `users/{uid}/visaStatus/*` and `users/{uid}/summaries/countryDays` current
 * ({@link handleSegmentWrite}; the event read by {@link segmentWriteOf}).
 *
 * The event is all it needs about the segment: the document after the write and the write's version (the
 * document's `updateTime`; for a delete, that of the document it removed), which orders the writes of one segment.
 * Idempotent under redelivery and out-of-order delivery: a write is applied to the timeline only when newer than what
 * it holds for that segment. `retry: true`: a transient Firestore error must not leave a stale status; deterministic
 * problems do not throw. Memory: the timeline of the largest history allowed (20 000 segments) is a few MB decoded.
 */
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { REGION, runtimeConfig, FUNCTION_SETTINGS } from '../config';
import { handleSegmentWrite } from '../services/recompute/segmentWrite';
import { segmentWriteOf } from '../services/segmentEvents';
import { wiring } from '../wiring';

export const onSegmentWritten = onDocumentWritten(
  { document: 'users/{uid}/segments/{segmentId}', region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 120, ...FUNCTION_SETTINGS.onSegmentWritten },
  async (event) => {
    const { repo, clock } = wiring();
    return handleSegmentWrite(repo, segmentWriteOf(event), clock(), { maxSegments: runtimeConfig().maxSegmentsPerUser });
  },
);
