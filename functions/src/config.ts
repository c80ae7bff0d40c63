/**
 * Every deploy-time parameter of the functions (`firebase-functions/params`), in one place.
 *
 * Params are resolved by the Firebase CLI at deploy time (from `functions/.env.<project>` or a prompt, else the
 * default) and reach the running function as environment variables. Rules:
 * - pass the param objects themselves in function options (`region: REGION`), never `.value()` at load time;
 * - read values only inside handlers, through `runtimeConfig()`.
 *
 * `runtimeConfig()` falls back to the declared defaults when a variable is absent: `IntParam.value()` returns 0
 * for an unset variable (firebase-functions 7), which in tests or an emulator without `.env` would silently turn
 * a 10 MiB size limit into 0 bytes.
 */
import { defineBoolean, defineInt, defineString } from 'firebase-functions/params';

/** Default values of the params, also used by tests and the benchmark. */
export const CONFIG_DEFAULTS = {
  region: 'europe-west1',
  /**
   * Largest accepted upload, bytes: 10 MiB, the same limit storage.rules apply to the upload (a 20-year flight log
   * is well under 1 MiB). A file the rules accept is never refused here by size unless IMPORT_MAX_BYTES is lowered.
   */
  importMaxBytes: 10 * 1024 * 1024,
  /** Largest accepted number of data rows in one upload. */
  importMaxRows: 20_000,
  /** A stop shorter than this between two flights is a connection, not a stay (hours). */
  layoverHours: 24,
  enforceAppCheck: false,
  /** Users whose status is recomputed per run of the scheduled recompute, at most. */
  recomputeBatchSize: 500,
  /**
   * Most segments one user may store (per-user cap, enforced by the backend: firestore.rules cannot count). A create
   * beyond it is not counted (the summary's warnings name it); an import stops there (its skipped rows say why).
   * 20 000 = the rows of one import; a lifetime of daily border crossings is about half of it.
   */
  maxSegmentsPerUser: 20_000,
  /** Imports started per user per local calendar day (per-user cap); more uploads that day end in `failed`. */
  importsPerDay: 10,
} as const;

/**
 * Memory of a `recomputeDaily` instance. The daily run holds at once only the page of due users' schedules (about 100
 * bytes each) and the timelines of the users in flight ({@link recomputeDueUsers}); `npm run bench` measures its
 * peak over a page of the largest allowed heads, which must stay within three quarters of this.
 */
export const RECOMPUTE_DAILY_MEMORY = '512MiB' as const;

/** Cloud Functions region of every function (the Storage trigger must be in the bucket's location). */
export const REGION = defineString('FUNCTIONS_REGION', {
  default: CONFIG_DEFAULTS.region,
  description: 'Region of every function; must match the default Storage bucket location for the import trigger.',
});

export const IMPORT_MAX_BYTES = defineInt('IMPORT_MAX_BYTES', {
  default: CONFIG_DEFAULTS.importMaxBytes,
  description: 'Largest flight-history upload accepted by the import trigger, in bytes.',
});

export const IMPORT_MAX_ROWS = defineInt('IMPORT_MAX_ROWS', {
  default: CONFIG_DEFAULTS.importMaxRows,
  description: 'Largest number of data rows accepted in one flight-history upload.',
});

export const IMPORT_LAYOVER_HOURS = defineInt('IMPORT_LAYOVER_HOURS', {
  default: CONFIG_DEFAULTS.layoverHours,
  description: 'A stop shorter than this many hours between two flights is treated as a connection (no entry).',
});

export const ENFORCE_APP_CHECK = defineBoolean('ENFORCE_APP_CHECK', {
  default: CONFIG_DEFAULTS.enforceAppCheck,
  description: 'Reject callable requests (planTrip, deleteAccount) without a valid App Check token.',
});

export const RECOMPUTE_BATCH_SIZE = defineInt('RECOMPUTE_BATCH_SIZE', {
  default: CONFIG_DEFAULTS.recomputeBatchSize,
  description: 'Users recomputed per page by the scheduled daily recompute.',
});

export const MAX_SEGMENTS_PER_USER = defineInt('MAX_SEGMENTS_PER_USER', {
  default: CONFIG_DEFAULTS.maxSegmentsPerUser,
  description: 'Most segments one user may store; creates beyond it are not counted and imports stop there.',
});

