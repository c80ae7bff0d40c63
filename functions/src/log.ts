/**
 * The one place where the functions' structured log events are defined: one function per event, `log.importStarted
 * ({ uid, importId, eventId, bytes })`, written through `firebase-functions/logger` (`write`), which Cloud Logging
 * stores as a structured entry (`jsonPayload`) with the severity and, inside a request, the trace.
 *
 * Vocabulary: `message` is the event's stable name (`import.started`: the console and log-based metrics filter on
 * it); the ids that follow one job through the console come first (`uid`, `importId`, `eventId`, where the event has
 * them); then counts and short reasons. Every field is a scalar, by type and again at run time (anything else is
 * dropped), so a traveller's segments, dates or countries can never reach the logs; profile events name changed
 * fields, never their values. An error's cause is logged as `reason` (`errorReason`: first line, at most 300
 * characters), never its stack.
 *
 * Tests and benchmarks capture or silence events with `setLogSink`, or build their own event functions over a sink
 * with `logEventsTo` (the alert run takes them as a dependency).
 */
import { write } from 'firebase-functions/logger';

export type LogSeverity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** The names of the events (stable: the console and log-based metrics filter on them), one function each below. */
export const LOG_EVENT_NAMES = [
  'segment.event.skipped',
  'segment.refused',
  'recompute.done',
  'timeline.corrupt',
  'timeline.repaired',
  'account.strayWritesErased',
  'profile.event.skipped',
  'profile.changed',
  'import.rejected',
  'import.failed',
  'import.capped',
  'import.started',
  'import.finished',
  'account.profileCreated',
  'account.deleted',
  'account.erasedAfterAuthDeletion',
  'plan.evaluated',
  'recomputeDaily.page',
  'recomputeDaily.done',
  'recomputeDaily.userFailed',
  'recomputeDaily.userDeferred',
  'recomputeDaily.pageFailed',
  'recomputeDaily.scheduled',
  'recomputeDaily.batch.done',
  'recomputeDaily.task.invalid',
  'alerts.scheduled',
  'alerts.batch.done',
  'alerts.task.invalid',
  'alerts.user.error',
  'alerts.user.timeZoneInvalid',
  'alerts.devices.capped',
  'alerts.device.removed',
  'alerts.send.failed',
  'handler.error',
] as const;
export type LogEventName = (typeof LOG_EVENT_NAMES)[number];

type Scalar = string | number | boolean | null | undefined;

/** One written event: severity, name, then its fields (scalars only). */
export interface LogEntry {
  severity: LogSeverity;
  message: LogEventName;
  uid?: string;
  importId?: string;
  eventId?: string;
  [key: string]: Scalar;
}

/** Where events go. */
export type LogSink = (entry: LogEntry) => void;

/** Production: `firebase-functions/logger`, one JSON line per entry on stdout (stderr for WARNING and ERROR). */
const firebaseSink: LogSink = (entry) => write(entry);

let sink: LogSink = firebaseSink;

/** Replaces where `log`'s events go (tests capture them); returns the previous sink. Nothing restores the logger. */
export function setLogSink(next?: LogSink): LogSink {
  const prev = sink;
  sink = next ?? firebaseSink;
  return prev;
}

/** Short message of an unknown thrown value, for `reason` fields (first line, at most 300 characters). */
export function errorReason(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** Ids of a job; each event names the ones it always has. */
type Ids = {
  uid?: string;
  importId?: string;
  eventId?: string;
};

/** Numbers and flags of a run's report, spread into the entry (`{ users, changed, failed, truncated }`). */
type Report = Readonly<Record<string, string | number | boolean>>;

function emit(to: LogSink, severity: LogSeverity, message: LogEventName, fields: Readonly<Record<string, unknown>>): void {
  const entry: LogEntry = { severity, message };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    // The run-time guard behind the types: an array or object (a segment, a list of dates) is never written.
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') entry[k] = v;
  }
  to(entry);
}

/** Import rejections and their severity: WARNING where a file was lost to a race, INFO for expected redeliveries. */
const IMPORT_REJECTED: Record<ImportRejectedReason, LogSeverity> = {
  'object written by the backend': 'INFO',
  'not an import path': 'INFO',
  'already processed (redelivered event)': 'INFO',
  'no profile and the file is gone (account deleted)': 'INFO',
  'account deleted during the import': 'WARNING',
  'another file already uses this import id': 'WARNING',
};
export type ImportRejectedReason =
  | 'object written by the backend'
  | 'not an import path'
  | 'already processed (redelivered event)'
  | 'no profile and the file is gone (account deleted)'
  | 'account deleted during the import'
  | 'another file already uses this import id';

