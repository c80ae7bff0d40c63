/**
 * `sendAlerts`: every 15 minutes (explicit UTC schedule zone; v2's default is UTC too, stated so it is not an
 * accident), enqueues one `sendAlertBatch` task per page of users whose `nextAlertAt` has come
 * ({@link scheduleAlertRun}). It reads only due users. `nextAlertAt` is an exact instant (the user's
 * next local 09:00, or the end of their quiet hours), so a 15-minute period delivers within 15 minutes of it in
 * every zone, including the :30 and :45 ones.
 *
 * Idempotent: the run's instant is the event's `scheduleTime`, so a redelivered run builds the same pages and
 * task ids, which Cloud Tasks refuses as duplicates; users already processed are no longer due.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { REGION, alertRuntimeConfig, FUNCTION_SETTINGS } from '../config';
import { alertDeps } from '../wiring';
import { scheduleAlertRun } from '../alerts/run';

const TIMEOUT_SECONDS = 300;

export const sendAlerts = onSchedule(
  {
    schedule: 'every 15 minutes',
    timeZone: 'Etc/UTC',
    region: REGION,
    timeoutSeconds: TIMEOUT_SECONDS,
    memory: '256MiB',
    retryCount: 1,
    ...FUNCTION_SETTINGS.sendAlerts,
  },
  async (event) => {
    const deps = alertDeps();
    const scheduled = Date.parse(event.scheduleTime);
    const now = Number.isFinite(scheduled) ? new Date(scheduled) : deps.clock();
    await scheduleAlertRun(deps, now, {
      usersPerTask: alertRuntimeConfig().usersPerTask,
      // Stop a minute before the timeout; users not reached stay due for the next run.
      deadline: new Date(Date.now() + (TIMEOUT_SECONDS - 60) * 1000),
    });
  },
);
