/**
 * `recomputeDaily`: every 30 minutes, enqueues one `recomputeBatch` task per page of users whose local date has
 * changed since their last evaluation and whose status can still change
 * ({@link scheduleRecomputeRun}); the `recomputeBatch` tasks evaluate them. Running every 30 minutes rather than
 * once a day follows every time zone's midnight (offsets are whole or half hours, and the few :45 zones are at most
 * 15 minutes late). This run reads only the due users' ids and schedules (a projection), never a timeline, so one
 * instance pages through millions of due users within its deadline; the evaluations scale out with the task queue.
 *
 * Idempotent: the run's instant is the event's `scheduleTime`, so a redelivered run builds the same pages and task
 * ids, which Cloud Tasks refuses as duplicates; users already recomputed are no longer due. A run cut short by its
 * deadline leaves the rest due for the next run. Users whose schedule is still on their profile are migrated here
 * (a one-time repair each) before the paging.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { FUNCTION_SETTINGS, RECOMPUTE_DAILY_MEMORY, REGION, runtimeConfig } from '../config';
import { scheduleRecomputeRun } from '../services/recomputeFanout';
import { wiring } from '../wiring';

const TIMEOUT_SECONDS = 540;

export const recomputeDaily = onSchedule(
  {
    schedule: 'every 30 minutes',
    timeZone: 'UTC',
    region: REGION,
    timeoutSeconds: TIMEOUT_SECONDS,
    memory: RECOMPUTE_DAILY_MEMORY,
    // One retry: a run that failed before enqueuing is run again with the same instant (same task ids).
    retryCount: 1,
    ...FUNCTION_SETTINGS.recomputeDaily,
  },
  async (event) => {
    const { repo, recomputeQueue, clock } = wiring();
    const scheduled = Date.parse(event.scheduleTime);
    const now = Number.isFinite(scheduled) ? new Date(scheduled) : clock();
    const config = runtimeConfig();
    await scheduleRecomputeRun({ repo, queue: recomputeQueue }, now, {
      pageSize: config.recomputeBatchSize,
      maxSegments: config.maxSegmentsPerUser,
      // Leave a minute for the last page in flight.
      deadline: new Date(Date.now() + (TIMEOUT_SECONDS - 60) * 1000),
    });
  },
);
