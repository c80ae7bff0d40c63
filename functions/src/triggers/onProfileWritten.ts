/**
 * `onProfileWritten`: Firestore trigger on `users/{uid}` (create, update, delete) that re-evaluates the user's
 * `users/{uid}/visaStatus/*`, `users/{uid}/summaries/countryDays` and the alert schedule (`nextAlertAt`,
 * `nextRecomputeAt`) when the app creates the profile or edits a field that decides them (nationalities, residence
 * permits, time zone, tracked rules, notification settings; the guard compares every field of
 * `ProfileEditableSchema`).
 *
 * No loop: the recompute writes `nextAlertAt` / `nextRecomputeAt` on this same document, and that write's event
 * changes no app-editable field, so it is skipped without a read. Deletions (account deletion) are skipped.
 * Idempotent under redelivery: the recompute derives the documents from stored data (segments, the profile as
 * stored now, the local date), not from the event, and writes only what differs, so a redelivered event changes
 * nothing. See {@link handleProfileWrite}.
 * `retry: true`: a transient Firestore error must not leave a status computed for the old profile; deterministic
 * problems (bad time zone, invalid segments) do not throw.
 */
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { REGION, FUNCTION_SETTINGS } from '../config';
import { handleProfileWrite } from '../services/profile';
import { wiring } from '../wiring';

export const onProfileWritten = onDocumentWritten(
  { document: 'users/{uid}', region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 120, ...FUNCTION_SETTINGS.onProfileWritten },
  async (event) => {
    const { repo, clock } = wiring();
    const before = event.data?.before;
    const after = event.data?.after;
    return handleProfileWrite(
      repo,
      {
        uid: event.params.uid,
        eventId: event.id,
        before: before?.exists ? (before.data() ?? null) : null,
        after: after?.exists ? (after.data() ?? null) : null,
      },
      clock(),
    );
  },
);
