/**
 * `recomputeDaily`: every 30 minutes, re-evaluates the users whose local date has changed since their last
 * evaluation and whose status can still change ({@link recomputeDueUsers}). Running every 30 minutes
 * rather than once a day follows every time zone's midnight (offsets are whole or half hours, and the few
 * :45 zones are at most 15 minutes late). Idempotent; a run cut short by its deadline leaves the rest due; a user
 * whose timeline cannot be decoded is rebuilt; a user that fails or is too slow is recorded and backed off, never
 * blocking the others. A page holds the due users' schedules, not their timelines, so the run's memory does not grow
 * with the page ({@link RECOMPUTE_DAILY_MEMORY}; {@link recomputeDueUsers} says why and what it costs).
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { RECOMPUTE_DAILY_MEMORY, REGION, runtimeConfig } from '../config';
import { recomputeDueUsers } from '../services/scheduledRecompute';
import { wiring } from '../wiring';

const TIMEOUT_SECONDS = 540;

export const recomputeDaily = onSchedule(
  { schedule: 'every 30 minutes', timeZone: 'UTC', region: REGION, timeoutSeconds: TIMEOUT_SECONDS, memory: RECOMPUTE_DAILY_MEMORY, retryCount: 0 },
  async () => {
    const { repo, clock } = wiring();
    const now = clock();
    const config = runtimeConfig();
    await recomputeDueUsers(repo, now, {
      pageSize: config.recomputeBatchSize,
      maxSegments: config.maxSegmentsPerUser,
      // Leave a minute for the last page in flight.
      deadline: new Date(Date.now() + (TIMEOUT_SECONDS - 60) * 1000),
    });
  },
);
