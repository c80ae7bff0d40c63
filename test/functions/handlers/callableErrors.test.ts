/**
 * The callables' one error mapping (functions/src/callable/errors.ts), through the deployed handlers: whatever the
 * service throws, the app receives a code it can act on and a message with no server internals; the cause of an
 * unexpected error is logged with the caller's uid.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { planTrip } from '../../../functions/src/callable/planTrip';
import { deleteAccount } from '../../../functions/src/callable/deleteAccount';
import { ERROR_DETAIL_LIMITS, toHttpsError } from '../../../functions/src/callable/errors';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { AccountDeletedError } from '../../../functions/src/repository/types';

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
    app: { appId: 'test-app', token: {} },
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
    details: { issues: [{ path: 'trips[0].country', message: 'x' }], omittedIssues: 0 },
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

/**
 * An `invalid-argument` answer is bounded whatever the request: at most ERROR_DETAIL_LIMITS.issues issues, each text
 * clipped, the sentence clipped, and `omittedIssues` counting what was left out. Real requests through the deployed
 * planTrip handler; the size is that of the error as the callable protocol sends it (`HttpsError.toJSON`).
 */
describe('planTrip: invalid-argument is bounded', () => {
  const { issues: maxIssues, issueChars, messageChars } = ERROR_DETAIL_LIMITS;
  /** The JSON the app receives can hold at most this: the sentence, the issues and their notes, and the framing. */
  const MAX_BYTES = messageChars + maxIssues * (2 * issueChars + 100) + 500;
  const badTrip = (i: number, dates = { entryDate: '2027-01-01', exitDate: '2027-01-02' }) => ({ country: `country ${i}`, ...dates });
  const unknownKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1]));

  const cases: { name: string; data: unknown; issues: number; omitted: number; message: RegExp; clipped: boolean }[] = [
    {
      name: '20 000 unknown keys (one issue naming every key)',
      data: { ...trip, ...unknownKeys(20_000) },
      issues: 1,
      omitted: 0,
      message: /^planTrip data: has unknown field\(s\) "k0", "k1", .*… \(\d+ more characters\)$/,
      clipped: true,
    },
    {
      name: '20 trips, each with three bad fields (60 issues)',
      data: { trips: Array.from({ length: 20 }, (_, i) => badTrip(i, { entryDate: '2027-02-30', exitDate: 'soon' })) },
      issues: maxIssues,
      omitted: 60 - maxIssues,
      message: /^planTrip data: trips\[0\]\.country must be an ISO 3166-1 alpha-2 country code/,
      clipped: true,
    },
    {
      name: 'a key of 100 000 characters',
      data: { ...trip, ['x'.repeat(100_000)]: 1 },
      issues: 1,
      omitted: 0,
      message: /^planTrip data: has unknown field\(s\) "xxx+… \(\d+ more characters\)$/,
      clipped: true,
    },
    {
      name: 'one bad field (a real mistake: nothing left out)',
      data: { trips: [badTrip(0)] },
      issues: 1,
      omitted: 0,
      message: /^planTrip data: trips\[0\]\.country must be an ISO 3166-1 alpha-2 country code such as "FR"$/,
      clipped: false,
    },
  ];

  it.each(cases)('$name', async ({ data, issues, omitted, message, clipped }) => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const err = await callAndCatch(planTrip, data);
    expect(err).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(message) });
    const details = err.details as { issues: { path: string; message: string }[]; omittedIssues: number };
    expect(details.issues).toHaveLength(issues);
    expect(details.omittedIssues).toBe(omitted);
    for (const i of details.issues) {
      expect(i.path.length).toBeLessThanOrEqual(issueChars + 30);
      expect(i.message.length).toBeLessThanOrEqual(issueChars + 30);
    }
    const wire = JSON.stringify((err as HttpsError).toJSON());
    expect(Buffer.byteLength(wire)).toBeLessThanOrEqual(MAX_BYTES);
    expect(wire.includes('more characters)')).toBe(clipped);
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
  it('never splits a character written as a surrogate pair when it clips', () => {
    const e = new ValidationError('😀'.repeat(ERROR_DETAIL_LIMITS.messageChars), []);
    const { message } = toHttpsError(e, ctx);
    expect(message).toMatch(/^(😀)+… \(\d+ more characters\)$/u);
  });
});
