/**
 * The scheduled recompute (Firebase-free): when a user's local date changes, a status can change without any write
 * (the 180-day window moves, a visit or a tax year's count grows, a tax year or calendar year ends). Only users whose
 * timeline head has `nextRecomputeAt <= now` are read: the recompute sets the field after every evaluation to the
 * first local date on which a tracked rule's status can change with time alone (`statusChangesOn`: tomorrow while
 * the traveller is counted by a rule, has presence in a rolling window or planned trips; the next tax year or year
 * otherwise), and clears it when none can.
 *
 * ## Memory: a page holds schedules, not timelines
 * The due query (`Repository.listDueTimelines`) is a projection: it returns each due user's uid, `nextRecomputeAt`
 * and `daily` (about 100 bytes), never the head's records, which can be close to 1 MiB (`MAX_SHARD_BYTES`): a page of
 * 500 such heads would need about 1 GB, twice the function's memory, and a run that dies leaves every user due, so
 * the same first page would come back on every run. Each user's timeline is then read inside its own transaction,
 * at most `parallel` at once, and evaluated one at a time (`decide` is synchronous). What the run holds at once is
 * therefore the page's schedules, `parallel` timelines (or a repair's listing of the segments) in flight and one
 * evaluation, whatever the page size: `npm run bench` measures it over a page of the largest allowed heads against
 * the function's memory ({@link RECOMPUTE_DAILY_MEMORY}).
 *
 * ## Cost: 3 reads per due user
 * The query's document (Firestore bills a projected document as a whole read), then in the user's transaction the
 * deletion marker and the head (and the other shards of a larger timeline). Returning the head with the query would
 * save the third read (2 per user), but only by holding a whole page of heads at once, which is what the memory
 * cannot afford; at $0.06 per 100 000 reads (Firestore's list price in most regions) the third costs about $0.60 per
 * million due users. Reading the head in the transaction also means that no event which changed the timeline since
 * the query can be overwritten.
 *
 * ## Isolation: a slow or failing user cannot starve the others
 * - The deadline is checked before each user, not between pages, and a user is started only when the time left
 *   exceeds twice its last evaluation's duration (recorded on the head): no evaluation starts that would outlast the
 *   run. Users are evaluated one at a time per worker (`parallel` workers overlap only their I/O).
 * - A user whose timeline is absent or cannot be decoded is rebuilt from its segments (`repairTimeline`), which
 *   evaluates it and moves its schedule.
 * - A user whose recompute (or repair) throws is recorded (`recomputeDaily.userFailed`, and on the head:
 *   `daily.failures`, `daily.lastError`) and its `nextRecomputeAt` moves forward with exponential back-off (30
 *   minutes, doubling, at most a day), so it is not first in every run; the others continue. The record writes the
 *   head's two schedule fields alone (`Repository.updateTimelineSchedule`), so it works on a head that cannot be
 *   decoded too.
 * - A user whose last evaluation took longer than `maxUserMs` is deferred the same way without being evaluated
 *   (`recomputeDaily.userDeferred`); the segment cap keeps this to histories stored before the cap existed.
 * - A page cannot be poisoned by its users' data (it holds two small fields each). A due query that fails is tried
 *   again once; when it fails again the run ends there (`recomputeDaily.pageFailed`: the cursor past a page is its
 *   last user), and the next run, 30 minutes later, starts over from the first due user.
 *
 * ## Migration
 * Users whose schedule is still on `users/{uid}.nextRecomputeAt` (set before the timeline existed) are read by the
 * old query first: their timeline is built (`repairTimeline`, N reads once), which moves the schedule to the head.
 *
 * Idempotent: recomputing a user twice writes the same documents (the second time only the head's schedule).
 */
import { errorReason, log } from '../log';
import { isAccountDeletedError, type DueTimeline, type Repository } from '../repository/types';
import { evaluateTimeline, planCommit } from './recompute/evaluate';
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
  /**
   * Users in flight at once (their evaluations still run one at a time); this bounds the memory of
   * the run: `parallel` timelines are held at most. Default 4.
   */
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
  /** Due users whose timeline could not be decoded and was rebuilt from their segments (counted in `users` too). */
  repaired: number;
  /** True when the deadline, or a due query that failed twice, stopped the run before every due user was done. */
  truncated: boolean;
}

