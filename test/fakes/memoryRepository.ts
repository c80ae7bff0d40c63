/**
 * In-memory `Repository` for unit tests and benchmarks. It simulates the Firestore semantics the functions rely
 * on, so a handler tested here behaves the same against `FirestoreRepository` (the shared contract suite in
 * test/functions/repository/ runs the same behaviours against both):
 *
 * - documents are deep-copied on the way in and out (keeping `Date`s), so a test can never
 *   mutate stored state through a returned object, and a caller can never mutate what it stored afterwards;
 * - `createProfileIfAbsent` / `createAlertIfAbsent` (and the seeding helper `createSegmentsIfAbsent`) leave existing documents untouched
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
 * `counts` follows the Firestore billing model, as `FirestoreRepository` counts it: a document lookup is 1 read
 * whether the document exists or not (the deletion marker every write transaction reads, and the documents it reads
 * besides, included), a query costs the documents it returns and at least 1; writes = documents written, deletes =
 * documents deleted. The timeline transaction (`updateTimeline`) is atomic here because `decide` is synchronous and
 * nothing is awaited between its reads and its writes.
 *
 * Commit times: every segment and timeline write gets a version (microseconds since the epoch, a whole number of
 * milliseconds, strictly increasing) from the injected clock, as Firestore gives each write its commit time; the
 * client-write helpers return it so that tests can build the event Firestore would deliver.
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
} from '../../functions/src/model/documents';
import { TimelineHeadDocSchema, withStatusKind } from '../../functions/src/model/documents';
import {
  AccountDeletedError,
  SegmentExistsError,
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
} from '../../functions/src/repository/types';
import type { ReferenceCollection, ReferenceDataStore, ReferenceDocument } from '../../functions/src/repository/reference';
import type { SeedWrites } from '../helpers/firestoreSeed';

/** A head's `daily` as stored, or null when it does not read as one (as FirestoreRepository reads it). */
function dailyOf(raw: unknown): TimelineDaily | null {
  const parsed = TimelineHeadDocSchema.shape.daily.safeParse(raw);
  return parsed.success ? clone(parsed.data) : null;
}

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
  /** `users/{uid}/timeline/{shardId}` with the commit time of its last write (microseconds). */
  timeline: Map<string, { doc: TimelineHeadDoc | TimelineShardDoc; version: number }>;
  /** Commit time (microseconds) of each segment's last write. */
  segmentVersions: Map<string, number>;
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
      timeline: Record<string, TimelineHeadDoc | TimelineShardDoc>;
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
  if (Array.isArray(value)) return (value as unknown[]).map((v) => clone(v)) as T;
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

export interface MemoryRepositoryOptions {
  /** Source of commit times (default: the system clock). */
  clock?: () => Date;
}

export class MemoryRepository implements Repository, ReferenceDataStore, SeedWrites {
  /** Operation counters (see the file docstring for what counts); `resetCounts()` zeroes them. */
  readonly counts: OperationCounts = { reads: 0, writes: 0, deletes: 0 };
  private readonly clock: () => Date;
  private lastCommit = 0;

  constructor(opts: MemoryRepositoryOptions = {}) {
    this.clock = opts.clock ?? (() => new Date());
  }

  /**
   * The commit time of a write: the clock in microseconds (whole milliseconds), strictly after the previous one, as
   * Firestore's commit times of two writes are ordered.
   */
  private commitTime(): number {
    const t = Math.max(this.clock().getTime() * 1000, this.lastCommit + 1000);
    this.lastCommit = t;
    return t;
  }

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
        timeline: Object.fromEntries(byId(u.timeline).map(([id, t]) => [id, clone(t.doc)])),
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

  /**
   * Test helper: stores or replaces a segment as the app would (client write). Counts as one write. Returns the
   * write's commit time (microseconds), the version its event carries.
   */
  async putSegment(uid: string, segmentId: string, segment: SegmentDoc): Promise<number> {
    assertDocId(segmentId, 'segmentId');
    const u = this.user(uid);
    u.segments.set(segmentId, clone(segment));
    const version = this.commitTime();
    u.segmentVersions.set(segmentId, version);
    this.counts.writes += 1;
    return version;
  }

