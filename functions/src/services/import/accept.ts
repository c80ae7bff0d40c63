/**
 * Accepting an upload for import: everything decided before the file is read. In order:
 * 1. not an import: an object the backend wrote itself (custom metadata marker), or a name that is not
 *    `users/{uid}/imports/{importId}.{ext}` -> ignored, nothing written;
 * 2. not this time: the import id is owned by another file (`{importId}.csv` and `.txt` side by side), or the import
 *    already reached a final state after this object was created (a redelivered event) -> ignored;
 * 3. the account is being deleted: no profile and the file is gone -> ignored, nothing written under the user;
 * 4. `queued`, in one transaction with the per-day cap and the timeline read (`startImport`): over the cap ->
 *    `failed`;
 * 5. guards that need no file read (extension, content type, size, empty) -> `failed` with the reason;
 * 6. `processing`: accepted.
 */
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { log } from '../../log';
import type { ImportDoc } from '../../model/documents';
import type { Repository, StoredSegment } from '../../repository/types';
import { safeTimeZone } from '../recompute/schedule';
import { updateTimeline } from '../recompute/timelineUpdate';
import { failImport, queuedDoc, type ImportRef } from './status';
import type { AcceptedImport, ImportDeps, ImportLimits, ImportOutcome, UploadedObject } from './types';
import { ACCEPTED_EXTENSIONS, BACKEND_MARKER_KEY, BACKEND_MARKER_VALUE, acceptedContentType, mib, parseImportPath, peekFile, type ImportPath } from './upload';

/** Step 1: the import an object is, or why it is none (logged). */
export function importOf(object: UploadedObject): { path: ImportPath } | { outcome: ImportOutcome } {
  const eventId = object.eventId;
  if (object.metadata?.[BACKEND_MARKER_KEY] === BACKEND_MARKER_VALUE) {
    log.importRejected({ eventId, reason: 'object written by the backend' });
    return { outcome: { action: 'ignored', reason: 'written by the backend' } };
  }
  const path = parseImportPath(object.name);
  if (!path) {
    log.importRejected({ eventId, reason: 'not an import path' });
    return { outcome: { action: 'ignored', reason: 'not an import path' } };
  }
  return { path };
}

/**
 * Steps 2 to 6 for an import upload: the accepted import, whose document now says `processing`, or the outcome of
 * an upload that is not imported (ignored, or `failed` with its reason).
 * @throws AccountDeletedError when the account's deletion marker appeared before a write (the job then deletes the file and stops).
 */
export async function acceptImport(deps: ImportDeps, object: UploadedObject, p: ImportPath): Promise<{ job: AcceptedImport } | { outcome: ImportOutcome }> {
  const { repo, storage, clock, limits } = deps;
  const eventId = object.eventId;
  const { uid, importId } = p;

  const existingDoc = await repo.getImport(uid, importId);
  // The rules allow `{importId}.csv` and `{importId}.txt` side by side; both would report to the same document.
  // The first file owns it: a second one must not reset a finished (or running) import's status and counts.
  if (existingDoc && existingDoc.storagePath && existingDoc.storagePath !== object.name) {
    log.importRejected({ uid, importId, eventId, reason: 'another file already uses this import id' });
    return { outcome: { action: 'ignored', reason: 'import id used by another file' } };
  }
  const final = existingDoc && (existingDoc.status === 'succeeded' || existingDoc.status === 'partial' || existingDoc.status === 'failed');
  if (final && (!object.timeCreated || existingDoc.updatedAt.getTime() >= object.timeCreated.getTime())) {
    log.importRejected({ uid, importId, eventId, reason: 'already processed (redelivered event)' });
    return { outcome: { action: 'ignored', reason: 'already processed' } };
  }

  const startedAt = clock();
  const ref: ImportRef = { uid, importId, eventId, base: queuedDoc(object.name, existingDoc, startedAt) };

  // Read before the first write: an event delivered after deleteAccount (upload, then an immediate account
  // deletion, which deletes the file too) finds neither profile nor file and must write nothing under the user.
  const profile = await repo.getProfile(uid);
  let source: AsyncIterable<Buffer> = storage.read(object.name);
  if (!profile) {
    const peeked = await peekFile(source);
    if (peeked === null) {
      log.importRejected({ uid, importId, eventId, reason: 'no profile and the file is gone (account deleted)' });
      return { outcome: { action: 'ignored', reason: 'account deleted' } };
    }
    source = peeked;
  }

  // `queued` first: the app sees at once that the upload was received, even if the guards below reject it. The same
  // transaction counts the import against the per-day cap and reads the timeline for the duplicate checks.
  const start = await startImport(repo, uid, importId, ref.base, startedAt, limits, eventId);
  if (start.capped) {
    log.importCapped({ uid, importId, eventId, cap: 'imports per day', limit: limits.importsPerDay });
    return { outcome: { action: 'done', status: 'failed', uid, importId } };
  }

  const refused = guardReason(object, p, limits);
  if (refused !== null) return { outcome: await failImport(repo, clock, ref, refused) };

  await repo.putImport(uid, importId, { ...ref.base, status: 'processing' });
  log.importStarted({ uid, importId, eventId, bytes: object.size });
  return { job: { ...ref, object, startedAt, profile, source, stored: start.stored } };
}

/** Step 5: why an upload is refused before its file is read, or null. */
function guardReason(object: UploadedObject, p: ImportPath, limits: ImportLimits): string | null {
  if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(p.extension)) {
    return `files ending in .${p.extension} are not accepted; upload the .csv or .txt export of your flight history`;
  }
  if (!acceptedContentType(object.contentType)) {
    return `the file's content type ${object.contentType} is not a text or CSV file; upload the .csv or .txt export`;
  }
  if (object.size > limits.importMaxBytes) return `the file is ${mib(object.size)}, larger than the ${mib(limits.importMaxBytes)} limit`;
  if (object.size === 0) return 'the file is empty';
  return null;
}

/**
 * Step 4, the import's first write, in one transaction with the deletion marker and the timeline: the import
 * document (`queued`), and the import counted against the per-day cap on the head (by id, so a retried event counts
 * once). Over the cap, the import document says why instead (`failed`) and nothing else is written. Returns the live
 * segments the timeline holds, for the duplicate checks. Builds the timeline first when there is none.
 */
async function startImport(
  repo: Repository,
  uid: string,
  importId: string,
  base: ImportDoc,
  startedAt: Date,
  limits: ImportLimits,
  eventId: string,
): Promise<{ capped: boolean; stored: StoredSegment[] }> {
  const r = await updateTimeline(repo, uid, { now: startedAt, maxSegments: limits.maxSegmentsPerUser, eventId }, (tl) => {
    const date = todayIn(safeTimeZone(tl.meta.profile?.timeZone), startedAt);
    const already = tl.head.countImport(date, importId, limits.importsPerDay);
    if (already !== null) {
      const error = `you have already imported ${already} files today, the most allowed in one day; upload this file again tomorrow`;
      return {
        commit: { timeline: new Map(), importDoc: { id: importId, patch: { ...base, status: 'failed', error } } },
        result: { capped: true, stored: [] },
      };
    }
    return { commit: { timeline: tl.encode(startedAt), importDoc: { id: importId, patch: base } }, result: { capped: false, stored: tl.liveSegments() } };
  });
  return r.result;
}
