/**
 * `onSegmentWritten` through firebase-functions-test: the stored status after segment writes, redelivery,
 * racing writes from two devices, deletes, and the skips that keep imports cheap.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, change, fft, profile, rolling, seg, setUpEnv, tearDownEnv, versionTime, type TestEnv } from './helpers';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { addDays } from '@travel-time-tracker/core/dates';
import { onSegmentWritten } from '../../../functions/src/triggers/onSegmentWritten';
import { MemoryRepository } from '../../fakes/memoryRepository';
import { toCoreSegment } from '../../../functions/src/services/recompute/segments';
import { startOfNextLocalDay } from '../../../functions/src/services/recompute/schedule';
import { activeRuleIds } from '../../../functions/src/services/recompute/evaluate';
import { recomputeUser, verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import type { SegmentDoc, TimelineHeadDoc, UserProfile } from '../../../functions/src/model/documents';

const wrapped = fft.wrap(onSegmentWritten);
const UID = 'alice';
const RULE = 'schengen-90-180';

/**
 * A realistic onDocumentWritten CloudEvent for `users/{uid}/segments/{id}`: `version` is the write's commit time as
 * the repository returned it (the after snapshot's `updateTime`, and the event's `time`); `removed`, for a delete, the
 * commit time of the write it removed (the before snapshot's `updateTime`).
 */
function writeEvent(
  id: string,
  before: SegmentDoc | null,
  after: SegmentDoc | null,
  opts: { version: number; removed?: number; eventId?: string; uid?: string },
) {
  const uid = opts.uid ?? UID;
  const docPath = `users/${uid}/segments/${id}`;
  return {
    id: opts.eventId ?? `evt-${id}-${Math.random().toString(36).slice(2)}`,
    time: versionTime(opts.version),
    params: { uid, segmentId: id },
    data: change(before, after, docPath, opts.version, opts.removed),
  };
}

/** What a fresh evaluation of the stored segments says (the reference the stored status must equal). */
async function freshEvaluation(repo: MemoryRepository, uid: string, asOf: string, nationalities: string[]) {
  const segments = (await repo.listSegments(uid)).map(toCoreSegment);
  return evaluateTravel(segments, { asOf, nationalities });
}

/** The timeline head as stored (the daily schedule lives there). */
function head(repo: MemoryRepository, uid = UID): TimelineHeadDoc {
  return repo.snapshot().users[uid]!.timeline.head as TimelineHeadDoc;
}

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

