/**
 * The timeline's invariants under races, on Google's real Firestore emulator (FirestoreRepository, real transactions).
 * After every race the derived state is compared with the segments as stored:
 * - `verifyTimeline`: the timeline's live records are exactly the stored segments, field by field (invariant 3);
 * - every status and the summary equal a fresh evaluation of the stored segments and profile, for every rule the
 *   profile tracks (one of each kind), and no other rule has a status.
 *
 * Writes are made the way the app makes them (Admin SDK here: rules are not what is tested), and each write's event
 * is built from what Firestore returned for it: the document after the write and its commit time (`writeTime`, the
 * version the trigger reads from `updateTime`). Events are then handled concurrently, late, twice and out of order.
 * No fixed sleeps and no timing assertions; each test uses fresh uids (the emulator is shared).
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import * as crypto from 'node:crypto';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { FirestoreRepository } from '../../../functions/src/repository/firestore';
import type { TimelineCommit, TimelineRead, TimelineTxOptions } from '../../../functions/src/repository/types';
import type { SegmentDoc } from '../../../functions/src/model/documents';
import { recomputeUser, verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import { handleSegmentWrite } from '../../../functions/src/services/recompute/segmentWrite';
import type { SegmentWriteEvent } from '../../../functions/src/services/segmentEvents';
import { recomputeDueUsers } from '../../../functions/src/services/scheduledRecompute';
import { runImport, type ImportDeps } from '../../../functions/src/services/import/job';
import { addDays } from '@travel-time-tracker/core/dates';
import { runtimeConfig } from '../../../functions/src/config';
import { syntheticFlightsCsv } from '../../../tools/bench/flights';
import { setWiring } from '../../../functions/src/wiring';
import { deleteAccount } from '../../../functions/src/callable/deleteAccount';
import { describeWithFirestoreEmulator } from '../../helpers/emulator';
import { RACE_PROFILE, appWrite as sharedAppWrite, expectStatusesMatchSegments } from './emulatorState';
import { handleProfileWrite, type ProfileWriteEvent } from '../../../functions/src/services/profile';

const PROJECT = 'demo-travel-time-tracker';

function app(): App {
  return getApps().find((a) => a.name === 'timeline-emulator') ?? initializeApp({ projectId: PROJECT }, 'timeline-emulator');
}
const db = (): Firestore => getFirestore(app());
const freshUid = () => `tl-${crypto.randomUUID()}`;
const repo = () => new FirestoreRepository(db());

let env: TestEnv;

const appWrite = (uid: string, id: string, after: SegmentDoc | null) => sharedAppWrite(db(), uid, id, after);

/** The derived state equals the stored segments: timeline records, every status and the summary. */
async function expectConsistent(uid: string, now: Date = NOW): Promise<void> {
  const r = repo();
  expect(await verifyTimeline(r, uid)).toEqual({ missing: [], extra: [], different: [], refused: [], exists: true });
  const fresh = await expectStatusesMatchSegments(r, uid, now);
  const summary = (await db().doc(`users/${uid}/summaries/countryDays`).get()).data();
  expect(summary?.countryDays).toEqual(fresh.countryDays);
}

/** A user with a profile and `n` manual segments (a trip every 4 days ending near NOW), timeline built. */
async function arrange(uid: string, n = 6): Promise<void> {
  const r = repo();
  await r.createProfileIfAbsent(uid, profile(RACE_PROFILE));
  let d = addDays('2026-11-15', -4 * n);
  for (let i = 0; i < n; i++) {
    await appWrite(uid, `m${i}`, seg(i % 2 === 0 ? 'US' : 'FR', i % 2 === 0 ? 'FR' : 'US', d));
    d = addDays(d, 4);
  }
  await recomputeUser(r, uid, { now: NOW });
}

const handle = (e: SegmentWriteEvent) => handleSegmentWrite(repo(), e, NOW);

