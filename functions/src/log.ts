/**
 * The one place where the functions write log events.
 *
 * Each event is one JSON line on stdout/stderr with `severity` and `message`, which Cloud Logging parses into a
 * structured entry (the same format as `firebase-functions/logger`, without importing Firebase, so the services
 * stay Firebase-free). Every event carries the ids needed to follow one job in the console (`uid`, `importId`,
 * `eventId`) and only counts and short reasons: field values are scalars, so a traveller's segment history can
 * never end up in the logs.
 */

export type LogSeverity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** The events the functions emit (stable names: the console and log-based metrics filter on them). */
export type LogEventName =
  | 'segment.event.skipped'
  | 'profile.event.skipped'
  | 'profile.changed'
  | 'recompute.done'
  | 'recompute.retried'
  | 'import.rejected'
  | 'import.started'
  | 'import.progress'
  | 'import.finished'
  | 'import.failed'
  | 'account.profileCreated'
  | 'account.deleted'
  | 'account.erasedAfterAuthDeletion'
  | 'account.strayWritesErased'
  | 'plan.evaluated'
  | 'recomputeDaily.page'
  | 'recomputeDaily.done'
  | 'handler.error'
  // Visa alerts (issue 5: functions/src/alerts/run.ts).
  | 'alerts.scheduled'
  | 'alerts.batch.done'
  | 'alerts.task.invalid'
  | 'alerts.user.error'
  | 'alerts.user.timeZoneInvalid'
  | 'alerts.device.removed'
  | 'alerts.send.failed';

/** Ids and counts attached to an event. Only scalars: no arrays or objects (no travel history in logs). */
export interface LogFields {
  uid?: string;
  importId?: string;
  eventId?: string;
  [key: string]: string | number | boolean | null | undefined;
}

export interface LogEntry extends LogFields {
  severity: LogSeverity;
  message: LogEventName;
}

export type LogSink = (entry: LogEntry) => void;

const consoleSink: LogSink = (entry) => {
  const line = JSON.stringify(entry);
  if (entry.severity === 'ERROR' || entry.severity === 'WARNING') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

let sink: LogSink = consoleSink;

/** Replaces where events go (tests capture them); returns the previous sink. Pass nothing to restore stdout. */
export function setLogSink(next?: LogSink): LogSink {
  const prev = sink;
  sink = next ?? consoleSink;
  return prev;
}

/** Writes one structured event. Values that are not scalars are dropped. */
export function logEvent(severity: LogSeverity, message: LogEventName, fields: LogFields = {}): void {
  const entry: LogEntry = { severity, message };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') entry[k] = v;
  }
  sink(entry);
}

/** Short message of an unknown thrown value, for `reason` fields (first line, at most 300 characters). */
export function errorReason(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
