/**
 * Account deletion offline (MemoryRepository, local-directory storage, firebase-functions-test): the Auth
 * user-deletion trigger, the deletion marker, and writes the app makes after the deletion began. The same races on
 * Google's emulator are in races.emulator.test.ts.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, change, fft, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { eraseDataOfDeletedUser } from '../../../functions/src/triggers/onUserDeleted';
import { deleteAccount } from '../../../functions/src/callable/deleteAccount';
import { onSegmentWritten } from '../../../functions/src/triggers/onSegmentWritten';
import { handleProfileWrite } from '../../../functions/src/services/profile';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { EVENT_CLOCK_MARGIN_MS } from '../../../functions/src/services/recompute/segmentWrite';
import type { SegmentDoc, UserProfile } from '../../../functions/src/model/documents';

const UID = 'dora';
const RULE = 'schengen-90-180';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

const authTrigger = fft.wrap(eraseDataOfDeletedUser) as (e: unknown) => Promise<unknown>;
const segmentTrigger = fft.wrap(onSegmentWritten);

/** The Auth deletion CloudEvent partial (data: the deleted user's record). */
const authDeleted = (uid = UID, id = 'evt-auth-1') => ({ id, data: { uid, email: 'd@example.com', metadata: {} } });

/** A user with something in every collection and an uploaded file. */
async function givenFullAccount(): Promise<void> {
  await env.repo.createProfileIfAbsent(UID, profile());
  await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-11-01', '2026-11-01', { notes: 'Paris' }));
  await recomputeUser(env.repo, UID, { now: NOW });
  await env.repo.putImport(UID, 'imp1', { status: 'succeeded', updatedAt: NOW, storagePath: `users/${UID}/imports/imp1.csv` });
  await env.repo.putDevice(UID, 'phone', { fcmToken: 'tok', platform: 'ios', appVersion: '1.0', lastSeenAt: NOW });
  await env.repo.createAlertIfAbsent(UID, 'a1', { ruleId: RULE, kind: 'threshold', threshold: 7, stayStart: '2026-11-01', createdAt: NOW, sentTo: 1 });
  await env.storage.write(`users/${UID}/imports/imp1.csv`, 'date,from,to\n');
  await env.repo.createProfileIfAbsent('other', profile());
}

function segmentEvent(id: string, before: SegmentDoc | null, after: SegmentDoc | null, time: Date) {
  return {
    id: `evt-${id}-${time.getTime()}`,
    time: time.toISOString(),
    params: { uid: UID, segmentId: id },
    data: change(before, after, `users/${UID}/segments/${id}`),
  };
}

describe('the Auth user-deletion trigger (account deleted in the Firebase console)', () => {
  test('erases every document, the files and marks the account deleted; the Auth user is not deleted again', async () => {
    await givenFullAccount();
    await authTrigger(authDeleted());
    const snap = env.repo.snapshot();
    expect(snap.users[UID]).toBeUndefined();
    expect(snap.deletedUsers[UID]).toEqual({ deletedAt: NOW });
    expect(snap.users.other?.profile).not.toBeNull();
    await expect(env.storage.deletePrefix(`users/${UID}/`)).resolves.toBe(0);
    expect(env.auth.deleted).toEqual([]);
  });

  test.each([
    { name: 'redelivered later (the first deletion time is kept)', first: 'trigger' as const },
    { name: 'after deleteAccount already erased everything (its Auth deletion fires the trigger)', first: 'callable' as const },
  ])('the event $name changes nothing', async ({ first }) => {
    await givenFullAccount();
    if (first === 'trigger') await authTrigger(authDeleted());
    else {
      const call = fft.wrap(deleteAccount) as unknown as (r: CallableRequest) => Promise<unknown>;
      await call({
        data: {},
        rawRequest: {},
        acceptsStreaming: false,
        app: { appId: 'test-app', token: {} },
        auth: { uid: UID, token: { uid: UID, auth_time: Math.floor(NOW.getTime() / 1000) } },
      } as unknown as CallableRequest);
      expect(env.auth.deleted).toEqual([UID]);
    }
    const snap = env.repo.snapshot();
    env.clock.now = new Date(NOW.getTime() + 60_000);
    env.repo.resetCounts();
    await authTrigger(authDeleted(UID, 'evt-auth-2'));
    expect(env.repo.snapshot()).toEqual(snap);
    expect(env.repo.counts.writes).toBe(0);
  });

  test('an event without a uid does nothing', async () => {
    await givenFullAccount();
    const snap = env.repo.snapshot();
    await authTrigger({ id: 'evt-x', data: { metadata: {} } });
    expect(env.repo.snapshot()).toEqual(snap);
  });
});

