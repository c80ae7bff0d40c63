/**
 * Audit of the handlers under redelivery, concurrency and failure (tables asserting stored documents):
 * - account deletion vs segment events (the deletion's own delete events, redelivered, and a recompute in flight);
 * - a profile edit racing a segment write (the final status must equal a fresh evaluation);
 * - an import racing an account deletion, and an upload whose event arrives after the deletion;
 * - a second upload with the same importId and another extension;
 * - a poison import event (an unexpected error) is retried while young and ends in `failed` once old.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, change, fft, profile, seg, setUpEnv, tearDownEnv, versionTime, type TestEnv, uploadEvent } from './helpers';
import * as crypto from 'node:crypto';
import { onSegmentWritten } from '../../../functions/src/triggers/onSegmentWritten';
import { onImportUploaded } from '../../../functions/src/triggers/onImportUploaded';
import { MemoryRepository } from '../../fakes/memoryRepository';
import type { TimelineCommit, TimelineRead, TimelineTxOptions } from '../../../functions/src/repository/types';
import { micros } from '../../../functions/src/timeline/timeline';
import { recomputeUser, verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import { handleProfileWrite } from '../../../functions/src/services/profile';
import { deleteAccountData } from '../../../functions/src/services/account';
import { MAX_RETRY_AGE_MS } from '../../../functions/src/services/import/run';
import { setWiring } from '../../../functions/src/wiring';
import type { SegmentDoc, UserProfile } from '../../../functions/src/model/documents';
import type { FileStorage } from '../../../functions/src/storage/types';

const segmentTrigger = fft.wrap(onSegmentWritten);
const importTrigger = fft.wrap(onImportUploaded);
const UID = 'alice';
const RULE = 'schengen-90-180';

/**
 * MemoryRepository that runs `hook` once, right before its `hookAt`-th next timeline transaction (default the next
 * one): another writer committing between a handler's earlier steps and its transaction. The transaction then reads
 * what that writer committed, as a Firestore transaction does (it is serialisable: it reads the committed state, or
 * is retried when a document it read changes before it commits).
 */
class RacingRepository extends MemoryRepository {
  hook: (() => Promise<void>) | undefined;
  hookAt = 1;
  override async updateTimeline<T>(
    uid: string,
    decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
    opts?: TimelineTxOptions,
  ): Promise<T> {
    const h = this.hook;
    if (h && --this.hookAt === 0) {
      this.hook = undefined;
      await h();
    }
    return super.updateTimeline(uid, decide, opts);
  }
}