/** Profile events that need no work: DEBUG when the write changed nothing that counts, INFO when the user is gone. */
const PROFILE_SKIPPED: Record<ProfileSkippedReason, LogSeverity> = {
  'profile-deleted': 'DEBUG',
  'no-editable-change': 'DEBUG',
  'no-rule-input-change': 'DEBUG',
  'profile-gone': 'INFO',
  'account-deleted': 'INFO',
};
export type ProfileSkippedReason = 'profile-deleted' | 'no-editable-change' | 'no-rule-input-change' | 'profile-gone' | 'account-deleted';

/**
 * The event functions, writing to `to`. Each documents when it is written; fields are the ids, then scalars.
 * `log` (below) is the instance the functions use.
 */
export function logEventsTo(to: LogSink) {
  return {
    // Segments and recompute
    /** A segment event that needs no recompute: an imported create (the import recomputes once) or one already reflected. */
    segmentEventSkipped: (f: { uid: string; eventId: string; segmentId: string; reason: 'imported-create' | 'already-reflected' }) =>
      emit(to, 'DEBUG', 'segment.event.skipped', f),
    /** A create beyond the per-user segment cap, not counted (the MAX_SEGMENTS_PER_USER param). */
    segmentRefused: (f: { uid: string; eventId: string; segmentId: string; maxSegments: number }) => emit(to, 'WARNING', 'segment.refused', f),
    /** The status was recomputed (`changed`: a stored document was rewritten); `userGone` when the user was deleted. */
    recomputeDone: (f: Ids & { uid: string; changed: boolean; asOf?: string; segments?: number; rules?: number; userGone?: boolean }) =>
      emit(to, 'INFO', 'recompute.done', f),
    /** A timeline that could not be decoded; it is rebuilt from the segments. */
    timelineCorrupt: (f: { uid: string; error: unknown }) => emit(to, 'ERROR', 'timeline.corrupt', { uid: f.uid, reason: errorReason(f.error) }),
    /** A timeline rebuilt from the segments (`merged`: records merged into existing shards). */
    timelineRepaired: (f: { uid: string; eventId?: string; merged: number; segments: number }) => emit(to, 'INFO', 'timeline.repaired', f),
    /** Documents a client wrote after the account was deleted, erased again. */
    accountStrayWritesErased: (f: { uid: string; eventId?: string }) => emit(to, 'INFO', 'account.strayWritesErased', f),

    // Profile
    /** A profile write that needs no work, and why. */
    profileEventSkipped: (f: { uid: string; eventId: string; reason: ProfileSkippedReason }) => emit(to, PROFILE_SKIPPED[f.reason], 'profile.event.skipped', f),
    /** A profile write that changes what is counted: the names of the changed fields, never their values. */
    profileChanged: (f: { uid: string; eventId: string; cause: 'created' | 'edited'; fields: readonly string[] }) =>
      emit(to, 'INFO', 'profile.changed', { ...f, fields: f.fields.join(',') }),

    // Imports
    /** A Storage object the import does not process (no uid/importId when the path is not an import's). */
    importRejected: (f: Ids & { eventId: string; reason: ImportRejectedReason }) => emit(to, IMPORT_REJECTED[f.reason], 'import.rejected', f),
    /** An import that could not start (`reason` is the sentence stored on the import document). */
    importFailed: (f: { uid: string; importId: string; eventId: string; reason: string }) => emit(to, 'WARNING', 'import.failed', f),
    /** A per-user cap reached (`rows`: rows not imported because of it). */
    importCapped: (f: { uid: string; importId: string; eventId: string; cap: 'imports per day' | 'segments'; limit: number; rows?: number }) =>
      emit(to, 'WARNING', 'import.capped', f),
    /** An import started (`bytes`: the uploaded file's size). */
    importStarted: (f: { uid: string; importId: string; eventId: string; bytes: number }) => emit(to, 'INFO', 'import.started', f),
    /** An import finished with its status, detected format and counts; WARNING when it failed. */
    importFinished: (f: {
      uid: string;
      importId: string;
      eventId: string;
      status: string;
      format: string | null;
      counts: Readonly<Record<string, number>>;
      warnings: number;
    }) => {
      const { counts, ...rest } = f;
      emit(to, f.status === 'failed' ? 'WARNING' : 'INFO', 'import.finished', { ...rest, ...counts });
    },

    // Account: deletion and sign-up
    /** The sign-up blocking function ran (`created`: false when the profile already existed). */
    accountProfileCreated: (f: { uid: string; eventId?: string; created: boolean }) => emit(to, 'INFO', 'account.profileCreated', f),
    /** An account deleted by the `deleteAccount` callable. */
    accountDeleted: (f: { uid: string; eventId?: string; storageFilesDeleted: number }) => emit(to, 'INFO', 'account.deleted', f),
    /** The data of an account deleted in Firebase Auth (console) erased by the Auth trigger. */
    accountErasedAfterAuthDeletion: (f: { uid: string; eventId?: string; storageFilesDeleted: number }) =>
      emit(to, 'INFO', 'account.erasedAfterAuthDeletion', f),

    // Planning: the planTrip callable
    /** A `planTrip` call answered: sizes only, never the trips (`unknownRules`: tracked ids the seed lacks, comma-separated). */
    planEvaluated: (f: { uid: string; trips: number; segments: number; rules: number; unknownRules?: string }) => emit(to, 'INFO', 'plan.evaluated', f),

    // Daily recompute
    /** One page of due users done. */
    recomputeDailyPage: (f: { users: number; done: number }) => emit(to, 'INFO', 'recomputeDaily.page', f),
    /** The run's totals. */
    recomputeDailyDone: (report: Report) => emit(to, 'INFO', 'recomputeDaily.done', report),
    /** A user whose recompute failed (`step` when it was not the recompute itself). */
    recomputeDailyUserFailed: (f: { uid: string; error: unknown; step?: string; failures?: number; backoffMs?: number }) => {
      const { error, ...rest } = f;
      emit(to, 'ERROR', 'recomputeDaily.userFailed', { ...rest, reason: errorReason(error) });
    },
    /** The due query failed (`attempt` 1 is retried; after 2 the run ends and the next run starts over). */
    recomputeDailyPageFailed: (f: { error: unknown; attempt: number; after: string | null }) => {
      const { error, ...rest } = f;
      emit(to, 'ERROR', 'recomputeDaily.pageFailed', { ...rest, reason: errorReason(error) });
    },
    /** A user left for a later run: WARNING when too slow for any run (`too-slow`), INFO when this run ran out of time. */
    recomputeDailyUserDeferred: (f: { uid: string; cause: 'too-slow' | 'out-of-time'; reason: string; evalMs: number }) =>
      emit(to, f.cause === 'too-slow' ? 'WARNING' : 'INFO', 'recomputeDaily.userDeferred', f),

    /** The fanned-out run's report: pages of due users and the tasks enqueued. */
    recomputeDailyScheduled: (f: { runAt: string } & Report) => emit(to, 'INFO', 'recomputeDaily.scheduled', f),
    /** One `recomputeBatch` task's report. */
    recomputeDailyBatchDone: (f: { runAt: string } & Report) => emit(to, 'INFO', 'recomputeDaily.batch.done', f),
    /** A `recomputeBatch` payload that does not parse (dropped, not retried). */
    recomputeDailyTaskInvalid: (f: { reason: string }) => emit(to, 'ERROR', 'recomputeDaily.task.invalid', f),

    // Visa alerts: the scheduled run and its batch tasks
    /** The scheduled run's report: pages of due users and the batch tasks enqueued. */
    alertsScheduled: (f: { runAt: string } & Report) => emit(to, 'INFO', 'alerts.scheduled', f),
    /** One batch task's report. */
    alertsBatchDone: (f: { runAt: string } & Report) => emit(to, 'INFO', 'alerts.batch.done', f),
    /** A task payload that does not parse (it is dropped, not retried). */
    alertsTaskInvalid: (f: { reason: string }) => emit(to, 'ERROR', 'alerts.task.invalid', f),
    /** One user's alert evaluation failed; the others go on. */
    alertsUserError: (f: { uid: string; error: unknown }) => emit(to, 'ERROR', 'alerts.user.error', { uid: f.uid, reason: errorReason(f.error) }),
    /** A profile time zone that is not an IANA zone (the alert uses UTC). */
    alertsUserTimeZoneInvalid: (f: { uid: string; timeZone: string }) => emit(to, 'WARNING', 'alerts.user.timeZoneInvalid', f),
    /** More devices than the cap: only the newest get the alert. */
    alertsDevicesCapped: (f: { uid: string; maxDevices: number }) => emit(to, 'INFO', 'alerts.devices.capped', f),
    /** A device whose token FCM reports unregistered, removed. */
    alertsDeviceRemoved: (f: { uid: string; deviceId: string }) => emit(to, 'INFO', 'alerts.device.removed', f),
    /** A message FCM did not accept (`code`: FCM's error code; `reason`: its message, at most 200 characters). */
    alertsSendFailed: (f: { uid: string; deviceId: string; alertId: string; code: string; reason: string }) =>
      emit(to, 'WARNING', 'alerts.send.failed', { ...f, reason: f.reason.slice(0, 200) }),

    // Any handler
    /** An unexpected error in a handler (`step` names where); the cause goes here, never to a client. */
    handlerError: (f: Ids & { step?: string; error: unknown }) => {
      const { error, ...ids } = f;
      emit(to, 'ERROR', 'handler.error', { ...ids, reason: errorReason(error) });
    },
  };
}

/** The set of event functions (`log.importStarted(...)`). */
export type LogEvents = ReturnType<typeof logEventsTo>;

/** The events the functions write, to the current sink (`firebase-functions/logger` unless a test replaced it). */
export const log: LogEvents = logEventsTo((entry) => sink(entry));
