/**
 * The daily recompute (services/scheduledRecompute.ts) against the in-memory repository: its cost per due user,
 * and its isolation (a failing or slow user is recorded and backed off and cannot starve the others; no user is
 * started that would outlast the deadline; users whose schedule is still on the profile are migrated).
 */
import { NOW, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { addDays } from '@travel-time-tracker/core/dates';
import { MemoryRepository } from '../../fakes/memoryRepository';
import type { TimelineCommit, TimelineRead, TimelineTxOptions } from '../../../functions/src/repository/types';
import type { TimelineHeadDoc } from '../../../functions/src/model/documents';
import { decodeTimeline } from '../../../functions/src/services/recompute/timelineUpdate';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { BACKOFF_BASE_MS, backoffMs, recomputeDueUsers } from '../../../functions/src/services/scheduledRecompute';

const TOMORROW = new Date(NOW.getTime() + 86_400_000);
let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

/** A user present in France since 2026-11-20 (due every local midnight), with `extra` older segments. */
async function dueUser(repo: MemoryRepository, uid: string, extra = 0): Promise<void> {
  await repo.createProfileIfAbsent(uid, profile());
  let d = addDays('2026-11-10', -3 * extra);
  for (let i = 0; i < extra; i++) {
    await repo.putSegment(uid, `o${String(i).padStart(5, '0')}`, seg(i % 2 === 0 ? 'US' : 'DE', i % 2 === 0 ? 'DE' : 'US', d));
    d = addDays(d, 3);
  }
  await repo.putSegment(uid, 'now', seg('US', 'FR', '2026-11-20'));
  await recomputeUser(repo, uid, { now: NOW });
}

function headOf(repo: MemoryRepository, uid: string): TimelineHeadDoc {
  return repo.snapshot().users[uid]!.timeline.head as TimelineHeadDoc;
}

/** Records on a user's head that its last daily evaluation took `evalMs` (test set-up: what an earlier run recorded). */
async function setEvalMs(repo: MemoryRepository, uid: string, evalMs: number): Promise<void> {
  await repo.updateTimeline(uid, ({ timeline }) => {
    const tl = decodeTimeline(uid, timeline)!;
    tl.head.recordDailyRun(evalMs);
    return { commit: { timeline: tl.encode(NOW) }, result: undefined };
  });
}

test.each([100, 1_000, 10_000])(
  '%i stored segments: 3 reads per due user (its schedule from the query, then the deletion marker and its head)',
  async (n) => {
    await dueUser(env.repo, 'a', n);
    await dueUser(env.repo, 'b', n);
    env.repo.resetCounts();
    const r = await recomputeDueUsers(env.repo, TOMORROW, { pageSize: 500 });
    expect(r).toMatchObject({ users: 2, failed: 0, deferred: 0 });
    // + 1 for the (empty) query of users still scheduled on their profile.
    expect(env.repo.counts.reads).toBe(1 + 3 * 2);
    expect(env.repo.snapshot().users.a!.visaStatus['schengen-90-180']!.asOf).toBe('2026-11-24');
  },
  120_000,
);

test('a user whose recompute fails is recorded and backed off; the others are done; it is not first in every run', async () => {
  class FailingRepository extends MemoryRepository {
    attempts = 0;
    failing = false;
    override async updateTimeline<T>(
      uid: string,
      decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
      opts?: TimelineTxOptions,
    ): Promise<T> {
      if (uid === 'bad' && this.failing) {
        this.attempts += 1;
        throw new Error('DEADLINE_EXCEEDED: the evaluation of this user failed');
      }
      return super.updateTimeline(uid, decide, opts);
    }
  }
  const repo = new FailingRepository({ clock: () => env.clock.now });
  // 'bad' sorts first (same nextRecomputeAt, uid order), as a starving user would.
  for (const uid of ['bad', 'good1', 'good2']) await dueUser(repo, uid);
  repo.failing = true;

  const r1 = await recomputeDueUsers(repo, TOMORROW, { pageSize: 2 });
  expect(r1).toMatchObject({ users: 2, failed: 1 });
  expect(repo.snapshot().users.good2!.visaStatus['schengen-90-180']!.asOf).toBe('2026-11-24');
  const bad = headOf(repo, 'bad');
  expect(bad.daily).toMatchObject({ failures: 1, lastError: 'Error: DEADLINE_EXCEEDED: the evaluation of this user failed' });
  expect(bad.nextRecomputeAt).toEqual(new Date(TOMORROW.getTime() + BACKOFF_BASE_MS));
  expect(env.logs).toContainEqual(expect.objectContaining({ message: 'recomputeDaily.userFailed', uid: 'bad', failures: 1, backoffMs: BACKOFF_BASE_MS }));

  // Within its back-off it is not looked at; after it, it is tried again and backs off twice as long.
  await recomputeDueUsers(repo, new Date(TOMORROW.getTime() + BACKOFF_BASE_MS - 60_000), { pageSize: 2 });
  expect(repo.attempts).toBe(1);
  await recomputeDueUsers(repo, new Date(TOMORROW.getTime() + BACKOFF_BASE_MS), { pageSize: 2 });
  expect(repo.attempts).toBe(2);
  expect(headOf(repo, 'bad').nextRecomputeAt).toEqual(new Date(TOMORROW.getTime() + BACKOFF_BASE_MS + backoffMs(2)));
  expect(backoffMs(2)).toBe(2 * BACKOFF_BASE_MS);
  expect(backoffMs(20)).toBe(24 * 60 * 60_000);
});

test('a user whose last evaluation took longer than a run gives one user is deferred with back-off, not evaluated', async () => {
  for (const uid of ['huge', 'small']) await dueUser(env.repo, uid);
  await setEvalMs(env.repo, 'huge', 90_000);
  const r = await recomputeDueUsers(env.repo, TOMORROW, { pageSize: 500, maxUserMs: 60_000 });
  expect(r).toMatchObject({ users: 1, deferred: 1, failed: 0 });
  expect(env.repo.snapshot().users.huge!.visaStatus['schengen-90-180']!.asOf).toBe('2026-11-23');
  expect(headOf(env.repo, 'huge')).toMatchObject({ daily: { failures: 1 }, nextRecomputeAt: new Date(TOMORROW.getTime() + BACKOFF_BASE_MS) });
  expect(headOf(env.repo, 'huge').daily.lastError).toMatch(/took 90000 ms, more than the 60000 ms a daily run gives one user/);
  expect(env.repo.snapshot().users.small!.visaStatus['schengen-90-180']!.asOf).toBe('2026-11-24');
});

test('near the deadline, a user is started only if twice its last evaluation fits; the others stay due for the next run', async () => {
  for (const uid of ['a', 'b', 'c']) await dueUser(env.repo, uid);
  await setEvalMs(env.repo, 'a', 20_000);
  // 30 s left: 'a' (expects 40 s) is not started, 'b' and 'c' (no history: at least 1 s) are.
  const wall = 1_000_000;
  const r = await recomputeDueUsers(env.repo, TOMORROW, { pageSize: 500, deadline: new Date(wall + 30_000), wallClock: () => wall, parallel: 1 });
  expect(r).toMatchObject({ users: 2, deferred: 1, failed: 0 });
  expect(headOf(env.repo, 'a').nextRecomputeAt!.getTime()).toBeLessThanOrEqual(TOMORROW.getTime());
  // With the whole budget the next run starts with it.
  const next = await recomputeDueUsers(env.repo, TOMORROW, { pageSize: 500 });
  expect(next).toMatchObject({ users: 1 });
  expect(headOf(env.repo, 'a').daily.evalMs).toBeLessThan(20_000);
});

test('users still scheduled on their profile (before the timeline existed) are migrated: timeline built, schedule moved', async () => {
  await env.repo.createProfileIfAbsent('old', profile({ nextRecomputeAt: NOW }));
  await env.repo.putSegment('old', 's1', seg('US', 'FR', '2026-11-20'));
  const r = await recomputeDueUsers(env.repo, TOMORROW, { pageSize: 500 });
  expect(r).toMatchObject({ migrated: 1, failed: 0 });
  const u = env.repo.snapshot().users.old!;
  expect(u.profile!.nextRecomputeAt).toBeNull();
  expect(u.visaStatus['schengen-90-180']).toMatchObject({ asOf: '2026-11-24', daysUsed: 5 });
  expect((u.timeline.head as TimelineHeadDoc).nextRecomputeAt).toEqual(new Date('2026-11-24T23:00:00Z'));
});

/** Makes a user's head unreadable the way a lost write would: it lists a shard that does not exist. */
async function corruptHead(repo: MemoryRepository, uid: string): Promise<void> {
  await repo.updateTimeline(uid, ({ timeline }) => ({
    commit: { timeline: new Map([['head', { ...timeline.head!, shards: ['s9'] }]]) },
    result: undefined,
  }));
}

test('a due user whose head cannot be decoded is rebuilt from its segments, its schedule moved past this run', async () => {
  for (const uid of ['broken', 'good']) await dueUser(env.repo, uid);
  await corruptHead(env.repo, 'broken');
  const r = await recomputeDueUsers(env.repo, TOMORROW, { pageSize: 500 });
  expect(r).toMatchObject({ users: 2, repaired: 1, failed: 0 });
  const head = headOf(env.repo, 'broken');
  expect(head.shards).toEqual([]);
  expect(head.nextRecomputeAt!.getTime()).toBeGreaterThan(TOMORROW.getTime());
  expect(env.repo.snapshot().users.broken!.visaStatus['schengen-90-180']!.asOf).toBe('2026-11-24');
  expect(env.logs).toContainEqual(expect.objectContaining({ message: 'timeline.repaired', uid: 'broken' }));
});

test('a head that cannot be decoded nor rebuilt is backed off on its schedule fields alone; the others are done', async () => {
  class UnrepairableRepository extends MemoryRepository {
    listings = 0;
    failing = false;
    override async listSegmentVersions(uid: string) {
      if (uid === 'broken' && this.failing) {
        this.listings += 1;
        throw new Error('RESOURCE_EXHAUSTED: the listing failed');
      }
      return super.listSegmentVersions(uid);
    }
  }
  const repo = new UnrepairableRepository({ clock: () => env.clock.now });
  for (const uid of ['broken', 'good']) await dueUser(repo, uid);
  await corruptHead(repo, 'broken');
  repo.failing = true;
  const r = await recomputeDueUsers(repo, TOMORROW, { pageSize: 1 });
  expect(r).toMatchObject({ users: 1, failed: 1 });
  expect(headOf(repo, 'broken')).toMatchObject({
    shards: ['s9'],
    nextRecomputeAt: new Date(TOMORROW.getTime() + BACKOFF_BASE_MS),
    daily: { failures: 1, lastError: 'Error: RESOURCE_EXHAUSTED: the listing failed' },
  });
  expect(repo.snapshot().users.good!.visaStatus['schengen-90-180']!.asOf).toBe('2026-11-24');
  // Not first in the next run: within its back-off it is not read at all.
  await recomputeDueUsers(repo, new Date(TOMORROW.getTime() + 60_000), { pageSize: 1 });
  expect(repo.listings).toBe(1);
});

test.each([
  ['once: retried, the run goes on', 1, { users: 2, truncated: false }],
  ['twice: the run ends there (the next run starts over), logged', 2, { users: 0, truncated: true }],
])('the due query failing %s', async (_name, failures, outcome) => {
  class FlakyQueryRepository extends MemoryRepository {
    left = failures;
    override async listDueTimelines(...args: Parameters<MemoryRepository['listDueTimelines']>) {
      if (this.left > 0) {
        this.left -= 1;
        throw new Error('UNAVAILABLE: the query failed');
      }
      return super.listDueTimelines(...args);
    }
  }
  const repo = new FlakyQueryRepository({ clock: () => env.clock.now });
  for (const uid of ['a', 'b']) await dueUser(repo, uid);
  expect(await recomputeDueUsers(repo, TOMORROW, { pageSize: 500 })).toMatchObject(outcome);
  expect(env.logs.filter((l) => l.message === 'recomputeDaily.pageFailed')).toHaveLength(failures);
});

test('the query of users still scheduled on their profile failing twice does not stop the timeline heads from being done', async () => {
  class FlakyLegacyRepository extends MemoryRepository {
    override async listUsersDueForRecompute(): Promise<never> {
      throw new Error('UNAVAILABLE: the query failed');
    }
  }
  const repo = new FlakyLegacyRepository({ clock: () => env.clock.now });
  for (const uid of ['a', 'b']) await dueUser(repo, uid);
  expect(await recomputeDueUsers(repo, TOMORROW, { pageSize: 500 })).toMatchObject({ users: 2, truncated: true });
  expect(env.logs.filter((l) => l.message === 'recomputeDaily.pageFailed')).toHaveLength(2);
});
