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
  TimelineHeadDoc,
  TimelineShardDoc,
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

/** A segment the import meant to create already exists (create() precondition); nothing of that commit was written. */
export class SegmentExistsError extends Error {
  constructor(readonly uid: string) {
    super(`a segment of ${uid} the import creates already exists`);
    this.name = 'SegmentExistsError';
  }
}

/** The documents of `users/{uid}/timeline` as read (the timeline decodes them). */
export interface TimelineDocs {
  head: TimelineHeadDoc | null;
  /** The other shards by id. */
  shards: Map<string, TimelineShardDoc>;
  /** Update time of the head in microseconds since the epoch (null when there is no head). */
  headVersion: number | null;
}

/** A segment with the commit time of its last write (microseconds since the epoch). */
export interface VersionedSegment extends StoredSegment {
  version: number;
}

/** What one timeline transaction writes (every part optional but the timeline documents, which may be empty). */
export interface TimelineCommit {
  /** Timeline documents to write, whole (set), by shard id (`head`, `s1`, ...). */
  timeline: Map<string, TimelineHeadDoc | TimelineShardDoc>;
  /** Status documents to write (set). */
  statuses?: readonly VisaStatusDoc[];
  /** Rule ids whose status documents to delete (rules no longer tracked; deleting an absent one is a no-op). */
  deleteStatuses?: readonly string[];
  /** The summary to write (set). */
  countryDays?: CountryDaysDoc;
  /** Backend fields of the profile to update; skipped when the profile does not exist (never creates it). */
  profile?: Partial<UserProfile>;
  /** Segments to create (create(): the whole commit fails with SegmentExistsError when one exists). */
  createSegments?: readonly StoredSegment[];
  /** The import document to create or merge (as `putImport`). */
  importDoc?: { id: string; patch: Partial<ImportDoc> };
}

/** What a timeline transaction read, handed to its `decide` function. */
export interface TimelineRead {
  timeline: TimelineDocs;
  /** The profile, when `withProfile` was asked (null when it does not exist). */
  profile?: UserProfile | null;
  /** The segments of `readSegments` that exist, with their versions. */
  segments?: Map<string, VersionedSegment>;
}

export interface TimelineTxOptions {
  /** Read `users/{uid}` in the transaction too (1 more read). */
  withProfile?: boolean;
  /** Read these segments in the transaction (the import's fallback after SegmentExistsError). */
  readSegments?: readonly string[];
}

/** The head's record of the daily run (`TimelineHeadDocSchema.daily`). */
export type TimelineDaily = TimelineHeadDoc['daily'];

/** The fields of a timeline head the daily run schedules by. */
export interface TimelineSchedule {
  nextRecomputeAt: Date | null;
  daily: TimelineDaily;
}

/** A due user as the daily query returns it (`Repository.listDueTimelines`): its uid and its head's schedule. */
export interface DueTimeline {
  uid: string;
  nextRecomputeAt: Date;
  /** The head's `daily`; null when it does not read as one (the head is unreadable; the run repairs it). */
  daily: TimelineDaily | null;
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
 *
 * `counts` (both implementations) follows Firestore billing: a document lookup is 1 read whether the document exists
 * or not (the deletion marker of every write transaction included), a query costs the documents it returns and at
 * least 1; writes = documents written.
 */
export interface Repository {
  getProfile(uid: string): Promise<UserProfile | null>;
  /** Creates the profile unless one exists; returns true when it created it. Idempotent. */
  createProfileIfAbsent(uid: string, profile: UserProfile): Promise<boolean>;
  /** Merges backend-owned fields into the profile (e.g. `nextAlertAt`); does nothing when there is no profile. */
  updateProfile(uid: string, patch: Partial<UserProfile>): Promise<void>;

  /** Every segment of the user, in document-id order (Firestore's default order; the contract suite checks it). */
  listSegments(uid: string): Promise<StoredSegment[]>;

  getVisaStatus(uid: string, ruleId: string): Promise<VisaStatusDoc | null>;

