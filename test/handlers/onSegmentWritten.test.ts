/**
 * `onSegmentWritten` through firebase-functions-test: the stored status after segment writes, redelivery,
 * racing writes from two devices, deletes, and the skips that keep imports cheap.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, change, fft, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { evaluateTravel } from '../../functions/src/core/evaluate';
import { onSegmentWritten } from '../../functions/src/triggers/onSegmentWritten';
import { MemoryRepository } from '../../functions/src/repository/memory';
import { activeRuleIds, startOfNextLocalDay, toCoreSegment } from '../../functions/src/services/recompute';
import { setHandlerDeps } from '../../functions/src/triggers/deps';
import type { SegmentDoc } from '../../functions/src/model/documents';

const wrapped = fft.wrap(onSegmentWritten);
const UID = 'alice';
const RULE = 'schengen-90-180';

/** A realistic onDocumentWritten CloudEvent for `users/{uid}/segments/{id}`. */
function writeEvent(id: string, before: SegmentDoc | null, after: SegmentDoc | null, opts: { eventId?: string; time?: Date; uid?: string } = {}) {
  const uid = opts.uid ?? UID;
  const docPath = `users/${uid}/segments/${id}`;
  return {
    id: opts.eventId ?? `evt-${id}-${Math.random().toString(36).slice(2)}`,
    time: (opts.time ?? NOW).toISOString(),
    params: { uid, segmentId: id },
    data: change(before, after, docPath),
  };
}

/** What a fresh evaluation of the stored segments says (the reference the stored status must equal). */
async function freshEvaluation(repo: MemoryRepository, uid: string, asOf: string, nationalities: string[]) {
  const segments = (await repo.listSegments(uid)).map(toCoreSegment);
  return evaluateTravel(segments, { asOf, nationalities });
}

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

test('the rule list comes from the seed and contains the Schengen rule', () => {
  expect(activeRuleIds()).toContain(RULE);
});

describe('a segment write recomputes the status', () => {
  test('a 10-day stay in France: 10 days used, 80 remaining, written to visaStatus and the summary', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    // Arrive 2026-09-02, leave 2026-09-11: both days count (Regulation (EU) 2016/399 Art. 6(1)) -> 10 days.
    const inbound = seg('US', 'FR', '2026-09-01', '2026-09-02');
    const outbound = seg('FR', 'US', '2026-09-11');
    await env.repo.putSegment(UID, 's1', inbound);
    await env.repo.putSegment(UID, 's2', outbound);
    await wrapped(writeEvent('s2', null, outbound));

    const snap = env.repo.snapshot().users[UID]!;
    const status = snap.visaStatus[RULE]!;
    expect(status).toMatchObject({ ruleId: RULE, asOf: '2026-11-23', applies: true, daysUsed: 10, daysRemaining: 80, overstayDays: 0 });
    expect(status.currentStayStart).toBeNull();
    expect(snap.summaries.countryDays).toMatchObject({ asOf: '2026-11-23', segmentsHash: status.segmentsHash });
    expect(snap.summaries.countryDays!.countryDays.FR).toBe(10);

    const fresh = await freshEvaluation(env.repo, UID, '2026-11-23', ['US']);
    const rule = fresh.rules.find((r) => r.ruleId === RULE)!;
    expect(status).toMatchObject({ daysUsed: rule.daysUsed, windowStart: rule.windowStart, windowEnd: rule.windowEnd });
    expect(snap.summaries.countryDays!.countryDays).toEqual(fresh.countryDays);
  });

  test('the user local date decides asOf (Pacific/Kiritimati is already on the next day)', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ timeZone: 'Pacific/Kiritimati' }));
    const s = seg('US', 'FR', '2026-11-20');
    await env.repo.putSegment(UID, 's1', s);
    env.clock.now = new Date('2026-11-23T23:00:00Z'); // 2026-11-24 13:00 in UTC+14
    await wrapped(writeEvent('s1', null, s, { time: env.clock.now }));
    expect(env.repo.snapshot().users[UID]!.visaStatus[RULE]!.asOf).toBe('2026-11-24');
  });

  test('an EU national: the Schengen rule does not apply', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ nationalities: ['DE'] }));
    const s = seg('US', 'FR', '2026-11-01');
    await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s));
    expect(env.repo.snapshot().users[UID]!.visaStatus[RULE]!.applies).toBe(false);
  });

  test('without a profile the status is still computed (UTC, rule applies)', async () => {
    const s = seg('US', 'FR', '2026-11-20');
    await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s));
    const status = env.repo.snapshot().users[UID]!.visaStatus[RULE]!;
    // 2026-11-20 .. 2026-11-23 present: 4 days, still in the region.
    expect(status).toMatchObject({ applies: true, daysUsed: 4, currentStayStart: '2026-11-20' });
    expect(env.repo.snapshot().users[UID]!.profile).toBeNull();
  });

  test('an invalid stored segment is left out with a warning naming it, instead of failing the trigger', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const good = seg('US', 'FR', '2026-11-20');
    await env.repo.putSegment(UID, 's1', good);
    await env.repo.putSegment(UID, 'bad', seg('FR', 'XX1', '2026-11-21'));
    await wrapped(writeEvent('s1', null, good));
    const snap = env.repo.snapshot().users[UID]!;
    expect(snap.visaStatus[RULE]!.daysUsed).toBe(4);
    expect(snap.summaries.countryDays!.warnings[0]).toMatch(/^segment "bad" was left out of the count because it is invalid: arrivalCountry must be an ISO 3166-1 alpha-2/);
  });

  test('a delete recomputes without the deleted segment', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const a = seg('US', 'FR', '2026-09-02');
    const b = seg('FR', 'US', '2026-09-11');
    await env.repo.putSegment(UID, 's1', a);
    await env.repo.putSegment(UID, 's2', b);
    await wrapped(writeEvent('s2', null, b));
    await env.repo.deleteSegment(UID, 's2');
    await wrapped(writeEvent('s2', b, null, { time: new Date(NOW.getTime() + 60_000) }));
    const status = env.repo.snapshot().users[UID]!.visaStatus[RULE]!;
    // Without the exit the traveller is still in France: 2026-09-02 .. 2026-11-23 = 83 days.
    expect(status).toMatchObject({ daysUsed: 83, currentStayStart: '2026-09-02' });
  });

  test('profile schedule fields: nextRecomputeAt is the next local midnight while the window can move', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-11-20');
    await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s));
    const p = env.repo.snapshot().users[UID]!.profile!;
    // Paris is UTC+1 in November: local midnight of 2026-11-24 is 2026-11-23T23:00Z.
    expect(p.nextRecomputeAt).toEqual(new Date('2026-11-23T23:00:00Z'));
    expect(p.nextAlertAt === null || p.nextAlertAt instanceof Date).toBe(true);
  });

  test('nextRecomputeAt is cleared when every segment is older than the 180-day period', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ nextRecomputeAt: new Date('2026-11-23T00:00:00Z') }));
    const a = seg('US', 'FR', '2025-01-02');
    const b = seg('FR', 'US', '2025-01-11');
    await env.repo.putSegment(UID, 's1', a);
    await env.repo.putSegment(UID, 's2', b);
    await wrapped(writeEvent('s2', null, b));
    expect(env.repo.snapshot().users[UID]!.profile!.nextRecomputeAt).toBeNull();
  });
});

