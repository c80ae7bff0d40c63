/**
 * The daily recompute fanned out over Cloud Tasks (Firebase-free; repository and queue are injected), as the alert
 * run is (`scheduleAlertRun`):
 *
 * 1. `scheduleRecomputeRun` (called by the scheduled `recomputeDaily`): first migrates the users whose schedule is
 *    still on their profile ({@link migrateLegacySchedules}, a one-time repair each), then pages through the due
 *    timeline heads (`Repository.listDueTimelines`: uid and schedule only, cursor = last `nextRecomputeAt` + uid)
 *    and enqueues one `recomputeBatch` task per page, holding the page's uids. One scheduled instance now only reads
 *    ids (one query document per due user) and enqueues, so its 480-second budget covers millions of due users
 *    (about 1 000 users per second per page of 500: one query and one enqueue); the evaluations run in as many task
 *    instances as the queue's rate limits allow (the `recomputeBatch` task function).
 * 2. `processRecomputeBatch` (called by the `recomputeBatch` task function): each user of the page in its own
 *    transaction through {@link updateTimeline}, at most `parallel` at once. Inside the transaction the head says
 *    whether the user is still due (`nextRecomputeAt <= now`): a user already recomputed (a redelivered task, a
 *    concurrent copy, a segment event since) is left as it is, nothing written. A due user is evaluated, deferred or
 *    recorded as failed exactly as in the in-process run (`recomputeDueUsers`): a user that throws is recorded
 *    on its head with back-off and the others go on; a user too slow for any run is deferred with back-off; a user
 *    the task has no time left for is not started and stays due.
 *
 * Idempotency: the run's instant is the schedule's `scheduleTime`, and a task's id is a hash of it and the page's
 * uids ({@link alertTaskId}), so a retried scheduler run enqueues the same ids, which Cloud Tasks refuses as
 * duplicates (a page whose users changed since, because some were recomputed meanwhile, is a new task over users that
 * are still due: harmless). A redelivered task is a no-op for every user already recomputed (2 reads each, no write).
 * One task's failure never touches another task's users; a task never throws for one user (only a payload that does
 * not parse or a repository that is down for the whole page ends it, and Cloud Tasks retries it).
 */
import { errorReason, log } from '../log';
import { isAccountDeletedError, type Repository } from '../repository/types';
import { alertTaskId, type AlertBatchTask, type AlertTaskQueue } from '../alerts/queue';
import { evaluateTimeline, planCommit } from './recompute/evaluate';
import { updateTimeline } from './recompute/timelineUpdate';
import { DEFAULT_MAX_USER_MS, MIN_USER_MS, duePage, migrateLegacySchedules, pool, recordFailure, type ScheduledRecomputeResult } from './scheduledRecompute';

/** The payload of one `recomputeBatch` task: the run's instant and a page of uids (the alert run's shape). */
export type RecomputeBatchTask = AlertBatchTask;

/** What the scheduled run needs. */
export interface RecomputeFanoutDeps {
  repo: Repository;
  /** The `recomputeBatch` function's queue. */
  queue: AlertTaskQueue;
}

export interface RecomputeScheduleOptions {
  /** Users per task (and per page of the due query). */
  pageSize: number;
  /** Stop paging at this instant; users not enqueued stay due for the next run. */
  deadline?: Date;
  /** The segment cap (named in warnings of a migration's repair). */
  maxSegments?: number;
  /** Wall clock for the deadline, in ms (injectable for tests). Default Date.now. */
  wallClock?: () => number;
}

export interface RecomputeScheduleReport {
  pages: number;
  users: number;
  enqueued: number;
  duplicates: number;
  /** Users whose schedule was still on their profile, migrated in the scheduled run itself. */
  migrated: number;
  /** True when the deadline, or a due query that failed twice, stopped the paging before the last page. */
  truncated: boolean;
}

/** Enqueues one `recomputeBatch` task per page of users due at `now` (see the file docstring). */
export async function scheduleRecomputeRun(deps: RecomputeFanoutDeps, now: Date, opts: RecomputeScheduleOptions): Promise<RecomputeScheduleReport> {
  const pageSize = Math.max(1, opts.pageSize);
  const wall = opts.wallClock ?? Date.now;
  const timeLeft = () => (opts.deadline ? opts.deadline.getTime() - wall() : Infinity);
  const report: RecomputeScheduleReport = { pages: 0, users: 0, enqueued: 0, duplicates: 0, migrated: 0, truncated: false };
  const legacy: ScheduledRecomputeResult = { users: 0, changed: 0, failed: 0, deferred: 0, migrated: 0, repaired: 0, truncated: false };
  await migrateLegacySchedules(deps.repo, now, { pageSize, maxSegments: opts.maxSegments }, legacy, timeLeft);
  report.migrated = legacy.migrated;
  let after: { nextRecomputeAt: Date; uid: string } | undefined;
  for (;;) {
    if (timeLeft() < MIN_USER_MS) {
      report.truncated = true;
      break;
    }
    const page = await duePage(() => deps.repo.listDueTimelines(now, pageSize, after), after);
    if (page === null) {
      report.truncated = true;
      break;
    }
    if (page.length === 0) break;
    const task: RecomputeBatchTask = { runAt: now.toISOString(), uids: page.map((u) => u.uid) };
    const outcome = await deps.queue.enqueue(task, alertTaskId(task));
    report.pages += 1;
    report.users += page.length;
    if (outcome === 'enqueued') report.enqueued += 1;
    else report.duplicates += 1;
    const last = page[page.length - 1]!;
    after = { nextRecomputeAt: last.nextRecomputeAt, uid: last.uid };
    if (page.length < pageSize) break;
  }
  log.recomputeDailyScheduled({ runAt: now.toISOString(), ...report });
  return report;
}