describe('a segment write recomputes the status', () => {
  test('a 10-day stay in France: 10 days used, 80 remaining, written to visaStatus and the summary', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    // Arrive 2026-09-02, leave 2026-09-11: both days count (Regulation (EU) 2016/399 Art. 6(1)) -> 10 days.
    const inbound = seg('US', 'FR', '2026-09-01', '2026-09-02');
    const outbound = seg('FR', 'US', '2026-09-11');
    await env.repo.putSegment(UID, 's1', inbound);
    const v2 = await env.repo.putSegment(UID, 's2', outbound);
    await wrapped(writeEvent('s2', null, outbound, { version: v2 }));

    const snap = env.repo.snapshot().users[UID]!;
    const status = rolling(snap.visaStatus[RULE]);
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
    env.clock.now = new Date('2026-11-23T23:00:00Z'); // 2026-11-24 13:00 in UTC+14
    const v = await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s, { version: v }));
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).asOf).toBe('2026-11-24');
  });

  test('an EU national: the Schengen rule does not apply', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ nationalities: ['DE'] }));
    const s = seg('US', 'FR', '2026-11-01');
    const v = await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s, { version: v }));
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).applies).toBe(false);
  });

  test('a nationality ISO 3166-1 does not assign (XX, stored by an older app) is left out with a warning, never stops the recompute', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ nationalities: ['XX', 'DE'] }));
    const s = seg('US', 'FR', '2026-11-01');
    const v = await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s, { version: v }));
    const user = env.repo.snapshot().users[UID]!;
    expect(rolling(user.visaStatus[RULE]).applies).toBe(false);
    expect(user.summaries.countryDays?.warnings).toContain(
      'nationality "XX" in your profile is not an ISO 3166-1 country code and was left out: correct it in your profile',
    );
  });

  test('without a profile the status is still computed (UTC, rule applies), and the default profile is created', async () => {
    const s = seg('US', 'FR', '2026-11-20');
    const v = await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s, { version: v }));
    const status = env.repo.snapshot().users[UID]!.visaStatus[RULE]!;
    // 2026-11-20 .. 2026-11-23 present: 4 days, still in the region.
    expect(status).toMatchObject({ applies: true, daysUsed: 4, currentStayStart: '2026-11-20' });
    // The sign-up's profile was missing: the first segment event created it with the defaults.
    expect(env.repo.snapshot().users[UID]!.profile).toMatchObject({ nationalities: [], timeZone: 'UTC', nextAlertAt: null });
  });

  test('an invalid stored segment is left out with a warning naming it, instead of failing the trigger', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const good = seg('US', 'FR', '2026-11-20');
    const v = await env.repo.putSegment(UID, 's1', good);
    await env.repo.putSegment(UID, 'bad', seg('FR', 'XX1', '2026-11-21'));
    await wrapped(writeEvent('s1', null, good, { version: v }));
    const snap = env.repo.snapshot().users[UID]!;
    expect(rolling(snap.visaStatus[RULE]).daysUsed).toBe(4);
    expect(snap.summaries.countryDays!.warnings[0]).toMatch(
      /^segment "bad" was left out of the count because it is invalid: arrivalCountry must be an ISO 3166-1 alpha-2/,
    );
  });

  test('an invalid segment written after the timeline exists is kept in it and warned about the same way', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const good = seg('US', 'FR', '2026-11-20');
    const v = await env.repo.putSegment(UID, 's1', good);
    await wrapped(writeEvent('s1', null, good, { version: v }));
    const bad = { ...seg('FR', 'DE', '2026-11-21'), transit: 'yes', extra: 1 } as unknown as SegmentDoc;
    const vb = await env.repo.putSegment(UID, 'bad', bad);
    await wrapped(writeEvent('bad', null, bad, { version: vb }));
    expect(env.repo.snapshot().users[UID]!.summaries.countryDays!.warnings[0]).toMatch(/^segment "bad" was left out of the count because it is invalid/);
    expect(await verifyTimeline(env.repo, UID)).toMatchObject({ missing: [], extra: [], different: [] });
  });

  test('a delete recomputes without the deleted segment', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const a = seg('US', 'FR', '2026-09-02');
    const b = seg('FR', 'US', '2026-09-11');
    await env.repo.putSegment(UID, 's1', a);
    const v2 = await env.repo.putSegment(UID, 's2', b);
    await wrapped(writeEvent('s2', null, b, { version: v2 }));
    env.clock.now = new Date(NOW.getTime() + 60_000);
    const vd = await env.repo.deleteSegment(UID, 's2');
    await wrapped(writeEvent('s2', b, null, { version: vd, removed: v2 }));
    const status = env.repo.snapshot().users[UID]!.visaStatus[RULE]!;
    // Without the exit the traveller is still in France: 2026-09-02 .. 2026-11-23 = 83 days.
    expect(status).toMatchObject({ daysUsed: 83, currentStayStart: '2026-09-02' });
  });

  test('the daily schedule: nextRecomputeAt on the timeline head is the next local midnight while the window can move', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-11-20');
    const v = await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s, { version: v }));
    // Paris is UTC+1 in November: local midnight of 2026-11-24 is 2026-11-23T23:00Z.
    expect(head(env.repo).nextRecomputeAt).toEqual(new Date('2026-11-23T23:00:00Z'));
    const p = env.repo.snapshot().users[UID]!.profile!;
    expect(p.nextAlertAt === null || p.nextAlertAt instanceof Date).toBe(true);
  });

  test('nextRecomputeAt is cleared when every segment is older than the 180-day period; a legacy profile field is moved to the head', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ nextRecomputeAt: new Date('2026-11-23T00:00:00Z') }));
    const a = seg('US', 'FR', '2025-01-02');
    const b = seg('FR', 'US', '2025-01-11');
    await env.repo.putSegment(UID, 's1', a);
    const v = await env.repo.putSegment(UID, 's2', b);
    await wrapped(writeEvent('s2', null, b, { version: v }));
    expect(head(env.repo).nextRecomputeAt).toBeNull();
    expect(env.repo.snapshot().users[UID]!.profile!.nextRecomputeAt).toBeNull();
  });
});

