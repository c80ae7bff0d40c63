/**
 * `createProfileOnSignUp`: Identity Platform blocking function (2nd gen, `beforeUserCreated`) that gives every new
 * account its `users/{uid}` profile.
 *
 * Why a blocking function: 1st-gen `auth.user().onCreate` cannot run on the nodejs24 runtime this codebase uses,
 * and the 2nd-gen `identity.onUserCreated` event trigger of firebase-functions 7 is still `@beta`. A blocking
 * function is GA on 2nd gen; it needs the project upgraded to Firebase Authentication with Identity Platform and
 * the function registered under Authentication > Settings > Blocking functions (docs/functions.md, Account lifecycle).
 *
 * Idempotent: the profile is created only when absent (a retried sign-up never overwrites it). A failure is
 * logged and does not block the sign-up: the recompute works without a profile (defaults), and the app creates
 * `users/{uid}` itself when it finds none (firestore.rules allow the owner that create). If the app got there
 * first, `createProfileIfAbsent` finds the document and returns false: the app's profile is kept.
 */
import { beforeUserCreated } from 'firebase-functions/v2/identity';
import { REGION, FUNCTION_SETTINGS } from '../config';
import { log } from '../log';
import { createProfileForNewUser } from '../services/account';
import { wiring } from '../wiring';

export const createProfileOnSignUp = beforeUserCreated({ region: REGION, timeoutSeconds: 7, ...FUNCTION_SETTINGS.createProfileOnSignUp }, async (event) => {
  const user = event.data;
  if (!user) return;
  const { repo, clock } = wiring();
  try {
    await createProfileForNewUser(repo, { uid: user.uid, email: user.email ?? null, displayName: user.displayName ?? null }, clock(), event.eventId);
  } catch (e) {
    log.handlerError({ uid: user.uid, eventId: event.eventId, error: e, step: 'createProfile' });
  }
  return;
});
