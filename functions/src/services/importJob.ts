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
 * The timeline: each chunk of segments is created in one transaction with its timeline records (and the last one
 * with the evaluation), so the segment events of an import are skipped without a read, and an edit or delete the
 * app makes while the import runs is applied by its own event, ordered by version against the import's records:
 * nothing the app did meanwhile is lost and no closing recompute is needed (README.md, Import job).
 * Cost: R segment writes, ceil(R / 450) transactions of 2 reads and 1 timeline write, and a constant number of
 * other reads and writes (import document, profile, the per-day cap on the head, one evaluation).
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
import { errorReason, log } from '../log';
import { MAX_STORED_SKIPPED_ROWS, type ImportDoc, type SegmentDoc } from '../model/documents';
import { SegmentExistsError, isAccountDeletedError, type Repository, type StoredSegment } from '../repository/types';
import type { FileStorage } from '../storage/types';
import { micros } from '../timeline/timeline';
import { EVENT_CLOCK_MARGIN_MS, decodeTimeline, evaluateTimeline, planCommit, recomputeUser, repairTimeline, safeTimeZone } from './recompute';

/**
 * Segments created per transaction: with the timeline documents, the statuses, the summary and the profile it stays
 * under Firestore's 500 writes per transaction.
 */
export const IMPORT_CHUNK = 450;

/**
 * The import's first write, in one transaction with the deletion marker and the timeline: the import document
 * (`queued`), and the import counted against the per-day cap on the head (by id, so a retried event counts once).
 * Over the cap, the import document says why instead (`failed`) and nothing else is written. Returns the live
 * segments the timeline holds, for the duplicate check. Builds the timeline first when there is none.
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
  type Started = { kind: 'repair' } | { kind: 'ok'; capped: boolean; stored: StoredSegment[] };
  for (let attempt = 0; attempt < 2; attempt++) {
    const r = await repo.updateTimeline<Started>(uid, ({ timeline }) => {
      const tl = decodeTimeline(uid, timeline);
      if (!tl) return { commit: null, result: { kind: 'repair' } };
      const date = todayIn(safeTimeZone(tl.meta.profile?.timeZone), startedAt);
      const ids = tl.meta.imports.date === date ? [...tl.meta.imports.ids] : [];
      if (!ids.includes(importId)) {
        if (ids.length >= limits.importsPerDay) {
          const error = `you have already imported ${ids.length} files today, the most allowed in one day; upload this file again tomorrow`;
          return { commit: { timeline: new Map(), importDoc: { id: importId, patch: { ...base, status: 'failed', error } } }, result: { kind: 'ok', capped: true, stored: [] } };
        }
        ids.push(importId);
      }
      tl.meta.imports = { date, ids };
      return { commit: { timeline: tl.encode(startedAt), importDoc: { id: importId, patch: base } }, result: { kind: 'ok', capped: false, stored: tl.liveSegments() } };
    });
    if (r.kind === 'ok') return r;
    await repairTimeline(repo, uid, startedAt, { maxSegments: limits.maxSegmentsPerUser, eventId });
  }
  throw new Error(`startImport: the timeline of ${uid} could not be built`);
}

interface WrittenSegments {
  /** Segments this run created. */
  created: number;
  /** Already stored from an earlier attempt of this import (a retried event): imported. */
  ownExisting: number;
  /** Already stored otherwise (written meanwhile): duplicates. */
  otherExisting: number;
  /** Not created because the user's segments reached the cap. */
  capped: { id: string; row: number }[];
  /** Whether the last transaction evaluated, whether that wrote a status or the summary, and the live segments. */
  evaluated: boolean;
  changed: boolean;
  segments: number;
}

/**
 * Creates the import's segments and their timeline records in the same transactions (IMPORT_CHUNK per transaction,
 * each reading the deletion marker and the timeline), so the timeline always holds every imported segment and the
 * create events can be skipped without a read. The last transaction also evaluates and writes what changed.
 *
 * A record's version must order it before any later write of that segment and after any earlier one (a deleted
 * segment of the same id): it is the import's clock minus EVENT_CLOCK_MARGIN_MS (before this commit's time, which
 * every later write of the segment follows), and at least one more than the id's tombstone or the floor.
 * A segment that exists but is not in the timeline yet (written meanwhile, its event not handled) makes the
 * transaction fail (create() precondition); the chunk is then redone reading its segments, which are left alone.
 */
