/**
 * Shared by the race suites on the real Firestore emulator (races.emulator.test.ts, timeline.emulator.test.ts):
 * a segment write as the app makes it with the event Firestore delivers for it, and the oracle every race is checked
 * against (the stored statuses of the tracked rules equal a fresh evaluation of the stored segments and profile).
 */
import * as crypto from 'node:crypto';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { evaluateTravel, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { evaluateDefinitions, trackedDefinitions } from '@travel-time-tracker/core/ruleResults';
import { MAX_STORED_TAX_YEARS, type SegmentDoc } from '../../../functions/src/model/documents';
import type { FirestoreRepository } from '../../../functions/src/repository/firestore';
import { coreSegmentsOf } from '../../../functions/src/services/recompute/segments';
import { safeTimeZone } from '../../../functions/src/services/recompute/schedule';
import { segmentWriteOf, type SegmentWriteEvent } from '../../../functions/src/services/segmentEvents';

/**
 * The profile the race suites' travellers have: a New Zealander (every rule applies) tracking one rule of each kind
 * (Schengen 90/180, the US Visa Waiver Program per admission, the UK's 183 midnights, the US substantial presence
 * test), so that every race is checked on every kind of status.
 */
export const RACE_PROFILE = { nationalities: ['NZ'], trackedRules: ['schengen-90-180', 'us-vwp-90-per-admission', 'uk-srt-183', 'us-substantial-presence'] };

/**
 * A segment write as the app makes it (`updatedAt` = server time), and the event Firestore delivers for it, mapped by
 * the trigger's own `segmentWriteOf` from the real snapshots read before and after the write (their `updateTime`s
 * as the emulator committed them; the event's `time` is the write's commit time): `after` null deletes; `patch`
 * updates the stored document instead of replacing it. Where the delivery itself matters (its `time`, its order),
 * segmentEvents.emulator.test.ts takes the events the emulator delivers.
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
  const written = await ref.get();
  return segmentWriteOf({
    id: `evt-${id}-${crypto.randomUUID()}`,
    time: res.writeTime
      .toDate()
      .toISOString()
      .replace(
        'Z',
        `${String(res.writeTime.nanoseconds % 1_000_000)
          .padStart(6, '0')
          .slice(0, 3)}Z`,
      ),
    params: { uid, segmentId: id },
    data: { before, after: written },
  });
}

/**
 * The stored status of every rule the stored profile tracks (the default rule without `trackedRules`) equals a fresh
 * evaluation of the stored segments with the profile's rule inputs (nationalities, residence permits, time zone) as
 * of `now`, and no other rule of the seed has a status document. The fresh evaluation runs the core directly (one
 * `evaluateDefinitions` per race, not the recompute's code); the day count the traveller reads is compared first.
 * Returns the fresh statuses and days per country for further checks.
 */
export async function expectStatusesMatchSegments(repo: FirestoreRepository, uid: string, now: Date) {
  const [segments, p] = await Promise.all([repo.listSegments(uid), repo.getProfile(uid)]);
  const asOf = todayIn(safeTimeZone(p?.timeZone), now);
  const reference = loadReferenceData();
  const { definitions } = trackedDefinitions(reference, p?.trackedRules);
  const core = coreSegmentsOf(segments).segments;
  const options = { asOf, nationalities: p?.nationalities ?? [], residencePermits: p?.residencePermits ?? [] };
  const results = evaluateDefinitions(prepareEvaluation(core, options), definitions);
  for (const r of results) {
    const stored = await repo.getVisaStatus(uid, r.ruleId);
    const expected: Record<string, unknown> = { ...r, asOf };
    if (r.kind === 'tax-year-presence') expected.byTaxYear = r.byTaxYear.slice(-MAX_STORED_TAX_YEARS);
    expect({ ruleId: r.ruleId, days: countOf(stored) }).toEqual({ ruleId: r.ruleId, days: countOf(expected) });
    // computedAt and segmentsHash are those of the evaluation that last changed the status (not rewritten otherwise).
    const { computedAt: _a, segmentsHash: _h, ...s } = stored ?? ({} as Record<string, unknown>);
    expect(s).toEqual(expected);
  }
  const tracked = new Set(definitions.map((d) => d.id));
  for (const d of reference.definitions) {
    if (!tracked.has(d.id)) expect({ ruleId: d.id, stored: await repo.getVisaStatus(uid, d.id) }).toEqual({ ruleId: d.id, stored: null });
  }
  return { results, countryDays: evaluateTravel(core, options).countryDays };
}

/** The day count a traveller reads first, by kind. */
function countOf(s: Record<string, unknown> | null | undefined): unknown {
  if (!s) return s;
  return s.daysUsed ?? s.currentStayDays ?? s.daysThisTaxYear ?? s.daysThisYear;
}
