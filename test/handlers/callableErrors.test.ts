/**
 * The callables' one error mapping (functions/src/callable/errors.ts), through the deployed handlers: whatever the
 * service throws, the app receives a code it can act on and a message with no server internals; the cause of an
 * unexpected error is logged with the caller's uid.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { planTrip } from '../../functions/src/callable/planTrip';
import { deleteAccount } from '../../functions/src/callable/deleteAccount';
import { toHttpsError } from '../../functions/src/callable/errors';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { AccountDeletedError } from '../../functions/src/repository/types';

const UID = 'carol';
const SECRET = 'projects/ttt-prod/databases/(default)/documents/users/zoe: 7 PERMISSION_DENIED at bucket ttt-prod-internal';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

function callRequest(data: unknown): CallableRequest {
  return {
    data,
    rawRequest: {} as CallableRequest['rawRequest'],
    acceptsStreaming: false,
    auth: { uid: UID, token: { uid: UID, auth_time: Math.floor(NOW.getTime() / 1000) - 60 }, rawToken: 'x' },
  } as unknown as CallableRequest;
}

async function callAndCatch(fn: unknown, data: unknown): Promise<{ code?: string; message?: string; details?: unknown }> {
  const wrapped = fft.wrap(fn as never) as unknown as (req: CallableRequest) => Promise<unknown>;
  return Promise.resolve()
    .then(() => wrapped(callRequest(data)))
    .then(
      () => ({}),
      (e: { code?: string; message?: string; details?: unknown }) => e,
    );
}

const trip = { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }] };

/** What the service throws -> what the app receives, and whether the cause is logged. */
const cases: { name: string; thrown: () => unknown; code: string; message: string; logged: boolean; details?: unknown }[] = [
  {
    name: 'ValidationError -> invalid-argument with the sentence naming the field',
    thrown: () => new ValidationError('planTrip data: trips[0].country must be an ISO 3166-1 alpha-2 code', [{ path: 'trips[0].country', message: 'x' }]),
    code: 'invalid-argument',
    message: 'planTrip data: trips[0].country must be an ISO 3166-1 alpha-2 code',
    details: { issues: [{ path: 'trips[0].country', message: 'x' }] },
    logged: false,
  },
  {
    name: 'AccountDeletedError -> not-found',
    thrown: () => new AccountDeletedError(UID),
    code: 'not-found',
    message: 'this account has been deleted',
    logged: false,
  },
  {
    name: 'an HttpsError -> itself',
    thrown: () => new HttpsError('resource-exhausted', 'too many plans today'),
    code: 'resource-exhausted',
    message: 'too many plans today',
    logged: false,
  },
  {
    name: 'a Firestore error -> internal',
    thrown: () => new Error(SECRET),
    code: 'internal',
    message: 'the trip could not be planned; try again later',
    logged: true,
  },
  {
    name: 'a bug (TypeError) -> internal',
    thrown: () => new TypeError("Cannot read properties of undefined (reading 'segments')"),
    code: 'internal',
    message: 'the trip could not be planned; try again later',
    logged: true,
  },
  { name: 'a thrown string -> internal', thrown: () => SECRET, code: 'internal', message: 'the trip could not be planned; try again later', logged: true },
];

describe('planTrip: the service error -> the HttpsError the app receives', () => {
  it.each(cases)('$name', async ({ thrown, code, message, details, logged }) => {
    await env.repo.createProfileIfAbsent(UID, profile());
    jest.spyOn(env.repo, 'getProfile').mockRejectedValue(thrown());
    const err = await callAndCatch(planTrip, trip);
    expect(err).toMatchObject({ code, message });
    if (details) expect(err.details).toEqual(details);
    // No server internals to the client: neither the text nor the details carry the cause.
    expect(JSON.stringify({ message: err.message, details: err.details })).not.toMatch(/PERMISSION_DENIED|ttt-prod|zoe|reading 'segments'/);
    const errors = env.logs.filter((l) => l.message === 'handler.error');
    expect(errors).toEqual(logged ? [expect.objectContaining({ severity: 'ERROR', uid: UID, step: 'planTrip', reason: expect.any(String) })] : []);
  });

  it('the logged reason is the cause (for support), the client message is not', async () => {
    jest.spyOn(env.repo, 'getProfile').mockRejectedValue(new Error(SECRET));
    const err = await callAndCatch(planTrip, trip);
    expect(err.message).toBe('the trip could not be planned; try again later');
    expect(env.logs.find((l) => l.message === 'handler.error')?.reason).toBe(`Error: ${SECRET}`);
  });
});

describe('deleteAccount: a failed step', () => {
  it.each([
    { step: 'Storage', fail: (e: TestEnv) => jest.spyOn(e.storage, 'deletePrefix').mockRejectedValue(new Error(SECRET)) },
    { step: 'Auth', fail: (e: TestEnv) => jest.spyOn(e.auth, 'deleteUser').mockRejectedValue(new Error(`auth/internal-error: ${SECRET}`)) },
    { step: 'Firestore', fail: (e: TestEnv) => jest.spyOn(e.repo, 'deleteUserData').mockRejectedValue(new Error(SECRET)) },
  ])('$step -> internal with a fixed sentence, the cause logged once with the uid', async ({ fail }) => {
    await env.repo.createProfileIfAbsent(UID, profile());
    fail(env);
    const err = await callAndCatch(deleteAccount, {});
    expect(err).toMatchObject({ code: 'internal', message: 'the account could not be deleted completely; call again to finish' });
    expect(env.logs.filter((l) => l.message === 'handler.error')).toEqual([
      expect.objectContaining({ uid: UID, step: 'deleteAccount', reason: expect.stringContaining('PERMISSION_DENIED') }),
    ]);
  });
});

describe('toHttpsError', () => {
  const ctx = { uid: UID, callable: 'planTrip', internalMessage: 'try again later' };
  it('returns an HttpsError as it is (the callable’s own checks)', () => {
    const e = new HttpsError('failed-precondition', 'sign in again');
    expect(toHttpsError(e, ctx)).toBe(e);
  });
  it('recognises an AccountDeletedError from another module realm by its name', () => {
    const foreign = Object.assign(new Error('the account carol is deleted'), { name: 'AccountDeletedError' });
    expect(toHttpsError(foreign, ctx)).toMatchObject({ code: 'not-found', message: 'this account has been deleted' });
  });
});
