/**
 * Account lifecycle (Firebase-free): the profile a new user gets, and the deletion of everything a user stored.
 */
import { errorReason, logEvent } from '../log';
import { DEFAULT_NOTIFICATION_SETTINGS, PROFILE_LIMITS, type UserProfile } from '../model/documents';
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
    notifications: structuredClone(DEFAULT_NOTIFICATION_SETTINGS),
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
  logEvent('INFO', 'account.profileCreated', { uid: user.uid, eventId, created });
  return created;
}

export interface DeleteAccountDeps {
  repo: Repository;
  storage: FileStorage;
  auth: AuthAdmin;
}

export interface DeleteAccountResult {
  storageFilesDeleted: number;
}

/**
 * Deletes all data of `uid`: Storage files under `users/{uid}/`, the Firestore subtree `users/{uid}/**`, then the
 * Auth user, then the Firestore subtree once more. Every step is idempotent, so a retried call finishes the job.
 *
 * Order: data first, while the caller can still authenticate a retry if a step fails; the Auth user next, which
 * stops the app from writing; the second Firestore sweep removes documents that a trigger still running at that
 * moment (a recompute after the last segment write) may have written in between.
 * Sign in with Apple: the app revokes the Apple token before calling this (README.md (Cloud Functions)).
 */
export async function deleteAccountData(deps: DeleteAccountDeps, uid: string, eventId?: string): Promise<DeleteAccountResult> {
  const { repo, storage, auth } = deps;
  try {
    const storageFilesDeleted = await storage.deletePrefix(`users/${uid}/`);
    await repo.deleteUserData(uid);
    await auth.deleteUser(uid);
    await repo.deleteUserData(uid);
    logEvent('INFO', 'account.deleted', { uid, eventId, storageFilesDeleted });
    return { storageFilesDeleted };
  } catch (e) {
    logEvent('ERROR', 'handler.error', { uid, eventId, reason: errorReason(e), step: 'deleteAccount' });
    throw e;
  }
}