describe('idempotency and order', () => {
  test('the same event delivered twice gives the same documents, and the second delivery writes nothing', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-10-01');
    const v = await env.repo.putSegment(UID, 's1', s);
    // A fresh object per delivery (firebase-functions-test rewrites the event's snapshots when it runs one).
    const event = () => writeEvent('s1', null, s, { version: v, eventId: 'evt-fixed' });
    await wrapped(event());
    const first = env.repo.snapshot();
    env.repo.resetCounts();
    expect(await wrapped(event())).toEqual({ action: 'skipped', reason: 'already-reflected' });
    expect(env.repo.snapshot()).toEqual(first);
    // The deletion marker and the timeline; nothing written.
    expect(env.repo.counts).toEqual({ reads: 2, writes: 0, deletes: 0 });
  });

  test('out of order: an edit and then a delete, delivered delete first; the late edit changes nothing', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const created = seg('US', 'FR', '2026-10-01');
    const v1 = await env.repo.putSegment(UID, 's1', created);
    await wrapped(writeEvent('s1', null, created, { version: v1 }));
    const edited = seg('US', 'FR', '2026-10-05');
    const v2 = await env.repo.putSegment(UID, 's1', edited);
    const v3 = await env.repo.deleteSegment(UID, 's1');
    expect(await wrapped(writeEvent('s1', edited, null, { version: v3, removed: v2 }))).toMatchObject({ action: 'recomputed' });
    expect(await wrapped(writeEvent('s1', created, edited, { version: v2 }))).toEqual({ action: 'skipped', reason: 'already-reflected' });
    // Nothing stored: the status is the empty history's (no days), as a fresh evaluation says.
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).daysUsed).toBe(0);
    expect(await verifyTimeline(env.repo, UID)).toMatchObject({ missing: [], extra: [], different: [] });
  });

  test('two devices editing: events handled in the reverse order of the writes end in the state of the last writes', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s1 = seg('US', 'FR', '2026-10-01');
    const v1 = await env.repo.putSegment(UID, 's1', s1);
    await wrapped(writeEvent('s1', null, s1, { version: v1 }));
    // Device A moves s1, device B adds s2 (the exit), then device A moves s1 again.
    const a1 = seg('US', 'FR', '2026-10-03');
    const va1 = await env.repo.putSegment(UID, 's1', a1);
    const s2 = seg('FR', 'US', '2026-10-20');
    const vb = await env.repo.putSegment(UID, 's2', s2);
    const a2 = seg('US', 'FR', '2026-10-06');
    const va2 = await env.repo.putSegment(UID, 's1', a2);
    for (const e of [writeEvent('s1', a1, a2, { version: va2 }), writeEvent('s2', null, s2, { version: vb }), writeEvent('s1', s1, a1, { version: va1 })]) {
      await wrapped(e);
    }
    const status = rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]);
    const fresh = (await freshEvaluation(env.repo, UID, '2026-11-23', ['US'])).rules.find((r) => r.ruleId === RULE)!;
    // 2026-10-06 .. 2026-10-20 = 15 days; the stale edit (10-03) would say 18.
    expect(status.daysUsed).toBe(15);
    expect(status).toMatchObject({ daysUsed: fresh.daysUsed, daysRemaining: fresh.daysRemaining, currentStayStart: fresh.currentStayStart });
  });

  test('a note edit moves only the record version: 1 timeline write, no status write', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-10-01');
    const v = await env.repo.putSegment(UID, 's1', s);
    await wrapped(writeEvent('s1', null, s, { version: v }));
    const noted = { ...s, notes: 'the conference' };
    const vn = await env.repo.putSegment(UID, 's1', noted);
    env.repo.resetCounts();
    expect(await wrapped(writeEvent('s1', s, noted, { version: vn }))).toEqual({ action: 'recomputed', changed: false });
    expect(env.repo.counts).toEqual({ reads: 2, writes: 1, deletes: 0 });
  });
});