/** The back-off after `failures` consecutive failures (1 = the first). */
export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Records a failed (or deferred) user on its head and moves its `nextRecomputeAt` by the back-off, without reading
 * the timeline's records (`Repository.updateTimelineSchedule`: 2 reads, 1 write), so that it works on a head that
 * cannot be decoded too. Never throws (a user that cannot even be recorded stays due; logged).
 */
export async function recordFailure(repo: Repository, uid: string, now: Date, reason: string): Promise<void> {
  try {
    await repo.updateTimelineSchedule(uid, (daily) => {
      const failures = (daily?.failures ?? 0) + 1;
      return {
        nextRecomputeAt: new Date(now.getTime() + backoffMs(failures)),
        daily: { failures, lastError: reason.slice(0, 300), evalMs: daily?.evalMs ?? 0 },
      };
    });
  } catch (e) {
    if (!isAccountDeletedError(e)) log.handlerError({ uid, error: e, step: 'recomputeDaily.recordFailure' });
  }
}

/**
 * One due user, in its own transaction: the deletion marker and the timeline documents (2 reads for a one-document
 * timeline), evaluated and committed. A timeline that is absent or cannot be decoded is rebuilt from the segments
 * (`repairTimeline`, N reads), which also moves its schedule. Returns what was done.
 * @throws whatever the repository throws (the caller records the user and backs it off).
 */
async function recomputeDue(repo: Repository, uid: string, now: Date, maxSegments: number | undefined): Promise<'changed' | 'unchanged' | 'repaired'> {
  const r = await updateTimeline(repo, uid, { now, maxSegments, ifMissing: 'repair' }, (tl) => {
    const ev = evaluateTimeline(tl, now, maxSegments);
    tl.head.recordDailyRun(ev.ms);
    return { commit: planCommit(tl, ev, now), result: undefined };
  });
  if (r.kind === 'repaired') return 'repaired';
  return r.kind === 'done' && r.changed ? 'changed' : 'unchanged';
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
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

/**
 * One page of a due query (`query`, after the cursor `after`), tried twice; null when both fail (logged): the run
 * ends there, since the cursor past a page is its last user, and the next run starts from the first due user again.
 */
export async function duePage<T>(query: () => Promise<T[]>, after: { uid: string } | undefined): Promise<T[] | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await query();
    } catch (e) {
      log.recomputeDailyPageFailed({ error: e, attempt, after: after?.uid ?? null });
      if (attempt >= 2) return null;
    }
  }
}

/** What every user of one run shares. */
interface Run {
  repo: Repository;
  now: Date;
  opts: ScheduledRecomputeOptions;
  out: ScheduledRecomputeResult;
  /** Milliseconds left before the deadline (Infinity without one). */
  timeLeft: () => number;
  maxUserMs: number;
}

/** One due user of a page: deferred, evaluated, repaired, or recorded as failed (see the file docstring). */
async function dueUser({ repo, now, opts, out, timeLeft, maxUserMs }: Run, { uid, daily }: DueTimeline): Promise<void> {
  const evalMs = daily?.evalMs ?? 0;
  if (evalMs > maxUserMs) {
    out.deferred += 1;
    const reason = `its last evaluation took ${Math.round(evalMs)} ms, more than the ${maxUserMs} ms a daily run gives one user`;
    log.recomputeDailyUserDeferred({ uid, cause: 'too-slow', reason, evalMs });
    await recordFailure(repo, uid, now, reason);
    return;
  }
  if (timeLeft() < Math.max(MIN_USER_MS, 2 * evalMs)) {
    // Not started: it stays due (and first) for the next run, which starts with the whole time budget; smaller
    // users after it may still fit.
    out.deferred += 1;
    log.recomputeDailyUserDeferred({ uid, cause: 'out-of-time', reason: 'not enough time left in this run', evalMs });
    return;
  }
  try {
    const done = await recomputeDue(repo, uid, now, opts.maxSegments);
    out.users += 1;
    if (done === 'changed') out.changed += 1;
    if (done === 'repaired') out.repaired += 1;
  } catch (e) {
    if (isAccountDeletedError(e)) return;
    out.failed += 1;
    const failures = (daily?.failures ?? 0) + 1;
    log.recomputeDailyUserFailed({ uid, error: e, failures, backoffMs: backoffMs(failures) });
    await recordFailure(repo, uid, now, errorReason(e));
  }
}