describe('idempotency and concurrency', () => {
  test('the same event delivered twice gives the same documents, and the second delivery writes nothing', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-10-01');
    await env.repo.putSegment(UID, 's1', s);
    const event = writeEvent('s1', null, s, { eventId: 'evt-fixed' });
    await wrapped(event);
    const first = env.repo.snapshot();
    env.repo.resetCounts();
    await wrapped(event);
    expect(env.repo.snapshot()).toEqual(first);
    expect(env.repo.counts.writes).toBe(0);
  });

  test('a redelivery after the status was recomputed later is skipped with at most 2 reads', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-10-01');
    await env.repo.putSegment(UID, 's1', s);
    const event = writeEvent('s1', null, s, { eventId: 'evt-late', time: new Date(NOW.getTime() - 60_000) });
    await wrapped(event);
    env.repo.resetCounts();
    const before = env.repo.snapshot();
    const outcome = await wrapped(event);
    expect(outcome).toEqual({ action: 'skipped', reason: 'already-reflected' });
    expect(env.repo.snapshot()).toEqual(before);
    expect(env.repo.counts.reads).toBeLessThanOrEqual(2);
    expect(env.repo.counts.writes).toBe(0);
  });

  test('two devices racing: the stale recompute writes last, and the final status equals a fresh evaluation', async () => {
    // Device A writes s1 and its trigger reads the segments; before it writes its evaluation, device B writes s2
    // and B's trigger runs to completion. A then writes an evaluation without s2 (stale).
    class RacingRepo extends MemoryRepository {
      hook: (() => Promise<void>) | null = null;
      override async listSegments(uid: string) {
        const out = await super.listSegments(uid);
        const h = this.hook;
        if (h) {
          this.hook = null;
          await h();
        }
        return out;
      }
    }
    const repo = new RacingRepo();
    setHandlerDeps({ repo, storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
    await repo.createProfileIfAbsent(UID, profile());
    const s1 = seg('US', 'FR', '2026-10-01');
    const s2 = seg('FR', 'US', '2026-10-20');
    await repo.putSegment(UID, 's1', s1);
    repo.hook = async () => {
      await repo.putSegment(UID, 's2', s2);
      await wrapped(writeEvent('s2', null, s2, { eventId: 'evt-b' }));
    };
    await wrapped(writeEvent('s1', null, s1, { eventId: 'evt-a' }));

    const status = repo.snapshot().users[UID]!.visaStatus[RULE]!;
    const fresh = await freshEvaluation(repo, UID, '2026-11-23', ['US']);
    const rule = fresh.rules.find((r) => r.ruleId === RULE)!;
    // 2026-10-01 .. 2026-10-20 = 20 days; the stale evaluation (still in France) would say 54.
    expect(status.daysUsed).toBe(20);
    expect(status).toMatchObject({
      daysUsed: rule.daysUsed,
      daysRemaining: rule.daysRemaining,
      currentStayStart: rule.currentStayStart,
      latestExitDate: rule.latestExitDate,
    });
    expect(env.logs.some((l) => l.message === 'recompute.retried' && l.eventId === 'evt-a')).toBe(true);
  });
});

