/**
 * In-memory `Repository` for unit tests and benchmarks. It simulates the Firestore semantics the functions rely
 * on, so a handler tested here behaves the same against `FirestoreRepository` (the shared contract suite in
 * test/contract/ runs the same behaviours against both):
 *
 * - documents are deep-copied on the way in and out (keeping `Date`s), so a test can never
 *   mutate stored state through a returned object, and a caller can never mutate what it stored afterwards;
 * - `createSegmentsIfAbsent` / `createProfileIfAbsent` / `createAlertIfAbsent` leave existing documents untouched
 *   (Firestore `create()` precondition);
 * - `updateProfile` replaces the given top-level fields of an existing profile and does nothing when there is no
 *   profile (Firestore `update()`, whose NOT_FOUND the Firestore implementation swallows);
 * - `putImport` creates the document or replaces the given top-level fields (Firestore `set` with `mergeFields`);
 *   a field set to `undefined` in a patch is ignored (firebase-admin's `ignoreUndefinedProperties`);
 * - `listSegments` / `listDevices` return documents in document-id order, as a Firestore collection read does;
 * - `deleteUserData` removes the profile and every subcollection and is a no-op for an unknown user;
 * - after `markAccountDeleted(uid)`, every write method for that uid throws `AccountDeletedError` and writes
 *   nothing (the Firestore implementation checks the marker in the write's transaction; here each method runs
 *   without an `await` between check and write, which is just as atomic). The client-write helpers
 *   (`putProfile`, `putSegment`, `deleteSegment`) are not checked: clients are governed by the security rules, not
 *   the backend.
 *
 * `counts` follows the Firestore billing model: reads = documents returned (a query returning nothing costs one
 * read in Firestore; that is not simulated), writes = documents written, deletes = documents deleted.
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
import { AccountDeletedError, type OperationCounts, type Repository, type StoredDevice, type StoredSegment } from './types';
import type { ReferenceCollection, ReferenceDataStore, ReferenceDocument } from './reference';

/** Everything stored for one user: `users/{uid}` and its subcollections. */
export interface MemoryUserState {
  profile: UserProfile | null;
  segments: Map<string, SegmentDoc>;
  visaStatus: Map<string, VisaStatusDoc>;
  /** `users/{uid}/summaries/{id}`; the only id used is `countryDays`. */
  summaries: Map<string, CountryDaysDoc>;
  imports: Map<string, ImportDoc>;
  devices: Map<string, DeviceDoc>;
  alerts: Map<string, AlertDoc>;
}

/** A plain-object copy of the whole store, for assertions (`expect(repo.snapshot()).toEqual(...)`). */
export interface MemorySnapshot {
  users: Record<
    string,
    {
      profile: UserProfile | null;
      segments: Record<string, SegmentDoc>;
      visaStatus: Record<string, VisaStatusDoc>;
      summaries: Record<string, CountryDaysDoc>;
      imports: Record<string, ImportDoc>;
      devices: Record<string, DeviceDoc>;
      alerts: Record<string, AlertDoc>;
    }
  >;
  countries: Record<string, ReferenceDocument>;
  visaRules: Record<string, ReferenceDocument>;
  /** Account deletion markers, `deletedUsers/{uid}`. */
  deletedUsers: Record<string, { deletedAt: Date }>;
}

/**
 * Deep copy that keeps `Date`s as `Date`s and drops `undefined`-valued keys (Firestore stores no such field).
 * Hand-written rather than `structuredClone`, whose Dates come from Node's own realm and so fail `instanceof Date`
 * (and zod's `z.date()`) inside Jest's sandbox.
 */
function clone<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clone(v);
    return out as T;
  }
  return value;
}

function byId<T>(map: Map<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function toRecord<T>(map: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of byId(map)) out[k] = clone(v);
  return out;
}

/** Firestore document ids: non-empty, no `/`, not `.` or `..`, at most 1500 bytes. */
function assertDocId(id: string, what: string): void {
  if (typeof id !== 'string' || id === '' || id.includes('/') || id === '.' || id === '..' || Buffer.byteLength(id) > 1500) {
    throw new Error(`${what} "${String(id)}" is not a valid Firestore document id (non-empty, no "/", not "." or "..")`);
  }
}

