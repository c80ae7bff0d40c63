/**
 * The daily run (services/scheduledRecompute.ts) on Google's real Firestore emulator (FirestoreRepository, the real
 * collection-group query with its projection, real transactions): a page of heads as large as a head can be, and
 * users whose head cannot be decoded, which are rebuilt from their segments or, when that fails too, backed off on
 * their schedule fields alone, so that no user is first in every run. Each test uses fresh uids (the emulator is
 * shared); the run handles every due head of the database, so assertions name only this test's users.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import * as crypto from 'node:crypto';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { addDays } from '@travel-time-tracker/core/dates';
import { FirestoreRepository } from '../../../functions/src/repository/firestore';
import { recomputeUser, verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import { BACKOFF_BASE_MS, recomputeDueUsers } from '../../../functions/src/services/scheduledRecompute';
import { profileInputsOf } from '../../../functions/src/services/recompute/documents';
import { evaluateTimeline, planCommit } from '../../../functions/src/services/recompute/evaluate';
import { MAX_SHARD_BYTES, Timeline } from '../../../functions/src/timeline/timeline';
import { describeWithFirestoreEmulator } from '../../helpers/emulator';
import { RACE_PROFILE, appWrite, expectStatusesMatchSegments } from './emulatorState';

const PROJECT = 'demo-travel-time-tracker';
const TOMORROW = new Date(NOW.getTime() + 86_400_000);

function app(): App {
  return getApps().find((a) => a.name === 'daily-emulator') ?? initializeApp({ projectId: PROJECT }, 'daily-emulator');
}
const db = (): Firestore => getFirestore(app());
const freshUid = () => `daily-${crypto.randomUUID()}`;

/** A user with a profile and four segments (in France since 2026-11-20), timeline built. */
async function arrange(uid: string): Promise<void> {
  const r = new FirestoreRepository(db());
  await r.createProfileIfAbsent(uid, profile(RACE_PROFILE));
  for (const [i, d] of ['2026-10-01', '2026-10-10', '2026-11-01', '2026-11-20'].entries()) {
    await appWrite(db(), uid, `m${i}`, seg(i % 2 === 0 ? 'US' : 'FR', i % 2 === 0 ? 'FR' : 'US', d));
  }
  await recomputeUser(r, uid, { now: NOW });
}

/**
 * A user whose head is as large as a head can be: records up to about `MAX_SHARD_BYTES` (segments with 128-character
 * ids, the longest the rules allow, a crossing a day), evaluated at NOW and written as the recompute writes it (the
 * segments themselves are not stored: the daily run reads only the timeline).
 */
async function arrangeLargestHead(uid: string): Promise<void> {
  const tl = Timeline.empty();
  const n = 5_600;
  for (let i = 0; i < n; i++) {
    const inbound = (n - 1 - i) % 2 === 0;
    const doc = seg(inbound ? 'US' : 'FR', inbound ? 'FR' : 'US', addDays('2026-11-20', i - n + 1));
    tl.apply(`m${String(i).padStart(5, '0')}${'x'.repeat(122)}`, 1_000 + i, doc);
  }
  tl.head.setProfile(profileInputsOf(profile(RACE_PROFILE)));
  const commit = planCommit(tl, evaluateTimeline(tl, NOW), NOW);
  await new FirestoreRepository(db()).updateTimeline(uid, () => ({ commit, result: null }));
}

const headRef = (uid: string) => db().doc(`users/${uid}/timeline/head`);

/** Ways a head can become unreadable: a shard it lists is missing, a field breaks its schema, a record is garbage. */
const CORRUPTIONS: [string, Record<string, unknown>][] = [
  ['a listed shard is missing', { shards: ['s9'] }],
  ['its daily record breaks the schema', { daily: 'broken' }],
  ['a record cannot be decoded', { records: 'Q\tnot a record' }],
];

