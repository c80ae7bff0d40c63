/**
 * The import document `users/{uid}/imports/{importId}` (`queued` -> `processing` -> `succeeded` | `partial` |
 * `failed`): its first state, the failure every guard ends in, and the final counts and status.
 */
import { neutralise } from '@travel-time-tracker/import/storedText';
import { importFailure } from '@travel-time-tracker/import/skipReasons';
import type { ImportResult, SkippedRow } from '@travel-time-tracker/import/types';
import { log } from '../../log';
import { MAX_STORED_SKIPPED_ROWS, type ImportDoc } from '../../model/documents';
import type { Repository } from '../../repository/types';
import { isDuplicateRow } from './duplicates';
import type { ImportOutcome } from './types';

/** Longest `error` of a failed import's document (characters): the grouped reasons, cut on a grapheme boundary. */
const MAX_IMPORT_ERROR_LENGTH = 1000;

const EMPTY_COUNTS: ImportDoc['counts'] = { rows: 0, flights: 0, imported: 0, duplicates: 0, skipped: 0 };

/** The import's first document: `queued`, nothing read yet; `createdAt` kept from an earlier attempt's document. */
export function queuedDoc(objectName: string, earlier: ImportDoc | null, startedAt: Date): ImportDoc {
  return {
    status: 'queued',
    fileName: objectName.split('/').pop() ?? objectName,
    storagePath: objectName,
    format: null,
    rowsDone: 0,
    rowsTotal: null,
    counts: { ...EMPTY_COUNTS },
    skipped: [],
    error: null,
    createdAt: earlier?.createdAt ?? startedAt,
    updatedAt: startedAt,
  };
}

/** Which import a write is about, and the document it started with. */
export interface ImportRef {
  uid: string;
  importId: string;
  eventId: string;
  base: ImportDoc;
}

/** Ends the import in `failed` with one reason for the user (the document rewritten from `base` and `extra`). */
export async function failImport(repo: Repository, clock: () => Date, ref: ImportRef, reason: string, extra: Partial<ImportDoc> = {}): Promise<ImportOutcome> {
  const { uid, importId, eventId } = ref;
  await repo.putImport(uid, importId, { ...ref.base, ...extra, status: 'failed', error: reason, updatedAt: clock() });
  log.importFailed({ uid, importId, eventId, reason });
  return { action: 'done', status: 'failed', uid, importId };
}

/** The outcome of an import whose account was deleted while it ran: nothing more is written. */
export function deletedDuringImport(ref: Pick<ImportRef, 'uid' | 'importId' | 'eventId'>): ImportOutcome {
  const { uid, importId, eventId } = ref;
  log.importRejected({ uid, importId, eventId, reason: 'account deleted during the import' });
  return { action: 'ignored', reason: 'account deleted' };
}

/** The final fields of the import document. */
export type FinalReport = Pick<ImportDoc, 'status' | 'counts' | 'skipped' | 'error'>;

/**
 * The status and counts of an import the pipeline read, from its result, the rows left out over the segment cap,
 * and what the duplicate checks 2 and 3 found ({@link isDuplicateRow}; check 1's rows are among `result.skipped`).
 * `failed` when the import gives no answer ({@link importFailure}: no row was a flight while some were errors, or
 * more than half the rows were errors; the error groups the reasons), or when the file had no data rows; `partial`
 * when some rows were errors; else `succeeded` (duplicates are not errors). At most MAX_STORED_SKIPPED_ROWS rows are stored.
 */
export function finalReport(result: ImportResult, cappedRows: readonly SkippedRow[], imported: number, duplicates: number): FinalReport {
  // The pipeline's reasons start with "row N: "; the document has `row` beside `reason`, so it is not repeated.
  const reasonOf = (r: SkippedRow, max: number): string => neutralise(r.reason.replace(/^row \d+: /, ''), max);
  const allSkipped = cappedRows.length > 0 ? [...result.skipped, ...cappedRows].sort((x, y) => x.row - y.row) : result.skipped;
  const skipped = allSkipped
    .slice(0, MAX_STORED_SKIPPED_ROWS)
    .map((r) => (isDuplicateRow(r) ? { row: r.row, reason: reasonOf(r, 300), duplicate: true as const } : { row: r.row, reason: reasonOf(r, 300) }));
  const errors = allSkipped.filter((r) => !isDuplicateRow(r));
  const counts = { rows: result.rows, flights: result.flights, imported, duplicates: duplicates + allSkipped.length - errors.length, skipped: errors.length };
  // The same rule and words as `travel-days report` (which exits 1 on it): one clause per reason, not per row. The
  // file's rows decide (rows over the segment cap are not the file's fault); nothing of a failed file is kept, so
  // its flights count as skipped.
  const failure = importFailure(result);
  if (failure) {
    const notKept = { ...counts, imported, skipped: result.rows - imported - counts.duplicates };
    return { status: 'failed', counts: notKept, skipped, error: neutralise(failure.message, MAX_IMPORT_ERROR_LENGTH) };
  }
  if (result.rows === 0) return { status: 'failed', counts, skipped, error: 'the file has no data rows (only a header, comments or blank lines)' };
  return { status: errors.length > 0 ? 'partial' : 'succeeded', counts, skipped, error: null };
}