export class MemoryRepository implements Repository, ReferenceDataStore {
  /** Operation counters (see the file docstring for what counts); `resetCounts()` zeroes them. */
  readonly counts: OperationCounts = { reads: 0, writes: 0, deletes: 0 };

  private users = new Map<string, MemoryUserState>();
  private deletedUsers = new Map<string, { deletedAt: Date }>();
  private reference: Record<ReferenceCollection, Map<string, ReferenceDocument>> = {
    countries: new Map(),
    visaRules: new Map(),
  };

  /** Zeroes `counts` (e.g. after arranging a test's initial state). */
  resetCounts(): void {
    this.counts.reads = 0;
    this.counts.writes = 0;
    this.counts.deletes = 0;
  }

  /** Removes all data and zeroes the counters. */
  reset(): void {
    this.users.clear();
    this.deletedUsers.clear();
    this.reference.countries.clear();
    this.reference.visaRules.clear();
    this.resetCounts();
  }

  /** Deep copy of everything stored, keyed by id in id order. Does not count as reads. */
  snapshot(): MemorySnapshot {
    const users: MemorySnapshot['users'] = {};
    for (const [uid, u] of byId(this.users)) {
      users[uid] = {
        profile: clone(u.profile),
        segments: toRecord(u.segments),
        visaStatus: toRecord(u.visaStatus),
        summaries: toRecord(u.summaries),
        imports: toRecord(u.imports),
        devices: toRecord(u.devices),
        alerts: toRecord(u.alerts),
      };
    }
    return {
      users,
      countries: toRecord(this.reference.countries),
      visaRules: toRecord(this.reference.visaRules),
      deletedUsers: toRecord(this.deletedUsers),
    };
  }

  /**
   * Test helper: stores a device as the app would (devices are client-written, so the `Repository` has no
   * method for it). Counts as one write.
   */
  async putDevice(uid: string, deviceId: string, device: DeviceDoc): Promise<void> {
    assertDocId(deviceId, 'deviceId');
    this.assertNotDeleted(uid);
    this.user(uid).devices.set(deviceId, clone(device));
    this.counts.writes += 1;
  }

  /** Test helper: stores or replaces the profile as the app would (client write, not checked). Counts as one write. */
  async putProfile(uid: string, profile: UserProfile): Promise<void> {
    assertDocId(uid, 'uid');
    this.user(uid).profile = clone(profile);
    this.counts.writes += 1;
  }

  /** Test helper: stores or replaces a segment as the app would (client write). Counts as one write. */
  async putSegment(uid: string, segmentId: string, segment: SegmentDoc): Promise<void> {
    assertDocId(segmentId, 'segmentId');
    this.user(uid).segments.set(segmentId, clone(segment));
    this.counts.writes += 1;
  }

  /** Test helper: deletes a segment as the app would (client write). Counts as one delete when it existed. */
  async deleteSegment(uid: string, segmentId: string): Promise<void> {
    if (this.users.get(uid)?.segments.delete(segmentId)) this.counts.deletes += 1;
  }

  /** Alert record, or null (test helper for dedupe assertions). Counts as one read when found. */
  async getAlert(uid: string, alertId: string): Promise<AlertDoc | null> {
    return this.read(this.users.get(uid)?.alerts.get(alertId));
  }

  /** The `summaries/countryDays` document, or null. Counts as one read when found. */
  async getCountryDays(uid: string): Promise<CountryDaysDoc | null> {
    return this.read(this.users.get(uid)?.summaries.get('countryDays'));
  }

  // ---- Repository ----

  async getProfile(uid: string): Promise<UserProfile | null> {
    return this.read(this.users.get(uid)?.profile ?? undefined);
  }

  async createProfileIfAbsent(uid: string, profile: UserProfile): Promise<boolean> {
    assertDocId(uid, 'uid');
    this.assertNotDeleted(uid);
    const u = this.user(uid);
    if (u.profile) return false;
    u.profile = clone(profile);
    this.counts.writes += 1;
    return true;
  }

