/**
 * Profile writes (Firebase-free): decides what a write of `users/{uid}` changes for the backend and does only that.
 *
 * The profile decides a recompute through its rule inputs: `nationalities` (EU/EEA/Swiss nationals are exempt from
 * the Schengen short-stay rule, `applies: false`), `residencePermits` (presence in the issuing state during validity
 * is not counted), `timeZone` (the user's local "today" is the evaluation date `asOf`), `trackedRules` (which rules are
 * evaluated: a rule added gets its status, a rule dropped loses it) and `homeCountry` (residence, for the rules that
 * will read it). `notifications` decide only the alert
 * schedule (`nextAlertAt`), `displayName` nothing. The timeline head keeps a copy of these inputs
 * (`profile`), which is what segment events and the daily run evaluate with, so:
 * - a rule input changed (or the profile was created): copy the inputs to the head and recompute, in one transaction
 *   reading the deletion marker, the profile and the timeline (3 reads for a one-document timeline);
 * - only `notifications` changed: copy them and reschedule `nextAlertAt` from the statuses the head records, no
 *   evaluation (3 reads, at most 2 writes);
 * - only `displayName` changed, or only backend fields (`nextAlertAt`, `nextRecomputeAt`, `updatedAt`, `email`,
 *   `createdAt`, e.g. the recompute's own schedule write): nothing is read or written.
 *
 * ## The guard (why the trigger does not loop)
 * The recompute writes `nextAlertAt` on `users/{uid}` (and the alert run does too), and each write fires the profile
 * trigger again; such a write changes no app-editable field and is skipped without a read. A deletion (account
 * deletion) is skipped too.
 *
 * ## Idempotency and order
 * The transaction reads the profile as stored when it runs, never the event's copy, and writes only what differs
 * from the head's copy: a redelivered event changes nothing, and an event handled late, after further edits,
 * applies the current profile, which is what the latest edit's own event applies too.
 */
import { isDeepStrictEqual } from 'node:util';
import { log } from '../log';
import { ProfileEditableSchema, type ProfileInputs } from '../model/documents';
import { computeNextAlertAt } from '../policy/alerts';
import { isAccountDeletedError, type Repository } from '../repository/types';
import { profileInputsOf, sameInstant } from './recompute/documents';
import { evaluateTimeline, planCommit } from './recompute/evaluate';
import { eraseWritesAfterDeletion } from './recompute/segmentWrite';
import { updateTimeline } from './recompute/timelineUpdate';

/** Names of the `users/{uid}` fields the app may write (from `ProfileEditableSchema`, never a copied list). */
export const PROFILE_EDITABLE_FIELDS: readonly string[] = Object.freeze(Object.keys(ProfileEditableSchema.shape));

/** Editable fields the rules depend on: a change re-evaluates the statuses. */
export const RULE_INPUT_FIELDS = Object.freeze(['nationalities', 'homeCountry', 'timeZone', 'residencePermits', 'trackedRules'] as const);
const isRuleInputField = (f: string): boolean => (RULE_INPUT_FIELDS as readonly string[]).includes(f);
/** The rule inputs of the head's profile copy, in RULE_INPUT_FIELDS order (null without a profile). */
const ruleInputsOf = (p: ProfileInputs | null): unknown[] | null => (p ? RULE_INPUT_FIELDS.map((f) => p[f]) : null);

/**
 * The app-editable fields whose value differs between two versions of the profile document (field names only, in
 * `PROFILE_EDITABLE_FIELDS` order). A field absent on one side and present on the other counts as changed.
 * Values are compared structurally (`util.isDeepStrictEqual`): `Date`s by instant, arrays by position, maps by key
 * set and values whatever their key order (Firestore does not keep it), Firestore `Timestamp`s by their class and
 * fields.
 */
export function changedEditableFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return PROFILE_EDITABLE_FIELDS.filter((f) => !isDeepStrictEqual(before[f], after[f]));
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
       * fields changed (e.g. the recompute's own `nextAlertAt` write). `no-rule-input-change`: only `displayName`
       * changed. `profile-gone`: the profile no longer exists when the event is handled (deleted after this write).
       * `account-deleted`: the account's deletion marker exists (the write was refused); the profile, written by the
       * app after the deletion began, was erased again.
       */
      reason: 'profile-deleted' | 'no-editable-change' | 'no-rule-input-change' | 'profile-gone' | 'account-deleted';
    }
  | {
      /** `recomputed`: a rule input changed (or the profile was created). `rescheduled`: only the notifications. */
      action: 'recomputed' | 'rescheduled';
      cause: 'created' | 'edited';
      /** App-editable fields that changed (all of them for a creation). */
      changedFields: string[];
      /** Whether a status, the summary or the profile's `nextAlertAt` was written. */
      changed: boolean;
    };

