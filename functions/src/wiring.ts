/**
 * The runtime wiring: the one place where the functions' ports meet their Firebase adapters.
 *
 * | port (interface)                          | production adapter (firebase-admin)                        |
 * |-------------------------------------------|------------------------------------------------------------|
 * | {@link Repository}                        | `FirestoreRepository`                                      |
 * | {@link FileStorage}                       | `GcsStorage` on the default bucket                         |
 * | {@link AuthAdmin}                         | firebase-admin Auth, a missing user counted as deleted     |
 * | {@link PushTransport}                     | `FcmTransport`: FCM `sendEach`                             |
 * | {@link AlertTaskQueue}                    | `CloudTasksAlertQueue`: the `sendAlertBatch` task queue    |
 * | {@link AlertTaskQueue}, as `recomputeQueue` | `CloudTasksAlertQueue`: the `recomputeBatch` task queue    |
 *
 * plus the clock and the sleep (the only sources of time). The event modules (triggers/, callable/, scheduled/,
 * tasks/) call `wiring()` inside their handler and hand the ports to a service; services never build an adapter.
 *
 * Lazy, for cold starts: this module imports types only (and the params, which every function loads anyway). Each adapter (and firebase-admin's client behind it) is
 * required the first time a handler reads its port, and kept for the instance's life; so loading a function costs
 * nothing, and a function pays only for the clients it uses (planTrip never loads Storage or Messaging; only the
 * import loads the airport table; a cold-start test holds both). `require` rather than `import()`: the ports are
 * read synchronously, and `require` of a module already loaded is a map lookup.
 *
 * Tests and benchmarks replace any part with `setWiring({ repo: new MemoryRepository(), clock: () => now, ... })`
 * and restore production with `setWiring()`; what they do not replace is still built lazily, so a test that
 * injects every port it uses never touches Google APIs.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { App } from 'firebase-admin/app';
import { CONFIG_DEFAULTS, REGION, alertRuntimeConfig } from './config';
import type { AlertBatchTask, AlertTaskQueue } from './alerts/queue';
import type { AlertDeps } from './alerts/run';
import type { PushTransport } from './alerts/transport';
import type { Repository } from './repository/types';
import type { AuthAdmin } from './services/account';
import type { FileStorage } from './storage/types';

/** The ports a handler may use, and the time sources. */
export interface Wiring {
  repo: Repository;
  storage: FileStorage;
  auth: AuthAdmin;
  /** Push notifications (FCM). */
  transport: PushTransport;
  /** The alert run's task queue (Cloud Tasks). */
  queue: AlertTaskQueue;
  /** The daily recompute's task queue (Cloud Tasks; same port and payload shape as the alerts'). */
  recomputeQueue: AlertTaskQueue;
  /** The current instant. */
  clock: () => Date;
  /** Waits `ms` milliseconds (tests advance a fake clock instead of waiting). */
  sleep: (ms: number) => Promise<void>;
}

/** Name of the alert batch task function as the functions' entry point exports it: its queue's name. */
export const ALERT_TASK_FUNCTION = 'sendAlertBatch';
/** Name of the daily recompute's task function: its queue's name. */
export const RECOMPUTE_TASK_FUNCTION = 'recomputeBatch';

let overrides: Partial<Wiring> = {};
/** Production adapters built so far (one per instance). */
const built: Partial<Wiring> = {};

/**
 * Replaces some or all of the wiring (tests, benchmarks); `setWiring()` restores production values.
 * Each call replaces the previous overrides as a whole.
 */
