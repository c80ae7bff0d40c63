/**
 * The same handler scenarios against the Firestore emulator (FirestoreRepository) and, where it runs, the Storage
 * emulator (GcsStorage). Each suite reports itself skipped when its emulator is not reachable
 * (`npm run test:emulators` starts them; they need Java 21).
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, change, fft, profile, rolling, seg, setUpEnv, tearDownEnv, versionTime, type TestEnv } from './helpers';
import * as crypto from 'node:crypto';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { getStorage } from 'firebase-admin/storage';
import { GcsStorage } from '../../../functions/src/storage/gcs';
import { setWiring } from '../../../functions/src/wiring';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import { onSegmentWritten } from '../../../functions/src/triggers/onSegmentWritten';
import { onImportUploaded } from '../../../functions/src/triggers/onImportUploaded';
import { deleteAccount } from '../../../functions/src/callable/deleteAccount';
import { syntheticFlightsCsv } from '../../../tools/bench/flights';
import { describeWithFirestoreEmulator, describeWithStorageEmulator } from '../../helpers/emulator';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { SeededFirestoreRepository } from '../../helpers/firestoreSeed';

const PROJECT = 'demo-travel-time-tracker';
const BUCKET = `${PROJECT}.appspot.com`;
const RULE = 'schengen-90-180';

function app(): App {
  return getApps().find((a) => a.name === 'h4-emulator') ?? initializeApp({ projectId: PROJECT, storageBucket: BUCKET }, 'h4-emulator');
}

/** A uid per test, so runs never see each other's data in the shared emulator. */
const freshUid = () => `h4-${crypto.randomUUID()}`;

function storageEvent(name: string, size: number, eventId = `evt-${crypto.randomUUID()}`) {
  return {
    id: eventId,
    bucket: BUCKET,
    data: { name, bucket: BUCKET, size: String(size) as unknown as number, contentType: 'text/csv', timeCreated: NOW.toISOString(), metadata: {} },
  };
}

let env: TestEnv;
let repo: SeededFirestoreRepository;