/**
 * Users whose schedule is still on `users/{uid}.nextRecomputeAt` (set before the timeline existed): builds their
 * timeline (`repairTimeline`, N reads once), which moves the schedule to the head. Counts into `out` (`migrated`,
 * `failed`, `deferred`, `truncated`). Used by both the in-process run and the fanned-out one's scheduler.
 */
export async function migrateLegacySchedules(
  repo: Repository,
  now: Date,
  opts: Pick<ScheduledRecomputeOptions, 'pageSize' | 'maxSegments' | 'parallel'>,
  out: ScheduledRecomputeResult,
  timeLeft: () => number,
): Promise<void> {
  const parallel = Math.max(1, opts.parallel ?? 4);
  let legacyAfter: { nextRecomputeAt: Date; uid: string } | undefined;
  for (;;) {
    if (timeLeft() < MIN_USER_MS) {
      out.truncated = true;
      return;
    }
    const page = await duePage(() => repo.listUsersDueForRecompute(now, opts.pageSize, legacyAfter), legacyAfter);
    if (page === null) {
      // The timeline heads' query that follows does not depend on this one: the caller goes on with it.
      out.truncated = true;
      return;
    }
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
}

/**
 * Recomputes every user due at `now`, page by page, in this process (see the file docstring). The deployed daily run
 * fans the same per-user work out over Cloud Tasks (`scheduleRecomputeRun`, `processRecomputeBatch`); this in-process form is what the
 * benchmark measures and what an operator runs over one project from a shell.
 */
export async function recomputeDueUsers(repo: Repository, now: Date, opts: ScheduledRecomputeOptions): Promise<ScheduledRecomputeResult> {
  const out: ScheduledRecomputeResult = { users: 0, changed: 0, failed: 0, deferred: 0, migrated: 0, repaired: 0, truncated: false };
  const parallel = Math.max(1, opts.parallel ?? 4);
  const wall = opts.wallClock ?? Date.now;
  const maxUserMs = opts.maxUserMs ?? DEFAULT_MAX_USER_MS;
  const timeLeft = () => (opts.deadline ? opts.deadline.getTime() - wall() : Infinity);
  const run: Run = { repo, now, opts, out, timeLeft, maxUserMs };

  await migrateLegacySchedules(repo, now, { ...opts, parallel }, out, timeLeft);

  let after: { nextRecomputeAt: Date; uid: string } | undefined;
  for (;;) {
    if (timeLeft() < MIN_USER_MS) {
      out.truncated = true;
      break;
    }
    const page = await duePage(() => repo.listDueTimelines(now, opts.pageSize, after), after);
    if (page === null) {
      out.truncated = true;
      break;
    }
    if (page.length === 0) break;
    await pool(page, parallel, async (user) => {
      try {
        await dueUser(run, user);
      } catch (e) {
        // dueUser records its own failures; this is the last guard that keeps one user from ending the run.
        out.failed += 1;
        log.recomputeDailyUserFailed({ uid: user.uid, error: e, step: 'record' });
      }
    });
    const last = page[page.length - 1]!;
    after = { nextRecomputeAt: last.nextRecomputeAt, uid: last.uid };
    log.recomputeDailyPage({ users: page.length, done: out.users });
    if (page.length < opts.pageSize) break;
  }
  log.recomputeDailyDone({ ...out });
  return out;
}
