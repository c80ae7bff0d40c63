/**
 * Shared by the race suites on the real Firestore emulator (races.emulator.test.ts, timeline.emulator.test.ts):
 * a segment write as the app makes it with the event Firestore delivers for it, and the oracle every race is checked
 * against (the stored statuses equal a fresh evaluation of the stored segments and profile).
 */
import * as crypto from 'node:crypto';
import { FieldValue, type Firestore, type Timestamp } from 'firebase-admin/firestore';
import { todayIn } from '../../functions/src/core/dates';
import { evaluateTravel } from '../../functions/src/core/evaluate';
import type { SegmentDoc } from '../../functions/src/model/documents';
import { timestampMicros, type FirestoreRepository } from '../../functions/src/repository/firestore';
import {
  activeRuleIds,
  coreSegmentsOf,
  evaluationDocs,
  safeTimeZone,
  segmentsHash,
  type SegmentWriteEvent,
} from '../../functions/src/services/recompute';

/**
 * A segment write as the app makes it (`updatedAt` = server time), and the event Firestore delivers for it:
 * `after` null deletes; `patch` updates the stored document instead of replacing it.
 */
export async function appWrite(db: Firestore, uid: string, id: string, after: SegmentDoc | null, patch?: Record<string, unknown>): Promise<SegmentWriteEvent> {
  const ref = db.doc(`users/${uid}/segments/${id}`);
  const before = await ref.get();
  const deletes = after === null && !patch;
  const res = deletes
    ? await ref.delete()
    : patch
      ? await ref.update({ ...patch, updatedAt: FieldValue.serverTimestamp() })
      : await ref.set({ ...after, updatedAt: FieldValue.serverTimestamp() });
  const written = deletes ? null : ((await ref.get()).data() as Record<string, unknown>);
  return {
    uid,
    segmentId: id,
    eventId: `evt-${id}-${crypto.randomUUID()}`,
    eventTime: res.writeTime.toDate(),
    version: timestampMicros(res.writeTime as Timestamp),
    beforeExists: before.exists,
    after: written,
  };
}

/**
 * The stored status of every active rule equals a fresh evaluation of the stored segments with the stored profile's
 * rule inputs (nationalities, residence permits, time zone) as of `now`; `daysUsed` is compared first, as the
 * number the traveller reads. Returns the fresh documents for further checks.
 */
export async function expectStatusesMatchSegments(repo: FirestoreRepository, uid: string, now: Date) {
  const [segments, p] = await Promise.all([repo.listSegments(uid), repo.getProfile(uid)]);
  const asOf = todayIn(safeTimeZone(p?.timeZone), now);
  const options = { asOf, nationalities: p?.nationalities ?? [], residencePermits: p?.residencePermits ?? [] };
  const fresh = evaluationDocs(evaluateTravel(coreSegmentsOf(segments).segments, options), segmentsHash(segments), now);
  for (const ruleId of activeRuleIds()) {
    const stored = await repo.getVisaStatus(uid, ruleId);
    const expected = fresh.statuses.find((s) => s.ruleId === ruleId)!;
    expect({ ruleId, daysUsed: stored?.kind === 'rolling-window' ? stored.daysUsed : undefined }).toEqual({ ruleId, daysUsed: expected.kind === 'rolling-window' ? expected.daysUsed : undefined });
    const { computedAt: _a, ...s } = stored!;
    const { computedAt: _b, ...e } = expected;
    expect(s).toEqual(e);
  }
  return fresh;
}
