/**
 * Segment deletes on Google's real Firestore emulator:
 * - a segment deleted and re-entered at once under the same id stays counted. The events are the emulator's own
 *   (test/helpers/firestoreEvents.ts), run by the real `onSegmentWritten`: their snapshots carry the `updateTime`s
 *   Firestore committed, and their `time` is stamped when the emulator sends them, to the second. The sink holds the
 *   deliveries while the app deletes and re-enters its trips, so every event is sent late, as a loaded Eventarc may
 *   send it: each delete's `time` is then after its re-create's commit (checked), which is what lost trips when a
 *   delete was ordered by its event's time;
 * - the tombstones of deleted segments stay within MAX_TOMBSTONE_BYTES, with the oldest dropped first, however long
 *   the ids (documents written past the rules' id limit, as before it), and every event delivered again changes
 *   nothing.
 * Each test uses fresh uids (the emulator is shared); no timing assertions.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import * as crypto from 'node:crypto';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { FieldValue, getFirestore, type Firestore, type Timestamp } from 'firebase-admin/firestore';
import { addDays } from '@travel-time-tracker/core/dates';
import { FirestoreRepository } from '../../../functions/src/repository/firestore';
import type { TimelineHeadDoc } from '../../../functions/src/model/documents';
import { recomputeUser, verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import { handleSegmentWrite } from '../../../functions/src/services/recompute/segmentWrite';
import { rfc3339Micros, type SegmentWriteEvent } from '../../../functions/src/services/segmentEvents';
import { decodeEntry } from '../../../functions/src/timeline/records';
import { MAX_TOMBSTONE_BYTES, MAX_TOMBSTONES } from '../../../functions/src/timeline/timeline';
import { onSegmentWritten } from '../../../functions/src/triggers/onSegmentWritten';
import { setWiring } from '../../../functions/src/wiring';
import { describeWithFirestoreEmulator } from '../../helpers/emulator';
import { FirestoreEventSink, describeWithFirestoreEvents, type RawCloudEvent } from '../../helpers/firestoreEvents';
import { RACE_PROFILE, appWrite, expectStatusesMatchSegments } from './emulatorState';

const PROJECT = 'demo-travel-time-tracker';

function app(): App {
  return getApps().find((a) => a.name === 'deletes-emulator') ?? initializeApp({ projectId: PROJECT }, 'deletes-emulator');
}
const db = (): Firestore => getFirestore(app());
const repo = () => new FirestoreRepository(db());
const freshUid = () => `del-${crypto.randomUUID()}`;

let env: TestEnv;

/** The derived state equals the stored segments: timeline records, every status and the summary. */
async function expectConsistent(uid: string): Promise<void> {
  expect(await verifyTimeline(repo(), uid)).toEqual({ missing: [], extra: [], different: [], refused: [], exists: true });
  const fresh = await expectStatusesMatchSegments(repo(), uid, NOW);
  expect((await db().doc(`users/${uid}/summaries/countryDays`).get()).data()?.countryDays).toEqual(fresh.countryDays);
}

/** Every record line of the user's timeline (head and shards). */
async function recordLines(uid: string): Promise<string[]> {
  const docs = await db().collection(`users/${uid}/timeline`).get();
  return docs.docs.flatMap((d) => String(d.get('records') ?? '').split('\n')).filter((l) => l !== '');
}

