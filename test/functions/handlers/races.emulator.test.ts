/**
 * Races on Google's real Firestore emulator (issue 9, items 6 and 7), driven through the handlers' services and
 * firebase-functions-test wrapped functions:
 * - account deletion (the `deleteAccount` callable, and the Auth user-deletion trigger for an account deleted from
 *   the console) racing an import of a few hundred rows and a recompute: afterwards NOTHING is left under
 *   `users/{uid}` (every subcollection listed with the Admin SDK) and the deletion marker `deletedUsers/{uid}`
 *   exists;
 * - a segment edit or delete while an import finishes: afterwards the stored visa status equals a fresh evaluation
 *   of the stored segments, and the timeline holds exactly the stored segments (the import no longer recomputes a
 *   second time: the edits' own events are applied, ordered by version against the import's records).
 * More races of the timeline (concurrent edits, out-of-order events, imports racing edits, the daily run) are in
 * timeline.emulator.test.ts.
 *
 * The interleavings are set by hooks on the repository each actor uses (a hook runs right before one repository
 * call of one actor): the deletion either completes in between two steps of the import or recompute, or is
 * started there and left to race. No fixed sleeps and no timing assertions: every actor is awaited, and the
 * import's 2 s pause advances the test clock instead of waiting. Each test uses fresh uids (the emulator is shared).
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import * as crypto from 'node:crypto';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { FirestoreRepository } from '../../../functions/src/repository/firestore';
import type { StoredSegment, TimelineCommit, TimelineRead, TimelineTxOptions } from '../../../functions/src/repository/types';
import type { ImportDoc, SegmentDoc } from '../../../functions/src/model/documents';
import { setWiring } from '../../../functions/src/wiring';
import { deleteAccount } from '../../../functions/src/callable/deleteAccount';
import { runImport, type ImportDeps } from '../../../functions/src/services/import/job';
import { recomputeUser, verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import { handleSegmentWrite } from '../../../functions/src/services/recompute/segmentWrite';
import type { SegmentWriteEvent } from '../../../functions/src/services/segmentEvents';
import { addDays } from '@travel-time-tracker/core/dates';
import { runtimeConfig } from '../../../functions/src/config';
import { syntheticFlightsCsv } from '../../../tools/bench/flights';
import { describeWithFirestoreEmulator } from '../../helpers/emulator';
import { RACE_PROFILE, appWrite as sharedAppWrite, expectStatusesMatchSegments } from './emulatorState';
import { SeededFirestoreRepository } from '../../helpers/firestoreSeed';

const PROJECT = 'demo-travel-time-tracker';
const BUCKET = `${PROJECT}.appspot.com`;
const IMPORT_ID = 'imp1';
/** "A few hundred rows": enough that the import's segment writes span more than one transaction chunk of work. */
const ROWS = 240;

function app(): App {
  return getApps().find((a) => a.name === 'races-emulator') ?? initializeApp({ projectId: PROJECT }, 'races-emulator');
}
const db = (): Firestore => getFirestore(app());
const freshUid = () => `race-${crypto.randomUUID()}`;

/**
 * A repository call an actor makes. `timeline#n`: its n-th timeline transaction (the import's first starts it, its
 * second writes its segments with their timeline records and the status; a segment event's first applies it).
 * `putImport:final` is the import's last write (its final status).
 */
type Point = 'timeline#1' | 'timeline#2' | 'putImport:processing' | 'putImport:final';

/**
 * FirestoreRepository whose hooks run once, right before the named call of the actor that owns this instance (a
 * write by another actor landing between two steps of this one). `calls` records the points reached, in order.
 */
class HookedRepository extends FirestoreRepository {
  readonly calls: Point[] = [];
  private readonly hooks = new Map<Point, () => Promise<void>>();
  private timelineCalls = 0;

  at(point: Point, hook: () => Promise<void>): this {
    this.hooks.set(point, hook);
    return this;
  }

  private async reach(point: Point): Promise<void> {
    this.calls.push(point);
    const h = this.hooks.get(point);
    if (h) {
      this.hooks.delete(point);
      await h();
    }
  }

  override async updateTimeline<T>(
    uid: string,
    decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
    opts?: TimelineTxOptions,
  ): Promise<T> {
    this.timelineCalls += 1;
    if (this.timelineCalls <= 2) await this.reach(`timeline#${this.timelineCalls}` as Point);
    return super.updateTimeline(uid, decide, opts);
  }
  override async putImport(uid: string, importId: string, patch: Partial<ImportDoc>): Promise<void> {
    const final = patch.status === 'succeeded' || patch.status === 'partial' || patch.status === 'failed';
    await this.reach(final ? 'putImport:final' : 'putImport:processing');
    return super.putImport(uid, importId, patch);
  }
}