async function writeImportedSegments(
  repo: Repository,
  uid: string,
  importId: string,
  toCreate: readonly (StoredSegment & { row: number })[],
  clock: () => Date,
  maxSegments: number,
  eventId: string,
): Promise<WrittenSegments> {
  const out: WrittenSegments = { created: 0, ownExisting: 0, otherExisting: 0, capped: [], evaluated: false, changed: false, segments: 0 };
  type Chunk =
    | { kind: 'repair' }
    | { kind: 'ok'; created: number; own: number; other: number; capped: { id: string; row: number }[]; changed: boolean; segments: number };
  for (let i = 0; i < toCreate.length; i += IMPORT_CHUNK) {
    const chunk = toCreate.slice(i, i + IMPORT_CHUNK);
    const last = i + IMPORT_CHUNK >= toCreate.length;
    let readSegments: string[] | undefined;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 3) throw new Error(`writeImportedSegments: chunk ${i / IMPORT_CHUNK} of ${uid} could not be written`);
      let r: Chunk;
      try {
        r = await repo.updateTimeline<Chunk>(
          uid,
          ({ timeline, segments }) => {
            const tl = decodeTimeline(uid, timeline);
            if (!tl) return { commit: null, result: { kind: 'repair' } };
            const now = clock();
            const earliest = micros(now) - EVENT_CLOCK_MARGIN_MS * 1000;
            const creates: StoredSegment[] = [];
            const res = { kind: 'ok' as const, created: 0, own: 0, other: 0, capped: [] as { id: string; row: number }[], changed: false, segments: 0 };
            for (const s of chunk) {
              const cur = tl.get(s.id);
              const storedSource = cur?.kind === 'live' ? cur.source : segments?.get(s.id)?.data.source;
              if (cur?.kind === 'live' || cur?.kind === 'refused' || segments?.has(s.id)) {
                if (storedSource === importId) res.own += 1;
                else res.other += 1;
                continue;
              }
              if (tl.liveCount >= maxSegments) {
                res.capped.push({ id: s.id, row: s.row });
                continue;
              }
              const version = Math.max(earliest, (cur?.version ?? tl.meta.floor) + 1);
              tl.apply(s.id, version, s.data);
              creates.push({ id: s.id, data: s.data });
            }
            res.created = creates.length;
            if (!last) return { commit: { timeline: tl.encode(now), createSegments: creates }, result: res };
            tl.dropOldTombstones(now);
            const commit = planCommit(tl, evaluateTimeline(tl, now, maxSegments), now);
            res.changed = Boolean(commit.statuses?.length || commit.countryDays);
            res.segments = tl.liveCount;
            return { commit: { ...commit, createSegments: creates }, result: res };
          },
          readSegments ? { readSegments } : {},
        );
      } catch (e) {
        if (!(e instanceof SegmentExistsError)) throw e;
        readSegments = chunk.map((s) => s.id);
        continue;
      }
      if (r.kind === 'repair') {
        await repairTimeline(repo, uid, clock(), { maxSegments, eventId });
        continue;
      }
      out.created += r.created;
      out.ownExisting += r.own;
      out.otherExisting += r.other;
      out.capped.push(...r.capped);
      if (last) Object.assign(out, { evaluated: true, changed: r.changed, segments: r.segments });
      break;
    }
  }
  return out;
}

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
  /** Per-user cap on stored segments: rows beyond it are not imported (reported as skipped). */
  maxSegmentsPerUser: number;
  /** Per-user cap on imports started per local day: a further upload that day fails. */
  importsPerDay: number;
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
    log.importRejected({ eventId, reason: 'object written by the backend' });
    return { action: 'ignored', reason: 'written by the backend' };
  }
  const p = parseImportPath(object.name);
  if (!p) {
    log.importRejected({ eventId, reason: 'not an import path' });
    return { action: 'ignored', reason: 'not an import path' };
  }
  try {
    return await importUpload(deps, object, p);
  } catch (e) {
    // The account was deleted while the import ran: its deletion marker made a write fail (in the write's own
    // transaction, so nothing was written after the deletion began). Not an error to retry: the account is gone.
    if (!isAccountDeletedError(e)) throw e;
    log.importRejected({ uid: p.uid, importId: p.importId, eventId, reason: 'account deleted during the import' });
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
    log.importRejected({ uid, importId, eventId, reason: 'another file already uses this import id' });
    return { action: 'ignored', reason: 'import id used by another file' };
  }
  const final = existingDoc && (existingDoc.status === 'succeeded' || existingDoc.status === 'partial' || existingDoc.status === 'failed');
  if (final && (!object.timeCreated || existingDoc.updatedAt.getTime() >= object.timeCreated.getTime())) {
    log.importRejected({ uid, importId, eventId, reason: 'already processed (redelivered event)' });
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
    log.importRejected({ uid, importId, eventId, reason: 'account deleted during the import' });
    return { action: 'ignored', reason: 'account deleted' };
  };
  /** True when the account was deleted (its deletion marker exists). */
  const accountDeleted = async (): Promise<boolean> => (await repo.getAccountDeletedAt(uid)) !== null;
  const fail = async (reason: string, extra: Partial<ImportDoc> = {}): Promise<ImportOutcome> => {
    await repo.putImport(uid, importId, { ...base, ...extra, status: 'failed', error: reason, updatedAt: clock() });
    log.importFailed({ uid, importId, eventId, reason });
    return { action: 'done', status: 'failed', uid, importId };
  };

  // Read before the first write: an event delivered after deleteAccount (upload, then an immediate account
  // deletion, which deletes the file too) finds neither profile nor file and must write nothing under the user.
  const profile = await repo.getProfile(uid);
  let source: AsyncIterable<Buffer> = storage.read(object.name);
  if (!profile) {
    const peeked = await peekFile(source);
    if (peeked === null) {
      log.importRejected({ uid, importId, eventId, reason: 'no profile and the file is gone (account deleted)' });
      return { action: 'ignored', reason: 'account deleted' };
    }
    source = peeked;
  }

  // `queued` first: the app sees at once that the upload was received, even if the guards below reject it. The same
  // transaction counts the import against the per-day cap and reads the timeline for the duplicate check below.
  const start = await startImport(repo, uid, importId, base, startedAt, limits, eventId);
  if (start.capped) {
    log.importCapped({ uid, importId, eventId, cap: 'imports per day', limit: limits.importsPerDay });
    return { action: 'done', status: 'failed', uid, importId };
  }

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
  log.importStarted({ uid, importId, eventId, bytes: object.size });

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
  // departure time when both have one) and reports them as duplicates. They come from the timeline read when the
  // import started (its records keep dates, times, airports and countries): no segment is read. Segments written by
  // an earlier attempt of this same import (a retried event) are left out: they are this file's own flights, counted
  // as imported below.
  const stored = start.stored;
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
      log.handlerError({ uid, importId, eventId, error: e, step: 'import (giving up)' });
      return fail('the file could not be imported because of an internal error; please try again later or contact support');
    }
    // Anything else is a bug or an outage: note it but stay `processing` (a final status would make the retry
    // look like a redelivery and be ignored), and rethrow so that Cloud Functions retries the event.
    await repo.putImport(uid, importId, { error: `retrying after an unexpected error (${errorReason(e)})`, updatedAt: clock() });
    log.handlerError({ uid, importId, eventId, error: e });
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
  const toCreate: (StoredSegment & { row: number })[] = [];
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
    toCreate.push({ id, data: toSegmentDoc(s, importId, now), row: s.row });
  }
  // Segments and their timeline records are written together, one transaction per chunk (each reads the deletion
  // marker and the timeline); the last chunk also evaluates and writes the status. An account deleted meanwhile does
  // not get its segments back: the transaction throws AccountDeletedError (handled in runImport). A create beyond
  // the per-user segment cap is not made; its row is reported as skipped.
  const written = await writeImportedSegments(repo, uid, importId, toCreate, clock, limits.maxSegmentsPerUser, eventId);
  if (written.evaluated) log.recomputeDone({ uid, importId, eventId, changed: written.changed, segments: written.segments });
  imported += written.created + written.ownExisting;
  duplicates += written.otherExisting;
  const cappedRows = written.capped.map((s) => ({
    row: s.row,
    reason: `not imported: your travel history has reached the limit of ${limits.maxSegmentsPerUser} segments; delete segments you no longer need and upload the file again`,
  }));
  if (cappedRows.length > 0) log.importCapped({ uid, importId, eventId, cap: 'segments', limit: limits.maxSegmentsPerUser, rows: cappedRows.length });
  // A retried event whose first attempt wrote every segment (and, with the last chunk, the status) has nothing left
  // to create; the recompute then finds the status current and writes at most the head.
  if (written.created === 0 && imported > 0) await recomputeUser(repo, uid, { now: clock(), eventId, maxSegments: limits.maxSegmentsPerUser });

  // The pipeline's reasons start with "row N: "; the document has `row` beside `reason`, so it is not repeated.
  const reasonOf = (r: { row: number; reason: string }, max: number): string => neutralise(r.reason.replace(/^row \d+: /, ''), max);
  // A repeated row (of the file, or of a stored segment) is a duplicate, not an error: it does not make the import
  // `partial`, and a re-upload of a file already imported `succeeds` with everything counted as a duplicate.
  // Invariant: rows == imported + duplicates + skipped.
  const allSkipped = cappedRows.length > 0 ? [...result.skipped, ...cappedRows].sort((x, y) => x.row - y.row) : result.skipped;
  const skipped = allSkipped
    .slice(0, MAX_STORED_SKIPPED_ROWS)
    .map((r) => ('duplicate' in r && r.duplicate ? { row: r.row, reason: reasonOf(r, 300), duplicate: true as const } : { row: r.row, reason: reasonOf(r, 300) }));
  const errors = allSkipped.filter((r) => !('duplicate' in r && r.duplicate));
  duplicates += allSkipped.length - errors.length;
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
  log.importFinished({
    uid,
    importId,
    eventId,
    status,
    format: result.format,
    counts,
    warnings: result.warnings.length,
  });
  return { action: 'done', status, uid, importId };
}
