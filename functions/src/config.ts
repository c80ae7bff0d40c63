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
  /**
   * App Check on the callables: on in every real project (a deploy that sets nothing enforces it), off on the
   * emulators whatever the value ({@link appCheckEnforcement}), where the app runs with a debug provider or none.
   */
  enforceAppCheck: true,
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
  description: 'Reject callable requests (planTrip, deleteAccount) without a valid App Check token (never on the emulators).',
});

/** Whether this process runs in the Firebase emulators (the Functions emulator sets `FUNCTIONS_EMULATOR=true`). */
export function onEmulator(): boolean {
  return process.env.FUNCTIONS_EMULATOR === 'true';
}

/**
 * The callables' `enforceAppCheck` option: the ENFORCE_APP_CHECK param in a real project (default true), false in
 * the emulators. Read when the callable is defined: the Functions emulator sets `FUNCTIONS_EMULATOR` before it loads
 * the code, a deploy never does, so a deployed function always carries the param.
 */
export function appCheckEnforcement(): typeof ENFORCE_APP_CHECK | false {
  return onEmulator() ? false : ENFORCE_APP_CHECK;
}

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
  return !onEmulator() && runtimeConfig().enforceAppCheck && !app;
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

// ---- Visa alerts: the alert run, the scheduled sendAlerts and the sendAlertBatch task ----

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

// ---- Scale: instances and concurrency per function ----

/** Instances and requests per instance of one function (firebase-functions v2 options). */
export interface ScaleSettings {
  /** Most instances at once: the bill's ceiling for a runaway loop or an abusive client, and the rate's. */
  maxInstances: number;
  /** Requests one instance serves at once (more than 1 needs a whole vCPU: `cpu: 1`). */
  concurrency: number;
  cpu: 1;
}

/**
 * `maxInstances` and `concurrency` of every function, with the arithmetic behind each (docs/functions.md, Production
 * settings). Design load: 1 000 000 users, of whom a mix of light app users (0.2 segment writes a day), frequent
 * flyers (2) and location-tracking users (10), averaging 2 segment writes per user per day; peaks are 10x the day's
 * mean (morning syncs, a time zone's evening). Capacity per instance = concurrency / time per event, capped by its
 * CPU (one vCPU: 1 000 ms of CPU per second). `maxInstances` leaves about 5x headroom over the peak; at 10 000 000
 * users multiply the event-driven ones by 10 (the arithmetic is linear) before launch.
 */
export const FUNCTION_SETTINGS = {
  /**
   * 2 writes/user/day x 1e6 = 23 events/s mean, 230/s peak. An event: 2 reads and one commit (about 100 ms wall,
   * 10 ms CPU). Concurrency 8: 80 events/s per instance, 0.8 vCPU busy. Peak: 230 / 80 = 3 instances; 20 allow 1 600
   * events/s, which also caps what a write loop could bill.
   */
  onSegmentWritten: { maxInstances: 20, concurrency: 8, cpu: 1 },
  /** Profile edits: about 0.05/user/day = 0.6/s mean, 6/s peak, 100 ms each: one instance at concurrency 8. */
  onProfileWritten: { maxInstances: 5, concurrency: 8, cpu: 1 },
  /**
   * Imports: 0.01/user/day = 0.12/s mean, 1.2/s peak, up to 10 s and a few hundred MiB each (20 000 rows): one per
   * instance (memory), 1.2 x 10 = 12 in flight at the peak; 20 instances.
   */
  onImportUploaded: { maxInstances: 20, concurrency: 1, cpu: 1 },
  /**
   * Sign-ups: a launch peak of 50/s, one create-if-absent write each (about 50 ms): 2.5 in flight. A blocking function
   * that hits its ceiling fails the sign-up, so the ceiling is generous: 10 instances x 16 = 3 200 sign-ups/s.
   */
  createProfileOnSignUp: { maxInstances: 10, concurrency: 16, cpu: 1 },
  /** Account erasures: 0.001/user/day = 1 000 a day; a few seconds each (up to 20 000 segments deleted): 4 per instance. */
  eraseDataOfDeletedUser: { maxInstances: 5, concurrency: 4, cpu: 1 },
  /**
   * planTrip: 0.1 calls/user/day = 1.2/s mean, 12/s peak; about 200 ms each, half of it CPU (the shifted plans):
   * concurrency 4 gives 10 calls/s per instance (CPU-bound); 2 instances at the peak, 20 allowed (an abusive client
   * is also held by App Check and its own quota).
   */
  planTrip: { maxInstances: 20, concurrency: 4, cpu: 1 },
  /** deleteAccount: rare (see eraseDataOfDeletedUser), up to a few seconds each. */
  deleteAccount: { maxInstances: 5, concurrency: 4, cpu: 1 },
  /** Scheduled: one run at a time (a second instance would only page the same users). */
  recomputeDaily: { maxInstances: 1, concurrency: 1, cpu: 1 },
  sendAlerts: { maxInstances: 1, concurrency: 1, cpu: 1 },
  /** Its queue dispatches at most 50 tasks at once (the `sendAlertBatch` queue): 10 instances x 5. */
  sendAlertBatch: { maxInstances: 10, concurrency: 5, cpu: 1 },
  /** Its queue dispatches at most 20 tasks at once ({@link RECOMPUTE_TASK_SETTINGS}): 10 instances x 2. */
  recomputeBatch: { maxInstances: 10, concurrency: 2, cpu: 1 },
} as const satisfies Record<string, ScaleSettings>;

/**
 * The `recomputeBatch` task function and its queue. Load: at 1 000 000 users about half are due once a day, and the
 * busiest half-hour (Europe's midnight) holds about 30% of them: 150 000 users in 30 minutes = 83 users/s. A user
 * costs about 60 ms (2 reads and one commit, 10 ms of evaluation) with 4 in flight per task, so a task does about 70
 * users/s and a page of 500 in about 7 s: 2 tasks at once suffice; at 10 000 000 users, 12.
 * - `rateLimits`: at most 20 tasks at once and 5 started per second: 20 x 70 = 1 400 users/s, well above the 10 000
 *   000-user peak, and within Firestore's ramp-up guidance for new traffic (500 operations/s, +50% every 5 minutes),
 *   since each user is 1 commit.
 * - `retryConfig`: a task throws only when it crashes or times out (each user's failure is recorded on its head);
 *   its retry finds the users already done not due (2 reads each, no write), so 3 attempts 1 to 10 minutes apart
 *   suffice; users still not done are due again for the next run 30 minutes later.
 * - `timeoutSeconds` 300: a page of 500 takes about 7 s; the task starts no user in its last minute.
 * - `memory`: what the in-process run measures ({@link RECOMPUTE_DAILY_MEMORY}): 4 timelines in flight.
 */
export const RECOMPUTE_TASK_SETTINGS = {
  retryConfig: { maxAttempts: 3, minBackoffSeconds: 60, maxBackoffSeconds: 600, maxDoublings: 3 },
  rateLimits: { maxConcurrentDispatches: 20, maxDispatchesPerSecond: 5 },
  timeoutSeconds: 300,
  memory: RECOMPUTE_DAILY_MEMORY,
  ...FUNCTION_SETTINGS.recomputeBatch,
} as const;
