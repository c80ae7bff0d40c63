/**
 * The import job behind the Storage trigger: an uploaded flight-history file at
 * `users/{uid}/imports/{importId}.csv|.txt` becomes segments, and `users/{uid}/imports/{importId}` tells the app
 * how it went (`queued` -> `processing` -> `succeeded` | `partial` | `failed`). Firebase-free: the repository,
 * the file storage, the clock and the limits are injected.
 *
 * The file is parsed by the same pipeline as the `report` command (core/import), loaded lazily here so that the
 * airport table is paid for only by the import function's cold start.
 *
 * Idempotent: segment ids are derived from the flight's content (`segmentIdFor`), written with create-if-absent,
 * and a stored segment with the same date and countries counts as a duplicate, so a redelivered event or the same
 * file uploaded again creates nothing new. A redelivered event for an upload that already reached a final state
 * is ignored (the import document is newer than the object; only its closing recompute runs again, see below); an
 * overwritten object (new generation) is imported again. The original file is kept (the app or the account deletion
 * removes it).
 *
 * Edits made while the import finishes: segment events of this import's segments are skipped while it is
 * `processing` (services/recompute.ts), so after marking itself done the import recomputes once more; the stored
 * status then equals what the stored segments give, whatever the app edited or deleted meanwhile.
 *
 * Account deletion: every write (import document, segment chunks, recompute) fails with `AccountDeletedError` once
 * the account's deletion marker exists (repository/types.ts); the import then stops and reports itself ignored.
 */
import { createHash } from 'node:crypto';
import { todayIn } from '../core/dates';
import type { DateOrder, ImportOptions as PipelineOptions } from '../core/import';
import { truncateText } from '../core/import/text';
import { ImportFileError, type ImportResult, type ImportedSegment } from '../core/import/types';
import { SEGMENT_LIMITS } from '../core/segment';
import { errorReason, logEvent } from '../log';
import { MAX_STORED_SKIPPED_ROWS, type ImportDoc, type SegmentDoc } from '../model/documents';
import { isAccountDeletedError, type Repository, type StoredSegment } from '../repository/types';
import type { FileStorage } from '../storage/types';
import { EVENT_CLOCK_MARGIN_MS, recomputeUser, safeTimeZone } from './recompute';

/** Custom metadata key of an upload stating the order of its dates (`DMY`, `MDY` or `YMD`; see core/import/dateOrder.ts). */
export const DATE_ORDER_METADATA_KEY = 'dateOrder';
const isDateOrder = (v: string): v is DateOrder => v === 'DMY' || v === 'MDY' || v === 'YMD';

/** Custom metadata key/value the backend sets on objects it writes itself; such objects are never imported. */
export const BACKEND_MARKER_KEY = 'tttWrittenBy';
export const BACKEND_MARKER_VALUE = 'backend';

/** Object names the trigger imports: `users/{uid}/imports/{importId}.{ext}`. */
const IMPORT_PATH = /^users\/([^/]{1,128})\/imports\/([A-Za-z0-9_-]{1,128})\.([A-Za-z0-9]{1,8})$/;
export const ACCEPTED_EXTENSIONS = ['csv', 'txt'] as const;

/**
 * Content types accepted for an upload. Spreadsheet exports arrive as `text/csv`, `text/plain`,
 * `application/vnd.ms-excel` (Windows' CSV type) or `application/octet-stream` (no type known); the content is
 * then checked by the importer, which rejects binary data.
 */
export function acceptedContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  return t.startsWith('text/') || t === 'application/csv' || t === 'application/vnd.ms-excel' || t === 'application/octet-stream';
}

export interface ImportPath {
  uid: string;
  importId: string;
  extension: string;
}

/** Parses an object name; null when it is not `users/{uid}/imports/{importId}.{ext}` (not an import upload). */
export function parseImportPath(objectName: string): ImportPath | null {
  const m = IMPORT_PATH.exec(objectName);
  if (!m) return null;
  return { uid: m[1]!, importId: m[2]!, extension: m[3]!.toLowerCase() };
}

/** Limits of one import (from the params, see config.ts). */
export interface ImportLimits {
  importMaxBytes: number;
  importMaxRows: number;
  layoverHours: number;
}

