/**
 * Running an accepted import (acceptance left its document `processing`): read the file through the import
 * pipeline (loaded here lazily so that only the import function pays for the airport table), keep the new flights
 * ({@link newFlights}), create them with their timeline records and the evaluation ({@link writeImportedSegments}),
 * and write the final status ({@link finalReport}).
 */
import { todayIn } from '@travel-time-tracker/core/timeZones';
import type { ImportOptions as PipelineOptions } from '@travel-time-tracker/import';
import { importFailure } from '@travel-time-tracker/import/skipReasons';
import { ImportFileError, type ImportResult, type SkippedRow } from '@travel-time-tracker/import/types';
import { log } from '../../log';
import { safeTimeZone } from '../recompute/schedule';
import { recomputeUser } from '../recompute/recompute';
import { newFlights, pipelineExisting } from './duplicates';
import { toSegmentDoc, writeImportedSegments } from './segments';
import { deletedDuringImport, failImport, finalReport } from './status';
import type { AcceptedImport, ImportDeps, ImportOutcome } from './types';
import { dateOrderOf } from './upload';

/** What the import document says while an unexpected error is retried (the cause is logged, never stored). */
export const IMPORT_RETRYING_MESSAGE = 'the import hit an unexpected error and will be retried automatically';

/**
 * An unexpected (non-file) error is retried (Cloud Functions `retry: true`) until the upload is this old; then the
 * import ends in `failed`, so that a poison event does not run for the whole 24 h retry window of 2nd-gen functions.
 */
export const MAX_RETRY_AGE_MS = 60 * 60_000;

/**
 * Imports the accepted upload and writes its final status. Never throws for a bad file (it ends in `failed` with
 * one clear reason; a file with more than half its rows refused, or none imported, too: then nothing of it is written).
 * @throws AccountDeletedError when the account's deletion marker appeared before a write (the job then deletes the
 *   file and stops); any other unexpected error, after noting it on the document that stays `processing`, so that
 *   the event is retried.
 */
export async function runAcceptedImport(deps: ImportDeps, job: AcceptedImport): Promise<ImportOutcome> {
  const { repo, clock, limits } = deps;
  const { uid, importId, eventId } = job;
  const fail = (reason: string, extra = {}) => failImport(repo, clock, job, reason, extra);

  // A file whose dates are all ambiguous (3/4/2024) is imported only with the order the traveller states: the app
  // uploads it again with the custom metadata `dateOrder` (DMY, MDY or YMD). Never guessed per row.
  const order = dateOrderOf(job.object.metadata);
  if ('error' in order) return fail(order.error);

  const parsed = await parseUpload(deps, job, order.dateOrder);
  if ('outcome' in parsed) return parsed.outcome;
  const result = parsed.result;
  if (result.rows > limits.importMaxRows) {
    return fail(`the file has ${result.rows} rows, more than the ${limits.importMaxRows} accepted in one upload`, { format: result.format });
  }

  // No confident answer from a file whose rows are mostly refused: nothing of it is written, and the document says
  // why, grouped by reason (importFailure, the rule `travel-days report` exits 1 on).
  if (importFailure(result)) {
    const { counts, skipped, error } = finalReport(result, [], 0, 0);
    return fail(error!, { format: result.format, rowsDone: result.rows, rowsTotal: result.rows, counts, skipped });
  }

  const flights = newFlights(result.segments, job.stored, importId);
  const now = clock();
  const toCreate = flights.fresh.map(({ id, segment }) => ({ id, data: toSegmentDoc(segment, importId, now), row: segment.row }));
  // Segments and their timeline records are written together, one transaction per chunk (each reads the deletion
  // marker and the timeline); the last chunk also evaluates and writes the status. An account deleted meanwhile does
  // not get its segments back: the transaction throws AccountDeletedError (handled in runImport). A create beyond
  // the per-user segment cap is not made; its row is reported as skipped.
  const written = await writeImportedSegments(repo, uid, importId, toCreate, clock, limits.maxSegmentsPerUser, eventId);
  if (written.evaluated) log.recomputeDone({ uid, importId, eventId, changed: written.changed, segments: written.segments });
  const imported = flights.imported + written.created + written.ownExisting;
  const cappedRows: SkippedRow[] = written.capped.map((s) => ({
    row: s.row,
    reason: `not imported: your travel history has reached the limit of ${limits.maxSegmentsPerUser} segments; delete segments you no longer need and upload the file again`,
  }));
  if (cappedRows.length > 0) log.importCapped({ uid, importId, eventId, cap: 'segments', limit: limits.maxSegmentsPerUser, rows: cappedRows.length });
  // A retried event whose first attempt wrote every segment (and, with the last chunk, the status) has nothing left
  // to create; the recompute then finds the status current and writes at most the head.
  if (written.created === 0 && imported > 0) await recomputeUser(repo, uid, { now: clock(), eventId, maxSegments: limits.maxSegmentsPerUser });

  const report = finalReport(result, cappedRows, imported, flights.duplicates + written.otherExisting);
  const { status, counts, skipped, error } = report;
  await repo.putImport(uid, importId, {
    status,
    format: result.format,
    rowsDone: result.rows,
    rowsTotal: result.rows,
    counts,
    skipped,
    error,
    updatedAt: clock(),
  });
  log.importFinished({ uid, importId, eventId, status, format: result.format, counts, warnings: result.warnings.length });
  return { action: 'done', status, uid, importId };
}

