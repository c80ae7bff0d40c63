/**
 * `recomputeBatch`: the task-queue worker of the daily recompute (firebase-functions v2 `onTaskDispatched`). Each task
 * holds one page of due users, enqueued by `recomputeDaily` ({@link processRecomputeBatch} evaluates it); many instances evaluate
 * pages in parallel, each user in its own transaction.
 *
 * Retries and rates ({@link RECOMPUTE_TASK_SETTINGS}): a task that throws (the repository down for the whole page; one
 * user's failure is recorded and never throws) is retried with backoff; users already recomputed by the failed
 * attempt are not due any more and cost 2 reads, no write. A malformed payload is logged and dropped (retrying
 * cannot fix it).
 */
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { RECOMPUTE_TASK_SETTINGS, REGION, runtimeConfig } from '../config';
import { AlertBatchTaskSchema, type AlertBatchTask } from '../alerts/queue';
import { log } from '../log';
import { processRecomputeBatch } from '../services/recomputeFanout';
import { wiring } from '../wiring';

export const recomputeBatch = onTaskDispatched<AlertBatchTask>(
  {
    region: REGION,
    retryConfig: RECOMPUTE_TASK_SETTINGS.retryConfig,
    rateLimits: RECOMPUTE_TASK_SETTINGS.rateLimits,
    timeoutSeconds: RECOMPUTE_TASK_SETTINGS.timeoutSeconds,
    memory: RECOMPUTE_TASK_SETTINGS.memory,
    maxInstances: RECOMPUTE_TASK_SETTINGS.maxInstances,
    concurrency: RECOMPUTE_TASK_SETTINGS.concurrency,
    cpu: RECOMPUTE_TASK_SETTINGS.cpu,
  },
  async (request): Promise<void> => {
    const parsed = AlertBatchTaskSchema.safeParse(request.data);
    if (!parsed.success) {
      log.recomputeDailyTaskInvalid({ reason: describeZodError(parsed.error, 'recomputeBatch task') });
      return;
    }
    const { repo, clock } = wiring();
    await processRecomputeBatch(repo, parsed.data, clock(), {
      maxSegments: runtimeConfig().maxSegmentsPerUser,
      // Start no user in the last minute: users not started stay due for the next scheduled run.
      deadline: new Date(Date.now() + (RECOMPUTE_TASK_SETTINGS.timeoutSeconds - 60) * 1000),
    });
  },
);