  /**
   * Test helper: deletes a segment as the app would (client write). Counts as one delete when it existed. Returns
   * the delete's commit time (microseconds).
   */
  async deleteSegment(uid: string, segmentId: string): Promise<number> {
    const u = this.users.get(uid);
    if (u?.segments.delete(segmentId)) {
      u.segmentVersions.delete(segmentId);
      this.counts.deletes += 1;
    }
    return this.commitTime();
  }

  /** Test helper: the commit time (microseconds) of a stored segment's last write, or null. No read counted. */
  segmentVersion(uid: string, segmentId: string): number | null {
    return this.users.get(uid)?.segmentVersions.get(segmentId) ?? null;
  }

  /** Alert record, or null. Counts as one read. */
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
    this.assertNotDeleted(uid, 1);
    const u = this.user(uid);
    if (u.profile) return false;
    u.profile = clone(profile);
    this.counts.writes += 1;
    return true;
  }

  async updateProfile(uid: string, patch: Partial<UserProfile>): Promise<void> {
    assertDocId(uid, 'uid');
    this.assertNotDeleted(uid, 1);
    const u = this.users.get(uid);
    // Firestore update() semantics: top-level fields are replaced, and a missing profile is left missing so that
    // a run racing an account deletion cannot resurrect a partial `users/{uid}` document.
    if (!u?.profile) return;
    u.profile = { ...u.profile, ...clone(patch) };
    this.counts.writes += 1;
  }

  async listSegments(uid: string): Promise<StoredSegment[]> {
    const u = this.users.get(uid);
    const out = u ? byId(u.segments).map(([id, data]) => ({ id, data: clone(data) })) : [];
    this.counts.reads += Math.max(1, out.length);
    return out;
  }

  /** Test helper (seeding, as SeededFirestoreRepository): creates the segments that do not exist. */
  async createSegmentsIfAbsent(uid: string, segments: readonly StoredSegment[]): Promise<number> {
    assertDocId(uid, 'uid');
    for (const s of segments) assertDocId(s.id, 'segment id');
    const unique = new Set(segments.map((s) => s.id)).size;
    // Billed as one transaction per 500 ids, reading the marker and the chunk's documents.
    this.assertNotDeleted(uid, Math.ceil(unique / 500) - 1 + unique);
    const u = this.user(uid);
    let created = 0;
    for (const s of segments) {
      // A repeated id within one call behaves like Firestore's create(): the second one finds the first.
      if (u.segments.has(s.id)) continue;
      u.segments.set(s.id, clone(s.data));
      u.segmentVersions.set(s.id, this.commitTime());
      created += 1;
    }
    this.counts.writes += created;
    return created;
  }

  async getVisaStatus(uid: string, ruleId: string): Promise<VisaStatusDoc | null> {
    // As in Firestore: a document written before issue 12 has no `kind`, and is a rolling-window status.
    return withStatusKind(this.read(this.users.get(uid)?.visaStatus.get(ruleId)));
  }

  /** Test helper (seeding, as SeededFirestoreRepository): writes statuses and the summary. */
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

  async listDevices(uid: string, limit?: number): Promise<StoredDevice[]> {
    const u = this.users.get(uid);
    let out = u ? byId(u.devices).map(([id, data]) => ({ id, data: clone(data) })) : [];
    if (limit !== undefined) {
      // As Firestore's descending single-field index: lastSeenAt descending, then document id descending.
      out = out.sort((a, b) => b.data.lastSeenAt.getTime() - a.data.lastSeenAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)).slice(0, limit);
    }
    this.counts.reads += Math.max(1, out.length);
    return out;
  }

  async claimUserForAlerts(uid: string, due: Date, until: Date): Promise<boolean> {
    assertDocId(uid, 'uid');
    this.assertNotDeleted(uid, 1);
    const p = this.users.get(uid)?.profile;
    if (!p || !p.nextAlertAt || p.nextAlertAt.getTime() > due.getTime()) return false;
    p.nextAlertAt = clone(until);
    this.counts.writes += 1;
    return true;
  }

  async deleteDevice(uid: string, deviceId: string): Promise<void> {
    // Firestore counts a delete of a missing document as a delete too.
    this.users.get(uid)?.devices.delete(deviceId);
    this.counts.deletes += 1;
  }

  async createAlertIfAbsent(uid: string, alertId: string, alert: AlertDoc): Promise<boolean> {
    assertDocId(uid, 'uid');
    assertDocId(alertId, 'alertId');
    this.assertNotDeleted(uid, 1);
    const u = this.user(uid);
    if (u.alerts.has(alertId)) return false;
    u.alerts.set(alertId, clone(alert));
    this.counts.writes += 1;
    return true;
  }

  async listUsersDueForAlert(due: Date, limit: number, after?: { nextAlertAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]> {
    return this.usersDue('nextAlertAt', due, limit, after && { at: after.nextAlertAt, uid: after.uid });
  }

  /** Same query shape as listUsersDueForAlert, on `nextRecomputeAt` (added for the scheduled recompute, issue 4). */
  async listUsersDueForRecompute(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }): Promise<{ uid: string; profile: UserProfile }[]> {
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
    this.counts.reads += Math.max(1, page.length);
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
    for (const m of [u.segments, u.visaStatus, u.summaries, u.imports, u.devices, u.alerts, u.timeline]) n += m.size;
    this.users.delete(uid);
    this.counts.deletes += n;
  }

  // ---- timeline ----

  private timelineDocs(u: MemoryUserState | undefined, skipHead = false): { docs: TimelineDocs; reads: number } {
    const shards = new Map<string, TimelineShardDoc>();
    let head: TimelineHeadDoc | null = null;
    let headVersion: number | null = null;
    let reads = 0;
    const timeline: MemoryUserState['timeline'] = u?.timeline ?? new Map<string, never>();
    for (const [id, t] of byId(timeline)) {
      if (id === 'head') {
        if (skipHead) continue;
        head = clone(t.doc as TimelineHeadDoc);
        headVersion = t.version;
      } else shards.set(id, clone(t.doc));
      reads += 1;
    }
    return { docs: { head, shards, headVersion }, reads };
  }

  async readTimeline(uid: string): Promise<TimelineDocs> {
    const { docs, reads } = this.timelineDocs(this.users.get(uid));
    this.counts.reads += Math.max(1, reads);
    return docs;
  }

  async updateTimeline<T>(uid: string, decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T }, opts: TimelineTxOptions = {}): Promise<T> {
    assertDocId(uid, 'uid');
    // Everything below runs without an await, hence atomically (see the file docstring).
    const u = this.users.get(uid);
    const { docs, reads } = this.timelineDocs(u);
    const read: TimelineRead = { timeline: docs };
    let extra = Math.max(1, reads);
    if (opts.withProfile) {
      read.profile = clone(u?.profile ?? null);
      extra += 1;
    }
    if (opts.readSegments) {
      read.segments = new Map();
      for (const id of opts.readSegments) {
        const data = u?.segments.get(id);
        if (data) read.segments.set(id, { id, data: clone(data), version: u!.segmentVersions.get(id) ?? 0 });
      }
      extra += opts.readSegments.length;
    }
    this.assertNotDeleted(uid, extra);
    const { commit, result } = decide(read);
    if (!commit) return result;
    const target = this.user(uid);
    for (const s of commit.createSegments ?? []) {
      assertDocId(s.id, 'segment id');
      if (target.segments.has(s.id)) throw new SegmentExistsError(uid);
    }
    if (commit.importDoc) assertDocId(commit.importDoc.id, 'importId');
    const version = this.commitTime();
    let writes = 0;
    for (const [id, doc] of commit.timeline) {
      target.timeline.set(id, { doc: clone(doc), version });
      writes += 1;
    }
    for (const s of commit.statuses ?? []) {
      target.visaStatus.set(s.ruleId, clone(s));
      writes += 1;
    }
    for (const ruleId of commit.deleteStatuses ?? []) {
      assertDocId(ruleId, 'ruleId');
      // Firestore bills a delete in a transaction as a write, whether the document existed or not.
      target.visaStatus.delete(ruleId);
      this.counts.deletes += 1;
    }
    if (commit.countryDays) {
      target.summaries.set('countryDays', clone(commit.countryDays));
      writes += 1;
    }
    if (commit.profile && target.profile && Object.keys(commit.profile).length > 0) {
      target.profile = { ...target.profile, ...clone(commit.profile) };
      writes += 1;
    }
    for (const s of commit.createSegments ?? []) {
      target.segments.set(s.id, clone(s.data));
      target.segmentVersions.set(s.id, version);
      writes += 1;
    }
    if (commit.importDoc) {
      const existing = target.imports.get(commit.importDoc.id);
      target.imports.set(commit.importDoc.id, { ...(existing ?? ({} as ImportDoc)), ...clone(commit.importDoc.patch) });
      writes += 1;
    }
    this.counts.writes += writes;
    return result;
  }

  async listSegmentVersions(uid: string): Promise<{ segments: VersionedSegment[]; readTime: number }> {
    const u = this.users.get(uid);
    const segments = u ? byId(u.segments).map(([id, data]) => ({ id, data: clone(data), version: u.segmentVersions.get(id) ?? 0 })) : [];
    this.counts.reads += Math.max(1, segments.length);
    // The listing's read time: after every write committed so far.
    return { segments, readTime: this.commitTime() };
  }

  /** The schedule fields of the due heads only (Firestore: a `select` projection), copied. */
  async listDueTimelines(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }): Promise<DueTimeline[]> {
    const dueMs = due.getTime();
    const candidates: { uid: string; at: number; daily: unknown }[] = [];
    for (const [uid, u] of this.users) {
      const head = u.timeline.get('head')?.doc as Record<string, unknown> | undefined;
      const at = head?.nextRecomputeAt;
      if (!head || !(at instanceof Date) || at.getTime() > dueMs) continue;
      candidates.push({ uid, at: at.getTime(), daily: head.daily });
    }
    candidates.sort((a, b) => a.at - b.at || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    const afterMs = after?.nextRecomputeAt.getTime();
    const page = candidates
      .filter((c) => after === undefined || c.at > (afterMs as number) || (c.at === afterMs && c.uid > after.uid))
      .slice(0, Math.max(0, limit))
      .map((c) => ({ uid: c.uid, nextRecomputeAt: new Date(c.at), daily: dailyOf(c.daily) }));
    this.counts.reads += Math.max(1, page.length);
    return page;
  }

  /** Reads the marker and the head's `daily`, then replaces the head's `nextRecomputeAt` and `daily` (a new version). */
  async updateTimelineSchedule(uid: string, next: (daily: TimelineDaily | null) => TimelineSchedule | null): Promise<boolean> {
    assertDocId(uid, 'uid');
    this.assertNotDeleted(uid, 1);
    const head = this.users.get(uid)?.timeline.get('head');
    if (!head) return false;
    const schedule = next(dailyOf((head.doc as Record<string, unknown>).daily));
    if (!schedule) return false;
    head.doc = { ...head.doc, nextRecomputeAt: clone(schedule.nextRecomputeAt), daily: clone(schedule.daily) };
    head.version = this.commitTime();
    this.counts.writes += 1;
    return true;
  }

  // ---- ReferenceDataStore (seed) ----

  async listReference(collection: ReferenceCollection): Promise<Map<string, ReferenceDocument>> {
    const out = new Map<string, ReferenceDocument>();
    for (const [id, doc] of byId(this.reference[collection])) out.set(id, clone(doc));
    this.counts.reads += Math.max(1, out.size);
    return out;
  }

  async writeReference(collection: ReferenceCollection, upserts: ReadonlyMap<string, ReferenceDocument>, deletes: readonly string[]): Promise<void> {
    for (const id of upserts.keys()) assertDocId(id, `${collection} id`);
    const m = this.reference[collection];
    for (const [id, doc] of upserts) m.set(id, clone(doc));
    for (const id of deletes) m.delete(id);
    this.counts.writes += upserts.size;
    this.counts.deletes += deletes.length;
  }

  // ---- internals ----

  /**
   * The deletion-marker check of a write transaction: counts the marker read and `alsoRead` other documents the
   * transaction reads (as FirestoreRepository's transaction does), then throws when the account is deleted.
   */
  private assertNotDeleted(uid: string, alsoRead = 0): void {
    this.counts.reads += 1 + alsoRead;
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
        timeline: new Map(),
        segmentVersions: new Map(),
      };
      this.users.set(uid, u);
    }
    return u;
  }

  /** A document lookup: 1 read, found or not. */
  private read<T>(value: T | undefined | null): T | null {
    this.counts.reads += 1;
    if (value === undefined || value === null) return null;
    return clone(value);
  }
}
