/**
 * Shared set-up of the handler tests: firebase-functions-test in offline mode, an in-memory repository and a
 * local-directory storage injected through the handlers' seam, a fixed clock, and small segment builders.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import firebaseFunctionsTest from 'firebase-functions-test';
import { MemoryRepository } from '../../fakes/memoryRepository';
import type { SegmentDoc, UserProfile, VisaStatusDoc, VisaStatusDocOf } from '../../../functions/src/model/documents';
import { newProfile } from '../../../functions/src/services/account';
import { LocalDirStorage } from '../../fakes/localDirStorage';
import { setWiring, type Wiring } from '../../../functions/src/wiring';
import { setLogSink, type LogEntry } from '../../../functions/src/log';

/** Offline firebase-functions-test (no project): wrap() and makeDocumentSnapshot() work without network. */
export const fft = firebaseFunctionsTest({ projectId: 'demo-travel-time-tracker', storageBucket: 'demo-travel-time-tracker.appspot.com' });

/** A stored status that must be a rolling-window one (the Schengen rule's): narrowed, or the test fails here. */
export function rolling(s: VisaStatusDoc | null | undefined): VisaStatusDocOf<'rolling-window'> {
  if (s?.kind !== 'rolling-window') throw new Error(`expected a rolling-window status, got ${s ? s.kind : String(s)}`);
  return s;
}

/** 2026-11-23 10:00 UTC: the tests' "now" (a Monday; Europe/Paris is UTC+1 then). */
export const NOW = new Date('2026-11-23T10:00:00Z');

/** The default bucket of the demo project (the Storage trigger's bucket). */
export const BUCKET = 'demo-travel-time-tracker.appspot.com';

/**
 * Stores `content` at `objectName` in the environment's file storage and builds the object-finalized CloudEvent Cloud
 * Storage would send for it.
 */
export async function uploadEvent(
  env: TestEnv,
  objectName: string,
  content: Buffer | string,
  opts: { contentType?: string; metadata?: Record<string, string>; eventId?: string; timeCreated?: Date } = {},
) {
  await env.storage.write(objectName, content);
  return {
    id: opts.eventId ?? `evt-${crypto.randomUUID()}`,
    source: `//storage.googleapis.com/projects/_/buckets/${BUCKET}`,
    subject: `objects/${objectName}`,
    bucket: BUCKET,
    data: {
      name: objectName,
      bucket: BUCKET,
      // The Storage JSON API sends int64 values as strings.
      size: String(Buffer.byteLength(content)) as unknown as number,
      contentType: opts.contentType ?? 'text/csv',
      timeCreated: (opts.timeCreated ?? NOW).toISOString(),
      updated: (opts.timeCreated ?? NOW).toISOString(),
      metadata: opts.metadata ?? {},
    },
  };
}

export interface FakeAuth {
  deleted: string[];
  deleteUser(uid: string): Promise<void>;
}

export interface TestEnv {
  repo: MemoryRepository;
  storage: LocalDirStorage;
  auth: FakeAuth;
  dir: string;
  logs: LogEntry[];
  clock: { now: Date };
  /** The injected sleep: advances `clock.now`. */
  sleep: (ms: number) => Promise<void>;
}

/** Fresh repository, storage directory, fake Auth, captured logs and clock, injected into every handler. */
export function setUpEnv(extra: Partial<Wiring> = {}): TestEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-h4-'));
  const clock = { now: NOW };
  // Commit times of the repository's writes follow the test's clock, as the events' times do.
  const repo = new MemoryRepository({ clock: () => clock.now });
  const storage = new LocalDirStorage(dir);
  const auth: FakeAuth = {
    deleted: [],
    async deleteUser(uid: string) {
      if (!this.deleted.includes(uid)) this.deleted.push(uid);
    },
  };
  const logs: LogEntry[] = [];
  setLogSink((e) => logs.push(e));
  // Waiting advances the fake clock instead of the test's run time.
  const sleep = async (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };
  setWiring({ repo, storage, auth, clock: () => clock.now, sleep, ...extra });
  return { repo, storage, auth, dir, logs, clock, sleep };
}

export function tearDownEnv(env: TestEnv | undefined): void {
  setWiring();
  setLogSink();
  if (env) fs.rmSync(env.dir, { recursive: true, force: true });
}

/** A segment document as the app writes it. */
export function seg(from: string, to: string, departureDate: string, arrivalDate: string = departureDate, extra: Partial<SegmentDoc> = {}): SegmentDoc {
  return {
    departureCountry: from,
    arrivalCountry: to,
    departureDate,
    arrivalDate,
    mode: 'flight',
    source: 'manual',
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

/** A profile (US national in Europe/Paris unless overridden). */
export function profile(overrides: Partial<UserProfile> = {}): UserProfile {
  return { ...newProfile({ uid: 'x', email: 'a@example.com' }, NOW), nationalities: ['US'], timeZone: 'Europe/Paris', ...overrides };
}

/** RFC 3339 text of a version (microseconds since the epoch), with microsecond precision as Firestore writes it. */
export function versionTime(version: number): string {
  const iso = new Date(Math.floor(version / 1000)).toISOString();
  return `${iso.slice(0, 23)}${String(version % 1000).padStart(3, '0')}Z`;
}

/**
 * The `data` of a Firestore onDocumentWritten CloudEvent partial (before/after plain objects; `{}` = absent).
 * `afterVersion` is the write's commit time (microseconds): the after snapshot's `updateTime`, as Firestore sets it;
 * `beforeVersion` the commit time of the document the write replaced or removed (the before snapshot's
 * `updateTime`; a delete is ordered by it), 2000-01-01 when not given.
 */
export function change(before: SegmentDoc | null, after: SegmentDoc | null, docPath: string, afterVersion?: number, beforeVersion?: number) {
  const opts = afterVersion === undefined ? undefined : { updateTime: versionTime(afterVersion) };
  const beforeTime = beforeVersion === undefined ? '2000-01-01T00:00:00.000Z' : versionTime(beforeVersion);
  return {
    before: fft.firestore.makeDocumentSnapshot(before ?? {}, docPath, before ? { updateTime: beforeTime } : undefined),
    after: fft.firestore.makeDocumentSnapshot(after ?? {}, docPath, after ? opts : undefined),
  };
}
