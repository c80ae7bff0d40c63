/**
 * `createProfileOnSignUp`: Identity Platform blocking function (2nd gen, `beforeUserCreated`) that gives every new
 * account its `users/{uid}` profile.
 *
 * Why a blocking function: 1st-gen `auth.user().onCreate` cannot run on the nodejs24 runtime this codebase uses,
 * and the 2nd-gen `identity.onUserCreated` event trigger of firebase-functions 7 is still `@beta`. A blocking
 * function is GA on 2nd gen; it needs the project upgraded to Firebase Authentication with Identity Platform and
 * the function registered under Authentication > Settings > Blocking functions (docs/functions.md, Account lifecycle).
 *
 * What it does inside its budget: one document write (`createProfileIfAbsent`: a transaction reading the deletion
 * marker and the profile, then one create), nothing else; no timeline, no status (the profile trigger does that
 * after the sign-up). Identity Platform fails the sign-up when a blocking function takes longer than 7 seconds, cold
 * start included, so the write is given at most {@link SIGN_UP_WRITE_BUDGET_MS}: past it, or on any error, the
 * function returns and the sign-up goes on without the profile. The profile is then created with the same defaults
 * by the first backend event that needs it ({@link ensureProfile}: `planTrip`, the user's first segment event), or by
 * the app (firestore.rules allow the owner that create); a write still in flight that lands later is kept, since each
 * of these creates only when the profile is absent.
 *
 * Idempotent: the profile is created only when absent (a retried sign-up never overwrites it).
 */
import { beforeUserCreated } from 'firebase-functions/v2/identity';
import { REGION, FUNCTION_SETTINGS } from '../config';
import { log } from '../log';
import { createProfileForNewUser } from '../services/account';
import { wiring } from '../wiring';

/**
 * Longest wait for the profile write: 7 seconds less the worst cold start measured for this function (about 2 s:
 * the runtime, firebase-functions and firebase-admin's Firestore client) and a second's margin.
 */
export const SIGN_UP_WRITE_BUDGET_MS = 4_000;

export const createProfileOnSignUp = beforeUserCreated({ region: REGION, timeoutSeconds: 7, ...FUNCTION_SETTINGS.createProfileOnSignUp }, async (event) => {
  const user = event.data;
  if (!user) return;
  const { repo, clock } = wiring();
  const write = createProfileForNewUser(repo, { uid: user.uid, email: user.email ?? null, displayName: user.displayName ?? null }, clock(), event.eventId).then(
    () => 'written' as const,
    (e: unknown) => {
      log.handlerError({ uid: user.uid, eventId: event.eventId, error: e, step: 'createProfile' });
      return 'failed' as const;
    },
  );
  // A real timer, not the wiring's sleep: the budget is the platform's wall-clock limit. Cleared when the write wins.
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'out-of-time'>((resolve) => {
    timer = setTimeout(() => resolve('out-of-time'), SIGN_UP_WRITE_BUDGET_MS);
  });
  const outcome = await Promise.race([write, budget]);
  clearTimeout(timer);
  if (outcome === 'out-of-time') {
    log.handlerError({
      uid: user.uid,
      eventId: event.eventId,
      error: new Error(`profile write not done within ${SIGN_UP_WRITE_BUDGET_MS} ms`),
      step: 'createProfile',
    });
  }
  return;
});
