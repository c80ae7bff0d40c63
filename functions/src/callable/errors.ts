/**
 * The one mapping from what a callable's service throws to what the app receives (`HttpsError`: a code the client
 * SDKs know, and a message). Every callable (`planTrip`, `deleteAccount`) runs its work through `answerCallable`.
 *
 * | thrown                                     | code               | message to the app                            |
 * |--------------------------------------------|--------------------|-----------------------------------------------|
 * | `HttpsError` (the callable's own checks)   | its own            | its own                                       |
 * | `ValidationError` (core/validation.ts)     | `invalid-argument` | the sentence naming the field; `details.issues` |
 * | `AccountDeletedError` (repository/types)   | `not-found`        | `this account has been deleted`               |
 * | anything else                              | `internal`         | the callable's own fixed sentence             |
 *
 * Nothing of an unexpected error reaches the client: not its message (a bucket name, a Firestore path, another
 * user's id), nor its stack. Its cause is logged as `handler.error` with the caller's uid and the callable's name,
 * so that a support request ("planTrip said internal at 10:42") can be found in the logs.
 */
import { HttpsError } from 'firebase-functions/v2/https';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { log } from '../log';
import { isAccountDeletedError } from '../repository/types';

/** Where a callable's error came from, for the log, and what the app reads when the cause is not its business. */
export interface CallableErrorContext {
  /** The signed-in caller. */
  uid: string;
  /** The callable's name (`planTrip`), logged as `step`. */
  callable: string;
  /** The `internal` error's message: what the app may do about it (e.g. "try again later"). */
  internalMessage: string;
}

/** Domain errors the app is told about, in order; the first whose `test` matches decides. */
const DOMAIN_ERRORS: readonly { test: (e: unknown) => boolean; answer: (e: unknown) => HttpsError }[] = [
  {
    test: (e) => e instanceof ValidationError,
    answer: (e) => new HttpsError('invalid-argument', (e as ValidationError).message, { issues: (e as ValidationError).issues }),
  },
  {
    // The message of AccountDeletedError names the uid and a document path: a fixed sentence instead.
    test: isAccountDeletedError,
    answer: () => new HttpsError('not-found', 'this account has been deleted'),
  },
];

/**
 * The `HttpsError` the app receives for `e` thrown inside a callable (see the table above). Logs the cause of an
 * `internal` one (`handler.error` with uid and `step`).
 */
export function toHttpsError(e: unknown, ctx: CallableErrorContext): HttpsError {
  if (e instanceof HttpsError) return e;
  const known = DOMAIN_ERRORS.find((d) => d.test(e));
  if (known) return known.answer(e);
  log.handlerError({ uid: ctx.uid, step: ctx.callable, error: e });
  return new HttpsError('internal', ctx.internalMessage);
}

/** Runs a callable's work and rethrows whatever it throws as the `HttpsError` of `toHttpsError`. */
export async function answerCallable<T>(ctx: CallableErrorContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw toHttpsError(e, ctx);
  }
}