describeWithFirestoreEmulator('the timeline under races (Firestore emulator)', () => {
  beforeEach(() => {
    env = setUpEnv();
  });
  afterEach(() => tearDownEnv(env));

  test('two devices edit the same segment at once: both events handled concurrently, in both orders', async () => {
    for (const order of ['in order', 'reversed'] as const) {
      const uid = freshUid();
      await arrange(uid);
      const a = await appWrite(uid, 'm1', seg('FR', 'US', '2026-11-01'));
      const b = await appWrite(uid, 'm1', seg('FR', 'US', '2026-11-05'));
      const events = order === 'in order' ? [a, b] : [b, a];
      await Promise.all(events.map(handle));
      await expectConsistent(uid);
      const rec = (await verifyTimeline(repo(), uid)).different;
      expect(rec).toEqual([]);
    }
  });

  test('ten devices edit ten different segments at once: every edit reaches the timeline (transactions, no lost update)', async () => {
    const uid = freshUid();
    await arrange(uid, 10);
    const writes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => appWrite(uid, `m${i}`, seg('US', i % 3 === 0 ? 'DE' : 'FR', addDays('2026-10-01', i)))),
    );
    const outcomes = await Promise.all(writes.map(handle));
    expect(outcomes.every((o) => o.action === 'recomputed')).toBe(true);
    await expectConsistent(uid);
  });

  test('create, edit and delete of one segment: events delivered in reverse order, each twice, some at once', async () => {
    const uid = freshUid();
    await arrange(uid);
    const created = await appWrite(uid, 'x', seg('US', 'FR', '2026-11-10'));
    const edited = await appWrite(uid, 'x', seg('US', 'DE', '2026-11-12'));
    const deleted = await appWrite(uid, 'x', null);
    await handle(deleted);
    await Promise.all([handle(edited), handle(created), handle(deleted)]);
    await handle(edited);
    await expectConsistent(uid);
    // A later re-creation under the same id is newer than the tombstone and counts again.
    const again = await appWrite(uid, 'x', seg('US', 'FR', '2026-11-14'));
    await Promise.all([handle(again), handle(created)]);
    await expectConsistent(uid);
  });

  test('events of writes made before the timeline existed, delivered after it was built from the segments, change nothing', async () => {
    const uid = freshUid();
    await repo().createProfileIfAbsent(uid, profile(RACE_PROFILE));
    const early = [await appWrite(uid, 'a', seg('US', 'FR', '2026-11-01')), await appWrite(uid, 'b', seg('FR', 'US', '2026-11-08'))];
    const gone = await appWrite(uid, 'b', null);
    // The first event to arrive is the delete: it builds the timeline from the segments (repair), then applies.
    await handle(gone);
    for (const e of early) expect(await handle(e)).toEqual({ action: 'skipped', reason: 'already-reflected' });
    await expectConsistent(uid);
  });

  describe('an import racing edits (one import of 600 rows: two segment transactions)', () => {
    /** FirestoreRepository that runs a hook right before its n-th timeline transaction. */
    class HookedRepository extends FirestoreRepository {
      private n = 0;
      constructor(private readonly hooks: Map<number, () => Promise<void>>) {
        super(db());
      }
      override async updateTimeline<T>(
        uid: string,
        decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
        opts?: TimelineTxOptions,
      ): Promise<T> {
        this.n += 1;
        const h = this.hooks.get(this.n);
        if (h) await h();
        return super.updateTimeline(uid, decide, opts);
      }
    }

    const importDeps = (r: FirestoreRepository): ImportDeps => ({
      repo: r,
      storage: env.storage,
      clock: () => env.clock.now,
      limits: runtimeConfig(),
    });

    // Transaction 1 starts the import, 2 writes the first 450 segments, 3 the last 150 and the status.
    const cases: { name: string; at: number; concurrent: boolean }[] = [
      { name: 'the app edits and deletes imported segments between the two segment transactions, events handled at once', at: 3, concurrent: false },
      { name: 'same, the events handled concurrently with the last segment transaction', at: 3, concurrent: true },
      { name: 'the app adds and deletes manual segments after the import read the timeline, before any segment is written', at: 2, concurrent: true },
    ];
    test.each(cases)('$name', async ({ at, concurrent }) => {
      const uid = freshUid();
      await arrange(uid);
      const name = `users/${uid}/imports/imp1.csv`;
      const csv = syntheticFlightsCsv(600, 3, addDays('2026-11-20', -1000));
      await env.storage.write(name, csv);
      const pending: Promise<unknown>[] = [];
      const hooks = new Map<number, () => Promise<void>>([
        [
          at,
          async () => {
            const events: SegmentWriteEvent[] = [];
            const imported = (await repo().listSegments(uid)).filter((s) => s.data.source === 'imp1');
            if (at === 3) expect(imported.length).toBe(450);
            if (imported.length > 0) {
              events.push(await appWrite(uid, imported[0]!.id, { ...imported[0]!.data, departureDate: '2026-11-18', arrivalDate: '2026-11-18' }));
              events.push(await appWrite(uid, imported[1]!.id, null));
            }
            events.push(await appWrite(uid, 'm-new', seg('US', 'DE', '2026-11-19')));
            events.push(await appWrite(uid, 'm0', null));
            const run = Promise.all([...events, ...events].map(handle));
            if (concurrent) pending.push(run);
            else await run;
          },
        ],
      ]);
      const r = new HookedRepository(hooks);
      const outcome = await runImport(importDeps(r), {
        name,
        bucket: 'b',
        contentType: 'text/csv',
        size: Buffer.byteLength(csv),
        timeCreated: NOW,
        metadata: {},
        eventId: 'evt-imp',
      });
      await Promise.all(pending);
      expect(outcome).toMatchObject({ action: 'done' });
      await expectConsistent(uid);
    });
  });

  test('the daily run racing an edit: the edit lands between the due query and the user transaction, and is kept', async () => {
    const uid = freshUid();
    await arrange(uid);
    const tomorrow = new Date(NOW.getTime() + 86_400_000);
    // The edit lands after the daily query read the user's schedule, before the user's transaction.
    class EditingRepository extends FirestoreRepository {
      edited = false;
      override async updateTimeline<T>(
        u: string,
        decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
        opts?: TimelineTxOptions,
      ): Promise<T> {
        if (u === uid && !this.edited) {
          this.edited = true;
          await handleSegmentWrite(repo(), await appWrite(uid, 'm5', seg('FR', 'US', '2026-11-30')), tomorrow);
        }
        return super.updateTimeline(u, decide, opts);
      }
    }
    const r = new EditingRepository(db());
    const result = await recomputeDueUsers(r, tomorrow, { pageSize: 500 });
    expect(r.edited).toBe(true);
    expect(result.failed).toBe(0);
    await expectConsistent(uid, tomorrow);
  });

  describe('a trackedRules edit racing a segment edit', () => {
    /** The app drops two kinds, adds Japan's per-stay rule, and moves a trip to Japan, at about the same time. */
    const NEW_RULES = ['uk-srt-183', 'jp-temporary-visitor-90', 'schengen-90-180'];
    async function edits(uid: string): Promise<{ profileEvent: ProfileWriteEvent; segmentEvent: () => Promise<SegmentWriteEvent> }> {
      const before = (await repo().getProfile(uid))!;
      await db().doc(`users/${uid}`).update({ trackedRules: NEW_RULES });
      const after = (await repo().getProfile(uid))!;
      const profileEvent = { uid, eventId: `p-${uid}`, before: { ...before }, after: { ...after } };
      return { profileEvent, segmentEvent: () => appWrite(uid, 'm1', seg('US', 'JP', '2026-11-20')) };
    }

    /** FirestoreRepository that runs `hook` right before its first timeline transaction (after the event was read). */
    class FirstTransactionHook extends FirestoreRepository {
      ran = false;
      constructor(private readonly hook: () => Promise<void>) {
        super(db());
      }
      override async updateTimeline<T>(
        u: string,
        decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
        opts?: TimelineTxOptions,
      ): Promise<T> {
        if (!this.ran) {
          this.ran = true;
          await this.hook();
        }
        return super.updateTimeline(u, decide, opts);
      }
    }

    const orders = ['handled at once', 'the profile edit commits inside the segment event', 'the segment edit commits inside the profile event'] as const;
    test.each(orders)('%s: the tracked rules end with the statuses of the segments as stored, the dropped ones deleted', async (order) => {
      const uid = freshUid();
      await arrange(uid);
      expect((await db().collection(`users/${uid}/visaStatus`).listDocuments()).length).toBe(4);
      const { profileEvent, segmentEvent } = await edits(uid);
      if (order === 'handled at once') {
        const e = await segmentEvent();
        await Promise.all([handle(e), handleProfileWrite(repo(), profileEvent, NOW), handle(e), handleProfileWrite(repo(), profileEvent, NOW)]);
      } else if (order === 'the profile edit commits inside the segment event') {
        const e = await segmentEvent();
        const r = new FirstTransactionHook(async () => void (await handleProfileWrite(repo(), profileEvent, NOW)));
        await handleSegmentWrite(r, e, NOW);
        expect(r.ran).toBe(true);
      } else {
        const r = new FirstTransactionHook(async () => void (await handle(await segmentEvent())));
        await handleProfileWrite(r, profileEvent, NOW);
        expect(r.ran).toBe(true);
      }
      await expectConsistent(uid);
      const ids = (await db().collection(`users/${uid}/visaStatus`).listDocuments()).map((d) => d.id).sort();
      expect(ids).toEqual([...NEW_RULES].sort());
      // The trip to Japan (20 November, still there) is a visit of 4 days on 2026-11-23.
      expect(await repo().getVisaStatus(uid, 'jp-temporary-visitor-90')).toMatchObject({ currentStayStart: '2026-11-20', currentStayDays: 4 });
    });
  });

  describe('deletion racing the timeline', () => {
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

    async function leftUnder(uid: string): Promise<string[]> {
      const user = db().doc(`users/${uid}`);
      const out: string[] = [];
      if ((await user.get()).exists) out.push('profile');
      for (const col of await user.listCollections()) for (const d of await col.listDocuments()) out.push(`${col.id}/${d.id}`);
      return out;
    }

    const cases = [
      { name: 'the deletion completes right before an edit event commits to the timeline', timelineExists: true },
      { name: 'the deletion completes while a user without a timeline is being repaired (listing read, timeline not written)', timelineExists: false },
    ];
    test.each(cases)('$name: nothing is left, marker kept', async ({ timelineExists }) => {
      const uid = freshUid();
      setWiring({ repo: repo(), storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
      if (timelineExists) await arrange(uid);
      else {
        await repo().createProfileIfAbsent(uid, profile(RACE_PROFILE));
        await appWrite(uid, 'm0', seg('US', 'FR', '2026-11-01'));
      }
      const edit = await appWrite(uid, 'm1', seg('FR', 'US', '2026-11-09'));
      // With a timeline the event's one transaction is the first; without, the first finds none, the segments are
      // listed, and the second transaction would write the rebuilt timeline.
      class DeletingRepository extends FirestoreRepository {
        calls = 0;
        override async updateTimeline<T>(
          u: string,
          decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
          opts?: TimelineTxOptions,
        ): Promise<T> {
          this.calls += 1;
          if (this.calls === (timelineExists ? 1 : 2)) await callDeleteAccount(uid);
          return super.updateTimeline(u, decide, opts);
        }
      }
      const outcome = await handleSegmentWrite(new DeletingRepository(db()), edit, NOW);
      expect(outcome.action).toBe('account-deleted');
      expect(await leftUnder(uid)).toEqual([]);
      expect((await db().doc(`deletedUsers/${uid}`).get()).exists).toBe(true);
      // The event redelivered later changes nothing either.
      await handleSegmentWrite(repo(), edit, NOW);
      expect(await leftUnder(uid)).toEqual([]);
    });
  });
});
