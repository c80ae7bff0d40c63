/**
 * `deleteAccount` callable (2nd gen): marks the calling user deleted, deletes every file and document of the user,
 * then the Auth user ({@link deleteAccountData}). The app's way to delete an account, because the app
 * must revoke the Sign in with Apple token before the account goes (docs/functions.md, Account lifecycle), which only an
 * app-initiated deletion allows. An account deleted from the Firebase console (Auth) loses its data through the
 * Auth deletion trigger `onUserDeleted` instead.
 *
 * Request data: none (`{}`). Response: `{ deleted: true, storageFilesDeleted }`.
 * Errors ({@link answerCallable}): `unauthenticated`; `failed-precondition` when the last sign-in is older than 5 minutes
 * (a stolen long-lived session must not be able to erase an account: the app re-authenticates first); `internal`
 * with a fixed sentence when a step fails (the cause is logged with the uid; calling again finishes the job).
 * Idempotent: every step tolerates what an earlier, interrupted call already deleted.
 */
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import { appCheckEnforcement, REGION, requireAppCheck, FUNCTION_SETTINGS } from '../config';
import { deleteAccountData, type DeleteAccountResponse } from '../services/account';
import { wiring } from '../wiring';
import { answerCallable } from './errors';

/** The sign-in must be at most this recent (seconds). */
export const RECENT_SIGN_IN_SECONDS = 300;

export const deleteAccount = onCall<unknown, Promise<DeleteAccountResponse>>(
  { region: REGION, enforceAppCheck: appCheckEnforcement(), memory: '256MiB', timeoutSeconds: 300, ...FUNCTION_SETTINGS.deleteAccount },
  async (request) => {
    const auth = request.auth;
    if (!auth?.uid) throw new HttpsError('unauthenticated', 'sign in to delete your account');
    if (requireAppCheck(request.app)) throw new HttpsError('unauthenticated', 'this app could not be verified (App Check)');
    const deps = wiring();
    const authTime = Number(auth.token?.auth_time);
    if (!Number.isFinite(authTime) || deps.clock().getTime() / 1000 - authTime > RECENT_SIGN_IN_SECONDS) {
      throw new HttpsError('failed-precondition', 'sign in again (within the last 5 minutes) before deleting your account');
    }
    const context = { uid: auth.uid, callable: 'deleteAccount', internalMessage: 'the account could not be deleted completely; call again to finish' };
    return answerCallable(context, async () => {
      const r = await deleteAccountData(deps, auth.uid);
      return { deleted: true as const, storageFilesDeleted: r.storageFilesDeleted } satisfies DeleteAccountResponse;
    });
  },
);
