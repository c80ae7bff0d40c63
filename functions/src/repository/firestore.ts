/**
 * {@link Repository} on Cloud Firestore through firebase-admin (production, and the emulator when
 * FIRESTORE_EMULATOR_HOST is set). Paths are those of the document schemas:
 * `users/{uid}`, `users/{uid}/segments|visaStatus|summaries|imports|devices|alerts/{id}`, `countries/{iso2}`,
 * `visaRules/{ruleId}`.
 *
 * - Timestamps: `Date` values are written as they are (firebase-admin stores them as Timestamps) and every
 *   `Timestamp` read back is converted to a `Date`, at any depth (`fromFirestore`).
 * - `undefined` fields are removed before writing (`toFirestore`: firebase-admin rejects them unless the caller's
 *   Firestore has `ignoreUndefinedProperties`, which this class does not require).
 * - Documents are returned as stored, without schema validation: client writes are validated by the security
 *   rules and backend writes by the callers; callers that must tolerate bad data parse with the document schemas.
 * - Idempotency: "if absent" methods create only after reading that the document does not exist, in one
 *   transaction, so a redelivered event cannot overwrite or double-count.
 * - Account deletion: every write under `users/{uid}` is a transaction that first reads the deletion marker
 *   `deletedUsers/{uid}` and throws `AccountDeletedError` when it exists. Server-SDK transactions are serializable
 *   (the marker read takes a lock that `markAccountDeleted`'s write must wait for, or the transaction is aborted
 *   and retried and then sees the marker), so once the marker is committed no write can land under the user, and
 *   the sweep (`deleteUserData`) that starts after it leaves nothing behind. Cost: one more document read (billed
 *   even when the marker is absent) per write transaction, counted in `counts`.
 * - `counts` follows Firestore billing: every document a lookup or transaction reads is 1 read (found or not), a
 *   query costs the documents it returns and at least 1 (as {@link Repository} states); a transaction retried on contention
 *   counts the reads of its last attempt.
 * - The timeline (`users/{uid}/timeline/{head|s1...}`) is written only through `updateTimeline`'s transaction
 *   ({@link runTimelineTransaction}), so a timeline write and the status it implies commit together.
 */
import {
  FieldPath,
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type QueryDocumentSnapshot,
  type Transaction,
} from 'firebase-admin/firestore';
import type { AlertDoc, DeviceDoc, ImportDoc, SegmentDoc, UserProfile, VisaStatusDoc } from '../model/documents';
import { TimelineHeadDocSchema, withStatusKind } from '../model/documents';
import { ALREADY_EXISTS, fromFirestore, hasCode, timestampMicros, toFirestore } from './firestoreValues';
import type { ReferenceCollection, ReferenceDataStore, ReferenceDocument } from './reference';
import { HEAD, TIMELINE, runTimelineTransaction, timelineDocsOf, type UserPaths } from './timelineTransaction';
import {
  AccountDeletedError,
  type DueTimeline,
  type OperationCounts,
  type Repository,
  type StoredDevice,
  type StoredSegment,
  type TimelineCommit,
  type TimelineDaily,
  type TimelineDocs,
  type TimelineRead,
  type TimelineSchedule,
  type TimelineTxOptions,
  type VersionedSegment,
} from './types';

/** Firestore's maximum number of writes in one batch or transaction. */
export const FIRESTORE_BATCH_LIMIT = 500;

/** Top-level collection of account deletion markers, `deletedUsers/{uid}` = `{ deletedAt }` (backend-only). */
export const DELETED_USERS = 'deletedUsers';

/** The fields of a head the daily run's query reads (`listDueTimelines`). */
const SCHEDULE_FIELDS = ['nextRecomputeAt', 'daily'];

