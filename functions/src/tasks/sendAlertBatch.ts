/**
 * `sendAlertBatch`: the task-queue worker of the alert run (firebase-functions v2 `onTaskDispatched`). Each task
 * holds one page of due users ({@link AlertBatchTask}); many instances process pages in parallel, each sending its
 * pushes with `sendEach` (<= 500 messages per call). Cloud Tasks retries a task that throws, with backoff.
 *
 * Idempotent ({@link processAlertBatch}): users already processed are no longer due, a user is leased before its push, and an
 * alert is recorded right after FCM accepted it, so a retried task sends nothing twice and a stopped one loses no
 * push. A malformed payload is logged and dropped (retrying cannot fix it).
 */
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { REGION, FUNCTION_SETTINGS } from '../config';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { alertDeps } from '../wiring';
import { AlertBatchTaskSchema, type AlertBatchTask } from '../alerts/queue';
import { processAlertBatch } from '../alerts/run';
import { log } from '../log';

const TIMEOUT_SECONDS = 300;

export const sendAlertBatch = onTaskDispatched<AlertBatchTask>(
  {
    region: REGION,
    retryConfig: { maxAttempts: 5, minBackoffSeconds: 30, maxBackoffSeconds: 600, maxDoublings: 4 },
    rateLimits: { maxConcurrentDispatches: 50, maxDispatchesPerSecond: 20 },
    timeoutSeconds: TIMEOUT_SECONDS,
    memory: '512MiB',
    ...FUNCTION_SETTINGS.sendAlertBatch,
  },
  async (request): Promise<void> => {
    const parsed = AlertBatchTaskSchema.safeParse(request.data);
    if (!parsed.success) {
      log.alertsTaskInvalid({ reason: describeZodError(parsed.error, 'sendAlertBatch task') });
      return;
    }
    const deps = alertDeps();
    // Stop sending a minute before the timeout: users not reached keep their lease and are due again after it,
    // unsent and unrecorded.
    const deadline = new Date(Date.now() + (TIMEOUT_SECONDS - 60) * 1000);
    await processAlertBatch({ ...deps, deadline }, parsed.data, deps.clock());
  },
);