describe('writes the app makes after the deletion began', () => {
  /** The account deleted at NOW (marker + sweep), as both deletion paths leave it. */
  async function givenDeleted(): Promise<void> {
    await givenFullAccount();
    await authTrigger(authDeleted());
    expect(env.repo.snapshot().users[UID]).toBeUndefined();
  }

  test.each([
    { name: 'a segment written after the deletion (a still-valid ID token) is erased', at: 10_000, erased: true },
    { name: 'a segment written just before the marker, within the clock margin, is erased too', at: -EVENT_CLOCK_MARGIN_MS / 2, erased: true },
  ])('$name', async ({ at, erased }) => {
    await givenDeleted();
    const s = seg('US', 'DE', '2026-11-20');
    await env.repo.putSegment(UID, 'late', s); // the app's write (client writes are governed by the rules)
    const t = new Date(NOW.getTime() + at);
    env.clock.now = new Date(t.getTime() + 1_000);
    expect(await segmentTrigger(segmentEvent('late', null, s, t))).toEqual({ action: 'account-deleted', erased });
    expect(env.repo.snapshot().users[UID]).toBeUndefined();
  });

  test("while the sweep runs, the events of segments written well before the deletion (an import's, arriving late) and the sweep's own delete events write nothing and sweep nothing more", async () => {
    await givenFullAccount();
    const s = seg('US', 'DE', '2026-11-20', '2026-11-20', { source: 'imp1' });
    await env.repo.putSegment(UID, 'imp-x', s);
    // The deletion began a minute later; its sweep has not reached these documents yet.
    const deletedAt = new Date(NOW.getTime() + 60_000);
    await env.repo.markAccountDeleted(UID, deletedAt);
    env.repo.resetCounts();
    env.clock.now = new Date(deletedAt.getTime() + 5_000);
    const before = env.repo.snapshot();
    // An import's create event is skipped without a read (the import wrote its record with it), deleted or not.
    expect(await segmentTrigger(segmentEvent('imp-x', null, s, new Date(NOW.getTime() + 10_000)))).toEqual({ action: 'skipped', reason: 'imported-create' });
    expect(await segmentTrigger(segmentEvent('s1', s, null, new Date(deletedAt.getTime() + 1_000)))).toEqual({ action: 'account-deleted', erased: false });
    expect(env.repo.counts).toMatchObject({ writes: 0, deletes: 0 });
    expect(env.repo.snapshot()).toEqual(before);
  });

  test('after the sweep, late events write nothing: an import create is skipped, an app edit is refused', async () => {
    await givenDeleted();
    env.repo.resetCounts();
    const s = seg('US', 'DE', '2026-11-20', '2026-11-20', { source: 'imp1' });
    env.clock.now = new Date(NOW.getTime() + 5_000);
    expect(await segmentTrigger(segmentEvent('imp-x', null, s, new Date(NOW.getTime() - 60_000)))).toEqual({ action: 'skipped', reason: 'imported-create' });
    // An edit written well before the deletion, delivered late: refused by the marker, nothing to erase.
    expect(await segmentTrigger(segmentEvent('imp-x', s, { ...s, notes: 'x' }, new Date(NOW.getTime() - 60_000)))).toEqual({
      action: 'account-deleted',
      erased: false,
    });
    expect(env.repo.counts).toMatchObject({ writes: 0, deletes: 0 });
    expect(env.repo.snapshot().users[UID]).toBeUndefined();
  });

  test('a profile the app creates again after the deletion is erased by its own event', async () => {
    await givenDeleted();
    const p: UserProfile = profile();
    await env.repo.putSegment(UID, 'x', seg('US', 'FR', '2026-11-02')); // a stray segment the profile's sweep takes too
    await env.repo.putProfile(UID, p); // the app's own create (the rules let the owner create it)
    const event = { uid: UID, eventId: 'evt-p', before: null, after: { ...p } as Record<string, unknown> };
    expect(await handleProfileWrite(env.repo, event, NOW)).toEqual({ action: 'skipped', reason: 'account-deleted' });
    expect(env.repo.snapshot().users[UID]).toBeUndefined();
  });
});
