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

export interface Repository {
  getProfile(uid: string): Promise<UserProfile | null>;
  /** Creates the profile unless one exists; returns true when it created it. Idempotent. */
  createProfileIfAbsent(uid: string, profile: UserProfile): Promise<boolean>;
  /** Merges backend-owned fields into the profile (e.g. `nextAlertAt`). */
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

  /** Deletes `users/{uid}` and every subcollection document. Idempotent. */
  deleteUserData(uid: string): Promise<void>;
}
