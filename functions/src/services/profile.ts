/**
 * Profile writes (Firebase-free): decides whether a write of `users/{uid}` must re-evaluate the user's visa status
 * and alert schedule, and does so through `recomputeUser` (services/recompute.ts).
 *
 * The profile decides the result of a recompute: `nationalities` (EU/EEA/Swiss nationals are exempt from the
 * Schengen short-stay rule, `applies: false`), `timeZone` (the user's local "today" is the evaluation date `asOf`,
 * and alerts are timed in local hours) and `notifications` (enabled, thresholds, quiet hours decide `nextAlertAt`).
 *
 * ## The guard (why the trigger does not loop)
 * `recomputeUser` itself writes `nextAlertAt` / `nextRecomputeAt` on `users/{uid}` (and `recomputeDaily` does
 * too), and each of those writes fires the profile trigger again. So a write recomputes only when the profile was
 * created or when at least one field the app may edit (`ProfileEditableSchema`, the same list firestore.rules
 * allow the owner to update) differs between before and after. Writes touching only backend-owned fields
 * (`nextAlertAt`, `nextRecomputeAt`, `updatedAt`, `email`, `createdAt`) are skipped without a read or write. A
 * deletion (account deletion) is skipped too: recomputing would write `visaStatus` / `summaries` documents under a
 * user that no longer exists.
 *
 * ## Idempotency
 * `recomputeUser` is a pure function of stored data (segments, the profile as stored when it runs, the local date)
 * and writes only what differs from what is stored; the event only decides whether to run it. A redelivered event
 * therefore recomputes to the same documents and writes nothing. An event delivered late, after further edits,
 * evaluates the current profile, which is what the latest edit's own event would also produce.
 */
import { logEvent } from '../log';
import { ProfileEditableSchema } from '../model/documents';
import type { Repository } from '../repository/types';
import { eraseWritesAfterDeletion, recomputeUser } from './recompute';

/** Names of the `users/{uid}` fields the app may write (from `ProfileEditableSchema`, never a copied list). */
export const PROFILE_EDITABLE_FIELDS: readonly string[] = Object.freeze(Object.keys(ProfileEditableSchema.shape));

/**
 * Structural equality of two Firestore field values: primitives by `===`, `Date`s by instant, arrays by position,
 * maps by key set and values (key order is irrelevant: Firestore does not preserve it). Other objects (Firestore
 * `Timestamp`, `GeoPoint`) are compared by their own enumerable properties, which hold their whole value.
 */
export function sameFieldValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameFieldValue(v, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameFieldValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The app-editable fields whose value differs between two versions of the profile document (field names only, in
 * `PROFILE_EDITABLE_FIELDS` order). A field absent on one side and present on the other counts as changed.
 */
export function changedEditableFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return PROFILE_EDITABLE_FIELDS.filter((f) => !sameFieldValue(before[f], after[f]));
}

/** What a profile-write event says (from the CloudEvent; no document read needed). */
export interface ProfileWriteEvent {
  uid: string;
  /** CloudEvent id (redeliveries share it; logged only). */
  eventId: string;
  /** Document data before the write; null when the write created the profile. */
  before: Record<string, unknown> | null;
  /** Document data after the write; null when the write deleted the profile. */
  after: Record<string, unknown> | null;
}

export type ProfileWriteOutcome =
  | {
      action: 'skipped';
      /**
       * `profile-deleted`: the event is a deletion (account deletion). `no-editable-change`: only backend-owned
       * fields changed (e.g. the recompute's own `nextAlertAt` write). `profile-gone`: the profile no longer
       * exists when the event is handled (deleted after this write; recomputing would write under a deleted user).
       * `account-deleted`: the account's deletion marker exists (the recompute's write was refused); the profile,
       * written by the app after the deletion began, was erased again.
       */
      reason: 'profile-deleted' | 'no-editable-change' | 'profile-gone' | 'account-deleted';
    }
  | {
      action: 'recomputed';
      cause: 'created' | 'edited';
      /** App-editable fields that changed (all of them for a creation). */
      changedFields: string[];
      /** Whether the visa status / summary documents changed (see `RecomputeResult.changed`). */
      changed: boolean;
    };

/**
 * Handles one write of `users/{uid}`: recomputes the user's status and alert schedule when the profile was created
 * or an app-editable field changed; otherwise returns why it did nothing (see the file docstring).
 *
 * Cost: a skipped event reads and writes nothing. A recompute costs 1 profile read more than `recomputeUser`
 * (the check that the profile still exists).
 * @throws whatever the repository throws (the trigger then lets Cloud Functions retry).
 */
export async function handleProfileWrite(repo: Repository, event: ProfileWriteEvent, now: Date): Promise<ProfileWriteOutcome> {
  const { uid, eventId, before, after } = event;
  if (!after) {
    logEvent('DEBUG', 'profile.event.skipped', { uid, eventId, reason: 'profile-deleted' });
    return { action: 'skipped', reason: 'profile-deleted' };
  }
  const cause = before ? 'edited' : 'created';
  const changedFields = before ? changedEditableFields(before, after) : [...PROFILE_EDITABLE_FIELDS];
  if (changedFields.length === 0) {
    logEvent('DEBUG', 'profile.event.skipped', { uid, eventId, reason: 'no-editable-change' });
    return { action: 'skipped', reason: 'no-editable-change' };
  }
  // A late or redelivered event after an account deletion must not write visaStatus/summaries under the deleted
  // user (recomputeUser itself works without a profile, as segment events need).
  if (!(await repo.getProfile(uid))) {
    logEvent('INFO', 'profile.event.skipped', { uid, eventId, reason: 'profile-gone' });
    return { action: 'skipped', reason: 'profile-gone' };
  }
  // Field names only: the profile's values (nationalities, time zone) never reach the logs.
  logEvent('INFO', 'profile.changed', { uid, eventId, cause, fields: changedFields.join(',') });
  const r = await recomputeUser(repo, uid, { now, eventId });
  if (r.accountDeleted) {
    // The backend's own profile writes are refused after the marker, so this profile is the app's, written after
    // the deletion began (a still-valid ID token): erase it again. No event time here: always erase (idempotent).
    await eraseWritesAfterDeletion(repo, uid, null, eventId);
    logEvent('INFO', 'profile.event.skipped', { uid, eventId, reason: 'account-deleted' });
    return { action: 'skipped', reason: 'account-deleted' };
  }
  return { action: 'recomputed', cause, changedFields, changed: r.changed };
}