  async updateProfile(uid: string, patch: Partial<UserProfile>): Promise<void> {
    assertDocId(uid, 'uid');
    this.assertNotDeleted(uid);
    const u = this.users.get(uid);
    // Firestore update() semantics: top-level fields are replaced, and a missing profile is left missing so that
    // a run racing an account deletion cannot resurrect a partial `users/{uid}` document.
    if (!u?.profile) return;
    u.profile = { ...u.profile, ...clone(patch) };
    this.counts.writes += 1;
  }

  async listSegments(uid: string): Promise<StoredSegment[]> {
    const u = this.users.get(uid);
    if (!u) return [];
    const out = byId(u.segments).map(([id, data]) => ({ id, data: clone(data) }));
    this.counts.reads += out.length;
    return out;
  }

  async createSegmentsIfAbsent(uid: string, segments: readonly StoredSegment[]): Promise<number> {
    assertDocId(uid, 'uid');
    for (const s of segments) assertDocId(s.id, 'segment id');
    this.assertNotDeleted(uid);
    const u = this.user(uid);
    let created = 0;
    for (const s of segments) {
      // A repeated id within one call behaves like Firestore's create(): the second one finds the first.
      if (u.segments.has(s.id)) continue;
      u.segments.set(s.id, clone(s.data));
      created += 1;
    }
    this.counts.writes += created;
    return created;
  }

  async getVisaStatus(uid: string, ruleId: string): Promise<VisaStatusDoc | null> {
    return this.read(this.users.get(uid)?.visaStatus.get(ruleId));
  }

  async putEvaluation(uid: string, statuses: readonly VisaStatusDoc[], countryDays: CountryDaysDoc): Promise<void> {
    assertDocId(uid, 'uid');
    for (const s of statuses) assertDocId(s.ruleId, 'ruleId');
    this.assertNotDeleted(uid);
    const u = this.user(uid);
    for (const s of statuses) u.visaStatus.set(s.ruleId, clone(s));
    u.summaries.set('countryDays', clone(countryDays));
    this.counts.writes += statuses.length + 1;
  }

  async getImport(uid: string, importId: string): Promise<ImportDoc | null> {
    return this.read(this.users.get(uid)?.imports.get(importId));
  }

  async putImport(uid: string, importId: string, patch: Partial<ImportDoc>): Promise<void> {
    assertDocId(uid, 'uid');
    assertDocId(importId, 'importId');
    this.assertNotDeleted(uid);
    const u = this.user(uid);
    const existing = u.imports.get(importId);
    u.imports.set(importId, { ...(existing ?? ({} as ImportDoc)), ...clone(patch) });
    this.counts.writes += 1;
  }

  async listDevices(uid: string): Promise<StoredDevice[]> {
    const u = this.users.get(uid);
    if (!u) return [];
    const out = byId(u.devices).map(([id, data]) => ({ id, data: clone(data) }));
    this.counts.reads += out.length;
    return out;
  }

  async deleteDevice(uid: string, deviceId: string): Promise<void> {
    // Firestore counts a delete of a missing document as a delete too.
    this.users.get(uid)?.devices.delete(deviceId);
    this.counts.deletes += 1;
  }

  async createAlertIfAbsent(uid: string, alertId: string, alert: AlertDoc): Promise<boolean> {
    assertDocId(uid, 'uid');
    assertDocId(alertId, 'alertId');
    this.assertNotDeleted(uid);
    const u = this.user(uid);
    if (u.alerts.has(alertId)) return false;
    u.alerts.set(alertId, clone(alert));
    this.counts.writes += 1;
    return true;
  }

  async listUsersDueForAlert(
    due: Date,
    limit: number,
    after?: { nextAlertAt: Date; uid: string },
  ): Promise<{ uid: string; profile: UserProfile }[]> {
    return this.usersDue('nextAlertAt', due, limit, after && { at: after.nextAlertAt, uid: after.uid });
  }