/**
 * Handles one write of `users/{uid}` (see the file docstring for what each kind of change costs).
 * @throws whatever the repository throws (the trigger then lets Cloud Functions retry).
 */
export async function handleProfileWrite(repo: Repository, event: ProfileWriteEvent, now: Date): Promise<ProfileWriteOutcome> {
  const { uid, eventId, before, after } = event;
  if (!after) {
    log.profileEventSkipped({ uid, eventId, reason: 'profile-deleted' });
    return { action: 'skipped', reason: 'profile-deleted' };
  }
  const cause = before ? 'edited' : 'created';
  const changedFields = before ? changedEditableFields(before, after) : [...PROFILE_EDITABLE_FIELDS];
  if (changedFields.length === 0) {
    log.profileEventSkipped({ uid, eventId, reason: 'no-editable-change' });
    return { action: 'skipped', reason: 'no-editable-change' };
  }
  if (!changedFields.some((f) => isRuleInputField(f) || f === 'notifications')) {
    log.profileEventSkipped({ uid, eventId, reason: 'no-rule-input-change' });
    return { action: 'skipped', reason: 'no-rule-input-change' };
  }
  // Field names only: the profile's values (nationalities, time zone) never reach the logs.
  log.profileChanged({ uid, eventId, cause, fields: changedFields });
  const ruleField = changedFields.some(isRuleInputField);
  try {
    const r = await updateTimeline<{ action: 'recomputed' | 'rescheduled' }>(
      repo,
      uid,
      // A late or redelivered event after an account deletion must not write under the deleted user. No timeline yet:
      // building it copies the current profile and evaluates (this event's work included).
      { now, eventId, withProfile: true, ifMissing: 'repair', skipIf: ({ profile }) => !profile },
      (tl, { profile }) => {
        const prev = tl.meta.profile;
        const next = profileInputsOf(profile!);
        if (prev && isDeepStrictEqual(prev, next)) {
          // Already reflected (a redelivered event, or a later edit's event applied the current profile first).
          return { commit: null, result: { action: ruleField ? 'recomputed' : 'rescheduled' } };
        }
        tl.head.setProfile(next);
        if (!isDeepStrictEqual(ruleInputsOf(prev), ruleInputsOf(next))) {
          const commit = planCommit(tl, evaluateTimeline(tl, now), now, { profileNextAlertAt: profile!.nextAlertAt ?? null });
          return { commit, result: { action: 'recomputed' } };
        }
        // Notifications only: the schedule follows from the statuses the head records; nothing to evaluate.
        const nextAlertAt = computeNextAlertAt(next, tl.meta.statuses, now);
        const moved = !sameInstant(profile!.nextAlertAt, nextAlertAt);
        tl.head.setAlertAt(nextAlertAt);
        const timelineDocs = tl.encode(now);
        if (!moved && timelineDocs.size === 0) return { commit: null, result: { action: 'rescheduled' } };
        return { commit: { timeline: timelineDocs, ...(moved ? { profile: { nextAlertAt } } : {}) }, result: { action: 'rescheduled' } };
      },
    );
    if (r.kind === 'skipped') {
      log.profileEventSkipped({ uid, eventId, reason: 'profile-gone' });
      return { action: 'skipped', reason: 'profile-gone' };
    }
    if (r.kind !== 'done') return { action: 'recomputed', cause, changedFields, changed: true };
    return { action: r.result.action, cause, changedFields, changed: r.changed };
  } catch (e) {
    if (!isAccountDeletedError(e)) throw e;
    // The backend's own profile writes are refused after the marker, so this profile is the app's, written after
    // the deletion began (a still-valid ID token): erase it again. No event time here: always erase (idempotent).
    await eraseWritesAfterDeletion(repo, uid, null, eventId);
    log.profileEventSkipped({ uid, eventId, reason: 'account-deleted' });
    return { action: 'skipped', reason: 'account-deleted' };
  }
}
