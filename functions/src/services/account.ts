/**
 * Account lifecycle (Firebase-free): the profile a new user gets, and the deletion of everything a user stored
 * (at the user's request through `deleteAccount`, or after the Auth user was deleted, e.g. in the Firebase console).
 */
import { z } from 'zod';
import { log } from '../log';
import { PROFILE_LIMITS, defaultNotificationSettings, type UserProfile } from '../model/documents';
import type { Repository } from '../repository/types';
import type { FileStorage } from '../storage/types';

/** The Auth operations account deletion needs (firebase-admin `Auth` in production, a fake in tests). */
export interface AuthAdmin {
  /** Deletes the Auth user; resolves when it does not exist (idempotent). */
  deleteUser(uid: string): Promise<void>;
}

/** What is known about a new Auth user. */
export interface NewUser {
  uid: string;
  email?: string | null;
  displayName?: string | null;
}

/**
 * The profile of a new user: no nationality yet (so every rule applies until the app sets one), UTC until the
 * app sends the device time zone, default notification settings.
 */
export function newProfile(user: NewUser, now: Date): UserProfile {
  return {
    displayName: user.displayName ? user.displayName.slice(0, PROFILE_LIMITS.displayName) : null,
    nationalities: [],
    homeCountry: null,
    timeZone: 'UTC',
    notifications: defaultNotificationSettings(),
    email: user.email ? user.email.slice(0, PROFILE_LIMITS.email) : null,
    createdAt: now,
    updatedAt: now,
    nextAlertAt: null,
    nextRecomputeAt: null,
  };
}

/**
 * Creates `users/{uid}` for a new user unless it exists (an existing profile is never overwritten, so a
 * redelivered or repeated call is harmless). Returns true when it created it.
 */
export async function createProfileForNewUser(repo: Repository, user: NewUser, now: Date, eventId?: string): Promise<boolean> {
  const created = await repo.createProfileIfAbsent(user.uid, newProfile(user, now));
  log.accountProfileCreated({ uid: user.uid, eventId, created });
  return created;
}

/**
 * The user's profile, created with the defaults of {@link newProfile} when it is missing: the fallback for a sign-up
 * whose blocking function did not write it (failed, or out of its budget). Called by the backend events that need a
 * profile (`planTrip`, the first segment event of a user). Idempotent (`createProfileIfAbsent`: a profile created
 * meanwhile, by the app or the blocking function, is kept and returned); 1 read when the profile exists.
 * @throws AccountDeletedError once the account is deleted (nothing created).
 */
export async function ensureProfile(repo: Repository, uid: string, now: Date, eventId?: string): Promise<UserProfile> {
  const existing = await repo.getProfile(uid);
  if (existing) return existing;
  const profile = newProfile({ uid }, now);
  const created = await repo.createProfileIfAbsent(uid, profile);
  log.accountProfileCreated({ uid, eventId, created });
  return created ? profile : ((await repo.getProfile(uid)) ?? profile);
}

export interface EraseUserDataDeps {
  repo: Repository;
  storage: FileStorage;
  /** The deletion time stored in the marker. Default: the system clock. */
  clock?: () => Date;
}

export interface DeleteAccountDeps extends EraseUserDataDeps {
  auth: AuthAdmin;
}

export interface DeleteAccountResult {
  storageFilesDeleted: number;
}

/**
 * `deleteAccount` request data: nothing to send. The callable reads no field of its data, so `{}`, `null` (Swift's
 * `call()` without an argument) and no data are all the same request; the contract
 * (schemas/callables/delete-account-request.json) states `{}`.
 */
export const DeleteAccountRequestSchema = z.strictObject({});
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequestSchema>;

/**
 * `deleteAccount` response: `deleted` is always true (a failure is an error, never `false`); `storageFilesDeleted`
 * counts the import files removed by this call (0 when an earlier, interrupted call already removed them). The app's
 * contract (schemas/callables/delete-account-response.json) is generated from this schema; the handler tests parse
 * real responses with it.
 */
