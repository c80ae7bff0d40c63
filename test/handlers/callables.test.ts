/**
 * The callables `planTrip` and `deleteAccount`, the sign-up blocking function and the scheduled recompute,
 * through firebase-functions-test, against the in-memory repository and a local-directory storage.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, rolling, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { planTrip } from '../../functions/src/callable/planTrip';
import { deleteAccount } from '../../functions/src/callable/deleteAccount';
import { createProfileOnSignUp } from '../../functions/src/triggers/onUserCreated';
import { recomputeDaily } from '../../functions/src/scheduled/recomputeDaily';
import { recomputeUser } from '../../functions/src/services/recompute';
import type { PlanTripResponse } from '../../functions/src/services/plan';
import type { TimelineHeadDoc } from '../../functions/src/model/documents';

const UID = 'carol';
const RULE = 'schengen-90-180';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

/** A callable request as the Functions framework passes it after verifying the ID token. */
function callRequest(data: unknown, auth: { uid: string; authTime?: number } | null): CallableRequest {
  return {
    data,
    rawRequest: {} as CallableRequest['rawRequest'],
    acceptsStreaming: false,
    auth: auth
      ? ({ uid: auth.uid, token: { uid: auth.uid, auth_time: auth.authTime ?? Math.floor(NOW.getTime() / 1000) - 60 }, rawToken: 'x' } as unknown as CallableRequest['auth'])
      : undefined,
  } as CallableRequest;
}

/** `wrap()` of a callable, typed by what it resolves to (its type wraps the handler's Promise once more). */
function wrapCallable<R>(fn: unknown): (req: CallableRequest) => Promise<R> {
  const w = fft.wrap(fn as never) as unknown as (req: CallableRequest) => R | Promise<R>;
  return async (req) => w(req);
}

async function expectHttpsError(p: Promise<unknown>, code: string, message: RegExp) {
  await expect(p).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
}

describe('planTrip', () => {
  const call = wrapCallable<PlanTripResponse>(planTrip);

  async function givenHistory() {
    await env.repo.createProfileIfAbsent(UID, profile());
    // 60 days in France this autumn: 2026-09-25 .. 2026-11-23 (still there).
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-09-24', '2026-09-25'));
  }

  test('a trip that fits: complies, with the latest exit date of the first planned entry', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const before = env.repo.snapshot();
    const res = await call(callRequest({ trips: [{ country: 'IT', entryDate: '2027-01-10', exitDate: '2027-01-20' }] }, { uid: UID }));
    expect(res.asOf).toBe('2026-11-23');
    const r = res.results.find((x) => x.ruleId === RULE);
    // No presence before: 90 days from 2027-01-10 inclusive ends on 2027-04-09.
    expect(r).toMatchObject({ applies: true, complies: true, firstViolationDate: null, latestExitDate: '2027-04-09', earliestCompliantEntryDate: '2027-01-10' });
    // Nothing stored.
    expect(env.repo.snapshot()).toEqual(before);
  });

  test('a trip that breaks the rule: the first violation day and the earliest compliant entry', async () => {
    await givenHistory();
    await env.repo.putSegment(UID, 's2', seg('FR', 'US', '2026-11-23'));
    // 60 days used (2026-09-25 .. 2026-11-23); a 40-day trip from 2026-12-01 gets 31 days in before day 91.
    const res = await call(callRequest({ trips: [{ country: 'ES', entryDate: '2026-12-01', exitDate: '2027-01-09' }] }, { uid: UID }));
    const r = res.results.find((x) => x.ruleId === RULE)!;
    expect(r.complies).toBe(false);
    expect(r.firstViolationDate).toBe('2026-12-31');
    expect(r.earliestCompliantEntryDate! > '2026-12-01').toBe(true);
  });

  test.each([
    ['no trips', { trips: [] }, /trips must contain at least one trip/],
    ['a bad country', { trips: [{ country: 'France', entryDate: '2027-01-01', exitDate: '2027-01-02' }] }, /trips\[0\]\.country must be an ISO 3166-1 alpha-2/],
    ['an impossible date', { trips: [{ country: 'FR', entryDate: '2027-02-30', exitDate: '2027-03-02' }] }, /trips\[0\]\.entryDate must be a real calendar date/],
    ['an exit date typed 2207 for 2027', { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2207-01-02' }] }, /trips\[0\]\.exitDate must be a date between 1900-01-01 and 2199-12-31/],
    ['exit before entry', { trips: [{ country: 'FR', entryDate: '2027-03-02', exitDate: '2027-03-01' }] }, /trips\[0\]\.exitDate must not be before entryDate/],
    ['a trip in the past', { trips: [{ country: 'FR', entryDate: '2026-01-02', exitDate: '2026-01-03' }] }, /trips\[0\]\.entryDate must be today \(2026-11-23\) or later/],
    ['an unknown field', { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }], save: true }, /unknown field\(s\) "save"/],
    ['no data', undefined, /planTrip data/],
  ])('%s -> invalid-argument naming the field', async (_name, data, message) => {
    await expectHttpsError(Promise.resolve().then(() => call(callRequest(data, { uid: UID }))), 'invalid-argument', message);
  });

  test('without a signed-in user -> unauthenticated', async () => {
    await expectHttpsError(
      Promise.resolve().then(() => call(callRequest({ trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }] }, null))),
      'unauthenticated',
      /sign in/,
    );
  });

  test.each([
    ['true', undefined, 'unauthenticated'],
    ['true', { appId: 'ios-app', token: {} }, null],
    ['false', undefined, null],
  ])('ENFORCE_APP_CHECK=%s, App Check %p -> %s', async (flag, app, code) => {
    process.env.ENFORCE_APP_CHECK = flag;
    try {
      const req = { ...callRequest({ trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }] }, { uid: UID }), app } as CallableRequest;
      const p = Promise.resolve().then(() => call(req));
      if (code) await expectHttpsError(p, code, /App Check/);
      else await expect(p).resolves.toMatchObject({ asOf: '2026-11-23' });
    } finally {
      delete process.env.ENFORCE_APP_CHECK;
    }
  });
});