describeWithFirestoreEmulator('handlers on the Firestore emulator', () => {
  beforeEach(() => {
    env = setUpEnv();
    repo = new SeededFirestoreRepository(getFirestore(app()));
    setWiring({ repo, storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
  });
  afterEach(() => tearDownEnv(env));

  test('a segment write stores the status; the same event again leaves the same documents', async () => {
    const uid = freshUid();
    await repo.createProfileIfAbsent(uid, profile());
    const s1 = seg('US', 'FR', '2026-09-01', '2026-09-02');
    const s2 = seg('FR', 'US', '2026-09-11');
    await repo.createSegmentsIfAbsent(uid, [
      { id: 's1', data: s1 },
      { id: 's2', data: s2 },
    ]);
    const wrapped = fft.wrap(onSegmentWritten);
    // The write's commit time, which the event carries (the document's updateTime).
    const version = (await repo.listSegmentVersions(uid)).segments.find((s) => s.id === 's2')!.version;
    // A fresh object per delivery: firebase-functions-test consumes the partial it is given.
    const event = () => ({
      id: 'evt-1',
      time: versionTime(version),
      params: { uid, segmentId: 's2' },
      data: change(null, s2, `users/${uid}/segments/s2`, version),
    });
    await wrapped(event());
    const first = await repo.getVisaStatus(uid, RULE);
    expect(first).toMatchObject({ daysUsed: 10, daysRemaining: 80, asOf: '2026-11-23' });
    expect(await wrapped(event())).toEqual({ action: 'skipped', reason: 'already-reflected' });
    expect(await repo.getVisaStatus(uid, RULE)).toEqual(first);
  });

  test('an import creates segments once; the redelivered event changes nothing', async () => {
    const uid = freshUid();
    await repo.createProfileIfAbsent(uid, profile());
    const csv = syntheticFlightsCsv(300, 5, '2025-01-01');
    const name = `users/${uid}/imports/imp1.csv`;
    await env.storage.write(name, csv);
    const wrapped = fft.wrap(onImportUploaded);
    const event = storageEvent(name, Buffer.byteLength(csv));
    await wrapped(event);
    const doc = await repo.getImport(uid, 'imp1');
    expect(doc?.status).toMatch(/succeeded|partial/);
    const segments = await repo.listSegments(uid);
    expect(segments).toHaveLength(doc!.counts.imported);
    await wrapped(event);
    expect(await repo.listSegments(uid)).toEqual(segments);
    expect(await repo.getVisaStatus(uid, RULE)).not.toBeNull();
  });

  test('recomputeDaily finds a due user through the nextRecomputeAt query; its recomputeBatch task moves its status to the new day', async () => {
    // The queue in memory (Cloud Tasks runs only under the e2e tier's emulators); the repository is the emulator's.
    const queue = new MemoryAlertQueue();
    setWiring({ repo, storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep, recomputeQueue: queue });
    const uid = freshUid();
    await repo.createProfileIfAbsent(uid, profile());
    await repo.createSegmentsIfAbsent(uid, [{ id: 's1', data: seg('US', 'FR', '2026-11-20') }]);
    const { recomputeUser } = await import('../../../functions/src/services/recompute/recompute');
    await recomputeUser(repo, uid, { now: new Date('2026-11-22T10:00:00Z') });
    expect(rolling(await repo.getVisaStatus(uid, RULE)).daysUsed).toBe(3);
    const { recomputeDaily } = await import('../../../functions/src/scheduled/recomputeDaily');
    await (fft.wrap(recomputeDaily as never) as (e: unknown) => Promise<void>)({});
    const tasks = queue.take();
    expect(tasks.flatMap((t) => t.task.uids)).toContain(uid);
    const { recomputeBatch } = await import('../../../functions/src/tasks/recomputeBatch');
    for (const { task } of tasks) await (fft.wrap as (f: unknown) => (e: object) => Promise<void>)(recomputeBatch)({ data: task });
    expect(await repo.getVisaStatus(uid, RULE)).toMatchObject({ asOf: '2026-11-23', daysUsed: 4 });
  });

  test('a one-way flight months ago: the status and summary say what they rest on, and read back as written', async () => {
    const uid = freshUid();
    await repo.createProfileIfAbsent(uid, profile());
    await repo.createSegmentsIfAbsent(uid, [{ id: 's1', data: seg('US', 'FR', '2026-06-01') }]);
    const { recomputeUser } = await import('../../../functions/src/services/recompute/recompute');
    const now = new Date('2026-11-23T10:00:00Z');
    const first = await recomputeUser(repo, uid, { now });
    const status = rolling(await repo.getVisaStatus(uid, RULE));
    expect(status).toMatchObject({
      overstayDays: 86,
      assumedDays: 175,
      dependsOnAssumption: true,
      assumption: { kind: 'open-end', country: 'FR', from: '2026-06-01', to: '2026-11-23', nextCountry: null },
    });
    expect(first.countryDays).toMatchObject({ lastRecordedDate: '2026-06-01', lastRecordedCountry: 'FR', assumedCountryDays: { FR: 175 } });
    // The head read back from Firestore holds the same status: a second evaluation writes nothing.
    expect((await recomputeUser(repo, uid, { now })).changed).toBe(false);
    expect(await repo.getVisaStatus(uid, RULE)).toEqual(status);
  });

  test('deleteAccount removes the whole user subtree', async () => {
    const uid = freshUid();
    await repo.createProfileIfAbsent(uid, profile());
    await repo.createSegmentsIfAbsent(uid, [{ id: 's1', data: seg('US', 'FR', '2026-10-01') }]);
    const call = fft.wrap(deleteAccount);
    const req = {
      data: {},
      rawRequest: {},
      acceptsStreaming: false,
      app: { appId: 'test-app', token: {} },
      auth: { uid, token: { uid, auth_time: Math.floor(NOW.getTime() / 1000) }, rawToken: 'x' },
    } as unknown as CallableRequest;
    await call(req);
    expect(await repo.getProfile(uid)).toBeNull();
    expect(await repo.listSegments(uid)).toEqual([]);
  });
});

describeWithStorageEmulator('import and deletion with the Storage emulator', () => {
  beforeEach(() => {
    env = setUpEnv();
    repo = new SeededFirestoreRepository(getFirestore(app()));
  });
  afterEach(() => tearDownEnv(env));

  test('an uploaded object is imported through GcsStorage, and deleteAccount removes it', async () => {
    const bucket = getStorage(app()).bucket(BUCKET);
    const storage = new GcsStorage(bucket);
    setWiring({ repo, storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
    const uid = freshUid();
    const name = `users/${uid}/imports/imp1.csv`;
    const csv = 'date,from,to,flight_number\n2026-03-01,JFK,CDG,AF7\n2026-03-10,CDG,JFK,AF8\n';
    await bucket.file(name).save(csv, { contentType: 'text/csv' });
    await fft.wrap(onImportUploaded)(storageEvent(name, Buffer.byteLength(csv)));
    expect((await repo.getImport(uid, 'imp1'))?.counts).toMatchObject({ rows: 2, flights: 2, imported: 2 });
    const call = fft.wrap(deleteAccount);
    await call({
      data: {},
      rawRequest: {},
      acceptsStreaming: false,
      app: { appId: 'test-app', token: {} },
      auth: { uid, token: { uid, auth_time: Math.floor(NOW.getTime() / 1000) } },
    } as unknown as CallableRequest);
    const [exists] = await bucket.file(name).exists();
    expect(exists).toBe(false);
  });
});
