/**
 * The injectable seam of every handler: where it gets its repository, file storage, Auth admin and clock.
 *
 * Production values are built lazily on first use (firebase-admin app, Firestore, the default Storage bucket,
 * Auth), so loading a function's module costs nothing and a test that injects its own values with
 * `setHandlerDeps({ repo: new MemoryRepository(), storage: new LocalDirStorage(dir), ... })` never touches
 * Google APIs. Handlers call `handlerDeps()` inside the handler, never at module load.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Repository } from '../repository/types';
import type { AuthAdmin } from '../services/account';
import type { FileStorage } from '../storage/types';

export interface HandlerDeps {
  repo: Repository;
  storage: FileStorage;
  auth: AuthAdmin;
  clock: () => Date;
  /** Waits `ms` milliseconds (tests advance a fake clock instead of waiting). */
  sleep: (ms: number) => Promise<void>;
}

let overrides: Partial<HandlerDeps> = {};
const production: Partial<HandlerDeps> = {};

/** Replaces some or all dependencies (tests, benchmarks); `setHandlerDeps()` restores production values. */
export function setHandlerDeps(deps?: Partial<HandlerDeps>): void {
  overrides = { ...(deps ?? {}) };
}

function adminApp(): import('firebase-admin/app').App {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getApps, initializeApp } = require('firebase-admin/app') as typeof import('firebase-admin/app');
  return getApps()[0] ?? initializeApp();
}

function productionRepo(): Repository {
  if (!production.repo) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { getFirestore } = require('firebase-admin/firestore') as typeof import('firebase-admin/firestore');
    const { FirestoreRepository } = require('../repository/firestore') as typeof import('../repository/firestore');
    /* eslint-enable @typescript-eslint/no-require-imports */
    production.repo = new FirestoreRepository(getFirestore(adminApp()));
  }
  return production.repo;
}

function productionStorage(): FileStorage {
  if (!production.storage) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { getStorage } = require('firebase-admin/storage') as typeof import('firebase-admin/storage');
    const { GcsStorage } = require('../storage/gcs') as typeof import('../storage/gcs');
    /* eslint-enable @typescript-eslint/no-require-imports */
    production.storage = new GcsStorage(getStorage(adminApp()).bucket());
  }
  return production.storage;
}

function productionAuth(): AuthAdmin {
  if (!production.auth) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getAuth } = require('firebase-admin/auth') as typeof import('firebase-admin/auth');
    const auth = getAuth(adminApp());
    production.auth = {
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
  }
  return production.auth;
}

/** The dependencies for this invocation (overrides first, then lazily built production values). */
export function handlerDeps(): HandlerDeps {
  return {
    get repo() {
      return overrides.repo ?? productionRepo();
    },
    get storage() {
      return overrides.storage ?? productionStorage();
    },
    get auth() {
      return overrides.auth ?? productionAuth();
    },
    clock: overrides.clock ?? (() => new Date()),
    sleep: overrides.sleep ?? ((ms: number) => delay(ms)),
  };
}
