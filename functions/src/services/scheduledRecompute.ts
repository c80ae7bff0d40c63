/**
 * The scheduled recompute (Firebase-free): when a user's local date changes, a status can change without any write
 * (the 180-day window moves, a visit or a tax year's count grows, a tax year or calendar year ends). Only users whose
 * timeline head has `nextRecomputeAt <= now` are read: the recompute sets the field after every evaluation to the
 * first local date on which a tracked rule's status can change with time alone (services/recompute/schedule.ts
 * `statusChangesOn`: tomorrow while the traveller is counted by a rule, has presence in a rolling window or planned
 * trips; the next tax year or year otherwise), and clears it when none can.
 *
 * ## Cost: 2 reads per due user
 * The query returns each due user's timeline head, which holds the segments' records (one document up to about
 * 13 000 segments) and the profile's rule inputs; the user's transaction then reads only the deletion marker (and
 * the other shards of a larger timeline), and commits with the head's update time as a precondition, so that an
 * event that changed the timeline since the query makes it read again instead of being overwritten.
 *
 * ## Isolation: a slow or failing user cannot starve the others
 * - The deadline is checked before each user, not between pages, and a user is started only when the time left
 *   exceeds twice its last evaluation's duration (recorded on the head): no evaluation starts that would outlast the
 *   run. Users are evaluated one at a time per worker (`parallel` workers overlap only their I/O).
 * - A user whose recompute throws is recorded (`recomputeDaily.userFailed`, and on the head: `daily.failures`,
 *   `daily.lastError`) and its `nextRecomputeAt` moves forward with exponential back-off (30 minutes, doubling, at
 *   most a day), so it is not first in every run; the others continue.
 * - A user whose last evaluation took longer than `maxUserMs` is deferred the same way without being evaluated
 *   (`recomputeDaily.userDeferred`); the segment cap keeps this to histories stored before the cap existed.
 *
 * ## Migration
 * Users whose schedule is still on `users/{uid}.nextRecomputeAt` (set before the timeline existed) are read by the
 * old query first: their timeline is built (`repairTimeline`, N reads once), which moves the schedule to the head.
 *
 * Idempotent: recomputing a user twice writes the same documents (the second time only the head's schedule).
 */
import { errorReason, log } from '../log';
import type { TimelineHeadDoc } from '../model/documents';
import { TimelineChangedError, isAccountDeletedError, type Repository } from '../repository/types';
import { evaluateTimeline, planCommit } from './recompute/evaluate';
import { recomputeUser } from './recompute/recompute';
import { repairTimeline, updateTimeline } from './recompute/timelineUpdate';

/** First back-off after a failure; doubles with each consecutive failure. */
export const BACKOFF_BASE_MS = 30 * 60_000;
/** Longest back-off. */
export const BACKOFF_MAX_MS = 24 * 60 * 60_000;
/** A user whose last evaluation took longer than this is deferred (with back-off) instead of evaluated. */
export const DEFAULT_MAX_USER_MS = 60_000;
/** No user is started with less time than this left before the deadline. */
export const MIN_USER_MS = 1_000;

export interface ScheduledRecomputeOptions {
  /** Users per query page. */
  pageSize: number;
  /** Stop starting users after this instant (the function's timeout); the rest wait for the next run. */
  deadline?: Date;
  /** Users in flight at once (their evaluations still run one at a time). Default 4. */
  parallel?: number;
  /** See DEFAULT_MAX_USER_MS. */
  maxUserMs?: number;
  /** The segment cap (named in warnings). */
  maxSegments?: number;
  /** Wall clock for the deadline, in ms (injectable for tests). Default Date.now. */
  wallClock?: () => number;
}

export interface ScheduledRecomputeResult {
  users: number;
  changed: number;
  failed: number;
  /** Users left due for the next run: not started before the deadline, or deferred for their size. */
  deferred: number;
  /** Users whose timeline was built from their segments (schedule still on the profile). */
  migrated: number;
  /** True when the deadline stopped the run before every due user was done. */
  truncated: boolean;
}

/** The back-off after `failures` consecutive failures (1 = the first). */
export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Records a failed (or deferred) user on its head and moves its `nextRecomputeAt` by the back-off; reads the
 * deletion marker and the timeline. Never throws (a user that cannot even be recorded stays due).
 */
async function recordFailure(repo: Repository, uid: string, now: Date, reason: string): Promise<void> {
  try {
    await updateTimeline(repo, uid, { now, ifMissing: 'skip' }, (tl) => {
      const failures = tl.head.recordDailyFailure(reason);
      tl.head.setNextRecomputeAt(new Date(now.getTime() + backoffMs(failures)));
      return { commit: { timeline: tl.encode(now) }, result: undefined };
    });
  } catch (e) {
    log.handlerError({ uid, error: e, step: 'recomputeDaily.recordFailure' });
  }
}