/**
 * Reads the file through the pipeline, with duplicate check 1 against the stored segments and progress on the
 * import document. A file the pipeline cannot read, or a file deleted before it was read, ends the import; an
 * unexpected error is retried until MAX_RETRY_AGE_MS after the upload, then ends it.
 */
async function parseUpload(
  deps: ImportDeps,
  job: AcceptedImport,
  dateOrder: PipelineOptions['dateOrder'],
): Promise<{ result: ImportResult } | { outcome: ImportOutcome }> {
  const { repo, clock, limits } = deps;
  const { uid, importId, eventId, object } = job;
  const fail = (reason: string) => failImport(repo, clock, job, reason);
  const progress = progressWriter(deps, job);
  const importDate = todayIn(safeTimeZone(job.profile?.timeZone), job.startedAt);
  const existing = pipelineExisting(job.stored, importId);
  let result: ImportResult;
  try {
    const pipeline = await import('@travel-time-tracker/import');
    const options: PipelineOptions = {
      importDate,
      layoverHours: limits.layoverHours,
      maxRows: limits.importMaxRows,
      onProgress: progress.onProgress,
      existing,
      dateOrder,
    };
    result = await pipeline.importFlights(job.source, options);
  } catch (e) {
    await progress.settled();
    if (e instanceof ImportFileError) return { outcome: await fail(e.message) };
    if (e instanceof Error && e.name === 'FileNotFoundError') {
      if ((await repo.getAccountDeletedAt(uid)) !== null) return { outcome: deletedDuringImport(job) };
      return { outcome: await fail('the uploaded file was deleted before it could be read') };
    }
    // A poison event (a bug that fails on this file every time) must not be retried for the 24 h of the retry
    // window: once the upload is older than MAX_RETRY_AGE_MS, give up with a final status.
    if (object.timeCreated && clock().getTime() - object.timeCreated.getTime() > MAX_RETRY_AGE_MS) {
      log.handlerError({ uid, importId, eventId, error: e, step: 'import (giving up)' });
      return { outcome: await fail('the file could not be imported because of an internal error; please try again later or contact support') };
    }
    // Anything else is a bug or an outage: note it but stay `processing` (a final status would make the retry
    // look like a redelivery and be ignored), and rethrow so that Cloud Functions retries the event. The app reads
    // `error`: a fixed sentence there, the cause only in the log (with the ids).
    await repo.putImport(uid, importId, { error: IMPORT_RETRYING_MESSAGE, updatedAt: clock() });
    log.handlerError({ uid, importId, eventId, error: e });
    throw e;
  }
  // Outside the try: a progress write refused because the account was deleted ends the job, it is not a file error.
  await progress.flush();
  return { result };
}

/**
 * Progress on the import document: `rowsDone` at most once per `progressIntervalMs` (default 2 s), never once per
 * row. Writes are chained; `flush` waits for them (and throws what they threw, e.g. the account was deleted),
 * `settled` waits without throwing.
 */
function progressWriter(
  deps: ImportDeps,
  job: AcceptedImport,
): { onProgress: (rowsDone: number) => void; flush: () => Promise<void>; settled: () => Promise<void> } {
  const interval = deps.progressIntervalMs ?? 2_000;
  let lastProgressAt = job.startedAt.getTime();
  let progressWrite: Promise<void> = Promise.resolve();
  return {
    onProgress: (rowsDone: number): void => {
      const t = deps.clock().getTime();
      if (t - lastProgressAt < interval) return;
      lastProgressAt = t;
      progressWrite = progressWrite.then(() => deps.repo.putImport(job.uid, job.importId, { rowsDone, updatedAt: new Date(t) }));
      // Awaited by flush or settled; marked handled now so that a refused write (account deleted) is not an
      // unhandled rejection.
      progressWrite.catch(() => undefined);
    },
    flush: () => progressWrite,
    settled: () => progressWrite.catch(() => undefined),
  };
}