export const IMPORTS_PER_DAY = defineInt('IMPORTS_PER_DAY', {
  default: CONFIG_DEFAULTS.importsPerDay,
  description: 'Imports one user may start per local calendar day; later uploads that day fail with a message.',
});

/** Values the handlers use, read at run time. */
export interface RuntimeConfig {
  importMaxBytes: number;
  importMaxRows: number;
  layoverHours: number;
  recomputeBatchSize: number;
  enforceAppCheck: boolean;
  maxSegmentsPerUser: number;
  importsPerDay: number;
}

function intOr(param: { name: string; value(): number }, fallback: number): number {
  const raw = process.env[param.name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = param.value();
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * App Check on the callables: firebase-functions 7 resolves an `enforceAppCheck` param when the function is
 * defined (module load, where the runtime has the param's environment variable) and rejects requests without a
 * valid token before the handler runs. The handlers check `request.app` again with `requireAppCheck()`, which
 * keeps the rule visible in the code and testable through `wrap()` (which calls the handler directly).
 */
export function requireAppCheck(app: unknown): boolean {
  return runtimeConfig().enforceAppCheck && !app;
}

/** The params' current values (call inside a handler, not at module load). */
export function runtimeConfig(): RuntimeConfig {
  return {
    importMaxBytes: intOr(IMPORT_MAX_BYTES, CONFIG_DEFAULTS.importMaxBytes),
    importMaxRows: intOr(IMPORT_MAX_ROWS, CONFIG_DEFAULTS.importMaxRows),
    layoverHours: intOr(IMPORT_LAYOVER_HOURS, CONFIG_DEFAULTS.layoverHours),
    recomputeBatchSize: intOr(RECOMPUTE_BATCH_SIZE, CONFIG_DEFAULTS.recomputeBatchSize),
    maxSegmentsPerUser: intOr(MAX_SEGMENTS_PER_USER, CONFIG_DEFAULTS.maxSegmentsPerUser),
    importsPerDay: intOr(IMPORTS_PER_DAY, CONFIG_DEFAULTS.importsPerDay),
    enforceAppCheck: process.env[ENFORCE_APP_CHECK.name] === undefined ? CONFIG_DEFAULTS.enforceAppCheck : ENFORCE_APP_CHECK.value(),
  };
}

// ---- Visa alerts (issue 5: functions/src/alerts, scheduled/sendAlerts.ts, tasks/sendAlertBatch.ts) ----

/** Defaults of the alert params. */
export const ALERT_CONFIG_DEFAULTS = {
  /** Due users per `sendAlertBatch` task (and per page of the due-user query). */
  usersPerTask: 200,
  /** Attempts per push message on transient FCM errors (first send included). */
  sendAttempts: 4,
  /**
   * Devices of one user that receive a push (per-user cap): the most recently seen ones (`lastSeenAt`); the others
   * get nothing and are not read.
   */
  maxDevices: 10,
} as const;

export const ALERT_USERS_PER_TASK = defineInt('ALERT_USERS_PER_TASK', {
  default: ALERT_CONFIG_DEFAULTS.usersPerTask,
  description: 'Due users handled by one sendAlertBatch task (each task sends their pushes with sendEach, <= 500 per call).',
});

export const ALERT_SEND_ATTEMPTS = defineInt('ALERT_SEND_ATTEMPTS', {
  default: ALERT_CONFIG_DEFAULTS.sendAttempts,
  description: 'Attempts per push message when FCM answers with a transient error (backoff between attempts).',
});

export const ALERT_MAX_DEVICES = defineInt('ALERT_MAX_DEVICES', {
  default: ALERT_CONFIG_DEFAULTS.maxDevices,
  description: 'Devices per user that receive pushes: the most recently seen ones.',
});

/** The alert params' current values (inside a handler). */
export function alertRuntimeConfig(): { usersPerTask: number; sendAttempts: number; maxDevices: number } {
  return {
    usersPerTask: Math.min(1000, intOr(ALERT_USERS_PER_TASK, ALERT_CONFIG_DEFAULTS.usersPerTask)),
    sendAttempts: intOr(ALERT_SEND_ATTEMPTS, ALERT_CONFIG_DEFAULTS.sendAttempts),
    maxDevices: intOr(ALERT_MAX_DEVICES, ALERT_CONFIG_DEFAULTS.maxDevices),
  };
}