export interface RecomputeBatchOptions {
  /** Stop starting users after this instant (the task's timeout); users not started stay due. */
  deadline?: Date;
  /** Users in flight at once (default 4). */
  parallel?: number;
  /** See DEFAULT_MAX_USER_MS. */
  maxUserMs?: number;
  /** The segment cap. */
  maxSegments?: number;
  /** Wall clock for the deadline, in ms (injectable for tests). Default Date.now. */
  wallClock?: () => number;
}

/** What happened to each user of a task. */
export interface RecomputeBatchReport {
  users: number;
  /** Evaluated (or rebuilt from their segments): their schedule moved. */
  evaluated: number;
  /** Of those, users whose statuses, summary or alert schedule changed. */
  changed: number;
  /** Not due any more (already recomputed: a redelivered task): nothing written. */
  notDue: number;
  /** Left for a later run: too slow for any run (backed off), or not started for lack of time. */
  deferred: number;
  failed: number;
}

type UserDecision = { kind: 'evaluated' | 'notDue' } | { kind: 'tooSlow' | 'outOfTime'; evalMs: number };

/**
 * Evaluates the users of one task (see the file docstring); never throws for a user. `now` is the task's own
 * clock, not the run's instant: a task delivered late evaluates the day it runs.
 */
export async function processRecomputeBatch(
  repo: Repository,
  task: RecomputeBatchTask,
  now: Date,
  opts: RecomputeBatchOptions = {},
): Promise<RecomputeBatchReport> {
  const wall = opts.wallClock ?? Date.now;
  const timeLeft = () => (opts.deadline ? opts.deadline.getTime() - wall() : Infinity);
  const maxUserMs = opts.maxUserMs ?? DEFAULT_MAX_USER_MS;
  const uids = task.uids.filter((u, i, a) => a.indexOf(u) === i);
  const out: RecomputeBatchReport = { users: uids.length, evaluated: 0, changed: 0, notDue: 0, deferred: 0, failed: 0 };
  await pool(uids, Math.max(1, opts.parallel ?? 4), async (uid) => {
    if (timeLeft() < MIN_USER_MS) {
      out.deferred += 1;
      log.recomputeDailyUserDeferred({ uid, cause: 'out-of-time', reason: 'not enough time left in this task', evalMs: 0 });
      return;
    }
    try {
      const r = await updateTimeline<UserDecision>(repo, uid, { now, maxSegments: opts.maxSegments, ifMissing: 'repair' }, (tl) => {
        const { nextRecomputeAt, daily } = tl.meta;
        if (!nextRecomputeAt || nextRecomputeAt.getTime() > now.getTime()) return { commit: null, result: { kind: 'notDue' } };
        if (daily.evalMs > maxUserMs) return { commit: null, result: { kind: 'tooSlow', evalMs: daily.evalMs } };
        if (timeLeft() < 2 * daily.evalMs) return { commit: null, result: { kind: 'outOfTime', evalMs: daily.evalMs } };
        const ev = evaluateTimeline(tl, now, opts.maxSegments);
        tl.head.recordDailyRun(ev.ms);
        return { commit: planCommit(tl, ev, now), result: { kind: 'evaluated' } };
      });
      if (r.kind === 'repaired') return void (out.evaluated += 1);
      if (r.kind !== 'done') return;
      const d = r.result;
      if (d.kind === 'notDue') out.notDue += 1;
      else if (d.kind === 'evaluated') {
        out.evaluated += 1;
        if (r.changed) out.changed += 1;
      } else if (d.kind === 'outOfTime') {
        out.deferred += 1;
        log.recomputeDailyUserDeferred({ uid, cause: 'out-of-time', reason: 'not enough time left in this task', evalMs: d.evalMs });
      } else if (d.kind === 'tooSlow') {
        out.deferred += 1;
        const reason = `its last evaluation took ${Math.round(d.evalMs)} ms, more than the ${maxUserMs} ms a daily run gives one user`;
        log.recomputeDailyUserDeferred({ uid, cause: 'too-slow', reason, evalMs: d.evalMs });
        await recordFailure(repo, uid, now, reason);
      }
    } catch (e) {
      if (isAccountDeletedError(e)) return;
      out.failed += 1;
      log.recomputeDailyUserFailed({ uid, error: e, step: 'task' });
      await recordFailure(repo, uid, now, errorReason(e));
    }
  });
  log.recomputeDailyBatchDone({ runAt: task.runAt, ...out });
  return out;
}