  /** Same query shape as listUsersDueForAlert, on `nextRecomputeAt` (added for the scheduled recompute, issue 4). */
  async listUsersDueForRecompute(
    due: Date,
    limit: number,
    after?: { nextRecomputeAt: Date; uid: string },
  ): Promise<{ uid: string; profile: UserProfile }[]> {
    return this.usersDue('nextRecomputeAt', due, limit, after && { at: after.nextRecomputeAt, uid: after.uid });
  }

  /**
   * `users where field <= due orderBy field, __name__ startAfter(after) limit n`, as the Firestore query: users
   * without the field, or with null, are not returned (Firestore's inequality filters skip them).
   */
  private usersDue(
    field: 'nextAlertAt' | 'nextRecomputeAt',
    due: Date,
    limit: number,
    after: { at: Date; uid: string } | undefined,
  ): { uid: string; profile: UserProfile }[] {
    const dueMs = due.getTime();
    const candidates: { uid: string; at: number; profile: UserProfile }[] = [];
    for (const [uid, u] of this.users) {
      const at = u.profile?.[field];
      if (!(at instanceof Date) || at.getTime() > dueMs) continue;
      candidates.push({ uid, at: at.getTime(), profile: u.profile as UserProfile });
    }
    candidates.sort((a, b) => a.at - b.at || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    const afterMs = after?.at.getTime();
    const page = candidates
      .filter((c) => after === undefined || c.at > (afterMs as number) || (c.at === afterMs && c.uid > after.uid))
      .slice(0, Math.max(0, limit))
      .map((c) => ({ uid: c.uid, profile: clone(c.profile) }));
    this.counts.reads += page.length;
    return page;
  }

  async markAccountDeleted(uid: string, at: Date): Promise<void> {
    assertDocId(uid, 'uid');
    if (this.deletedUsers.has(uid)) return;
    this.deletedUsers.set(uid, { deletedAt: clone(at) });
    this.counts.writes += 1;
  }

  async getAccountDeletedAt(uid: string): Promise<Date | null> {
    return this.read(this.deletedUsers.get(uid))?.deletedAt ?? null;
  }

  async deleteUserData(uid: string): Promise<void> {
    const u = this.users.get(uid);
    if (!u) return;
    let n = u.profile ? 1 : 0;
    for (const m of [u.segments, u.visaStatus, u.summaries, u.imports, u.devices, u.alerts]) n += m.size;
    this.users.delete(uid);
    this.counts.deletes += n;
  }

  // ---- ReferenceDataStore (seed) ----

  async listReference(collection: ReferenceCollection): Promise<Map<string, ReferenceDocument>> {
    const out = new Map<string, ReferenceDocument>();
    for (const [id, doc] of byId(this.reference[collection])) out.set(id, clone(doc));
    this.counts.reads += out.size;
    return out;
  }

  async writeReference(
    collection: ReferenceCollection,
    upserts: ReadonlyMap<string, ReferenceDocument>,
    deletes: readonly string[],
  ): Promise<void> {
    for (const id of upserts.keys()) assertDocId(id, `${collection} id`);
    const m = this.reference[collection];
    for (const [id, doc] of upserts) m.set(id, clone(doc));
    for (const id of deletes) m.delete(id);
    this.counts.writes += upserts.size;
    this.counts.deletes += deletes.length;
  }

  // ---- internals ----

  private assertNotDeleted(uid: string): void {
    if (this.deletedUsers.has(uid)) throw new AccountDeletedError(uid);
  }

  private user(uid: string): MemoryUserState {
    let u = this.users.get(uid);
    if (!u) {
      u = {
        profile: null,
        segments: new Map(),
        visaStatus: new Map(),
        summaries: new Map(),
        imports: new Map(),
        devices: new Map(),
        alerts: new Map(),
      };
      this.users.set(uid, u);
    }
    return u;
  }

  private read<T>(value: T | undefined | null): T | null {
    if (value === undefined || value === null) return null;
    this.counts.reads += 1;
    return clone(value);
  }
}
