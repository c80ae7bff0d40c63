/**
 * The scheduled recompute (Firebase-free): when a user's local date changes, the 180-day window moves and the
 * status can change without any write. Only users whose `nextRecomputeAt` has passed are read (those with
 * presence in the last 180 days, a current stay in a rule's region, or planned trips; services/recompute.ts sets
 * the field after every evaluation and clears it when time alone can no longer change the status).
 *
 * Idempotent: recomputing a user twice writes the same documents (the second time nothing). A user whose
 * recompute fails keeps its past `nextRecomputeAt` and is picked up again by the next run.
 */
import { errorReason, logEvent } from '../log';
import type { Repository } from '../repository/types';
import { recomputeUser } from './recompute';

export interface ScheduledRecomputeOptions {
  /** Users per query page. */
  pageSize: number;
  /** Stop starting new users after this instant (the function's timeout); the rest wait for the next run. */
  deadline?: Date;
  /** Users recomputed in parallel. Default 8. */
  parallel?: number;
}

export interface ScheduledRecomputeResult {
  users: number;
  changed: number;
  failed: number;
  /** True when the deadline stopped the run before every due user was done. */
  truncated: boolean;
}

/** Recomputes every user due at `now`, page by page. */
export async function recomputeDueUsers(repo: Repository, now: Date, opts: ScheduledRecomputeOptions): Promise<ScheduledRecomputeResult> {
  const out: ScheduledRecomputeResult = { users: 0, changed: 0, failed: 0, truncated: false };
  const parallel = Math.max(1, opts.parallel ?? 8);
  let after: { nextRecomputeAt: Date; uid: string } | undefined;
  for (;;) {
    if (opts.deadline && Date.now() >= opts.deadline.getTime()) {
      out.truncated = true;
      break;
    }
    const page = await repo.listUsersDueForRecompute(now, opts.pageSize, after);
    if (page.length === 0) break;
    for (let i = 0; i < page.length; i += parallel) {
      await Promise.all(
        page.slice(i, i + parallel).map(async ({ uid }) => {
          try {
            const r = await recomputeUser(repo, uid, { now });
            out.users += 1;
            if (r.changed) out.changed += 1;
          } catch (e) {
            out.failed += 1;
            logEvent('ERROR', 'handler.error', { uid, reason: errorReason(e), step: 'recomputeDaily' });
          }
        }),
      );
    }
    const last = page[page.length - 1]!;
    after = { nextRecomputeAt: last.profile.nextRecomputeAt ?? now, uid: last.uid };
    logEvent('INFO', 'recomputeDaily.page', { users: page.length, done: out.users });
    if (page.length < opts.pageSize) break;
  }
  logEvent('INFO', 'recomputeDaily.done', { ...out });
  return out;
}