export function setWiring(replacement?: Partial<Wiring>): void {
  overrides = { ...(replacement ?? {}) };
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy on purpose, see the file docstring */

function adminApp(): App {
  const { getApps, initializeApp } = require('firebase-admin/app') as typeof import('firebase-admin/app');
  return getApps()[0] ?? initializeApp();
}

/** The Cloud Tasks queue of the task function exported as `name`, resolved on the first enqueue. */
function taskQueue(name: string): AlertTaskQueue {
  const { CloudTasksAlertQueue } = require('./alerts/queue') as typeof import('./alerts/queue');
  return new CloudTasksAlertQueue(() => {
    const { getFunctions } = require('firebase-admin/functions') as typeof import('firebase-admin/functions');
    // The param's declared default when its variable is absent (a process the CLI did not start: a script, a test).
    const region = process.env[REGION.name] || CONFIG_DEFAULTS.region;
    return getFunctions(adminApp()).taskQueue<AlertBatchTask>(`locations/${region}/functions/${name}`);
  });
}

/** The production adapter of each port, built on first use. */
const production: { [K in keyof Wiring]: () => Wiring[K] } = {
  repo: () => {
    const { getFirestore } = require('firebase-admin/firestore') as typeof import('firebase-admin/firestore');
    const { FirestoreRepository } = require('./repository/firestore') as typeof import('./repository/firestore');
    return new FirestoreRepository(getFirestore(adminApp()));
  },
  storage: () => {
    const { getStorage } = require('firebase-admin/storage') as typeof import('firebase-admin/storage');
    const { GcsStorage } = require('./storage/gcs') as typeof import('./storage/gcs');
    return new GcsStorage(getStorage(adminApp()).bucket());
  },
  auth: () => {
    const { getAuth } = require('firebase-admin/auth') as typeof import('firebase-admin/auth');
    const auth = getAuth(adminApp());
    return {
      async deleteUser(uid: string): Promise<void> {
        try {
          await auth.deleteUser(uid);
        } catch (e) {
          // Already deleted (a retried call): the goal is reached.
          if ((e as { code?: string }).code === 'auth/user-not-found') return;
          throw e;
        }
      },
    };
  },
  transport: () => {
    const { FcmTransport } = require('./alerts/transport') as typeof import('./alerts/transport');
    return new FcmTransport(() => {
      const { getMessaging } = require('firebase-admin/messaging') as typeof import('firebase-admin/messaging');
      return getMessaging(adminApp());
    });
  },
  queue: () => taskQueue(ALERT_TASK_FUNCTION),
  recomputeQueue: () => taskQueue(RECOMPUTE_TASK_FUNCTION),
  clock: () => () => new Date(),
  sleep: () => (ms: number) => delay(ms),
};

function port<K extends keyof Wiring>(key: K): Wiring[K] {
  const replaced = overrides[key];
  if (replaced !== undefined) return replaced;
  return (built[key] ??= production[key]());
}

/**
 * The wiring for this invocation: the overrides first, then the production adapters. Each port is resolved when
 * read, so destructure only the ports the handler uses (`const { repo, clock } = wiring()`).
 */
export function wiring(): Wiring {
  return {
    get repo() {
      return port('repo');
    },
    get storage() {
      return port('storage');
    },
    get auth() {
      return port('auth');
    },
    get transport() {
      return port('transport');
    },
    get queue() {
      return port('queue');
    },
    get recomputeQueue() {
      return port('recomputeQueue');
    },
    get clock() {
      return port('clock');
    },
    get sleep() {
      return port('sleep');
    },
  };
}

/**
 * What the alert run needs ({@link AlertDeps}), from the wiring and the alert params: repository, push
 * transport, task queue, the seed's rules, `recomputeUser` for stale statuses, the per-user device cap, and the
 * send retries (ALERT_SEND_ATTEMPTS attempts, waiting through the wiring's sleep). Call inside a handler.
 */
export function alertDeps(w: Wiring = wiring()): AlertDeps & { clock: () => Date } {
  const { recomputeUser } = require('./services/recompute/recompute') as typeof import('./services/recompute/recompute');
  const { seedAlertRules } = require('./alerts/message') as typeof import('./alerts/message');
  const config = alertRuntimeConfig();
  return {
    repo: w.repo,
    clock: w.clock,
    transport: w.transport,
    queue: w.queue,
    rules: seedAlertRules(),
    recompute: recomputeUser,
    retry: { maxAttempts: config.sendAttempts, sleep: w.sleep },
    maxDevices: config.maxDevices,
  };
}

/* eslint-enable @typescript-eslint/no-require-imports */
