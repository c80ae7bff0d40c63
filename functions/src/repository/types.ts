/**
 * The functions' reads and writes, behind one small typed interface with two implementations:
 * Firestore (firebase-admin, production and emulator) and in-memory (tests, benchmarks).
 * Handlers depend only on this interface, which is what lets them be tested offline.
 *
 * Every method is idempotent where its doc says so: Cloud Functions may deliver an event twice.
 */
import type {
  AlertDoc,
  CountryDaysDoc,
  DeviceDoc,
  ImportDoc,
  SegmentDoc,
  UserProfile,
  VisaStatusDoc,
} from '../model/documents';

/**
 * Thrown by every backend write under `users/{uid}` once the account's deletion marker (`deletedUsers/{uid}`,
 * `Repository.markAccountDeleted`) exists. The check and the write are one transaction, so no write can land under
 * the user after the marker is committed, which is what makes the deletion sweep final. Callers treat it as "the
 * account is gone": stop quietly, never retry (a retry would fail the same way).
 */
export class AccountDeletedError extends Error {
  constructor(readonly uid: string) {
    super(`the account ${uid} is deleted: nothing may be written under users/${uid}`);
    this.name = 'AccountDeletedError';
  }
}

/** Whether `e` is an AccountDeletedError (by name too: Jest's module sandbox can break `instanceof` across realms). */
export function isAccountDeletedError(e: unknown): e is AccountDeletedError {
  return e instanceof AccountDeletedError || (e instanceof Error && e.name === 'AccountDeletedError');
}

export interface StoredSegment {
  id: string;
  data: SegmentDoc;
}

export interface StoredDevice {
  id: string;
  data: DeviceDoc;
}

/** Counts of document operations, for the benchmarks (reads = documents returned, writes = documents written). */
export interface OperationCounts {
  reads: number;
  writes: number;
  deletes: number;
}

/**
 * Every method that writes under `users/{uid}` (create/update/put, not the deletes) checks the account's deletion
 * marker in the same transaction as its write and throws `AccountDeletedError` when it exists.
 */
export interface Repository {
  getProfile(uid: string): Promise<UserProfile | null>;
  /** Creates the profile unless one exists; returns true when it created it. Idempotent. */
  createProfileIfAbsent(uid: string, profile: UserProfile): Promise<boolean>;
  /** Merges backend-owned fields into the profile (e.g. `nextAlertAt`); does nothing when there is no profile. */
  updateProfile(uid: string, patch: Partial<UserProfile>): Promise<void>;

  /** Every segment of the user, in document-id order (Firestore's default order; the contract suite checks it). */
  listSegments(uid: string): Promise<StoredSegment[]>;
  /**
   * Writes segments under the given ids in batches, creating those that do not exist and leaving existing ones
   * untouched (deterministic ids make re-imports idempotent). Returns how many were created.
   */
  createSegmentsIfAbsent(uid: string, segments: readonly StoredSegment[]): Promise<number>;

  getVisaStatus(uid: string, ruleId: string): Promise<VisaStatusDoc | null>;
  /** Writes all rule statuses and the country-day summary of one evaluation together (one batch). */
  putEvaluation(uid: string, statuses: readonly VisaStatusDoc[], countryDays: CountryDaysDoc): Promise<void>;

  getImport(uid: string, importId: string): Promise<ImportDoc | null>;
  /** Creates or merges the import document. */
  putImport(uid: string, importId: string, patch: Partial<ImportDoc>): Promise<void>;

  /** Every device of the user, in document-id order. */
  listDevices(uid: string): Promise<StoredDevice[]>;
  deleteDevice(uid: string, deviceId: string): Promise<void>;

  /** Creates the alert record unless it exists; false means it was already sent (dedupe). */
  createAlertIfAbsent(uid: string, alertId: string, alert: AlertDoc): Promise<boolean>;

  /**
   * Users whose `nextAlertAt <= due`, ordered by `nextAlertAt` then uid, at most `limit`, after the cursor
   * (the last uid of the previous page). Used by the scheduled alert run.
   */
  listUsersDueForAlert(due: Date, limit: number, after?: { nextAlertAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]>;

  /**
   * Users whose `nextRecomputeAt <= due`, ordered by `nextRecomputeAt` then uid, at most `limit`, after the cursor
   * (the last user of the previous page). Used by the scheduled recompute (the local date moved the 180-day window).
   */
  listUsersDueForRecompute(
    due: Date,
    limit: number,
    after?: { nextRecomputeAt: Date; uid: string },
  ): Promise<{ uid: string; profile: UserProfile }[]>;

  /**
   * Writes the account's deletion marker `deletedUsers/{uid}` (`{ deletedAt }`) unless it exists (the first
   * deletion time is kept, so a retried deletion is harmless). From its commit on, every write method above throws
   * `AccountDeletedError` for this uid. Idempotent.
   */
  markAccountDeleted(uid: string, at: Date): Promise<void>;
  /** When the account was marked deleted, or null when it was not. */
  getAccountDeletedAt(uid: string): Promise<Date | null>;

  /**
   * Deletes `users/{uid}` and every document below it, whatever its collection. Idempotent. Run it after
   * `markAccountDeleted`, so that nothing can be written under the user once it has started.
   */
  deleteUserData(uid: string): Promise<void>;
}