  getImport(uid: string, importId: string): Promise<ImportDoc | null>;
  /** Creates or merges the import document. */
  putImport(uid: string, importId: string, patch: Partial<ImportDoc>): Promise<void>;

  /**
   * Every device of the user, in document-id order; with `limit`, the `limit` most recently seen (`lastSeenAt`
   * descending, then document id descending), the per-user device cap of the alert run.
   */
  listDevices(uid: string, limit?: number): Promise<StoredDevice[]>;
  deleteDevice(uid: string, deviceId: string): Promise<void>;

  /** The alert record, or null (whether this alert was already sent). */
  getAlert(uid: string, alertId: string): Promise<AlertDoc | null>;
  /** Creates the alert record unless it exists; false means it was already sent (dedupe). */
  createAlertIfAbsent(uid: string, alertId: string, alert: AlertDoc): Promise<boolean>;
  /**
   * Leases a due user to one alert task: when the profile exists and `nextAlertAt <= due`, sets `nextAlertAt` to
   * `until` and returns true; otherwise changes nothing and returns false (another task has it, or it is not due).
   * One transaction with the deletion marker.
   */
  claimUserForAlerts(uid: string, due: Date, until: Date): Promise<boolean>;

  /**
   * Users whose `nextAlertAt <= due`, ordered by `nextAlertAt` then uid, at most `limit`, after the cursor
   * (the last uid of the previous page). Used by the scheduled alert run.
   */
  listUsersDueForAlert(due: Date, limit: number, after?: { nextAlertAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]>;

  /**
   * Users whose `nextRecomputeAt <= due`, ordered by `nextRecomputeAt` then uid, at most `limit`, after the cursor
   * (the last user of the previous page). Used by the scheduled recompute (the local date moved the 180-day window).
   */
  listUsersDueForRecompute(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]>;

  // ---- the timeline (docs/data-model.md, `users/{uid}/timeline/{shardId}`) ----

  /** Every document of `users/{uid}/timeline`, outside a transaction (a query: max(1, K) reads for K documents). */
  readTimeline(uid: string): Promise<TimelineDocs>;
  /**
   * One transaction: reads the deletion marker, the profile when `withProfile`, the timeline documents and the
   * segments of `readSegments`; calls `decide` with what it read
   * (synchronously; it may be called again when the transaction retries on contention, so it must not have side
   * effects); commits what it returns (nothing when `commit` is null) and resolves to its `result`.
   * @throws AccountDeletedError (nothing written) once the deletion marker exists; SegmentExistsError when a segment
   *   of `createSegments` exists.
   */
  updateTimeline<T>(uid: string, decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T }, opts?: TimelineTxOptions): Promise<T>;
  /**
   * Every segment with the commit time of its last write, and the read time of the listing (microseconds): the
   * timeline's repair path. N reads (at least 1).
   */
  listSegmentVersions(uid: string): Promise<{ segments: VersionedSegment[]; readTime: number }>;
  /**
   * The schedule of the timeline heads whose `nextRecomputeAt <= due` (collection group `timeline`), ordered by
   * `nextRecomputeAt` then uid, at most `limit`, after the cursor: the uid and the two fields the daily run decides
   * on, never the records (a projection: a page costs about 100 bytes a user however large the heads are). Used by the
   * daily recompute: 1 read per user returned (Firestore bills a projected document as a whole one).
   */
  listDueTimelines(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }): Promise<DueTimeline[]>;
  /**
   * The daily run's record of a user it did not evaluate, written without reading the timeline's records: one
   * transaction reads the deletion marker and the head's `daily` field alone (a field mask), and sets only the head's
   * `nextRecomputeAt` and `daily` to what `next` returns for the `daily` it read (null when that does not read as one,
   * as in an unreadable head). Nothing is written when there is no head or `next` returns null; returns whether it
   * wrote. 2 reads, 1 write.
   * @throws AccountDeletedError (nothing written) once the deletion marker exists.
   */
  updateTimelineSchedule(uid: string, next: (daily: TimelineDaily | null) => TimelineSchedule | null): Promise<boolean>;

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