let env: TestEnv;
let repo: RacingRepository;
beforeEach(() => {
  env = setUpEnv();
  repo = new RacingRepository({ clock: () => env.clock.now });
  setWiring({ repo, storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
});
afterEach(() => tearDownEnv(env));

/**
 * The event of a segment write committed at `version` (microseconds; default: the time `time`); `removed`, for a
 * delete, the commit time of the write it removed.
 */
function segmentEvent(
  id: string,
  before: SegmentDoc | null,
  after: SegmentDoc | null,
  time: Date = NOW,
  eventId = `evt-${id}-${crypto.randomUUID()}`,
  version = micros(time),
  removed?: number,
) {
  return {
    id: eventId,
    time: versionTime(version),
    params: { uid: UID, segmentId: id },
    data: change(before, after, `users/${UID}/segments/${id}`, version, removed),
  };
}

const CSV_A = 'date,from,to,flight_number\n2026-09-01,JFK,CDG,AF7\n2026-09-20,CDG,JFK,AF8\n';
const CSV_B = 'date,from,to,flight_number\n2026-10-01,JFK,FRA,LH401\n2026-10-05,FRA,JFK,LH400\n';

describe('account deletion: nothing is written under the deleted user afterwards', () => {
  const cases: { name: string; source: string; redeliveries: number }[] = [
    { name: 'manual segments, each delete event delivered once', source: 'manual', redeliveries: 1 },
    { name: 'manual segments, each delete event delivered twice', source: 'manual', redeliveries: 2 },
    { name: 'imported segments (import document deleted too)', source: 'imp1', redeliveries: 1 },
  ];
  test.each(cases)('the deletion fires one delete event per segment: $name', async ({ source, redeliveries }) => {
    await repo.createProfileIfAbsent(UID, profile());
    await repo.putImport(UID, 'imp1', { status: 'succeeded', updatedAt: NOW, storagePath: `users/${UID}/imports/imp1.csv` });
    const segs: [string, SegmentDoc][] = [
      ['s1', seg('US', 'FR', '2026-09-01', '2026-09-02', { source })],
      ['s2', seg('FR', 'US', '2026-09-11', '2026-09-11', { source })],
    ];
    for (const [id, s] of segs) await repo.putSegment(UID, id, s);
    await recomputeUser(repo, UID, { now: NOW });
    expect(repo.snapshot().users[UID]!.visaStatus[RULE]).toBeDefined();

    await deleteAccountData({ repo, storage: env.storage, auth: env.auth }, UID);
    const later = new Date(NOW.getTime() + 5_000);
    env.clock.now = new Date(later.getTime() + 1_000);
    for (const [id, s] of segs) {
      const ev = segmentEvent(id, s, null, later);
      for (let i = 0; i < redeliveries; i++) await segmentTrigger(ev);
    }
    expect(repo.snapshot().users[UID]).toBeUndefined();
  });

  const inflight: { name: string; segments: number }[] = [
    { name: 'a user with one segment', segments: 1 },
    { name: 'a user with three segments', segments: 3 },
  ];
  test.each(inflight)(
    'a recompute in flight when deleteAccount runs writes nothing and resurrects no profile; later events add nothing: $name',
    async ({ segments }) => {
      await repo.createProfileIfAbsent(UID, profile());
      for (let i = 0; i < segments; i++) await repo.putSegment(UID, `s${i}`, seg('US', 'FR', `2026-11-0${i + 1}`));
      // The deletion completes right before the recompute's transaction.
      repo.hook = async () => {
        await deleteAccountData({ repo, storage: env.storage, auth: env.auth }, UID);
      };
      repo.resetCounts();
      const r = await recomputeUser(repo, UID, { now: NOW });
      // Its write is refused by the deletion marker (checked with the write), so nothing at all is left: the one
      // write counted is the marker itself.
      expect(repo.counts.writes).toBe(1);
      expect(r).toMatchObject({ changed: false, accountDeleted: true });
      expect(repo.snapshot().users[UID]).toBeUndefined();
      expect(repo.snapshot().deletedUsers[UID]).toBeDefined();
      // A further event (redelivered) finds no profile and no segment and writes nothing more.
      const before = JSON.stringify(repo.snapshot());
      await segmentTrigger(segmentEvent('s0', seg('US', 'FR', '2026-11-01'), null, new Date(NOW.getTime() + 10_000)));
      expect(JSON.stringify(repo.snapshot())).toBe(before);
    },
  );
});

describe('a profile edit racing a segment write: the final status equals a fresh evaluation', () => {
  const cases: { name: string; edit: Partial<UserProfile>; now: Date; expected: { applies?: boolean; asOf?: string } }[] = [
    { name: 'US -> DE national (the Schengen rule stops applying)', edit: { nationalities: ['DE'] }, now: NOW, expected: { applies: false } },
    { name: 'DE -> US national (the rule starts applying)', edit: { nationalities: ['US'] }, now: NOW, expected: { applies: true } },
    {
      name: 'time zone Europe/Paris -> Pacific/Kiritimati (the local date moves to the next day)',
      edit: { timeZone: 'Pacific/Kiritimati' },
      // 13:00 in Paris (2026-11-23), 02:00 next day in Kiritimati (UTC+14).
      now: new Date('2026-11-23T12:00:00Z'),
      expected: { asOf: '2026-11-24' },
    },
  ];
  test.each(cases)('$name', async ({ edit, now, expected }) => {
    const initial = profile(edit.nationalities?.[0] === 'US' ? { nationalities: ['DE'] } : {});
    await repo.createProfileIfAbsent(UID, initial);
    env.clock.now = now;
    const s1 = seg('US', 'FR', '2026-11-01');
    await repo.putSegment(UID, 's1', s1);
    await recomputeUser(repo, UID, { now });
    const s2 = seg('FR', 'DE', '2026-11-10');
    const v2 = await repo.putSegment(UID, 's2', s2);

    // The segment event is about to run its transaction; the app edits the profile and the profile trigger
    // finishes first. The segment event then commits last, with the profile inputs the head holds by then.
    repo.hook = async () => {
      const before = (await repo.getProfile(UID))!;
      await repo.updateProfile(UID, edit);
      const after = (await repo.getProfile(UID))!;
      const outcome = await handleProfileWrite(repo, { uid: UID, eventId: 'evt-profile', before: { ...before }, after: { ...after } }, now);
      expect(outcome.action).toBe('recomputed');
    };
    await segmentTrigger(segmentEvent('s2', null, s2, now, undefined, v2));

    const stored = repo.snapshot().users[UID]!.visaStatus[RULE]!;
    expect(stored).toMatchObject(expected);
    // A fresh evaluation of what is stored now changes nothing.
    const fresh = await recomputeUser(repo, UID, { now });
    expect(fresh.changed).toBe(false);
    expect(repo.snapshot().users[UID]!.visaStatus[RULE]).toEqual(stored);
    expect(await verifyTimeline(repo, UID)).toMatchObject({ missing: [], extra: [], different: [] });
  });
});

describe('imports and account deletion', () => {
  test('an import running when deleteAccount runs writes no segment, status or import document afterwards', async () => {
    await repo.createProfileIfAbsent(UID, profile());
    const ev = await uploadEvent(env, `users/${UID}/imports/i1.csv`, CSV_A);
    // The import has parsed the file and is about to write its segments (its second timeline transaction, after the
    // one that started it): the account is deleted right then.
    repo.hookAt = 2;
    repo.hook = async () => {
      await deleteAccountData({ repo, storage: env.storage, auth: env.auth }, UID);
    };
    expect(await importTrigger(ev)).toEqual({ action: 'ignored', reason: 'account deleted' });
    expect(repo.snapshot().users[UID]).toBeUndefined();
  });

  const late: { name: string; redeliveries: number }[] = [
    { name: 'delivered once', redeliveries: 1 },
    { name: 'delivered twice', redeliveries: 2 },
  ];
  test.each(late)('an upload event arriving after deleteAccount (file and profile gone) writes nothing: $name', async ({ redeliveries }) => {
    await repo.createProfileIfAbsent(UID, profile());
    const ev = await uploadEvent(env, `users/${UID}/imports/i1.csv`, CSV_A);
    await deleteAccountData({ repo, storage: env.storage, auth: env.auth }, UID);
    for (let i = 0; i < redeliveries; i++) await importTrigger(ev);
    expect(repo.snapshot().users[UID]).toBeUndefined();
  });

  test('a user without a profile can still import (the file exists)', async () => {
    await importTrigger(await uploadEvent(env, `users/${UID}/imports/i1.csv`, CSV_A));
    const u = repo.snapshot().users[UID]!;
    expect(u.imports.i1).toMatchObject({ status: 'succeeded', counts: { imported: 2 } });
    expect(Object.keys(u.segments)).toHaveLength(2);
  });
});

describe('the same importId uploaded twice with another extension', () => {
  const cases: { name: string; first: string; second: string }[] = [
    { name: '.csv then .txt', first: 'csv', second: 'txt' },
    { name: '.txt then .csv', first: 'txt', second: 'csv' },
  ];
  test.each(cases)('$name: the second file neither resets the first import nor adds segments', async ({ first, second }) => {
    await repo.createProfileIfAbsent(UID, profile());
    const e1 = await uploadEvent(env, `users/${UID}/imports/same.${first}`, CSV_A);
    await importTrigger(e1);
    const after1 = repo.snapshot().users[UID]!;
    expect(after1.imports.same).toMatchObject({ status: 'succeeded', storagePath: `users/${UID}/imports/same.${first}`, counts: { imported: 2 } });

    const e2 = await uploadEvent(env, `users/${UID}/imports/same.${second}`, CSV_B, { timeCreated: new Date(NOW.getTime() + 60_000) });
    env.clock.now = new Date(NOW.getTime() + 61_000);
    await importTrigger(e2);
    await importTrigger(e2); // redelivered
    const after2 = repo.snapshot().users[UID]!;
    expect(after2.imports.same).toEqual(after1.imports.same);
    expect(after2.segments).toEqual(after1.segments);
    // The first file's own redelivered event is still recognised as already processed.
    await importTrigger(e1);
    expect(repo.snapshot().users[UID]!.imports.same).toEqual(after1.imports.same);
  });
});

describe('an unexpected error while reading the file (not a bad file)', () => {
  /** Storage whose read fails like a dropped connection, after the object was found. */
  const flaky: FileStorage = {
    // eslint-disable-next-line require-yield
    async *read(): AsyncIterable<Buffer> {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    },
    async deletePrefix() {
      return 0;
    },
  };
  const cases: { name: string; ageMs: number; throws: boolean; status: string; error: RegExp }[] = [
    {
      name: 'a young event is retried (throws, stays processing)',
      ageMs: 5 * 60_000,
      throws: true,
      status: 'processing',
      error: /^the import hit an unexpected error and will be retried automatically$/,
    },
    {
      name: 'an event older than the retry limit ends in failed (no more retries)',
      ageMs: MAX_RETRY_AGE_MS + 60_000,
      throws: false,
      status: 'failed',
      error: /internal error/,
    },
  ];
  test.each(cases)('$name', async ({ ageMs, throws, status, error }) => {
    await repo.createProfileIfAbsent(UID, profile());
    await repo.putSegment(UID, 'manual-1', seg('US', 'FR', '2026-06-01'));
    const segmentsBefore = repo.snapshot().users[UID]!.segments;
    const ev = await uploadEvent(env, `users/${UID}/imports/i9.csv`, CSV_A, { timeCreated: new Date(NOW.getTime() - ageMs) });
    setWiring({ repo, storage: flaky, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
    const run = importTrigger(ev);
    if (throws) await expect(run).rejects.toThrow(/socket hang up/);
    else await run;
    const u = repo.snapshot().users[UID]!;
    expect(u.imports.i9).toMatchObject({ status });
    expect(u.imports.i9!.error).toMatch(error);
    expect(u.segments).toEqual(segmentsBefore);
  });
});

describe('an edit made while an import finishes is not lost', () => {
  /** The stored status equals a fresh evaluation of the stored segments (a recompute now changes nothing). */
  async function expectStatusCurrent(): Promise<void> {
    const stored = repo.snapshot().users[UID]!.visaStatus[RULE];
    const r = await recomputeUser(repo, UID, { now: env.clock.now });
    expect(r.changed).toBe(false);
    expect(repo.snapshot().users[UID]!.visaStatus[RULE]).toEqual(stored);
  }

  test('imported segments deleted before the import is marked done: their events are applied, not skipped', async () => {
    await repo.createProfileIfAbsent(UID, profile());
    const ev = await uploadEvent(env, `users/${UID}/imports/i1.csv`, CSV_A.replace(/2026-09/g, '2026-11'));
    const realPutImport = repo.putImport.bind(repo);
    let edited = false;
    repo.putImport = async (uid, importId, patch) => {
      if (patch.status === 'succeeded' && !edited) {
        edited = true;
        // The app deletes every imported flight; each delete event arrives while the import is still processing.
        const imported = Object.entries(repo.snapshot().users[UID]!.segments).filter(([, s]) => s.source === 'i1');
        expect(imported.length).toBe(2);
        for (const [id, s] of imported) {
          const removed = repo.segmentVersion(UID, id)!;
          const v = await repo.deleteSegment(UID, id);
          expect(await segmentTrigger(segmentEvent(id, s, null, env.clock.now, undefined, v, removed))).toMatchObject({ action: 'recomputed' });
        }
      }
      return realPutImport(uid, importId, patch);
    };
    await importTrigger(ev);
    expect(edited).toBe(true);
    expect(repo.snapshot().users[UID]!.visaStatus[RULE]).toMatchObject({ daysUsed: 0 });
    await expectStatusCurrent();
  });

  test('a redelivered event of a finished import changes nothing; the edits made since keep their effect', async () => {
    await repo.createProfileIfAbsent(UID, profile());
    const ev = await uploadEvent(env, `users/${UID}/imports/i1.csv`, CSV_A.replace(/2026-09/g, '2026-11'));
    await importTrigger(ev);
    const imported = Object.entries(repo.snapshot().users[UID]!.segments).filter(([, s]) => s.source === 'i1');
    for (const [id, s] of imported) {
      const removed = repo.segmentVersion(UID, id)!;
      const v = await repo.deleteSegment(UID, id);
      await segmentTrigger(segmentEvent(id, s, null, env.clock.now, undefined, v, removed));
    }
    expect(repo.snapshot().users[UID]!.visaStatus[RULE]).toMatchObject({ daysUsed: 0 });
    const snap = repo.snapshot();
    env.clock.now = new Date(NOW.getTime() + 60_000);
    expect(await importTrigger(ev)).toEqual({ action: 'ignored', reason: 'already processed' });
    expect(repo.snapshot()).toEqual(snap);
    await expectStatusCurrent();
  });
});