describeWithFirestoreEvents('a segment deleted and re-entered at once stays counted (events delivered by the Firestore emulator)', () => {
  let sink: FirestoreEventSink;
  beforeAll(async () => {
    sink = await FirestoreEventSink.open();
  });
  afterAll(() => sink.close());
  beforeEach(() => {
    env = setUpEnv();
    setWiring({ repo: repo(), storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
  });
  afterEach(() => tearDownEnv(env));

  /** Runs raw CloudEvents through the deployed trigger, one after the other. */
  const run = async (events: RawCloudEvent[]) => {
    for (const e of events) await onSegmentWritten(e);
  };
  /** Six trips of the Schengen area in the 180 days before NOW (a stay of 8 days each). */
  const trips = Array.from({ length: 6 }, (_, i) => {
    const d = addDays('2026-06-01', i * 20);
    return seg('US', 'FR', d, d);
  });

  const orders = ['as delivered (each delete before its re-create)', 'each re-create before its delete'] as const;
  test.each(orders)('six trips, each deleted and re-entered under its id at once; events run %s', async (order) => {
    const uid = freshUid();
    await sink.register(PROJECT, `segments-${uid}`, `users/${uid}/segments/{segmentId}`);
    await repo().createProfileIfAbsent(uid, profile(RACE_PROFILE));
    const ref = (i: number) => db().doc(`users/${uid}/segments/t${i}`);
    const write = (i: number) => ref(i).set({ ...trips[i], createdAt: FieldValue.serverTimestamp(), updatedAt: FieldValue.serverTimestamp() });
    const start = sink.events.length;
    for (let i = 0; i < trips.length; i++) await write(i);
    await run((await sink.waitFor(start + trips.length)).slice(start));
    await expectConsistent(uid);

    // The app saves the first trip again (a note added), and its event is held: the emulator sends the events that
    // follow only once it is answered. Meanwhile the app deletes each trip and enters it again at once, same id.
    sink.hold();
    const from = sink.events.length;
    await ref(0).update({ notes: 'saved again', updatedAt: FieldValue.serverTimestamp() });
    await sink.waitFor(from + 1);
    const recreated: Timestamp[] = [];
    for (let i = 0; i < trips.length; i++) {
      await ref(i).delete();
      recreated.push((await write(i)).writeTime);
    }
    // The events still to be sent are stamped after every commit (to the second, as the emulator stamps them).
    const lastCommitMs = recreated[recreated.length - 1]!.toMillis();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.ceil((lastCommitMs + 1) / 1000) * 1000 - Date.now())));
    sink.release();
    const [edit, ...events] = (await sink.waitFor(from + 1 + 2 * trips.length)).slice(from);
    await run([edit!]);

    // As delivered: per trip its delete, then its re-create; each delete's time is after its re-create's commit.
    expect(events.map((e) => e.document)).toEqual(trips.flatMap((_, i) => [`users/${uid}/segments/t${i}`, `users/${uid}/segments/t${i}`]));
    for (let i = 0; i < trips.length; i++) {
      const commit = recreated[i]!.seconds * 1e6 + Math.floor(recreated[i]!.nanoseconds / 1000);
      expect(rfc3339Micros(events[2 * i]!.time)).toBeGreaterThan(commit);
    }
    const ordered = order === 'each re-create before its delete' ? trips.flatMap((_, i) => [events[2 * i + 1]!, events[2 * i]!]) : events;
    await run(ordered);
    await expectConsistent(uid);
    // Delivered again, in reverse order: nothing changes.
    await run([edit!, ...events].reverse());
    await expectConsistent(uid);
  });
});

describeWithFirestoreEmulator('tombstones stay within their bounds (Firestore emulator)', () => {
  beforeEach(() => {
    env = setUpEnv();
  });
  afterEach(() => tearDownEnv(env));

  test('40 segments with 1 500-character ids (written past the rules) created, then all deleted: the oldest tombstones dropped, late events no-ops', async () => {
    const uid = freshUid();
    await repo().createProfileIfAbsent(uid, profile(RACE_PROFILE));
    await recomputeUser(repo(), uid, { now: NOW }); // the timeline exists before the segments
    // `%` is escaped in a record (3 bytes): each tombstone is about 4.5 KB, 40 of them 180 KB.
    const id = (i: number) => `${String(i).padStart(2, '0')}${'%'.repeat(1498)}`;
    const handle = async (e: SegmentWriteEvent) => handleSegmentWrite(repo(), e, NOW);
    const events: SegmentWriteEvent[] = [];
    for (let i = 0; i < 40; i++) events.push(await appWrite(db(), uid, id(i), seg('US', 'FR', addDays('2026-06-01', i))));
    for (const e of events) await handle(e);
    const deletes: SegmentWriteEvent[] = [];
    for (let i = 0; i < 40; i++) deletes.push(await appWrite(db(), uid, id(i), null));
    for (const e of deletes) await handle(e);

    const lines = await recordLines(uid);
    expect(lines.every((l) => l.startsWith('D\t'))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(MAX_TOMBSTONES);
    expect(lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)).toBeLessThanOrEqual(MAX_TOMBSTONE_BYTES);
    // The oldest were dropped: the tombstones kept are those of the last segments, the floor at the newest dropped.
    const dropped = 40 - lines.length;
    expect(dropped).toBeGreaterThan(0);
    expect(lines.map((l) => decodeEntry(l, []).id).sort()).toEqual(Array.from({ length: lines.length }, (_, k) => id(dropped + k)));
    const head = (await db().doc(`users/${uid}/timeline/head`).get()).data() as TimelineHeadDoc;
    expect(head.floor).toBe(deletes[dropped - 1]!.version);
    const before = await recordLines(uid);
    // Every event delivered again, late and in reverse order: each one a no-op.
    for (const e of [...events, ...deletes].reverse()) expect(await handle(e)).toEqual({ action: 'skipped', reason: 'already-reflected' });
    expect(await recordLines(uid)).toEqual(before);
    await expectConsistent(uid);
  });
});