describe('robustness of the timeline', () => {
  test('a profile that breaks its schema is copied with defaults: the next event does not rebuild the timeline', async () => {
    const broken = { ...profile(), notifications: { enabled: true, surprise: 1 }, nationalities: 'US' } as unknown as UserProfile;
    await env.repo.putProfile(UID, broken);
    const a = seg('US', 'FR', '2026-11-01');
    const va = await env.repo.putSegment(UID, 'a', a);
    await wrapped(writeEvent('a', null, a, { version: va }));
    expect(head(env.repo).profile).toMatchObject({
      nationalities: [],
      timeZone: 'Europe/Paris',
      notifications: { enabled: true, thresholds: [30, 14, 7, 3, 1] },
    });
    const b = seg('FR', 'US', '2026-11-05');
    const vb = await env.repo.putSegment(UID, 'b', b);
    env.repo.resetCounts();
    await wrapped(writeEvent('b', null, b, { version: vb }));
    expect(env.repo.counts.reads).toBe(2);
    expect(env.logs.filter((l) => l.message === 'timeline.repaired')).toHaveLength(1);
  });

  test('an unreadable timeline is rebuilt from the segments and the event applied', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const a = seg('US', 'FR', '2026-11-01');
    const va = await env.repo.putSegment(UID, 'a', a);
    await wrapped(writeEvent('a', null, a, { version: va }));
    // A record no version of the format writes.
    await env.repo.updateTimeline(UID, ({ timeline }) => ({
      commit: { timeline: new Map([['head', { ...timeline.head!, records: 'Q\tnonsense' }]]) },
      result: null,
    }));
    const b = seg('FR', 'US', '2026-11-05');
    const vb = await env.repo.putSegment(UID, 'b', b);
    await wrapped(writeEvent('b', null, b, { version: vb }));
    expect(env.logs.some((l) => l.message === 'timeline.corrupt')).toBe(true);
    expect(await verifyTimeline(env.repo, UID)).toMatchObject({ missing: [], extra: [], different: [] });
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).daysUsed).toBe(5);
  });
});

describe('reads and writes per segment write are independent of the history size', () => {
  /** A user with `n` stored segments (a trip every 3 days ending about now) and a built timeline. */
  async function userWith(n: number): Promise<string> {
    const uid = `u${n}`;
    await env.repo.createProfileIfAbsent(uid, profile());
    let d = addDays('2026-11-20', -3 * n);
    for (let i = 0; i < n; i++) {
      await env.repo.putSegment(uid, `s${String(i).padStart(5, '0')}`, seg(i % 2 === 0 ? 'US' : 'FR', i % 2 === 0 ? 'FR' : 'US', d));
      d = addDays(d, 3);
    }
    await recomputeUser(env.repo, uid, { now: env.clock.now });
    return uid;
  }

  test.each([100, 1_000, 10_000])(
    '%i stored segments: create, update and delete each cost <= 4 reads and <= 4 writes',
    async (n) => {
      const uid = await userWith(n);
      const created = seg('US', 'FR', '2026-11-21');
      const costs: Record<string, { reads: number; writes: number }> = {};
      const measure = async (name: string, write: () => Promise<number>, event: (v: number) => ReturnType<typeof writeEvent>) => {
        env.clock.now = new Date(env.clock.now.getTime() + 1_000);
        const v = await write();
        env.repo.resetCounts();
        const outcome = await wrapped(event(v));
        expect(outcome).toMatchObject({ action: 'recomputed', changed: true });
        costs[name] = { reads: env.repo.counts.reads, writes: env.repo.counts.writes };
      };
      await measure(
        'create',
        () => env.repo.putSegment(uid, 'new', created),
        (v) => writeEvent('new', null, created, { version: v, uid }),
      );
      const moved = seg('US', 'FR', '2026-11-22');
      await measure(
        'update',
        () => env.repo.putSegment(uid, 'new', moved),
        (v) => writeEvent('new', created, moved, { version: v, uid }),
      );
      const removed = () => env.repo.segmentVersion(uid, 'new')!;
      let movedVersion = 0;
      await measure(
        'delete',
        () => ((movedVersion = removed()), env.repo.deleteSegment(uid, 'new')),
        (v) => writeEvent('new', moved, null, { version: v, removed: movedVersion, uid }),
      );
      for (const c of Object.values(costs)) {
        expect(c.reads).toBeLessThanOrEqual(4);
        expect(c.writes).toBeLessThanOrEqual(4);
      }
      // Exactly: the deletion marker and the one timeline document.
      expect(costs.create!.reads).toBe(2);
      expect(await verifyTimeline(env.repo, uid)).toMatchObject({ missing: [], extra: [], different: [] });
    },
    120_000,
  );
});

