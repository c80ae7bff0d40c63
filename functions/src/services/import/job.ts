/**
 * The import job behind the Storage trigger: an uploaded flight-history file at
 * `users/{uid}/imports/{importId}.csv|.txt` becomes segments, and `users/{uid}/imports/{importId}` tells the app
 * how it went (`queued` -> `processing` -> `succeeded` | `partial` | `failed`). Firebase-free: the repository,
 * the file storage, the clock and the limits are injected. Two stages:
 * - accept ({@link acceptImport}): everything decided before the file is read (is it an import, is it a redelivery, the
 *   per-day cap, extension, type and size), ending in `processing`;
 * - run ({@link runAcceptedImport}): the file through the pipeline, the duplicate checks, the segments with their
 *   timeline records and the evaluation, the final status.
 *
 * Idempotent: segment ids are derived from the flight's content (`segmentIdFor`), written with create-if-absent,
 * and a stored segment with the same date and countries counts as a duplicate, so a redelivered event or the same
 * file uploaded again creates nothing new. A redelivered event for an upload that already reached a final state
 * is ignored (the import document is newer than the object; only its closing recompute runs again, see {@link runAcceptedImport}); an
 * overwritten object (new generation) is imported again. The original file is kept (the app or the account deletion
 * removes it).
 *
 * The timeline: each chunk of segments is created in one transaction with its timeline records (and the last one
 * with the evaluation), so the segment events of an import are skipped without a read, and an edit or delete the
 * app makes while the import runs is applied by its own event, ordered by version against the import's records:
 * nothing the app did meanwhile is lost and no closing recompute is needed (docs/functions.md, Import job).
 * Cost: R segment writes, ceil(R / 450) transactions of 2 reads and 1 timeline write, and a constant number of
 * other reads and writes (import document, profile, the per-day cap on the head, one evaluation).
 *
 * Account deletion: every write (import document, segment chunks, recompute) fails with `AccountDeletedError` once
 * the account's deletion marker exists ({@link isAccountDeletedError}); the import then deletes the uploaded file, stops and
 * reports itself ignored.
 */
import { isAccountDeletedError } from '../../repository/types';
import { acceptImport, importOf } from './accept';
import { runAcceptedImport } from './run';
import { deletedDuringImport } from './status';
import type { ImportDeps, ImportOutcome, UploadedObject } from './types';

export type { ImportDeps, ImportLimits, ImportOutcome, UploadedObject } from './types';

/**
 * Runs one import end to end: accept, then run. Never throws for a bad file (it ends in `failed` with one clear
 * reason); throws only for infrastructure errors (repository/storage unavailable), so that Cloud Functions retries
 * the event.
 */
export async function runImport(deps: ImportDeps, object: UploadedObject): Promise<ImportOutcome> {
  const which = importOf(object);
  if ('outcome' in which) return which.outcome;
  const { uid, importId } = which.path;
  try {
    const accepted = await acceptImport(deps, object, which.path);
    if ('outcome' in accepted) return accepted.outcome;
    return await runAcceptedImport(deps, accepted.job);
  } catch (e) {
    // The account was deleted while the import ran: its deletion marker made a write fail (in the write's own
    // transaction, so nothing was written after the deletion began). Not an error to retry: the account is gone.
    if (!isAccountDeletedError(e)) throw e;
    // The file goes too: an app whose ID token is still valid can upload after the deletion's Storage step ran, and
    // nothing else would remove it. One Storage delete, on this path only; deleting a file already gone succeeds.
    await deps.storage.deletePrefix(object.name);
    return deletedDuringImport({ uid, importId, eventId: object.eventId });
  }
}
