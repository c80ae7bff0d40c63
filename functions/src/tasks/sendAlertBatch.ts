/**
 * `sendAlertBatch`: the task-queue worker of the alert run (firebase-functions v2 `onTaskDispatched`). Each task
 * holds one page of due users (alerts/queue.ts); many instances process pages in parallel, each sending its
 * pushes with `sendEach` (<= 500 messages per call). Cloud Tasks retries a task that throws, with backoff.
 *
 * Idempotent (alerts/run.ts): users already processed are no longer due, and each alert's record is created with
 * a precondition before it is sent, so a retried task sends nothing twice. A malformed payload is logged and
 * dropped (retrying cannot fix it).
 */
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { REGION, alertRuntimeConfig } from '../config';
import { describeZodError } from '../core/validation';
import { alertDeps } from '../alerts/deps';
import { AlertBatchTaskSchema, type AlertBatchTask } from '../alerts/queue';
import { processAlertBatch } from '../alerts/run';
import { logEvent } from '../log';

export const sendAlertBatch = onTaskDispatched<AlertBatchTask>(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 30, maxBackoffSeconds: 600, maxDoublings: 4 },
    rateLimits: { maxConcurrentDispatches: 50, maxDispatchesPerSecond: 20 },
    timeoutSeconds: 300,
    memory: '512MiB',
  },
  async (request): Promise<void> => {
    const parsed = AlertBatchTaskSchema.safeParse(request.data);
    if (!parsed.success) {
      logEvent('ERROR', 'alerts.task.invalid', { reason: describeZodError(parsed.error, 'sendAlertBatch task') });
      return;
    }
    const deps = alertDeps();
    const retry = { maxAttempts: alertRuntimeConfig().sendAttempts, ...deps.retry };
    await processAlertBatch({ ...deps, retry }, parsed.data, deps.clock());
  },
);