/**
 * One due user, from the head the query returned: 1 read more (the deletion marker) for a one-document timeline.
 * Falls back to a full recompute when the head changed since the query. Returns whether the commit changed a
 * document the app reads (`commitChanges`).
 */
async function recomputeFromHead(
  repo: Repository,
  uid: string,
  head: TimelineHeadDoc,
  version: number,
  now: Date,
  maxSegments: number | undefined,
): Promise<boolean> {
  try {
    const r = await updateTimeline(repo, uid, { now, knownHead: { doc: head, version }, ifMissing: 'fail' }, (tl) => {
      const ev = evaluateTimeline(tl, now, maxSegments);
      tl.head.recordDailyRun(ev.ms);
      return { commit: planCommit(tl, ev, now), result: undefined };
    });
    return r.changed;
  } catch (e) {
    if (!(e instanceof TimelineChangedError)) throw e;
    return (await recomputeUser(repo, uid, { now, maxSegments })).changed;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next] as T;
        next += 1;
        await fn(item);
      }
    }),
  );
}

/** Recomputes every user due at `now`, page by page (see the file docstring). */
export async function recomputeDueUsers(repo: Repository, now: Date, opts: ScheduledRecomputeOptions): Promise<ScheduledRecomputeResult> {
  const out: ScheduledRecomputeResult = { users: 0, changed: 0, failed: 0, deferred: 0, migrated: 0, truncated: false };
  const parallel = Math.max(1, opts.parallel ?? 4);
  const wall = opts.wallClock ?? Date.now;
  const maxUserMs = opts.maxUserMs ?? DEFAULT_MAX_USER_MS;
  const timeLeft = () => (opts.deadline ? opts.deadline.getTime() - wall() : Infinity);

  // Users still scheduled on the profile: build their timeline (moves the schedule to the head).
  let legacyAfter: { nextRecomputeAt: Date; uid: string } | undefined;
  for (;;) {
    if (timeLeft() < MIN_USER_MS) {
      out.truncated = true;
      break;
    }
    const page = await repo.listUsersDueForRecompute(now, opts.pageSize, legacyAfter);
    if (page.length === 0) break;
    await pool(page, parallel, async ({ uid }) => {
      if (timeLeft() < MIN_USER_MS) {
        out.deferred += 1;
        return;
      }
      try {
        await repairTimeline(repo, uid, now, { maxSegments: opts.maxSegments });
        out.migrated += 1;
      } catch (e) {
        if (isAccountDeletedError(e)) return;
        out.failed += 1;
        log.recomputeDailyUserFailed({ uid, error: e, step: 'migrate' });
      }
    });
    const last = page[page.length - 1]!;
    legacyAfter = { nextRecomputeAt: last.profile.nextRecomputeAt ?? now, uid: last.uid };
    if (page.length < opts.pageSize) break;
  }

  let after: { nextRecomputeAt: Date; uid: string } | undefined;
  for (;;) {
    if (timeLeft() < MIN_USER_MS) {
      out.truncated = true;
      break;
    }
    const page = await repo.listDueTimelines(now, opts.pageSize, after);
    if (page.length === 0) break;
    await pool(page, parallel, async ({ uid, head, version }) => {
      const expectedMs = 2 * (head.daily?.evalMs ?? 0);
      if (head.daily && head.daily.evalMs > maxUserMs) {
        out.deferred += 1;
        const reason = `its last evaluation took ${Math.round(head.daily.evalMs)} ms, more than the ${maxUserMs} ms a daily run gives one user`;
        log.recomputeDailyUserDeferred({ uid, cause: 'too-slow', reason, evalMs: head.daily.evalMs });
        await recordFailure(repo, uid, now, reason);
        return;
      }
      if (timeLeft() < Math.max(MIN_USER_MS, expectedMs)) {
        // Not started: it stays due (and first) for the next run, which starts with the whole time budget; smaller
        // users after it may still fit.
        out.deferred += 1;
        log.recomputeDailyUserDeferred({ uid, cause: 'out-of-time', reason: 'not enough time left in this run', evalMs: head.daily?.evalMs ?? 0 });
        return;
      }
      try {
        const changed = await recomputeFromHead(repo, uid, head, version, now, opts.maxSegments);
        out.users += 1;
        if (changed) out.changed += 1;
      } catch (e) {
        if (isAccountDeletedError(e)) return;
        out.failed += 1;
        const failures = (head.daily?.failures ?? 0) + 1;
        log.recomputeDailyUserFailed({ uid, error: e, failures, backoffMs: backoffMs(failures) });
        await recordFailure(repo, uid, now, errorReason(e));
      }
    });
    const last = page[page.length - 1]!;
    after = { nextRecomputeAt: last.head.nextRecomputeAt ?? now, uid: last.uid };
    log.recomputeDailyPage({ users: page.length, done: out.users });
    if (page.length < opts.pageSize) break;
  }
  log.recomputeDailyDone({ ...out });
  return out;
}