describe('imports stay cheap', () => {
  test('the create event of an imported segment is skipped without any read', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-10-01', '2026-10-01', { source: 'imp1' });
    const v = await env.repo.putSegment(UID, 'imp-x', s);
    env.repo.resetCounts();
    expect(await wrapped(writeEvent('imp-x', null, s, { version: v }))).toEqual({ action: 'skipped', reason: 'imported-create' });
    expect(env.repo.counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
  });

  test('an edit of an imported segment is applied like any edit', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const s = seg('US', 'FR', '2026-10-01', '2026-10-01', { source: 'imp1' });
    await env.repo.putSegment(UID, 'imp-x', s);
    await recomputeUser(env.repo, UID, { now: NOW });
    const edited = { ...s, departureDate: '2026-10-02', arrivalDate: '2026-10-02' };
    const v = await env.repo.putSegment(UID, 'imp-x', edited);
    expect(await wrapped(writeEvent('imp-x', s, edited, { version: v }))).toEqual({ action: 'recomputed', changed: true });
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).currentStayStart).toBe('2026-10-02');
  });
});

describe('the segment cap', () => {
  test('a create beyond the cap is not counted, the summary says so, and a delete makes room for the next one', async () => {
    const { handleSegmentWrite } = await import('../../../functions/src/services/recompute/segmentWrite');
    await env.repo.createProfileIfAbsent(UID, profile());
    const put = async (id: string, doc: SegmentDoc) => {
      const version = await env.repo.putSegment(UID, id, doc);
      return handleSegmentWrite(
        env.repo,
        { uid: UID, segmentId: id, eventId: `e-${id}`, eventTime: NOW, version, beforeExists: false, after: doc },
        env.clock.now,
        { maxSegments: 2 },
      );
    };
    await put('a', seg('US', 'FR', '2026-10-01'));
    await put('b', seg('FR', 'US', '2026-10-05'));
    expect(await put('c', seg('US', 'DE', '2026-11-01'))).toEqual({ action: 'recomputed', changed: true, refused: true });
    const snap = env.repo.snapshot().users[UID]!;
    expect(snap.summaries.countryDays!.warnings[0]).toBe(
      '1 segment was not counted because your travel history has reached the limit of 2 segments ("c"); delete segments you no longer need, then edit these to count them',
    );
    // Germany since 2026-11-01 is not counted: the traveller is not in the Schengen area today.
    expect(rolling(snap.visaStatus[RULE]).currentStayStart).toBeNull();
    expect(await verifyTimeline(env.repo, UID)).toMatchObject({ missing: [], refused: ['c'] });
    const va = env.repo.segmentVersion(UID, 'a')!;
    await env.repo.deleteSegment(UID, 'a');
    await handleSegmentWrite(
      env.repo,
      { uid: UID, segmentId: 'a', eventId: 'e-del', eventTime: NOW, version: va, beforeExists: true, after: null },
      env.clock.now,
      { maxSegments: 2 },
    );
    expect(await put('c', seg('US', 'DE', '2026-11-02'))).toEqual({ action: 'recomputed', changed: true });
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).currentStayStart).toBe('2026-11-02');
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
    const v = await env.repo.putSegment(UID, 's2', b);
    await wrapped(writeEvent('s2', null, b, { version: v }));
    expect(head(env.repo).nextRecomputeAt).toEqual(active ? new Date('2026-11-24T00:00:00Z') : null);
  });
});

test('the rule list comes from the seed and contains the Schengen rule', () => {
  expect(activeRuleIds()).toContain(RULE);
});

test('startOfNextLocalDay follows DST: Europe/Paris on 2026-03-28 (next day starts 23:00Z) and 2026-10-24 (22:00Z)', () => {
  expect(startOfNextLocalDay('Europe/Paris', new Date('2026-03-28T12:00:00Z'))).toEqual(new Date('2026-03-28T23:00:00Z'));
  expect(startOfNextLocalDay('Europe/Paris', new Date('2026-10-24T12:00:00Z'))).toEqual(new Date('2026-10-24T22:00:00Z'));
  expect(startOfNextLocalDay('UTC', new Date('2026-11-23T23:59:00Z'))).toEqual(new Date('2026-11-24T00:00:00Z'));
});