export interface ImportDeps {
  repo: Repository;
  storage: FileStorage;
  clock: () => Date;
  limits: ImportLimits;
  /** Minimum time between two progress updates of the import document (ms). Default 2 000. */
  progressIntervalMs?: number;
  /** Waits `ms` milliseconds (injectable so that tests and benchmarks advance a simulated clock instead). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The uploaded object, from the Storage CloudEvent. */
export interface UploadedObject {
  name: string;
  bucket: string;
  contentType?: string;
  /** Bytes. */
  size: number;
  /** Object creation time of this generation (`timeCreated`). */
  timeCreated?: Date;
  metadata?: Record<string, string>;
  eventId: string;
}

export type ImportOutcome =
  | { action: 'ignored'; reason: string }
  | { action: 'done'; status: ImportDoc['status']; importId: string; uid: string };

/**
 * Deterministic id of an imported segment: `imp-` + 24 hex characters of SHA-256 over the local departure date
 * and time, the airports (or countries when no airport is known), the arrival date and the flight number. The
 * same flight in two uploads (or two formats) gets the same id.
 */
export function segmentIdFor(s: ImportedSegment | SegmentDoc): string {
  const parts = [
    s.departureDate,
    s.departureTime ?? '',
    s.departureAirport ?? s.departureCountry,
    s.arrivalAirport ?? s.arrivalCountry,
    s.arrivalDate,
    (s.flightNumber ?? '').replace(/\s+/g, '').toUpperCase(),
  ];
  return `imp-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;
}

/** Looser key: a stored segment (e.g. entered by hand) on the same dates between the same countries is the same trip. */
function tripKey(s: { departureDate: string; arrivalDate: string; departureCountry: string; arrivalCountry: string }): string {
  return `${s.departureDate}|${s.departureCountry}|${s.arrivalCountry}|${s.arrivalDate}`;
}

/** Free text from a file must not start like a spreadsheet formula when the app or an export shows it again. */
function neutralise(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  let t = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
  if (/^[=+\-@\t\r]/.test(t)) t = `'${t}`;
  // Cut last, on a grapheme boundary, so the prefix cannot push it over the limit the rules enforce.
  return truncateText(t, max);
}

function toSegmentDoc(s: ImportedSegment, importId: string, now: Date): SegmentDoc {
  const { row: _row, planned: _planned, ...core } = s;
  const doc: SegmentDoc = { ...core, source: importId, createdAt: now, updatedAt: now };
  // A flight number is short code, never a formula; free text from a file is neutralised.
  if (doc.flightNumber !== undefined && !/^[A-Z0-9]{1,3} ?[0-9]{1,5}[A-Z]?$/i.test(doc.flightNumber)) delete doc.flightNumber;
  for (const field of ['notes', 'purpose', 'entryPoint'] as const) {
    const text = doc[field];
    if (text !== undefined) doc[field] = neutralise(text, SEGMENT_LIMITS[field]);
  }
  return doc;
}

/** A byte count for the user, in MiB with one decimal and exact: one byte over the limit still reads as over it. */
function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB (${bytes} bytes)`;
}

/**
 * An unexpected (non-file) error is retried (Cloud Functions `retry: true`) until the upload is this old; then the
 * import ends in `failed`, so that a poison event does not run for the whole 24 h retry window of 2nd-gen functions.
 */
export const MAX_RETRY_AGE_MS = 60 * 60_000;

/**
 * Pulls the first chunk of a file; null when it does not exist. Returns a stream that yields that chunk and then
 * the rest (the object is read once).
 */
async function peekFile(source: AsyncIterable<Buffer>): Promise<AsyncIterable<Buffer> | null> {
  const it = source[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    if (e instanceof Error && e.name === 'FileNotFoundError') return null;
    throw e;
  }
  return (async function* () {
    if (!first.done) yield first.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
}

const EMPTY_COUNTS: ImportDoc['counts'] = { rows: 0, flights: 0, imported: 0, duplicates: 0, skipped: 0 };

/**
 * Runs one import end to end. Never throws for a bad file (it ends in `failed` with one clear reason); throws
 * only for infrastructure errors (repository/storage unavailable), so that Cloud Functions retries the event.
 */
export async function runImport(deps: ImportDeps, object: UploadedObject): Promise<ImportOutcome> {
  const eventId = object.eventId;
  if (object.metadata?.[BACKEND_MARKER_KEY] === BACKEND_MARKER_VALUE) {
    logEvent('INFO', 'import.rejected', { eventId, reason: 'object written by the backend' });
    return { action: 'ignored', reason: 'written by the backend' };
  }
  const p = parseImportPath(object.name);
  if (!p) {
    logEvent('INFO', 'import.rejected', { eventId, reason: 'not an import path' });
    return { action: 'ignored', reason: 'not an import path' };
  }
  try {
    return await importUpload(deps, object, p);
  } catch (e) {
    // The account was deleted while the import ran: its deletion marker made a write fail (in the write's own
    // transaction, so nothing was written after the deletion began). Not an error to retry: the account is gone.
    if (!isAccountDeletedError(e)) throw e;
    logEvent('WARNING', 'import.rejected', { uid: p.uid, importId: p.importId, eventId, reason: 'account deleted during the import' });
    return { action: 'ignored', reason: 'account deleted' };
  }
}

/** `runImport` once the object is known to be an import upload (throws AccountDeletedError, see there). */
async function importUpload(deps: ImportDeps, object: UploadedObject, p: ImportPath): Promise<ImportOutcome> {
  const { repo, storage, clock, limits } = deps;
  const eventId = object.eventId;
  const { uid, importId } = p;

  const existingDoc = await repo.getImport(uid, importId);
  // The rules allow `{importId}.csv` and `{importId}.txt` side by side; both would report to the same document.
  // The first file owns it: a second one must not reset a finished (or running) import's status and counts.
  if (existingDoc && existingDoc.storagePath && existingDoc.storagePath !== object.name) {
    logEvent('WARNING', 'import.rejected', { uid, importId, eventId, reason: 'another file already uses this import id' });
    return { action: 'ignored', reason: 'import id used by another file' };
  }
  const final = existingDoc && (existingDoc.status === 'succeeded' || existingDoc.status === 'partial' || existingDoc.status === 'failed');
  if (final && (!object.timeCreated || existingDoc.updatedAt.getTime() >= object.timeCreated.getTime())) {
    logEvent('INFO', 'import.rejected', { uid, importId, eventId, reason: 'already processed (redelivered event)' });
    // The event may be redelivered because the first run stopped between marking the import done and its closing
    // recompute (see the end of this function); that recompute runs here, and writes nothing when it did run.
    if (existingDoc.counts.imported > 0) await recomputeUser(repo, uid, { now: clock(), eventId, checkOnly: true });
    return { action: 'ignored', reason: 'already processed' };
  }

  const startedAt = clock();
  const base: ImportDoc = {
    status: 'queued',
    fileName: object.name.split('/').pop() ?? object.name,
    storagePath: object.name,
    format: null,
    rowsDone: 0,
    rowsTotal: null,
    counts: { ...EMPTY_COUNTS },
    skipped: [],
    error: null,
    createdAt: existingDoc?.createdAt ?? startedAt,
    updatedAt: startedAt,
  };
  const deletedDuringImport = (): ImportOutcome => {
    logEvent('WARNING', 'import.rejected', { uid, importId, eventId, reason: 'account deleted during the import' });
    return { action: 'ignored', reason: 'account deleted' };
  };
  /** True when the account was deleted (its deletion marker exists). */
  const accountDeleted = async (): Promise<boolean> => (await repo.getAccountDeletedAt(uid)) !== null;
  const fail = async (reason: string, extra: Partial<ImportDoc> = {}): Promise<ImportOutcome> => {
    await repo.putImport(uid, importId, { ...base, ...extra, status: 'failed', error: reason, updatedAt: clock() });
    logEvent('WARNING', 'import.failed', { uid, importId, eventId, reason });
    return { action: 'done', status: 'failed', uid, importId };
  };

  // Read before the first write: an event delivered after deleteAccount (upload, then an immediate account
  // deletion, which deletes the file too) finds neither profile nor file and must write nothing under the user.
  const profile = await repo.getProfile(uid);
  let source: AsyncIterable<Buffer> = storage.read(object.name);
  if (!profile) {
    const peeked = await peekFile(source);
    if (peeked === null) {
      logEvent('INFO', 'import.rejected', { uid, importId, eventId, reason: 'no profile and the file is gone (account deleted)' });
      return { action: 'ignored', reason: 'account deleted' };
    }
    source = peeked;
  }

  // `queued` first: the app sees at once that the upload was received, even if the guards below reject it.
  await repo.putImport(uid, importId, base);

  // Guards that need no file read.
  if (!(ACCEPTED_EXTENSIONS as readonly string[]).includes(p.extension)) {
    return fail(`files ending in .${p.extension} are not accepted; upload the .csv or .txt export of your flight history`);
  }
  if (!acceptedContentType(object.contentType)) {
    return fail(`the file's content type ${object.contentType} is not a text or CSV file; upload the .csv or .txt export`);
  }
  if (object.size > limits.importMaxBytes) {
    return fail(`the file is ${mib(object.size)}, larger than the ${mib(limits.importMaxBytes)} limit`);
  }
  if (object.size === 0) return fail('the file is empty');

  await repo.putImport(uid, importId, { ...base, status: 'processing' });
  logEvent('INFO', 'import.started', { uid, importId, eventId, bytes: object.size });

  // Progress: at most one document write per interval, never one per row.
  const interval = deps.progressIntervalMs ?? 2_000;
  let lastProgressAt = startedAt.getTime();
  let progressWrite: Promise<void> = Promise.resolve();
  const onProgress = (rowsDone: number): void => {
    const t = clock().getTime();
    if (t - lastProgressAt < interval) return;
    lastProgressAt = t;
    progressWrite = progressWrite.then(() => repo.putImport(uid, importId, { rowsDone, updatedAt: new Date(t) }));
    // Awaited below; marked handled now so that a refused write (account deleted) is not an unhandled rejection.
    progressWrite.catch(() => undefined);
  };

  const importDate = todayIn(safeTimeZone(profile?.timeZone), startedAt);
  // A file whose dates are all ambiguous (3/4/2024) is imported only with the order the traveller states: the app
  // uploads it again with the custom metadata `dateOrder` (DMY, MDY or YMD). Never guessed per row.
  const rawOrder = object.metadata?.[DATE_ORDER_METADATA_KEY];
  const dateOrder = rawOrder?.trim().toUpperCase();
  if (dateOrder !== undefined && !isDateOrder(dateOrder)) {
    return fail(`the upload's custom metadata ${DATE_ORDER_METADATA_KEY} '${truncateText(rawOrder!, 20)}' must be DMY (day first), MDY (month first) or YMD`);
  }
  // Stored segments go to the pipeline, which skips rows repeating one of them (key: local date, airports and the
  // departure time when both have one) and reports them as duplicates. Segments written by an earlier attempt of
  // this same import (a retried event) are left out: they are this file's own flights, counted as imported below.
  const stored = await repo.listSegments(uid);
  const existing = stored.filter((s) => s.data.source !== importId).map((s) => s.data);
  let result: ImportResult;
  try {
    const pipeline = await import('../core/import');
    const options: PipelineOptions = { importDate, layoverHours: limits.layoverHours, maxRows: limits.importMaxRows, onProgress, existing, dateOrder };
    result = await pipeline.importFlights(source, options);
  } catch (e) {
    await progressWrite.catch(() => undefined);
    if (e instanceof ImportFileError) return fail(e.message);
    if (e instanceof Error && e.name === 'FileNotFoundError') {
      if (await accountDeleted()) return deletedDuringImport();
      return fail('the uploaded file was deleted before it could be read');
    }
    // A poison event (a bug that fails on this file every time) must not be retried for the 24 h of the retry
    // window: once the upload is older than MAX_RETRY_AGE_MS, give up with a final status.
    if (object.timeCreated && clock().getTime() - object.timeCreated.getTime() > MAX_RETRY_AGE_MS) {
      logEvent('ERROR', 'handler.error', { uid, importId, eventId, reason: errorReason(e), step: 'import (giving up)' });
      return fail('the file could not be imported because of an internal error; please try again later or contact support');
    }
    // Anything else is a bug or an outage: note it but stay `processing` (a final status would make the retry
    // look like a redelivery and be ignored), and rethrow so that Cloud Functions retries the event.
    await repo.putImport(uid, importId, { error: `retrying after an unexpected error (${errorReason(e)})`, updatedAt: clock() });
    logEvent('ERROR', 'handler.error', { uid, importId, eventId, reason: errorReason(e) });
    throw e;
  }
  await progressWrite;

  if (result.rows > limits.importMaxRows) {
    return fail(`the file has ${result.rows} rows, more than the ${limits.importMaxRows} accepted in one upload`, {
      format: result.format,
    });
  }

  // Further duplicates among the flights: the same id (this flight was imported before), or a trip typed by hand
  // on the same dates between the same countries (hand-typed segments often have no airports to compare).
  const storedIds = new Map(stored.map((s) => [s.id, s.data.source]));
  // A multiset: each hand-typed trip stands for one flight, so it absorbs at most one imported flight. (Two
  // flights on the same day between the same countries, e.g. FR->DE, DE->FR, FR->DE, are all real.)
  const storedTrips = new Map<string, number>();
  for (const s of stored) {
    if (s.id.startsWith('imp-')) continue;
    const k = tripKey(s.data);
    storedTrips.set(k, (storedTrips.get(k) ?? 0) + 1);
  }
  const now = clock();
  const toCreate: StoredSegment[] = [];
  const seen = new Set<string>();
  let imported = 0;
  let duplicates = 0;
  for (const s of result.segments) {
    const id = segmentIdFor(s);
    if (seen.has(id)) {
      duplicates += 1; // the same flight twice in the file
      continue;
    }
    seen.add(id);
    const storedSource = storedIds.get(id);
    if (storedSource !== undefined) {
      // Created by an earlier attempt of this same import (a retried event): it still counts as imported.
      if (storedSource === importId) imported += 1;
      else duplicates += 1;
      continue;
    }
    const trip = tripKey(s);
    const left = storedTrips.get(trip) ?? 0;
    if (left > 0) {
      storedTrips.set(trip, left - 1);
      duplicates += 1;
      continue;
    }
    toCreate.push({ id, data: toSegmentDoc(s, importId, now) });
  }
  // An account deleted meanwhile does not get its segments back: each chunk's transaction reads the deletion
  // marker and throws AccountDeletedError (handled in runImport) once it exists.
  const created = toCreate.length > 0 ? await repo.createSegmentsIfAbsent(uid, toCreate) : 0;
  imported += created;
  duplicates += toCreate.length - created;

  // One recompute for the whole file. Its clock is read EVENT_CLOCK_MARGIN_MS after the last segment commit, so
  // that every segment event arriving after the import is over finds a status computed after its write and is
  // skipped (services/recompute.ts); events arriving before find the import still `processing` and are skipped.
  // `imported` rather than `created`: a retried event whose first attempt wrote the segments but crashed before
  // its recompute must still recompute.
  if (imported > 0) {
    await (deps.sleep ?? realSleep)(EVENT_CLOCK_MARGIN_MS);
    await recomputeUser(repo, uid, { now: clock(), eventId });
  }

  // The pipeline's reasons start with "row N: "; the document has `row` beside `reason`, so it is not repeated.
  const reasonOf = (r: { row: number; reason: string }, max: number): string => neutralise(r.reason.replace(/^row \d+: /, ''), max);
  // A repeated row (of the file, or of a stored segment) is a duplicate, not an error: it does not make the import
  // `partial`, and a re-upload of a file already imported `succeeds` with everything counted as a duplicate.
  // Invariant: rows == imported + duplicates + skipped.
  const skipped = result.skipped
    .slice(0, MAX_STORED_SKIPPED_ROWS)
    .map((r) => (r.duplicate ? { row: r.row, reason: reasonOf(r, 300), duplicate: true as const } : { row: r.row, reason: reasonOf(r, 300) }));
  const errors = result.skipped.filter((r) => !r.duplicate);
  duplicates += result.skipped.length - errors.length;
  const counts = { rows: result.rows, flights: result.flights, imported, duplicates, skipped: errors.length };
  let status: ImportDoc['status'];
  let error: string | null = null;
  if (result.flights === 0 && errors.length > 0) {
    status = 'failed';
    const first = errors[0]!;
    error = `none of the ${result.rows} rows could be read as a flight; first problem: row ${first.row}: ${reasonOf(first, 200)}`;
  } else if (result.rows === 0) {
    status = 'failed';
    error = 'the file has no data rows (only a header, comments or blank lines)';
  } else {
    status = errors.length > 0 ? 'partial' : 'succeeded';
  }
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
  // The closing recompute, after the import is marked done. A segment event skipped because this import was still
  // `processing` (the app edited or deleted an imported segment meanwhile) may have come after the recompute above
  // read the segments; such an event read the import document before the final write above, so this recompute,
  // which reads the segments after that write, sees its edit. Events arriving from now on are not skipped as
  // `import-in-progress`. So the stored status ends equal to what the stored segments give. Without such an edit
  // it finds the status current and writes nothing (N segment reads and R status reads).
  if (imported > 0) await recomputeUser(repo, uid, { now: clock(), eventId, checkOnly: true });
  logEvent(status === 'failed' ? 'WARNING' : 'INFO', 'import.finished', {
    uid,
    importId,
    eventId,
    status,
    format: result.format,
    ...counts,
    warnings: result.warnings.length,
  });
  return { action: 'done', status, uid, importId };
}
