/**
 * The sign-up path: the blocking function gives up its profile write at its budget (the sign-up goes on), and a
 * profile missing after sign-up is created with the defaults, once, by the first backend event that needs it
 * (`planTrip`, the user's first segment event); never after the account's deletion.
 */
import { NOW, fft, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { MemoryRepository } from '../../fakes/memoryRepository';
import type { UserProfile } from '../../../functions/src/model/documents';
import { SIGN_UP_WRITE_BUDGET_MS, createProfileOnSignUp } from '../../../functions/src/triggers/beforeUserCreated';
import { planTrip } from '../../../functions/src/callable/planTrip';
import { ensureProfile, newProfile } from '../../../functions/src/services/account';
import { handleSegmentWrite } from '../../../functions/src/services/recompute/segmentWrite';

const UID = 'newcomer';
let env: TestEnv;
afterEach(() => {
  jest.useRealTimers();
  tearDownEnv(env);
});

/** A repository whose profile create never answers (Firestore slow beyond the sign-up's budget). */
class HangingRepository extends MemoryRepository {
  override createProfileIfAbsent(): Promise<boolean> {
    return new Promise(() => undefined);
  }
}

test('the blocking function returns at its budget when the profile write hangs, and logs it', async () => {
  env = setUpEnv({ repo: new HangingRepository({ clock: () => NOW }) });
  jest.useFakeTimers({ now: NOW });
  const run = fft.wrap(createProfileOnSignUp as never) as (e: unknown) => Promise<unknown>;
  let done = false;
  const p = run({ eventId: 'e1', data: { uid: UID, email: null, displayName: null, providerData: [] } }).then(() => (done = true));
  await jest.advanceTimersByTimeAsync(SIGN_UP_WRITE_BUDGET_MS - 1);
  expect(done).toBe(false);
  await jest.advanceTimersByTimeAsync(1);
  await p;
  expect(done).toBe(true);
  expect(SIGN_UP_WRITE_BUDGET_MS).toBeLessThanOrEqual(7_000 - 3_000);
  expect(env.logs).toContainEqual(expect.objectContaining({ message: 'handler.error', uid: UID, step: 'createProfile' }));
});

describe('a profile missing after sign-up', () => {
  beforeEach(() => {
    env = setUpEnv();
  });
  const defaults = (): Partial<UserProfile> => {
    const { createdAt: _c, updatedAt: _u, ...rest } = newProfile({ uid: UID }, NOW);
    return rest;
  };

  test('planTrip creates it with the defaults, once', async () => {
    const call = fft.wrap(planTrip) as unknown as (r: CallableRequest) => Promise<unknown>;
    const req = {
      data: { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }] },
      rawRequest: {},
      acceptsStreaming: false,
      app: { appId: 'test-app', token: {} },
      auth: { uid: UID, token: { uid: UID }, rawToken: 'x' },
    } as unknown as CallableRequest;
    expect(env.repo.snapshot().users[UID]?.profile).toBeUndefined();
    await call(req);
    expect(env.repo.snapshot().users[UID]!.profile).toMatchObject(defaults());
    await env.repo.updateProfile(UID, { timeZone: 'Europe/Paris' });
    await call(req);
    expect(env.repo.snapshot().users[UID]!.profile!.timeZone).toBe('Europe/Paris');
  });

  test("the user's first segment event creates it; later events read nothing more", async () => {
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-11-20'));
    const event = (id: string) => ({
      uid: UID,
      eventId: `e-${id}`,
      segmentId: id,
      version: 1,
      beforeExists: false,
      after: seg('US', 'FR', '2026-11-20') as never,
      eventTime: NOW,
    });
    await handleSegmentWrite(env.repo, event('s1'), NOW);
    expect(env.repo.snapshot().users[UID]!.profile).toMatchObject(defaults());
    await env.repo.putSegment(UID, 's2', seg('FR', 'US', '2026-11-22'));
    env.repo.resetCounts();
    await handleSegmentWrite(env.repo, { ...event('s2'), version: 2 }, NOW);
    expect(env.repo.counts.reads).toBe(2);
  });

  test('never after the account was deleted', async () => {
    await env.repo.markAccountDeleted(UID, NOW);
    await expect(ensureProfile(env.repo, UID, NOW)).rejects.toThrow();
    expect(env.repo.snapshot().users[UID]?.profile).toBeUndefined();
  });
});