describe('deleteAccount', () => {
  const call = wrapCallable<{ deleted: true; storageFilesDeleted: number }>(deleteAccount);

  async function givenAccount() {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-10-01'));
    await recomputeUser(env.repo, UID, { now: NOW });
    await env.repo.putImport(UID, 'i1', { status: 'succeeded' });
    await env.storage.write(`users/${UID}/imports/i1.csv`, 'date,from,to\n');
    await env.storage.write(`users/${UID}/imports/i2.txt`, 'x');
    // Another user's data must survive.
    await env.repo.createProfileIfAbsent('dave', profile());
    await env.repo.putSegment('dave', 's1', seg('US', 'DE', '2026-10-01'));
    await env.storage.write('users/dave/imports/x.csv', 'date,from,to\n');
  }

  test('deletes the Firestore subtree, the Storage files and the Auth user; idempotent on a second call', async () => {
    await givenAccount();
    const res = await call(callRequest({}, { uid: UID }));
    expect(res).toEqual({ deleted: true, storageFilesDeleted: 2 });
    const snap = env.repo.snapshot();
    expect(snap.users[UID]).toBeUndefined();
    expect(env.storage.exists(`users/${UID}/imports/i1.csv`)).toBe(false);
    expect(env.auth.deleted).toEqual([UID]);
    expect(snap.users.dave!.segments.s1).toBeDefined();
    expect(env.storage.exists('users/dave/imports/x.csv')).toBe(true);

    const again = await call(callRequest({}, { uid: UID }));
    expect(again).toEqual({ deleted: true, storageFilesDeleted: 0 });
    expect(env.repo.snapshot()).toEqual(snap);
  });

  test.each([
    { name: 'no signed-in user -> unauthenticated', auth: null, code: 'unauthenticated', message: /sign in/ },
    {
      name: 'a sign-in older than 5 minutes -> failed-precondition',
      auth: { uid: UID, authTime: Math.floor(NOW.getTime() / 1000) - 3600 },
      code: 'failed-precondition',
      message: /sign in again/,
    },
  ])('$name, and nothing deleted', async ({ auth, code, message }) => {
    await givenAccount();
    const before = env.repo.snapshot();
    await expectHttpsError(Promise.resolve().then(() => call(callRequest({}, auth))), code, message);
    expect(env.repo.snapshot()).toEqual(before);
    expect(env.auth.deleted).toEqual([]);
  });
});