describeWithFirestoreEmulator('the daily run on the Firestore emulator', () => {
  let env: TestEnv;
  beforeEach(() => {
    env = setUpEnv();
  });
  afterEach(() => tearDownEnv(env));
  jest.setTimeout(120_000);

  test('a page of heads as large as a head can be: the query sends their schedule alone, every user is evaluated', async () => {
    const uids = [freshUid(), freshUid()];
    for (const uid of uids) await arrangeLargestHead(uid);
    for (const uid of uids) {
      const head = await headRef(uid).get();
      expect(head.get('shards')).toEqual([]);
      expect(Buffer.byteLength(head.get('records') as string)).toBeGreaterThan(0.9 * MAX_SHARD_BYTES);
    }
    const due = await new FirestoreRepository(db()).listDueTimelines(TOMORROW, 10_000);
    for (const uid of uids) {
      const mine = due.find((d) => d.uid === uid);
      expect(Object.keys(mine ?? {}).sort()).toEqual(['daily', 'nextRecomputeAt', 'uid']);
    }
    const r = await recomputeDueUsers(new FirestoreRepository(db()), TOMORROW, { pageSize: 1 });
    expect(r.failed).toBe(0);
    for (const uid of uids) {
      expect((await headRef(uid).get()).get('nextRecomputeAt').toDate().getTime()).toBeGreaterThan(TOMORROW.getTime());
      expect((await db().doc(`users/${uid}/visaStatus/schengen-90-180`).get()).get('asOf')).toBe('2026-11-24');
    }
  });

  test.each(CORRUPTIONS)('an unreadable head (%s) is rebuilt from the segments by the daily run, no longer due', async (_name, patch) => {
    const uid = freshUid();
    await arrange(uid);
    await headRef(uid).update(patch);
    const r = await recomputeDueUsers(new FirestoreRepository(db()), TOMORROW, { pageSize: 500 });
    const head = await headRef(uid).get();
    expect(head.get('nextRecomputeAt').toDate().getTime()).toBeGreaterThan(TOMORROW.getTime());
    expect(head.get('daily')).toEqual({ failures: 0, lastError: null, evalMs: expect.any(Number) as number });
    const repo = new FirestoreRepository(db());
    expect(await verifyTimeline(repo, uid)).toEqual({ missing: [], extra: [], different: [], refused: [], exists: true });
    await expectStatusesMatchSegments(repo, uid, TOMORROW);
    expect(r.repaired).toBeGreaterThanOrEqual(1);
  });

  test('a head that cannot be decoded nor rebuilt is backed off without being read; the others are done; not first next run', async () => {
    const [broken, good] = [freshUid(), freshUid()];
    await arrange(broken);
    await arrange(good);
    await headRef(broken).update({ shards: ['s9'] });
    const records = (await headRef(broken).get()).get('records') as string;
    class UnrepairableRepository extends FirestoreRepository {
      listings = 0;
      override async listSegmentVersions(uid: string) {
        if (uid === broken) {
          this.listings += 1;
          throw new Error('RESOURCE_EXHAUSTED: the listing failed');
        }
        return super.listSegmentVersions(uid);
      }
    }
    const repo = new UnrepairableRepository(db());
    await recomputeDueUsers(repo, TOMORROW, { pageSize: 500 });
    const head = await headRef(broken).get();
    expect(head.get('nextRecomputeAt').toDate()).toEqual(new Date(TOMORROW.getTime() + BACKOFF_BASE_MS));
    expect(head.get('daily')).toMatchObject({ failures: 1, lastError: 'Error: RESOURCE_EXHAUSTED: the listing failed' });
    // Only the schedule fields were written: the head is as unreadable as it was, its records untouched.
    expect(head.get('shards')).toEqual(['s9']);
    expect(head.get('records')).toBe(records);
    expect(repo.listings).toBe(1);
    await expectStatusesMatchSegments(repo, good, TOMORROW);
    // Within its back-off the next run does not look at it; after it, it is tried again and backs off twice as long.
    await recomputeDueUsers(repo, new Date(TOMORROW.getTime() + BACKOFF_BASE_MS - 60_000), { pageSize: 500 });
    expect(repo.listings).toBe(1);
    await recomputeDueUsers(repo, new Date(TOMORROW.getTime() + BACKOFF_BASE_MS), { pageSize: 500 });
    expect(repo.listings).toBe(2);
    expect((await headRef(broken).get()).get('daily')).toMatchObject({ failures: 2 });
  });
});
