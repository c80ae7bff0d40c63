/**
 * `eraseDataOfDeletedUser`: Firebase Authentication user-deletion trigger (2nd gen, `identity.onUserDeleted`,
 * CloudEvent `google.firebase.auth.user.v2.deleted`) that erases everything stored for the deleted user
 * ({@link handleAuthUserDeleted}: deletion marker, Storage files, Firestore subtree). It is what makes
 * an account deleted in the Firebase console, or with the Admin SDK, lose its data; the app's own deletion goes
 * through the `deleteAccount` callable, whose Auth deletion fires this trigger too (a harmless second erase).
 *
 * Why this trigger, and not the others:
 * - `auth.user().onDelete` from `firebase-functions/v1` is a 1st-gen function, and Cloud Functions 1st gen does
 *   not offer the nodejs22/nodejs24 runtimes (deploy fails with "Runtime nodejs24 is not supported on GCF Gen1";
 *   firebase/firebase-functions#1653). This codebase runs on nodejs24 (firebase.json), so it would need a second
 *   codebase on an older Node only for this function.
 * - A scheduled sweep (list the profiles, ask Auth which uids still exist) reads every user's profile on every run:
 *   cost in proportion to all users, not to deletions, and data kept until the next run.
 * - `onUserDeleted` (firebase-functions 7, `firebase-functions/v2/identity`) runs on 2nd gen with the rest of the
 *   codebase, costs one invocation per deletion, and firebase-tools deploys it (Eventarc) and its Auth emulator
 *   fires it. It is marked Preview by Firebase ("@beta" in the SDK): if it changes, the fallback is the scheduled
 *   sweep above, which can reuse `handleAuthUserDeleted` as is.
 *
 * Idempotent: erasing keeps the first deletion marker and deleting what is already gone succeeds, so a redelivered
 * event changes nothing. `retry: true`: a transient Storage or Firestore error must not leave data behind; the
 * erase has no deterministic failure to retry forever.
 */
import { onUserDeleted } from 'firebase-functions/v2/identity';
import { REGION, FUNCTION_SETTINGS } from '../config';
import { handleAuthUserDeleted } from '../services/account';
import { wiring } from '../wiring';

export const eraseDataOfDeletedUser = onUserDeleted(
  { region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 300, ...FUNCTION_SETTINGS.eraseDataOfDeletedUser },
  async (event) => {
    const uid = event.data?.uid;
    if (!uid) return;
    const { repo, storage, clock } = wiring();
    await handleAuthUserDeleted({ repo, storage, clock }, uid, event.id);
  },
);