export const DeleteAccountResponseSchema = z.strictObject({
  deleted: z.literal(true),
  storageFilesDeleted: z.number().int().min(0),
});
export type DeleteAccountResponse = z.infer<typeof DeleteAccountResponseSchema>;

/**
 * Erases everything stored for `uid`, for good: (1) the deletion marker `deletedUsers/{uid}`, (2) the Firestore
 * subtree `users/{uid}/**` (recursive delete of every collection), (3) the Storage files under `users/{uid}/`.
 *
 * Why it is final: every backend write under `users/{uid}` (recompute, import, alerts, profile schedule) reads the
 * marker in the same transaction as its write and fails with `AccountDeletedError` once it exists
 * (the repository checks it in every such transaction). Step 1 therefore closes the door before step 2 starts: a write that committed before
 * the marker is found and deleted by the sweep, and none can commit after it (an import still reading its file
 * stops at its next write). The documents go before the files so that an unavailable Storage does not keep the
 * travel history: the call fails, and its retry finds the documents gone and deletes the files.
 *
 * Idempotent: the marker keeps the first deletion time, deleting missing files or documents succeeds, so a
 * redelivered event or a retried call finishes an interrupted run and changes nothing after a complete one.
 * @throws whatever Storage or Firestore throws (the caller retries; nothing is left half-open: the marker stays).
 */
export async function eraseUserData(deps: EraseUserDataDeps, uid: string): Promise<DeleteAccountResult> {
  const { repo, storage } = deps;
  await repo.markAccountDeleted(uid, (deps.clock ?? (() => new Date()))());
  await repo.deleteUserData(uid);
  const storageFilesDeleted = await storage.deletePrefix(`users/${uid}/`);
  return { storageFilesDeleted };
}

/**
 * Deletes the account of `uid` at its own request (the `deleteAccount` callable): `eraseUserData`, then the Auth
 * user, then the Firestore subtree once more. Every step is idempotent, so a retried call finishes the job.
 *
 * Order: data first, while the caller can still authenticate a retry if a step fails; the Auth user next, which
 * stops the app from signing in again (and fires the Auth deletion trigger, which erases once more: harmless). The
 * last sweep removes what the app itself wrote between the first sweep and the Auth deletion (an offline queue
 * flushed by the SDK): backend writes cannot land after the marker, client writes are governed by the rules.
 * Sign in with Apple: the app revokes the Apple token before calling this (docs/functions.md, Account lifecycle).
 * @throws whatever Storage, Firestore or Auth throws (the callable answers `internal`; calling again finishes).
 */
export async function deleteAccountData(deps: DeleteAccountDeps, uid: string, eventId?: string): Promise<DeleteAccountResult> {
  const { repo, auth } = deps;
  // A failure is logged once, by the callable's error mapping, with the uid.
  const { storageFilesDeleted } = await eraseUserData(deps, uid);
  await auth.deleteUser(uid);
  await repo.deleteUserData(uid);
  log.accountDeleted({ uid, eventId, storageFilesDeleted });
  return { storageFilesDeleted };
}

/**
 * An Auth user was deleted (from the Firebase console, the Admin SDK, or by `deleteAccountData` itself): erases the
 * user's data (`eraseUserData`). The Auth user is already gone, so it is not deleted again. Idempotent (see
 * `eraseUserData`): the second delivery of the event, or the event following a `deleteAccount` call that already
 * erased everything, finds the marker kept, no file and no document, and changes nothing.
 * @throws whatever Storage or Firestore throws (the trigger retries).
 */
export async function handleAuthUserDeleted(deps: EraseUserDataDeps, uid: string, eventId?: string): Promise<DeleteAccountResult> {
  try {
    const r = await eraseUserData(deps, uid);
    log.accountErasedAfterAuthDeletion({ uid, eventId, storageFilesDeleted: r.storageFilesDeleted });
    return r;
  } catch (e) {
    log.handlerError({ uid, eventId, error: e, step: 'authUserDeleted' });
    throw e;
  }
}
