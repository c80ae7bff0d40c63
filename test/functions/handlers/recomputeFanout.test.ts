/**
 * The daily recompute fanned out over a task queue (services/recomputeFanout.ts), offline: the in-memory repository
 * and the alert run's in-memory queue (the same port). The scheduler enqueues one task per page with deterministic
 * ids (a retried run enqueues nothing new); a redelivered task writes nothing for users already recomputed; a failing
 * user does not stop its page, and a failing task does not stop another.
 */
import { NOW, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { MemoryRepository } from '../../fakes/memoryRepository';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import type { TimelineCommit, TimelineRead, TimelineTxOptions } from '../../../functions/src/repository/types';
import type { TimelineHeadDoc } from '../../../functions/src/model/documents';
import { alertTaskId } from '../../../functions/src/alerts/queue';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { BACKOFF_BASE_MS } from '../../../functions/src/services/scheduledRecompute';
import { processRecomputeBatch, scheduleRecomputeRun } from '../../../functions/src/services/recomputeFanout';

const TOMORROW = new Date(NOW.getTime() + 86_400_000);
let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

/** A user present in France since 2026-11-20: due at every local midnight. */
async function dueUser(repo: MemoryRepository, uid: string): Promise<void> {
  await repo.createProfileIfAbsent(uid, profile());
  await repo.putSegment(uid, 'now', seg('US', 'FR', '2026-11-20'));
  await recomputeUser(repo, uid, { now: NOW });
}

const headOf = (repo: MemoryRepository, uid: string) => repo.snapshot().users[uid]!.timeline.head as TimelineHeadDoc;
const asOf = (repo: MemoryRepository, uid: string) => repo.snapshot().users[uid]!.visaStatus['schengen-90-180']!.asOf;

/** A repository whose timeline transactions fail for the uids in `failing`. */
class FailingRepository extends MemoryRepository {
  failing = new Set<string>();
  /** When true, the back-off record fails too (the repository is down for those users). */
  recordsFail = false;
  override async updateTimelineSchedule(...args: Parameters<MemoryRepository['updateTimelineSchedule']>): Promise<boolean> {
    if (this.recordsFail) throw new Error('UNAVAILABLE: the repository is down');
    return super.updateTimelineSchedule(...args);
  }
  override async updateTimeline<T>(
    uid: string,
    decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
    opts?: TimelineTxOptions,
  ): Promise<T> {
    if (this.failing.has(uid)) throw new Error('UNAVAILABLE: this user cannot be read');
    return super.updateTimeline(uid, decide, opts);
  }
}

test('one task per page, ids a hash of the run and the page; a retried run enqueues no task again', async () => {
  const uids = ['u1', 'u2', 'u3', 'u4', 'u5'];
  for (const uid of uids) await dueUser(env.repo, uid);
  const queue = new MemoryAlertQueue();
  const r = await scheduleRecomputeRun({ repo: env.repo, queue }, TOMORROW, { pageSize: 2 });
  expect(r).toMatchObject({ pages: 3, users: 5, enqueued: 3, duplicates: 0, truncated: false });
  const runAt = TOMORROW.toISOString();
  expect(queue.tasks.map((t) => t.task)).toEqual([
    { runAt, uids: ['u1', 'u2'] },
    { runAt, uids: ['u3', 'u4'] },
    { runAt, uids: ['u5'] },
  ]);
  expect(queue.tasks.map((t) => t.id)).toEqual(queue.tasks.map((t) => alertTaskId(t.task)));
  expect(new Set(queue.tasks.map((t) => t.id)).size).toBe(3);
  // The scheduler reads ids only: no user is evaluated by it.
  expect(asOf(env.repo, 'u1')).toBe('2026-11-23');

  const again = await scheduleRecomputeRun({ repo: env.repo, queue }, TOMORROW, { pageSize: 2 });
  expect(again).toMatchObject({ pages: 3, enqueued: 0, duplicates: 3 });
  expect(queue.tasks).toHaveLength(3);
});

test('a task evaluates its page; redelivered, it writes nothing for the users already recomputed', async () => {
  for (const uid of ['a', 'b']) await dueUser(env.repo, uid);
  const queue = new MemoryAlertQueue();
  await scheduleRecomputeRun({ repo: env.repo, queue }, TOMORROW, { pageSize: 10 });
  const [{ task }] = queue.take() as unknown as [{ task: { runAt: string; uids: string[] } }];
  const first = await processRecomputeBatch(env.repo, task, TOMORROW);
  expect(first).toMatchObject({ users: 2, evaluated: 2, notDue: 0, failed: 0 });
  expect(asOf(env.repo, 'a')).toBe('2026-11-24');
  expect(headOf(env.repo, 'a').nextRecomputeAt!.getTime()).toBeGreaterThan(TOMORROW.getTime());

  const before = env.repo.snapshot();
  env.repo.resetCounts();
  const redelivered = await processRecomputeBatch(env.repo, task, TOMORROW);
  expect(redelivered).toMatchObject({ users: 2, evaluated: 0, notDue: 2, failed: 0 });
  expect(env.repo.counts.writes).toBe(0);
  expect(env.repo.snapshot()).toEqual(before);
});

test('a failing user is recorded and backed off; the rest of its page is done', async () => {
  const repo = new FailingRepository({ clock: () => env.clock.now });
  for (const uid of ['bad', 'good1', 'good2']) await dueUser(repo, uid);
  repo.failing.add('bad');
  const r = await processRecomputeBatch(repo, { runAt: TOMORROW.toISOString(), uids: ['bad', 'good1', 'good2'] }, TOMORROW);
  expect(r).toMatchObject({ users: 3, evaluated: 2, failed: 1 });
  expect(asOf(repo, 'good1')).toBe('2026-11-24');
  expect(asOf(repo, 'good2')).toBe('2026-11-24');
  expect(headOf(repo, 'bad')).toMatchObject({
    daily: { failures: 1, lastError: 'Error: UNAVAILABLE: this user cannot be read' },
    nextRecomputeAt: new Date(TOMORROW.getTime() + BACKOFF_BASE_MS),
  });
  expect(env.logs).toContainEqual(expect.objectContaining({ message: 'recomputeDaily.userFailed', uid: 'bad' }));
});

test('a task whose every user fails does not stop another task; its users stay due for a later run', async () => {
  const repo = new FailingRepository({ clock: () => env.clock.now });
  for (const uid of ['a1', 'a2', 'b1', 'b2']) await dueUser(repo, uid);
  const queue = new MemoryAlertQueue();
  await scheduleRecomputeRun({ repo, queue }, TOMORROW, { pageSize: 2 });
  const [taskA, taskB] = queue.take().map((t) => t.task) as [{ runAt: string; uids: string[] }, { runAt: string; uids: string[] }];
  // Task A's users can be neither read nor recorded (the repository is down for them); task B runs at the same time.
  repo.failing = new Set(taskA.uids);
  repo.recordsFail = true;
  const [a, b] = await Promise.all([processRecomputeBatch(repo, taskA, TOMORROW), processRecomputeBatch(repo, taskB, TOMORROW)]);
  expect(a).toMatchObject({ evaluated: 0, failed: 2 });
  expect(b).toMatchObject({ evaluated: 2, failed: 0 });
  expect(asOf(repo, 'b1')).toBe('2026-11-24');
  expect(asOf(repo, 'a1')).toBe('2026-11-23');
  // Not recorded, so still due: the next run enqueues them again and their task does them.
  repo.failing.clear();
  repo.recordsFail = false;
  await scheduleRecomputeRun({ repo, queue }, new Date(TOMORROW.getTime() + 30 * 60_000), { pageSize: 2 });
  const [next] = queue.take().map((t) => t.task);
  expect(next!.uids).toEqual(['a1', 'a2']);
  expect(await processRecomputeBatch(repo, next!, TOMORROW)).toMatchObject({ evaluated: 2, failed: 0 });
  expect(asOf(repo, 'a2')).toBe('2026-11-24');
});

test('users left after the deadline are not enqueued and stay due', async () => {
  for (const uid of ['u1', 'u2', 'u3']) await dueUser(env.repo, uid);
  const queue = new MemoryAlertQueue();
  let t = 0;
  // Each wall-clock read advances 1 s; the deadline leaves time for the migration query and one page.
  const r = await scheduleRecomputeRun({ repo: env.repo, queue }, TOMORROW, { pageSize: 1, deadline: new Date(3_500), wallClock: () => (t += 1_000) });
  expect(r.truncated).toBe(true);
  expect(r.pages).toBeLessThan(3);
  expect(queue.tasks).toHaveLength(r.pages);
});