describe('deleteAccount when a step fails', () => {
  const call = wrapCallable<{ deleted: true; storageFilesDeleted: number }>(deleteAccount);

  test('the client gets `internal` with no server internals; the cause is logged with the uid', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    jest.spyOn(env.storage, 'deletePrefix').mockRejectedValue(new Error('gcs: 503 backendError at storage.googleapis.com/bucket-internal-name'));
    const err = await Promise.resolve()
      .then(() => call(callRequest({}, { uid: UID })))
      .then(
        () => null,
        (e: { code?: string; message?: string }) => e,
      );
    expect(err).toMatchObject({ code: 'internal', message: 'the account could not be deleted completely; call again to finish' });
    expect(env.logs).toContainEqual(expect.objectContaining({ message: 'handler.error', uid: UID, step: 'deleteAccount', reason: expect.stringMatching(/503/) }));
  });
});

describe('createProfileOnSignUp (beforeUserCreated)', () => {
  const run = fft.wrap(createProfileOnSignUp as never) as (e: unknown) => Promise<unknown>;
  const event = (uid: string) => ({ eventId: `e-${uid}`, data: { uid, email: `${uid}@example.com`, displayName: 'Carol', providerData: [] } });

  test('creates the default profile once; a repeated event keeps the existing profile', async () => {
    await run(event(UID));
    const p = env.repo.snapshot().users[UID]!.profile!;
    expect(p).toMatchObject({ email: `${UID}@example.com`, displayName: 'Carol', nationalities: [], timeZone: 'UTC', nextAlertAt: null });
    await env.repo.updateProfile(UID, { timeZone: 'Europe/Paris' });
    await run(event(UID));
    expect(env.repo.snapshot().users[UID]!.profile!.timeZone).toBe('Europe/Paris');
  });
});

describe('recomputeDaily (scheduled)', () => {
  // A ScheduleFunction is not typed as a CloudFunction, but wrap() runs it like one (it has run()).
  const wrappedRun = fft.wrap(recomputeDaily as never) as (e: unknown) => Promise<void>;
  const run = (e: { scheduleTime?: string }) => wrappedRun(e);

  test('re-evaluates only due users for their new local date, and clears nothing else', async () => {
    // Due: in France since 2026-11-20, last evaluated yesterday.
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-11-20'));
    env.clock.now = new Date('2026-11-22T10:00:00Z');
    await recomputeUser(env.repo, UID, { now: env.clock.now });
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]!).daysUsed).toBe(3);
    // Not due: last travel years ago (nextRecomputeAt null).
    await env.repo.createProfileIfAbsent('erin', profile());
    await env.repo.putSegment('erin', 's1', seg('US', 'FR', '2020-01-01'));
    await env.repo.putSegment('erin', 's2', seg('FR', 'US', '2020-01-05'));
    await recomputeUser(env.repo, 'erin', { now: env.clock.now });
    const erinBefore = env.repo.snapshot().users.erin;
    expect((erinBefore!.timeline.head as TimelineHeadDoc).nextRecomputeAt).toBeNull();

    env.clock.now = NOW; // the next day, 10:00 UTC
    env.repo.resetCounts();
    await run({});
    const status = env.repo.snapshot().users[UID]!.visaStatus[RULE]!;
    expect(status).toMatchObject({ asOf: '2026-11-23', daysUsed: 4 });
    expect((env.repo.snapshot().users[UID]!.timeline.head as TimelineHeadDoc).nextRecomputeAt).toEqual(new Date('2026-11-23T23:00:00Z'));
    expect(env.repo.snapshot().users.erin).toEqual(erinBefore);
    // Reads: the (empty) legacy query, then for the one due user its head (query result) and the deletion marker.
    expect(env.repo.counts.reads).toBe(1 + 2);

    // A second run the same day finds nobody due and changes nothing.
    const snap = env.repo.snapshot();
    await run({});
    expect(env.repo.snapshot()).toEqual(snap);
  });
});