describe('imports stay cheap', () => {
  test('events of segments from an import still processing are skipped (1 read, no write)', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putImport(UID, 'imp1', { status: 'processing', updatedAt: new Date(NOW.getTime() - 5_000) });
    const s = seg('US', 'FR', '2026-10-01', '2026-10-01', { source: 'imp1' });
    await env.repo.putSegment(UID, 'imp-x', s);
    env.repo.resetCounts();
    const outcome = await wrapped(writeEvent('imp-x', null, s));
    expect(outcome).toEqual({ action: 'skipped', reason: 'import-in-progress' });
    expect(env.repo.counts).toEqual({ reads: 1, writes: 0, deletes: 0 });
    expect(env.repo.snapshot().users[UID]!.visaStatus).toEqual({});
  });

  test('an import stuck in processing for more than 15 minutes no longer suppresses the recompute', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putImport(UID, 'imp1', { status: 'processing', updatedAt: new Date(NOW.getTime() - 16 * 60_000) });
    const s = seg('US', 'FR', '2026-10-01', '2026-10-01', { source: 'imp1' });
    await env.repo.putSegment(UID, 'imp-x', s);
    expect(await wrapped(writeEvent('imp-x', null, s))).toEqual({ action: 'recomputed', changed: true });
  });

  test('an edit of an imported segment after its import finished is recomputed', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putImport(UID, 'imp1', { status: 'succeeded' });
    const s = seg('US', 'FR', '2026-10-01', '2026-10-01', { source: 'imp1' });
    await env.repo.putSegment(UID, 'imp-x', s);
    const outcome = await wrapped(writeEvent('imp-x', null, s));
    expect(outcome).toEqual({ action: 'recomputed', changed: true });
  });
});

describe('nextRecomputeAt: the status can change with time alone', () => {
  // asOf 2026-11-23; today's 180-day period starts 2026-05-28 (2026-11-23 minus 179 days).
  test.each([
    ['last presence on the first day of the period (leaves it tomorrow)', '2026-05-20', '2026-05-28', true],
    ['last presence the day before the period (already out)', '2026-05-20', '2026-05-27', false],
    ['a planned trip next year', '2027-02-01', '2027-02-10', true],
  ])('%s', async (_name, inDate, outDate, active) => {
    await env.repo.createProfileIfAbsent(UID, profile({ timeZone: 'UTC' }));
    const a = seg('US', 'FR', inDate);
    const b = seg('FR', 'US', outDate);
    await env.repo.putSegment(UID, 's1', a);
    await env.repo.putSegment(UID, 's2', b);
    await wrapped(writeEvent('s2', null, b));
    const next = env.repo.snapshot().users[UID]!.profile!.nextRecomputeAt;
    expect(next).toEqual(active ? new Date('2026-11-24T00:00:00Z') : null);
  });
});

test('startOfNextLocalDay follows DST: Europe/Paris on 2026-03-28 (next day starts 23:00Z) and 2026-10-24 (22:00Z)', () => {
  expect(startOfNextLocalDay('Europe/Paris', new Date('2026-03-28T12:00:00Z'))).toEqual(new Date('2026-03-28T23:00:00Z'));
  expect(startOfNextLocalDay('Europe/Paris', new Date('2026-10-24T12:00:00Z'))).toEqual(new Date('2026-10-24T22:00:00Z'));
  expect(startOfNextLocalDay('UTC', new Date('2026-11-23T23:59:00Z'))).toEqual(new Date('2026-11-24T00:00:00Z'));
});