/** A head's `daily` as read, or null when it does not read as one (`TimelineHeadDocSchema`). */
function dailyOf(raw: unknown): TimelineDaily | null {
  const parsed = TimelineHeadDocSchema.shape.daily.safeParse(fromFirestore(raw));
  return parsed.success ? parsed.data : null;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class FirestoreRepository implements Repository, ReferenceDataStore {
  /** Document operations performed by this instance (reads = documents returned), for the benchmarks. */
  readonly counts: OperationCounts = { reads: 0, writes: 0, deletes: 0 };

  constructor(private readonly db: Firestore) {}

  /** Where a user's documents are, for the timeline transaction. */
  private readonly paths: UserPaths = {
    userDoc: (uid) => this.userDoc(uid),
    sub: (uid, collection) => this.sub(uid, collection),
    marker: (uid) => this.marker(uid),
  };

  private userDoc(uid: string): DocumentReference {
    return this.db.collection('users').doc(uid);
  }

  private sub(uid: string, collection: string) {
    return this.userDoc(uid).collection(collection);
  }

  private marker(uid: string): DocumentReference {
    return this.db.collection(DELETED_USERS).doc(uid);
  }

  /**
   * Runs `write` in a transaction after reading the deletion marker and `refs` (their snapshots are passed to
   * `write`, in order); throws AccountDeletedError, writing nothing, when the marker exists. With `fieldMask`, only
   * those fields of `refs` are sent (the marker's existence is all that is read of it).
   */
  private async guarded<T>(uid: string, refs: DocumentReference[], write: (tx: Transaction, snaps: DocumentSnapshot[]) => T, fieldMask?: string[]): Promise<T> {
    const out = await this.db
      .runTransaction(async (tx) => {
        const [marker, ...snaps] = await tx.getAll(this.marker(uid), ...refs, ...(fieldMask ? [{ fieldMask }] : []));
        if (marker!.exists) throw new AccountDeletedError(uid);
        return write(tx, snaps);
      })
      .catch((e: unknown) => {
        if (e instanceof AccountDeletedError) this.counts.reads += 1 + refs.length;
        throw e;
      });
    this.counts.reads += 1 + refs.length;
    return out;
  }

  /** `guarded` for a create that must not overwrite: false (nothing written) when `ref` exists. */
  private async createIfAbsent(uid: string, ref: DocumentReference, data: object): Promise<boolean> {
    const created = await this.guarded(uid, [ref], (tx, [snap]) => {
      if (snap!.exists) return false;
      tx.create(ref, toFirestore(data));
      return true;
    });
    if (created) this.counts.writes += 1;
    return created;
  }

  /** A document lookup: 1 read, found or not (Firestore bills both). */
  private readDoc<T>(snap: DocumentSnapshot): T | null {
    this.counts.reads += 1;
    if (!snap.exists) return null;
    return fromFirestore<T>(snap.data());
  }

  async getProfile(uid: string): Promise<UserProfile | null> {
    return this.readDoc<UserProfile>(await this.userDoc(uid).get());
  }

  async createProfileIfAbsent(uid: string, profile: UserProfile): Promise<boolean> {
    return this.createIfAbsent(uid, this.userDoc(uid), profile);
  }

  /**
   * Replaces the given top-level fields of an existing profile (`update()`). Does nothing when the profile does
   * not exist, so that a run racing an account deletion cannot leave a partial `users/{uid}` behind.
   */
  async updateProfile(uid: string, patch: Partial<UserProfile>): Promise<void> {
    const data = toFirestore(patch) as Record<string, unknown>;
    if (Object.keys(data).length === 0) return;
    const ref = this.userDoc(uid);
    const updated = await this.guarded(uid, [ref], (tx, [snap]) => {
      if (!snap!.exists) return false;
      tx.update(ref, data);
      return true;
    });
    if (updated) this.counts.writes += 1;
  }

  async listSegments(uid: string): Promise<StoredSegment[]> {
    const snap = await this.sub(uid, 'segments').get();
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs.map((d) => ({ id: d.id, data: fromFirestore<SegmentDoc>(d.data()) }));
  }

  async getVisaStatus(uid: string, ruleId: string): Promise<VisaStatusDoc | null> {
    // A document written before statuses had a `kind` is a rolling-window status (the only kind there was).
    return withStatusKind(this.readDoc<VisaStatusDoc>(await this.sub(uid, 'visaStatus').doc(ruleId).get()));
  }

  async getImport(uid: string, importId: string): Promise<ImportDoc | null> {
    return this.readDoc<ImportDoc>(await this.sub(uid, 'imports').doc(importId).get());
  }

  /** Creates the document or replaces exactly the given top-level fields (`set` with `mergeFields`). */
  async putImport(uid: string, importId: string, patch: Partial<ImportDoc>): Promise<void> {
    const data = toFirestore(patch) as Record<string, unknown>;
    const ref = this.sub(uid, 'imports').doc(importId);
    await this.guarded(uid, [], (tx) => {
      tx.set(ref, data, { mergeFields: Object.keys(data) });
    });
    this.counts.writes += 1;
  }

  /**
   * Every device, or with `limit` the most recently seen: `orderBy('lastSeenAt', 'desc')` (ties: document id
   * descending, as the index orders them), served by the automatic descending single-field index.
   */
  async listDevices(uid: string, limit?: number): Promise<StoredDevice[]> {
    const col = this.sub(uid, 'devices');
    const snap = await (limit === undefined ? col.get() : col.orderBy('lastSeenAt', 'desc').limit(limit).get());
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs.map((d) => ({ id: d.id, data: fromFirestore<DeviceDoc>(d.data()) }));
  }

  async getAlert(uid: string, alertId: string): Promise<AlertDoc | null> {
    return this.readDoc<AlertDoc>(await this.sub(uid, 'alerts').doc(alertId).get());
  }

  async claimUserForAlerts(uid: string, due: Date, until: Date): Promise<boolean> {
    const ref = this.userDoc(uid);
    const claimed = await this.guarded(uid, [ref], (tx, [snap]) => {
      if (!snap!.exists) return false;
      const at = (snap!.get('nextAlertAt') as Timestamp | null | undefined) ?? null;
      if (!at || at.toMillis() > due.getTime()) return false;
      tx.update(ref, { nextAlertAt: until });
      return true;
    });
    if (claimed) this.counts.writes += 1;
    return claimed;
  }

  async deleteDevice(uid: string, deviceId: string): Promise<void> {
    await this.sub(uid, 'devices').doc(deviceId).delete();
    this.counts.deletes += 1;
  }

  async createAlertIfAbsent(uid: string, alertId: string, alert: AlertDoc): Promise<boolean> {
    return this.createIfAbsent(uid, this.sub(uid, 'alerts').doc(alertId), alert);
  }

  /**
   * `users where nextAlertAt <= due orderBy nextAlertAt, __name__ startAfter(cursor) limit n`. Served by the
   * automatic single-field index on `nextAlertAt` (every index ends with `__name__` ascending), so
   * firestore.indexes.json needs no composite index for it.
   */
  async listUsersDueForAlert(due: Date, limit: number, after?: { nextAlertAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]> {
    if (limit <= 0) return [];
    let query = this.db.collection('users').where('nextAlertAt', '<=', Timestamp.fromDate(due)).orderBy('nextAlertAt').orderBy(FieldPath.documentId());
    if (after) query = query.startAfter(Timestamp.fromDate(after.nextAlertAt), after.uid);
    const snap = await query.limit(limit).get();
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs.map((d) => ({ uid: d.id, profile: fromFirestore<UserProfile>(d.data()) }));
  }

  /** Same query shape as listUsersDueForAlert on `nextRecomputeAt` (the daily run's users still scheduled on the profile; single-field index). */
  async listUsersDueForRecompute(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]> {
    if (limit <= 0) return [];
    let query = this.db.collection('users').where('nextRecomputeAt', '<=', Timestamp.fromDate(due)).orderBy('nextRecomputeAt').orderBy(FieldPath.documentId());
    if (after) query = query.startAfter(Timestamp.fromDate(after.nextRecomputeAt), after.uid);
    const snap = await query.limit(limit).get();
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs.map((d) => ({ uid: d.id, profile: fromFirestore<UserProfile>(d.data()) }));
  }

  // ---- timeline ----

  private timelineCol(uid: string) {
    return this.sub(uid, TIMELINE);
  }

  async readTimeline(uid: string): Promise<TimelineDocs> {
    const snap = await this.timelineCol(uid).get();
    this.counts.reads += Math.max(1, snap.size);
    return timelineDocsOf(snap.docs);
  }

  /** See Repository.updateTimeline and {@link runTimelineTransaction}. */
  async updateTimeline<T>(uid: string, decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T }, opts: TimelineTxOptions = {}): Promise<T> {
    return runTimelineTransaction(this.db, this.paths, this.counts, uid, decide, opts);
  }

  async listSegmentVersions(uid: string): Promise<{ segments: VersionedSegment[]; readTime: number }> {
    const snap = await this.sub(uid, 'segments').get();
    this.counts.reads += Math.max(1, snap.size);
    const segments = snap.docs.map((d: QueryDocumentSnapshot) => ({
      id: d.id,
      data: fromFirestore<SegmentDoc>(d.data()),
      version: timestampMicros(d.updateTime),
    }));
    return { segments, readTime: timestampMicros(snap.readTime) };
  }

  /**
   * `collectionGroup('timeline') where nextRecomputeAt <= due orderBy nextRecomputeAt, __name__ startAfter(cursor)
   * select(nextRecomputeAt, daily) limit n`: only heads carry `nextRecomputeAt`, and only the two fields are sent (a
   * head's records can be close to 1 MiB; a page of 500 of them would not fit in the function's memory). Needs the
   * collection-group index on `timeline.nextRecomputeAt` declared in firestore.indexes.json (collection-group queries
   * get no automatic single-field index).
   */
  async listDueTimelines(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }): Promise<DueTimeline[]> {
    if (limit <= 0) return [];
    let query = this.db
      .collectionGroup('timeline')
      .where('nextRecomputeAt', '<=', Timestamp.fromDate(due))
      .orderBy('nextRecomputeAt')
      .orderBy(FieldPath.documentId())
      .select(...SCHEDULE_FIELDS);
    if (after) query = query.startAfter(Timestamp.fromDate(after.nextRecomputeAt), this.timelineCol(after.uid).doc(HEAD));
    const snap = await query.limit(limit).get();
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs.map((d) => ({
      uid: d.ref.parent.parent!.id,
      nextRecomputeAt: (d.get('nextRecomputeAt') as Timestamp).toDate(),
      daily: dailyOf(d.get('daily')),
    }));
  }

  /**
   * See Repository.updateTimelineSchedule: `getAll(marker, head, { fieldMask: ['daily'] })` in a transaction (the
   * mask keeps the records on the server), then `update(head, { nextRecomputeAt, daily })`.
   */
  async updateTimelineSchedule(uid: string, next: (daily: TimelineDaily | null) => TimelineSchedule | null): Promise<boolean> {
    const head = this.timelineCol(uid).doc(HEAD);
    const written = await this.guarded(
      uid,
      [head],
      (tx, [snap]) => {
        if (!snap!.exists) return false;
        const schedule = next(dailyOf(snap!.get('daily')));
        if (!schedule) return false;
        tx.update(head, toFirestore({ nextRecomputeAt: schedule.nextRecomputeAt, daily: schedule.daily }));
        return true;
      },
      ['daily'],
    );
    if (written) this.counts.writes += 1;
    return written;
  }

  /** Creates `deletedUsers/{uid}` = `{ deletedAt }` unless it exists (the first deletion time is kept). */
  async markAccountDeleted(uid: string, at: Date): Promise<void> {
    try {
      await this.marker(uid).create({ deletedAt: at });
      this.counts.writes += 1;
    } catch (error) {
      if (!hasCode(error, ALREADY_EXISTS)) throw error;
    }
  }

  async getAccountDeletedAt(uid: string): Promise<Date | null> {
    return this.readDoc<{ deletedAt: Date }>(await this.marker(uid).get())?.deletedAt ?? null;
  }

  /**
   * `recursiveDelete` of `users/{uid}` through a BulkWriter: the profile and every document below it, in any
   * collection (including ones this class never writes, and documents that exist only as parents of others).
   * Idempotent: deleting what is already gone succeeds.
   */
  async deleteUserData(uid: string): Promise<void> {
    const writer = this.db.bulkWriter();
    let deleted = 0;
    writer.onWriteResult(() => {
      deleted += 1;
    });
    try {
      await this.db.recursiveDelete(this.userDoc(uid), writer);
    } finally {
      await writer.close();
      this.counts.deletes += deleted;
    }
  }

  // ---- ReferenceDataStore (seed) ----

  async listReference(collection: ReferenceCollection): Promise<Map<string, ReferenceDocument>> {
    const snap = await this.db.collection(collection).get();
    this.counts.reads += Math.max(1, snap.size);
    return new Map(snap.docs.map((d) => [d.id, fromFirestore<ReferenceDocument>(d.data())]));
  }

  async writeReference(collection: ReferenceCollection, upserts: ReadonlyMap<string, ReferenceDocument>, deletes: readonly string[]): Promise<void> {
    const col = this.db.collection(collection);
    const all: [string, ReferenceDocument | null][] = [...upserts.entries(), ...deletes.map((id) => [id, null] as [string, null])];
    for (const chunk of chunks(all, FIRESTORE_BATCH_LIMIT)) {
      const batch = this.db.batch();
      for (const [id, doc] of chunk) {
        if (doc) batch.set(col.doc(id), toFirestore(doc));
        else batch.delete(col.doc(id));
      }
      await batch.commit();
      for (const [, doc] of chunk) {
        if (doc) this.counts.writes += 1;
        else this.counts.deletes += 1;
      }
    }
  }
}
