/**
 * The one mapping from what a callable's service throws to what the app receives (`HttpsError`: a code the client
 * SDKs know, and a message). Every callable (`planTrip`, `deleteAccount`) runs its work through `answerCallable`.
 *
 * | thrown                                     | code               | message to the app                            |
 * |--------------------------------------------|--------------------|-----------------------------------------------|
 * | `HttpsError` (the callable's own checks)   | its own            | its own                                       |
 * | {@link ValidationError} (the core's)       | `invalid-argument` | the sentence naming the field; `details`      |
 * | `AccountDeletedError` (the repository's)   | `not-found`        | `this account has been deleted`               |
 * | anything else                              | `internal`         | the callable's own fixed sentence             |
 *
 * The `invalid-argument` answer is bounded whatever the request (`boundedValidationError`): zod reports every unknown
 * key of a request in one issue, so without a bound 20 000 keys made a 229 KB error.
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

/**
 * Bounds of an `invalid-argument` answer: at most `issues` issues in `details.issues`, each `path` and `message` at
 * most `issueChars` UTF-16 code units, and the sentence at most `messageChars`; about 6 KB of JSON in all. A request
 * the app builds breaks one or two fields, so a real error is never shortened; only a hostile or broken client's is.
 */
export const ERROR_DETAIL_LIMITS = { issues: 10, issueChars: 200, messageChars: 1_000 } as const;

/** `text` cut to at most `max` code units (never inside a surrogate pair), saying how much was left out. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/**
 * The `invalid-argument` answer for `e`: its sentence and `details = { issues, omittedIssues }`, within
 * `ERROR_DETAIL_LIMITS` (`issues`: the first issues, each text clipped; `omittedIssues`: how many were left out, 0
 * when none; a clipped text ends with `… (N more characters)`).
 */
export function boundedValidationError(e: ValidationError): HttpsError {
  const { issues: maxIssues, issueChars, messageChars } = ERROR_DETAIL_LIMITS;
  const issues = e.issues.slice(0, maxIssues).map((i) => ({ path: clip(i.path, issueChars), message: clip(i.message, issueChars) }));
  return new HttpsError('invalid-argument', clip(e.message, messageChars), { issues, omittedIssues: e.issues.length - issues.length });
}

/** Domain errors the app is told about, in order; the first whose `test` matches decides. */
const DOMAIN_ERRORS: readonly { test: (e: unknown) => boolean; answer: (e: unknown) => HttpsError }[] = [
  {
    test: (e) => e instanceof ValidationError,
    answer: (e) => boundedValidationError(e as ValidationError),
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