const appWrite = (uid: string, id: string, after: SegmentDoc | null, patch?: Record<string, unknown>) => sharedAppWrite(db(), uid, id, after, patch);

let env: TestEnv;

/** Every document left under `users/{uid}`: the profile and each subcollection's document ids (Admin SDK). */
async function leftUnder(uid: string): Promise<{ profile: boolean; collections: Record<string, string[]> }> {
  const user = db().doc(`users/${uid}`);
  const collections: Record<string, string[]> = {};
  for (const col of await user.listCollections()) {
    const docs = await col.listDocuments();
    collections[col.id] = docs.map((d) => d.id).sort();
  }
  return { profile: (await user.get()).exists, collections };
}

/** One line per collection for a failure message: `segments: 40`. */
function summarise(left: { profile: boolean; collections: Record<string, string[]> }): string {
  const parts = Object.entries(left.collections).map(([c, ids]) => `${c}: ${ids.length}`);
  if (left.profile) parts.unshift('profile');
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

async function tombstoneExists(uid: string): Promise<boolean> {
  return (await db().doc(`deletedUsers/${uid}`).get()).exists;
}

/**
 * A user as the app leaves it: a profile, 40 hand-typed segments with notes, their status and summary (one
 * recompute), a device, and an uploaded flight history of `ROWS` rows waiting to be imported.
 */
async function arrangeUser(uid: string): Promise<{ objectName: string; size: number }> {
  const repo = new SeededFirestoreRepository(db());
  await repo.createProfileIfAbsent(uid, profile());
  const manual: StoredSegment[] = [];
  for (let i = 0; i < 40; i++) {
    const d = addDays('2024-01-05', i * 9);
    manual.push({ id: `m${String(i).padStart(2, '0')}`, data: seg('US', i % 2 === 0 ? 'FR' : 'US', d, d, { notes: `trip ${i}: a note the traveller typed` }) });
  }
  await repo.createSegmentsIfAbsent(uid, manual);
  await recomputeUser(repo, uid, { now: NOW });
  await repo.putDevice(uid, 'phone', { fcmToken: `tok-${uid}`, platform: 'ios', appVersion: '1.0', lastSeenAt: NOW });
  const objectName = `users/${uid}/imports/${IMPORT_ID}.csv`;
  const csv = syntheticFlightsCsv(ROWS, 11, '2025-01-01');
  await env.storage.write(objectName, csv);
  return { objectName, size: Buffer.byteLength(csv) };
}

function importDeps(repo: FirestoreRepository): ImportDeps {
  return { repo, storage: env.storage, clock: () => env.clock.now, limits: runtimeConfig() };
}

function uploaded(objectName: string, size: number) {
  return { name: objectName, bucket: BUCKET, contentType: 'text/csv', size, timeCreated: NOW, metadata: {}, eventId: `evt-${crypto.randomUUID()}` };
}

/** The `deleteAccount` callable as the app calls it, signed in a minute ago. */
function callDeleteAccount(uid: string): Promise<unknown> {
  const req = {
    data: {},
    rawRequest: {},
    acceptsStreaming: false,
    app: { appId: 'test-app', token: {} },
    auth: { uid, token: { uid, auth_time: Math.floor(NOW.getTime() / 1000) - 60 }, rawToken: 'x' },
  } as unknown as CallableRequest;
  return fft.wrap(deleteAccount)(req);
}

/** Settles every actor; fails naming the ones that threw (a racing writer must end quietly, not crash). */
async function settle(actors: Record<string, Promise<unknown>>): Promise<void> {
  const names = Object.keys(actors);
  const results = await Promise.allSettled(Object.values(actors));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${String((r.reason as Error)?.message ?? r.reason)}`] : []));
  expect(failures).toEqual([]);
}

interface DeletionRace {
  name: string;
  /**
   * Where the deletion happens: the actor ('import' or 'recompute') and the repository call it precedes; or
   * 'start': the three are started together, in the order `first` (each runs until its first await).
   */
  actor: 'import' | 'recompute' | 'start';
  point?: Point;
  first?: 'deletion' | 'import' | 'recompute';
  /** true: the deletion completes before that call proceeds; false: it is started there and races on. */
  completes: boolean;
}

const DELETION_RACES: DeletionRace[] = [
  { name: 'all three started together, the deletion first', actor: 'start', first: 'deletion', completes: false },
  { name: 'all three started together, the import first', actor: 'start', first: 'import', completes: false },
  { name: 'all three started together, the recompute first', actor: 'start', first: 'recompute', completes: false },
  { name: 'deletion completes before the import starts (its first timeline transaction)', actor: 'import', point: 'timeline#1', completes: true },
  { name: 'deletion completes before the import writes its segments, their records and the status', actor: 'import', point: 'timeline#2', completes: true },
  { name: 'deletion completes before the import writes its final status', actor: 'import', point: 'putImport:final', completes: true },
  { name: "deletion completes before the segment event's transaction (timeline and status)", actor: 'recompute', point: 'timeline#1', completes: true },
  { name: 'deletion started as the import writes its segments, racing on', actor: 'import', point: 'timeline#2', completes: false },
];

describeWithFirestoreEmulator('races on the Firestore emulator', () => {
  beforeEach(() => {
    env = setUpEnv();
  });
  afterEach(() => tearDownEnv(env));

  describe('deleteAccount racing an import and a recompute leaves nothing under users/{uid}', () => {
    test.each(DELETION_RACES)('$name', async ({ actor, point, first, completes }) => {
      const uid = freshUid();
      const { objectName, size } = await arrangeUser(uid);
      const importRepo = new HookedRepository(db());
      const recomputeRepo = new HookedRepository(db());
      // The callable gets its own plain repository through the handlers' seam.
      setWiring({ repo: new FirestoreRepository(db()), storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });

      // The app has just written a segment: its event runs beside the import.
      const mNew = await appWrite(uid, 'm-new', seg('US', 'DE', '2026-11-01'));

      let deletion: Promise<unknown> | undefined;
      const startDeletion = (): Promise<unknown> => (deletion ??= callDeleteAccount(uid));
      if (actor !== 'start') {
        const repo = actor === 'import' ? importRepo : recomputeRepo;
        repo.at(point!, async () => {
          const d = startDeletion();
          if (completes) await d;
        });
      }
      const starters = {
        deletion: startDeletion,
        recompute: () => handleSegmentWrite(recomputeRepo, mNew, new Date(NOW.getTime() + 5_000)),
        import: () => runImport(importDeps(importRepo), uploaded(objectName, size)),
      };
      const order = (['deletion', 'import', 'recompute'] as const).filter((a) => a !== first);
      if (actor === 'start') order.unshift(first!);
      else order.shift(); // the deletion starts at its hook
      const actors: Record<string, Promise<unknown>> = {};
      for (const a of order) actors[a] = starters[a]();
      await settle(actors);
      // A hook the actor never reached (it stopped earlier) leaves the deletion to run now.
      await settle({ deletion: startDeletion() });

      const left = await leftUnder(uid);
      expect(summarise(left)).toBe('nothing');
      expect(await tombstoneExists(uid)).toBe(true);
      // A retried (redelivered) deletion finishes quietly and still leaves nothing.
      await settle({ again: callDeleteAccount(uid) });
      expect(summarise(await leftUnder(uid))).toBe('nothing');
    });
  });

  // The owner's ID token stays valid up to an hour after deleteAccount: the app can still upload a flight history.
  // Storage rules check ownership only, so the import that the upload fires must take the file with it.
  test('a file the app uploads after deleteAccount returned is deleted by its import; nothing is left', async () => {
    const uid = freshUid();
    const { objectName, size } = await arrangeUser(uid);
    setWiring({ repo: new FirestoreRepository(db()), storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
    await settle({ deletion: callDeleteAccount(uid) });
    await env.storage.write(objectName, syntheticFlightsCsv(ROWS, 11, '2025-01-01'));
    const outcome = await runImport(importDeps(new FirestoreRepository(db())), uploaded(objectName, size));
    expect(outcome).toEqual({ action: 'ignored', reason: 'account deleted' });
    expect(await env.storage.deletePrefix(`users/${uid}/`)).toBe(0);
    expect(summarise(await leftUnder(uid))).toBe('nothing');
  });

  describe('an account deleted in the Firebase console (Auth) loses its data', () => {
    const cases: { name: string; point: Point | null }[] = [
      { name: 'no import running', point: null },
      { name: "an import running: the Auth deletion event completes before the import's segment writes", point: 'timeline#2' },
      { name: 'an import running: the Auth deletion event completes before its final status', point: 'putImport:final' },
    ];
    test.each(cases)('$name; the event delivered twice', async ({ point }) => {
      const { eraseDataOfDeletedUser } = await import('../../../functions/src/triggers/onUserDeleted');
      const trigger = fft.wrap(eraseDataOfDeletedUser) as (e: unknown) => Promise<unknown>;
      const uid = freshUid();
      const { objectName, size } = await arrangeUser(uid);
      setWiring({ repo: new FirestoreRepository(db()), storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
      const event = { id: `evt-${crypto.randomUUID()}`, data: { uid, email: 'a@example.com', metadata: {} } };
      const importRepo = new HookedRepository(db());
      let deletion: Promise<unknown> | undefined;
      if (point) {
        importRepo.at(point, async () => {
          deletion = trigger(event);
          await deletion;
        });
        await settle({ import: runImport(importDeps(importRepo), uploaded(objectName, size)) });
      } else {
        deletion = trigger(event);
      }
      await settle({ deletion: deletion ?? trigger(event) });
      await settle({ redelivered: trigger(event) });
      expect(summarise(await leftUnder(uid))).toBe('nothing');
      expect(await tombstoneExists(uid)).toBe(true);
      // The Auth user is already gone; the trigger does not try to delete it again.
      expect(env.auth.deleted).toEqual([]);
    });
  });

  describe('an edit made while an import finishes is not lost', () => {
    /** The stored statuses must equal a fresh evaluation of the stored segments and profile (the issue measured 41 stored against 0). */
    const expectStatusMatchesSegments = (uid: string) => expectStatusesMatchSegments(new FirestoreRepository(db()), uid, env.clock.now);

    interface EditRace {
      name: string;
      /** The import's repository call the edit happens right before. */
      point: Point;
      edit: 'delete every imported segment' | 'move one imported segment' | 'add a manual segment';
      /** When the edit's segment events are handled: at once (while the import runs), or after it finished. */
      delivery: 'at once' | 'after the import';
      /** Deliveries of each event (2 = redelivered). */
      deliveries: number;
    }
    const cases: EditRace[] = [
      {
        name: 'imported segments deleted after they were written, before the import is marked done',
        point: 'putImport:final',
        edit: 'delete every imported segment',
        delivery: 'at once',
        deliveries: 1,
      },
      { name: 'same, each event delivered twice', point: 'putImport:final', edit: 'delete every imported segment', delivery: 'at once', deliveries: 2 },
      {
        name: 'an imported segment moved after it was written, before the import is marked done',
        point: 'putImport:final',
        edit: 'move one imported segment',
        delivery: 'at once',
        deliveries: 1,
      },
      {
        name: 'a manual segment added after the import read the timeline, before it writes its segments',
        point: 'timeline#2',
        edit: 'add a manual segment',
        delivery: 'at once',
        deliveries: 1,
      },
      {
        name: 'a manual segment added before the import is marked done',
        point: 'putImport:final',
        edit: 'add a manual segment',
        delivery: 'at once',
        deliveries: 1,
      },
      {
        name: 'imported segments deleted before the import is marked done, events delivered late',
        point: 'putImport:final',
        edit: 'delete every imported segment',
        delivery: 'after the import',
        deliveries: 1,
      },
    ];

    test.each(cases)('$name', async ({ point, edit, delivery, deliveries }) => {
      const uid = freshUid();
      const appRepo = new FirestoreRepository(db());
      await appRepo.createProfileIfAbsent(uid, profile(RACE_PROFILE));
      const objectName = `users/${uid}/imports/${IMPORT_ID}.csv`;
      // Recent flights (ending near the test's "today") so that the imported segments count in the 180-day window.
      const csv = syntheticFlightsCsv(120, 5, '2026-05-01');
      await env.storage.write(objectName, csv);

      const events: SegmentWriteEvent[] = [];
      const importRepo = new HookedRepository(db()).at(point, async () => {
        const stored = await appRepo.listSegments(uid);
        const importedSegs = stored.filter((s) => s.data.source === IMPORT_ID);
        if (edit === 'delete every imported segment') {
          expect(importedSegs.length).toBeGreaterThan(0);
          for (const s of importedSegs) events.push(await appWrite(uid, s.id, null));
        } else if (edit === 'move one imported segment') {
          const s = importedSegs[importedSegs.length - 1]!;
          events.push(
            await appWrite(uid, s.id, s.data, { departureDate: '2026-11-01', arrivalDate: '2026-11-01', arrivalCountry: 'FR', arrivalAirport: 'CDG' }),
          );
        } else {
          events.push(await appWrite(uid, 'manual-late', seg('US', 'DE', '2026-11-10')));
        }
        if (delivery === 'at once') await deliver();
      });
      const deliver = async (): Promise<void> => {
        const segmentRepo = new FirestoreRepository(db());
        for (let k = 0; k < deliveries; k++) {
          for (const e of events) await handleSegmentWrite(segmentRepo, e, env.clock.now);
        }
      };

      const outcome = await runImport(importDeps(importRepo), uploaded(objectName, Buffer.byteLength(csv)));
      expect(outcome).toMatchObject({ action: 'done', status: 'succeeded' });
      expect(importRepo.calls).toContain(point);
      if (delivery === 'after the import') await deliver();
      await expectStatusMatchesSegments(uid);
      expect(await verifyTimeline(new FirestoreRepository(db()), uid)).toEqual({ missing: [], extra: [], different: [], refused: [], exists: true });
    });
  });
});
