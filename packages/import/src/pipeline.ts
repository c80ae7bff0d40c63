/**
 * The import pipeline: a stream of bytes (a flight-history export) in, validated segments out.
 *
 * bytes -> text (streaming decoder; UTF-8, UTF-16 or Windows-1252, detected: encoding.ts) -> format detection on
 * the first lines -> numbered lines -> records (csv-parse's streaming parser with stray-quote recovery:
 * csvRecords.ts; or the line readers of App in the Air `data.txt` and whitespace logs) -> rows read with the
 * file's day/month order (rows wait while it is unknown: dateOrder.ts) -> per-row resolution (airports or
 * countries, local dates through time zones, cancellations, duplicates, zod) -> a pass over the kept segments
 * for layovers and planned trips. Memory holds the output and one small entry per kept segment, never the file
 * (plus, in a file whose first dates are ambiguous, the rows up to the first date that shows the order).
 *
 * Every data row ends either as a segment or in `skipped` with its 1-based line number and a reason
 * (`flights + skipped.length === rows`). A file that cannot be read at all raises one `ImportFileError`.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { InvalidDateError, isIsoDate, toDayNumber } from '@travel-time-tracker/core/dates';
import { IsoDateSchema, LocalTimeSchema, SEGMENT_LIMITS, SegmentSchema, type Segment } from '@travel-time-tracker/core/segment';
import { localToUtc, todayIn, utcToLocal } from '@travel-time-tracker/core/timeZones';
import { describeZodError, parseOrThrow } from '@travel-time-tracker/core/validation';
import { distanceKm, loadAirports, lookupAirport, type AirportInfo, type EuroAirportSide } from './airports';
import { csvRecords, isBlankLine } from './csvRecords';
import { DateOrderResolver, PendingDateOrder, type DateOrder } from './dateOrder';
import { decodeText, type DetectedEncoding } from './encoding';
import { appInTheAirReader, detect, whitespaceLogReader, type DateReader, type Detection } from './formats';
import { arrivalFromLocalTimes } from './time';
import { ImportFileError, type FlightRecord, type ImportResult, type ImportedSegment, type ParsedRow, type SkippedRow } from './types';
import { capMessage, quote } from './text';
import { FieldError, parseFlightNumber, parseNote } from './values';

/** Options of an import. All optional. */
export interface ImportOptions {
  /**
   * Local date `YYYY-MM-DD` the import is made on (default: today in UTC). Flights departing after it are kept
   * with `planned: true` (future trips from the export).
   */
  importDate?: string;
  /**
   * Longest connection, in hours, at the same airport between two international flights that counts as an
   * airside transit (default 24): the inbound segment gets `transit: true`. Measured between UTC instants when
   * both times are known. A connection with a domestic flight on either side is never a transit.
   */
  layoverHours?: number;
  /** Country given to EuroAirport Basel-Mulhouse-Freiburg (BSL/MLH/EAP); default `'FR'`, see `EuroAirportSide`. */
  euroAirportSide?: EuroAirportSide;
  /** Segments already stored for the traveller: rows matching one of them are skipped as duplicates. */
  existing?: readonly Segment[];
  /** Largest number of data rows accepted; more fails the whole import with an `ImportFileError`. */
  maxRows?: number;
  /** Called with the number of data rows read so far, every `PROGRESS_EVERY` rows and once at the end. */
  onProgress?: (rowsDone: number) => void;
  /**
   * Order of dates written with the year last (`3/4/2024`), for a file whose values do not show it: `DMY` day
   * first, `MDY` month first (`YMD` states that every date is year-first). The file's own values decide when they
   * can (a day above 12); an option they contradict is an error naming the row. See dateOrder.ts.
   */
  dateOrder?: DateOrder;
}

/** Rows between two `onProgress` calls. */
export const PROGRESS_EVERY = 1000;
/** Flights at least this long (great-circle km) may land on another local date; flagged when dates are assumed. */
export const LONG_HAUL_KM = 3000;
/** Above this average speed (km/h, great circle) departure and arrival cannot both be right: warn. */
export const MAX_PLAUSIBLE_KMH = 1200;
/** Longest line (characters) accepted; a longer one means the file is not a flight export. */
export const MAX_LINE_LENGTH = 100_000;
/** Per-row warnings kept in a result; the rest are counted in one closing warning. */
export const MAX_ROW_WARNINGS = 200;

const OptionsSchema = z.strictObject({
  importDate: z.string().refine(isIsoDate, { message: 'must be a real calendar date written YYYY-MM-DD' }).optional(),
  layoverHours: z.number().positive().max(72).optional(),
  euroAirportSide: z.enum(['FR', 'CH']).optional(),
  existing: z.array(z.any()).optional(),
  maxRows: z.number().int().positive().optional(),
  onProgress: z.custom<(rowsDone: number) => void>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
  dateOrder: z.enum(['DMY', 'MDY', 'YMD']).optional(),
});

/** The fields of an already stored segment the duplicate check reads (documents may carry more, e.g. `id`). */
const ExistingSchema = z.looseObject({
  departureDate: IsoDateSchema,
  departureTime: LocalTimeSchema.optional(),
  departureAirport: z.string().optional(),
  arrivalAirport: z.string().optional(),
  departureCountry: z.string().optional(),
  arrivalCountry: z.string().optional(),
  mode: z.string().optional(),
});
type ExistingSegment = z.infer<typeof ExistingSchema>;

/** Source of an import: any async iterable of chunks (a Node readable stream, a Storage download stream, ...). */
export type ImportSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

/**
 * Imports one flight-history export.
 *
 * @param source the file's bytes as a stream: UTF-8, UTF-16 or Windows-1252, detected (see encoding.ts; the result
 *   names it). Read once, never whole into memory.
 * @param options see `ImportOptions`.
 * @returns the segments (in file order) and the skipped rows; `format` is the detected format.
 * @throws ImportFileError when the file is empty, binary, of no supported format, has no data rows, exceeds
 *   `maxRows`, mixes text encodings, writes dates in two day/month orders (or in an order `dateOrder`
 *   contradicts), or is not well-formed CSV (a quote that never closes before lines that are not rows);
 *   `DateOrderNeededError` (a subclass) when every date is ambiguous and `dateOrder` is absent. Nothing is
 *   returned then.
 * @throws ValidationError when `options` are invalid.
 */
export async function importFlights(source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  const opts = parseOrThrow(OptionsSchema, options, 'import options');
  const existing = options.existing ? parseOrThrow(z.array(ExistingSchema), options.existing, 'existing') : [];
  await loadAirports();

  let encoding: DetectedEncoding = { encoding: 'UTF-8' };
  const text = decodeText(source as AsyncIterable<Buffer | Uint8Array | string>, (found) => (encoding = found))[Symbol.asyncIterator]();
  const head = await readHead(text);
  checkHead(head.text, head.ended);
  const firstLines = head.text.split(/\r\n|\r|\n/).slice(0, 30);
  if (!head.ended) firstLines.pop(); // the last piece may be a partial line
  if (firstLines.length === 0) {
    throw new ImportFileError(`no line break in the first ${HEAD_BYTES / 1024} KB: not a flight-history export`);
  }
  const detection = detect(firstLines);
  if (!detection) {
    const firstLine = firstLines.find((l) => !isBlankLine(l)) ?? '';
    throw new ImportFileError(
      `unrecognised file format: the first line ${quote(firstLine)} is not the header or a data row of a supported export ` +
        '(OpenFlights, myFlightradar24, Flighty, App in the Air data.txt, or a CSV with date,from,to columns)',
    );
  }
  // The encoding can still change after detection (Windows-1252 is recognised at the first accented byte).
  const collector = new Collector(detection.format, opts, existing, () => encoding);
  const chunks = replay(head.text, text);
  const dates = new DateOrderResolver(opts.dateOrder);
  const rows = rowsOf(detection, chunks, (m) => collector.fileWarning(m), dates);
  for await (const parsed of settleDates(rows, dates, opts.maxRows)) collector.add(parsed);
  return collector.finish();
}

/**
 * Imports the file at `path` (streamed, see `importFlights`).
 * @throws ImportFileError as `importFlights`, and when the file cannot be opened.
 */
export async function importFile(path: string, options: ImportOptions = {}): Promise<ImportResult> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(path, fs.constants.R_OK);
    stream = fs.createReadStream(path, { highWaterMark: 64 * 1024 });
  } catch (e) {
    throw new ImportFileError(`cannot open '${path}': ${(e as Error).message}`);
  }
  try {
    return await importFlights(stream, options);
  } finally {
    stream.destroy();
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Reading                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

const HEAD_BYTES = 64 * 1024;

async function readHead(it: AsyncIterator<string>): Promise<{ text: string; ended: boolean }> {
  let text = '';
  for (;;) {
    const lineBreaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
    if (text.length >= HEAD_BYTES || lineBreaks > 30) return { text, ended: false };
    const next = await it.next();
    if (next.done) return { text, ended: true };
    text += next.value;
  }
}

function checkHead(text: string, ended: boolean): void {
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw new ImportFileError(ended && text.length === 0 ? 'the file is empty' : 'the file is empty (blank lines only)');
  }
  const sample = text.slice(0, HEAD_BYTES);
  // eslint-disable-next-line no-control-regex
  const binary = (sample.match(/[\u0000-\u0008\u000e-\u001a\ufffd]/g)?.length ?? 0) > Math.max(2, sample.length / 100);
  if (sample.includes('\u0000') || binary) {
    throw new ImportFileError('the file is binary, not a text export (CSV or App in the Air data.txt)');
  }
}

async function* replay(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
  try {
    if (head) yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}

/** Splits text chunks into lines on LF, CRLF or CR (also across chunk boundaries), with 1-based numbers. */
async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<{ line: string; no: number }> {
  let buf = '';
  let no = 0;
  for await (const chunk of chunks) {
    buf += chunk;
    let start = 0;
    for (;;) {
      const m = /\r\n|\r|\n/g;
      m.lastIndex = start;
      const hit = m.exec(buf);
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (!hit || (hit[0] === '\r' && hit.index === buf.length - 1)) break;
      no++;
      yield { line: no === 1 ? buf.slice(start, hit.index).replace(/^\ufeff/, '') : buf.slice(start, hit.index), no };
      start = hit.index + hit[0].length;
    }
    buf = buf.slice(start);
    if (buf.length > MAX_LINE_LENGTH) throw new ImportFileError(`line ${no + 1} is longer than ${MAX_LINE_LENGTH} characters: not a flight export`);
  }
  if (buf.replace(/\r$/, '') !== '') {
    no++;
    yield { line: buf.replace(/\r$/, ''), no };
  }
}

/** A data row not read yet: its line number and how to read it (again, if it waits for the date order). */
interface RawRow {
  row: number;
  read: () => ParsedRow | null;
}

/**
 * Data rows of the file in order, unread; header, comment and blank lines are not rows. Readers get `dates`;
 * App in the Air's reader keeps state from line to line and cannot be read twice, so it never waits for the date
 * order (its dates are year-first anyway): an ambiguous one is a bad cell.
 */
async function* rowsOf(detection: Detection, chunks: AsyncIterable<string>, warn: (message: string) => void, dates: DateOrderResolver): AsyncGenerator<RawRow> {
  if (detection.kind === 'lines') {
    const read = detection.format === 'appintheair' ? appInTheAirReader(noWaiting(dates)) : whitespaceLogReader(detection.header, dates);
    let headerSeen = detection.format === 'appintheair';
    for await (const { line, no } of splitLines(chunks)) {
      if (!headerSeen) {
        if (!isBlankLine(line)) headerSeen = true;
        continue;
      }
      yield { row: no, read: () => read(line, no) };
    }
    return;
  }
  const records = csvRecords(splitLines(chunks), {
    maxRecordLength: MAX_LINE_LENGTH,
    comments: detection.comments,
    looksLikeRow: detection.looksLikeRow,
    warn,
  });
  for await (const { fields, row } of records) {
    if (fields.every((f) => isBlankLine(f))) continue;
    if (detection.isHeader(fields.map((f, i) => (i === 0 ? f.replace(/^\ufeff/, '') : f)))) continue;
    yield { row, read: () => detection.read(fields, row, dates) };
  }
}

/** `dates` for a reader that cannot read a row twice: a value waiting for the order is a bad cell instead. */
function noWaiting(dates: DateOrderResolver): DateReader {
  const wrap = <T>(fn: () => T, value: string | undefined, field: string): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof PendingDateOrder) throw new FieldError(`${field} ${quote(value ?? '')} could be day/month/year or month/day/year`);
      throw e;
    }
  };
  return {
    read: (raw, field, row) => wrap(() => dates.read(raw, field, row), raw, field),
    readEach: (row, ...cells) => wrap(() => dates.readEach(row, ...cells), cells[0]?.[0], cells[0]?.[1] ?? 'date'),
  };
}

const WAITING = Symbol('waiting for the date order');

/**
 * Reads the rows in file order. A row whose date needs the file's day/month order waits, with every row after
 * it (file order is kept), until a later value settles the order or the file ends (then the caller's
 * `dateOrder`, or `DateOrderNeededError`). Waiting rows are read once for the evidence they hold, and again when
 * the order is known. Memory: the rows up to the first value that settles the order (every row of a file whose
 * dates are all ambiguous), at most `maxRows`.
 */
async function* settleDates(rows: AsyncIterable<RawRow>, dates: DateOrderResolver, maxRows: number | undefined): AsyncGenerator<ParsedRow> {
  const waiting: RawRow[] = [];
  const attempt = (r: RawRow): ParsedRow | null | typeof WAITING => {
    try {
      return guard(r.row, r.read);
    } catch (e) {
      if (e instanceof PendingDateOrder) return WAITING;
      throw e;
    }
  };
  function* flush(): Generator<ParsedRow> {
    for (const r of waiting.splice(0)) {
      const out = attempt(r);
      if (out === WAITING) throw new Error(`row ${r.row}: still waiting for the date order after it was decided`);
      if (out) yield out;
    }
  }
  for await (const r of rows) {
    if (waiting.length === 0) {
      const out = attempt(r);
      if (out === WAITING) waiting.push(r);
      else if (out) yield out;
      continue;
    }
    waiting.push(r);
    attempt(r); // for the evidence its dates hold
    if (dates.decided) yield* flush();
    else if (maxRows !== undefined && waiting.length > maxRows) {
      throw new ImportFileError(`the file has more than ${maxRows} flight rows, the most one import accepts`);
    }
  }
  if (waiting.length) {
    dates.finish();
    yield* flush();
  }
}

/** Runs a row reader; a bad cell becomes a skipped row naming the row, anything else is a bug and propagates. */
function guard<T extends ParsedRow | null>(row: number, fn: () => T): T | ParsedRow {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FieldError || e instanceof InvalidDateError) return { kind: 'skip', row, reason: `row ${row}: ${e.message}` };
    throw e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Resolution                                                                                        */
/* ------------------------------------------------------------------------------------------------ */

/** What the layover pass needs about a kept flight. */
interface FlightMeta {
  segment: ImportedSegment;
  fromKey: string;
  toKey: string;
  departureUtc?: number;
  arrivalUtc?: number;
  tripId?: string;
  transfer?: boolean;
}

class Collector {
  private rows = 0;
  private readonly segments: ImportedSegment[] = [];
  private readonly skipped: SkippedRow[] = [];
  private readonly metas: FlightMeta[] = [];
  private readonly rowWarnings: string[] = [];
  private readonly fileWarnings: string[] = [];
  private droppedWarnings = 0;
  private readonly euroAirportRows: number[] = [];
  private readonly assumedDateRows: number[] = [];
  /** date|from|to -> departure times seen ('' = none) with the row they came from (0 = already imported). */
  private readonly seen = new Map<string, { time: string; row: number }[]>();
  /** Day number of the import date (flights after it are planned). */
  private readonly importDay: number;
  private readonly layoverMs: number;

  constructor(
    private readonly format: ImportResult['format'],
    private readonly opts: ImportOptions,
    existing: readonly ExistingSegment[],
    private readonly encoding: () => DetectedEncoding,
  ) {
    this.importDay = toDayNumber(opts.importDate ?? todayIn('UTC'));
    this.layoverMs = (opts.layoverHours ?? 24) * 3_600_000;
    for (const s of existing) {
      const from = s.departureAirport ? (lookupAirport(s.departureAirport)?.code ?? s.departureAirport) : undefined;
      const to = s.arrivalAirport ? (lookupAirport(s.arrivalAirport)?.code ?? s.arrivalAirport) : undefined;
      if ((!from || !to) && (!s.departureCountry || !s.arrivalCountry || !s.mode)) continue;
      this.remember(duplicateKey(s.departureDate, from, to, s.departureCountry ?? '', s.arrivalCountry ?? '', s.mode ?? ''), s.departureTime ?? '', 0);
    }
  }

  add(parsed: ParsedRow): void {
    this.rows++;
    if (this.opts.maxRows !== undefined && this.rows > this.opts.maxRows) {
      throw new ImportFileError(`the file has more than ${this.opts.maxRows} flight rows, the most one import accepts`);
    }
    // Reasons quote cells; capMessage keeps them short (a cell can hold 100 000 characters).
    if (parsed.kind === 'skip') this.skipped.push({ row: parsed.row, reason: capMessage(parsed.reason) });
    else {
      const outcome = this.resolve(parsed.record);
      if (typeof outcome === 'string') this.skipped.push({ row: parsed.record.row, reason: capMessage(outcome) });
      else if (outcome) this.skipped.push({ row: parsed.record.row, reason: capMessage(outcome.duplicate), duplicate: true });
    }
    if (this.opts.onProgress && this.rows % PROGRESS_EVERY === 0) this.opts.onProgress(this.rows);
  }

  /** A warning about the file rather than one row (e.g. a stray quote); kept whatever MAX_ROW_WARNINGS says. */
  fileWarning(message: string): void {
    this.fileWarnings.push(capMessage(message));
  }

  private warn(row: number, message: string): void {
    if (this.rowWarnings.length < MAX_ROW_WARNINGS) this.rowWarnings.push(capMessage(`row ${row}: ${message}`));
    else this.droppedWarnings++;
  }

  private remember(key: string, time: string, row: number): void {
    const list = this.seen.get(key);
    if (list) list.push({ time, row });
    else this.seen.set(key, [{ time, row }]);
  }

  /**
   * The country of one side of a row: the airport's, checked against the country the file gives (EuroAirport:
   * the given FR or CH picks the side), or the given country alone.
   * @returns the airport (looked up again for a chosen EuroAirport side) and country, or a reason to skip the row.
   */
  private side(
    code: string | undefined,
    given: string | undefined,
    label: string,
    column: string,
    row: number,
  ): { airport?: AirportInfo; country: string } | string {
    if (code === undefined) return { country: given! };
    let airport = lookupAirport(code, this.opts);
    if (!airport) return `row ${row}: unknown airport code '${code}' in ${label}`;
    if (given && given !== airport.country) {
      if (!airport.euroAirport || (given !== 'FR' && given !== 'CH')) {
        return `row ${row}: ${column} '${given}' does not match airport ${airport.code} (${airport.country})`;
      }
      airport = lookupAirport(code, { ...this.opts, euroAirportSide: given })!;
    }
    if (airport.euroAirport && !given && !this.opts.euroAirportSide && this.euroAirportRows.at(-1) !== row) this.euroAirportRows.push(row);
    return { airport, country: airport.country };
  }

  /** Adds the segment and returns undefined, or returns the reason it was skipped (wrapped when it is a repeat). */
  private resolve(r: FlightRecord): string | { duplicate: string } | undefined {
    const row = r.row;
    if (r.notMine) return `row ${row}: someone else's flight (App in the Air trip marked Ownership.NOT_MINE)`;
    if (r.cancelled) return `row ${row}: cancelled flight`;
    const fromSide = this.side(r.from, r.fromCountry, 'From', 'from_country', row);
    if (typeof fromSide === 'string') return fromSide;
    const toSide = this.side(r.divertedTo ?? r.to, r.toCountry, r.divertedTo ? 'Diverted To' : 'To', 'to_country', row);
    if (typeof toSide === 'string') return toSide;
    const from = fromSide.airport;
    const to = toSide.airport;
    const mode = r.mode ?? (from || to ? 'flight' : 'other');

    let departureUtc: number | undefined;
    let arrivalUtc: number | undefined;
    let arrivalDate: string;
    if (from && to) {
      const placed = this.placeArrival(r, from, to);
      if (typeof placed === 'string') return placed;
      ({ departureUtc, arrivalUtc, arrivalDate } = placed);
    } else {
      // A crossing known by its countries: no time zones, so the arrival date is the file's or the departure date.
      arrivalDate = r.arrivalDate ?? r.departureDate;
      if (!r.arrivalDate && r.departureTime && r.arrivalTime && r.arrivalTime < r.departureTime) {
        this.warn(
          row,
          `arrival time ${r.arrivalTime} is before departure time ${r.departureTime} and no arrival date is given: arrival date assumed ${arrivalDate}; add arrival_date`,
        );
      }
    }

    const segment: Segment = {
      departureCountry: fromSide.country,
      arrivalCountry: toSide.country,
      departureDate: r.departureDate,
      arrivalDate,
      mode,
    };
    if (from) segment.departureAirport = from.code;
    if (to) segment.arrivalAirport = to.code;
    if (r.departureTime) segment.departureTime = r.departureTime;
    if (r.arrivalTime) segment.arrivalTime = r.arrivalTime;
    const flight = parseFlightNumber(r.flightNumber);
    if (flight.value) segment.flightNumber = flight.value;
    if (flight.refused) this.warn(row, flight.refused);
    const note = parseNote(r.notes, SEGMENT_LIMITS.notes);
    if (note.value) segment.notes = note.value;
    if (note.refused) this.warn(row, note.refused);
    this.carrySpecificationText(r, segment);
    for (const remark of r.remarks ?? []) this.warn(row, remark);

    const checked = SegmentSchema.safeParse(segment);
    if (!checked.success) return describeZodError(checked.error, `row ${row}`);

    const fromKey = from?.code ?? fromSide.country;
    const toKey = to?.code ?? toSide.country;
    const key = duplicateKey(segment.departureDate, from?.code, to?.code, fromSide.country, toSide.country, mode);
    const time = segment.departureTime ?? '';
    const twin = this.seen.get(key)?.find((s) => s.time === '' || time === '' || s.time === time);
    if (twin) {
      const what = `${segment.departureDate}${twin.time && time ? ` ${time}` : ''} ${fromKey} → ${toKey}`;
      return {
        duplicate: twin.row === 0 ? `row ${row}: already imported (${what})` : `row ${row}: duplicate of row ${twin.row} (${what})`,
      };
    }
    this.remember(key, time, row);

    const imported: ImportedSegment = { ...checked.data, row, planned: toDayNumber(segment.departureDate) > this.importDay };
    this.segments.push(imported);
    const meta: FlightMeta = { segment: imported, fromKey, toKey };
    if (departureUtc !== undefined && !Number.isNaN(departureUtc)) meta.departureUtc = departureUtc;
    if (arrivalUtc !== undefined && !Number.isNaN(arrivalUtc)) meta.arrivalUtc = arrivalUtc;
    if (r.tripId) meta.tripId = r.tripId;
    if (r.transfer !== undefined) meta.transfer = r.transfer;
    this.metas.push(meta);
    return undefined;
  }

  /**
   * `purpose` and `entryPoint` (the product specification's optional segment fields, generic `purpose` and
   * `entry_point` columns), cut to their limits on grapheme boundaries like notes.
   */
  private carrySpecificationText(r: FlightRecord, segment: Segment): void {
    for (const [field, label, value] of [
      ['purpose', 'purpose', r.purpose],
      ['entryPoint', 'entry point', r.entryPoint],
    ] as const) {
      if (value === undefined) continue;
      const text = parseNote(value, SEGMENT_LIMITS[field], label);
      if (text.value) segment[field] = text.value;
      if (text.refused) this.warn(r.row, text.refused);
    }
  }

  /** Departure and arrival instants and the local arrival date of a flight between two known airports. */
  private placeArrival(r: FlightRecord, from: AirportInfo, to: AirportInfo): { departureUtc?: number; arrivalUtc?: number; arrivalDate: string } | string {
    const row = r.row;
    let departureUtc = r.departureUtc ? Date.parse(r.departureUtc) : undefined;
    if (departureUtc === undefined && r.departureTime && from.timeZone) {
      departureUtc = localToUtc(r.departureDate, r.departureTime, from.timeZone);
    }
    let arrivalUtc = r.arrivalUtc ? Date.parse(r.arrivalUtc) : undefined;
    let arrivalDate: string;
    if (r.arrivalDate) {
      arrivalDate = r.arrivalDate;
      if (arrivalUtc === undefined && r.arrivalTime && to.timeZone) arrivalUtc = localToUtc(arrivalDate, r.arrivalTime, to.timeZone);
      if (departureUtc !== undefined && arrivalUtc !== undefined && arrivalUtc <= departureUtc) {
        this.warn(
          row,
          `arrival ${arrivalDate} ${r.arrivalTime ?? ''} (${to.code}) is not after departure ${r.departureDate} ${r.departureTime ?? ''} (${from.code}) once time zones are applied; dates kept as written`,
        );
      }
    } else if (r.departureTime && r.arrivalTime && from.timeZone && to.timeZone) {
      const a = arrivalFromLocalTimes(r.departureDate, r.departureTime, from.timeZone, r.arrivalTime, to.timeZone);
      if (!a) return `row ${row}: arrival time ${r.arrivalTime} cannot be placed within 3 days after departure ${r.departureDate} ${r.departureTime}`;
      arrivalDate = a.arrivalDate;
      arrivalUtc = a.arrivalUtc;
    } else if (departureUtc !== undefined && r.durationMinutes && to.timeZone) {
      arrivalUtc = departureUtc + r.durationMinutes * 60_000;
      arrivalDate = utcToLocal(arrivalUtc, to.timeZone).date;
    } else {
      // No way to place the arrival: same local date, unless even the earliest possible landing falls on a later
      // local date (westward over the date line). Flag flights long enough to land on another date.
      const earliest = earliestArrivalDate(r.departureDate, departureUtc, from, to);
      arrivalDate = earliest ?? r.departureDate;
      const km = distanceKm(from, to);
      if (earliest || (km !== null && km >= LONG_HAUL_KM) || (km === null && from.timeZone !== to.timeZone)) this.assumedDateRows.push(row);
      if ((r.departureTime || r.arrivalTime) && (!from.timeZone || !to.timeZone)) {
        this.warn(row, `time zone of ${!from.timeZone ? from.code : to.code} unknown: times not used to compute the arrival date`);
      }
    }

    if (departureUtc !== undefined && arrivalUtc !== undefined && arrivalUtc > departureUtc) {
      const km = distanceKm(from, to);
      const hours = (arrivalUtc - departureUtc) / 3_600_000;
      if (km !== null && km / hours > MAX_PLAUSIBLE_KMH) {
        this.warn(
          row,
          `${from.code} → ${to.code} (${Math.round(km)} km) lands only ${hours.toFixed(1)} h after departure once time zones are applied; check the dates and times`,
        );
      }
    }

    return { departureUtc, arrivalUtc, arrivalDate };
  }

  /**
   * Layovers. The inbound flight of a connection gets `transit: true` when:
   * 1. the file says so (generic `arrival_transfer` 1/0): the flag wins either way; else
   * 2. both instants are known: the traveller's next flight (by UTC departure) leaves from the same airport
   *    0..layoverHours after this one landed and does not fly straight back to where this one came from (a
   *    there-and-back such as BCN -> IBZ, IBZ -> BCN the next morning is a visit, not a connection); else
   * 3. times are unknown: the next leg of the same trip in the file (Trip/Leg, App in the Air trip, generic
   *    `trip`) leaves from the same airport on the local arrival date (and does not fly back). Without such grouping a same-day
   *    connection is NOT assumed to be a transit: counting a day in a country the traveller only changed planes
   *    in is the safer error for visa rules (an overstay warning rather than a missed one).
   * In cases 2 and 3 a connection is a transit only when it is international on both sides: an inbound flight
   * from the same country (the traveller was already there) or an onward flight to the same country (a domestic
   * flight, boarded after entry; e.g. AUS -> BOI -> SEA) is never airside, so the arrival country keeps its day
   * even when the connection spans midnight.
   * Policy (unchanged, documented): the window is measured, not the traveller's intent, so a 20 h overnight
   * connection between two international flights is a transit even if the traveller left the airport; pass a
   * smaller `layoverHours` or an explicit transfer flag to change that.
   */
  private markLayovers(): void {
    const timed = this.metas.filter((m) => m.departureUtc !== undefined).sort((a, b) => a.departureUtc! - b.departureUtc! || a.segment.row - b.segment.row);
    const nextTimed = new Map<FlightMeta, FlightMeta>();
    for (let i = 0; i + 1 < timed.length; i++) nextTimed.set(timed[i]!, timed[i + 1]!);
    const nextInTrip = new Map<FlightMeta, FlightMeta>();
    const lastOfTrip = new Map<string, FlightMeta>();
    for (const m of this.metas) {
      if (!m.tripId) continue;
      const prev = lastOfTrip.get(m.tripId);
      if (prev) nextInTrip.set(prev, m);
      lastOfTrip.set(m.tripId, m);
    }
    // International on both sides: the traveller came from, and flies on to, another country.
    // Only flights connect airside; a crossing by land or sea is always an entry.
    const airside = (m: FlightMeta, next: FlightMeta) =>
      m.segment.mode === 'flight' &&
      next.segment.mode === 'flight' &&
      next.fromKey === m.toKey &&
      next.toKey !== m.fromKey &&
      m.segment.departureCountry !== m.segment.arrivalCountry &&
      next.segment.arrivalCountry !== m.segment.arrivalCountry;
    for (const m of this.metas) {
      let transit: boolean;
      if (m.transfer !== undefined) transit = m.transfer;
      else {
        const next = nextTimed.get(m);
        if (m.arrivalUtc !== undefined && next?.departureUtc !== undefined) {
          const gap = next.departureUtc - m.arrivalUtc;
          transit = airside(m, next) && gap >= 0 && gap <= this.layoverMs;
        } else {
          const leg = nextInTrip.get(m);
          transit = !!leg && airside(m, leg) && leg.segment.departureDate === m.segment.arrivalDate;
        }
      }
      if (transit) m.segment.transit = true;
    }
  }

  finish(): ImportResult {
    if (this.rows === 0) throw new ImportFileError('the file contains no flight rows (a header or comments only)');
    this.markLayovers();
    this.opts.onProgress?.(this.rows);
    const warnings: string[] = [];
    const { encoding, assumption } = this.encoding();
    if (assumption) warnings.push(capMessage(assumption));
    warnings.push(...this.fileWarnings);
    if (this.euroAirportRows.length) {
      warnings.push(
        `EuroAirport Basel-Mulhouse-Freiburg (${listRows(this.euroAirportRows)}) counted as France, the airport's territory; ` +
          "import again with euroAirportSide 'CH' if you used the Swiss sector",
      );
    }
    if (this.assumedDateRows.length) {
      warnings.push(
        `no arrival time for long-haul flights (${listRows(this.assumedDateRows)}): arrival date assumed equal to the departure date ` +
          '(or the earliest date the flight can land, westward over the date line); check them',
      );
    }
    warnings.push(...this.rowWarnings);
    if (this.droppedWarnings) warnings.push(`… and ${this.droppedWarnings} more row warnings`);
    const result: ImportResult = {
      format: this.format,
      encoding,
      rows: this.rows,
      flights: this.segments.length,
      segments: this.segments,
      skipped: this.skipped,
      warnings,
    };
    if (result.flights + result.skipped.length !== result.rows) {
      throw new Error(`import invariant broken: ${result.flights} flights + ${result.skipped.length} skipped != ${result.rows} rows`);
    }
    return result;
  }
}

/**
 * Local arrival date of the earliest landing possible when the arrival time is unknown: departure at the known
 * instant, else at 00:00 local on the departure date, plus the great-circle distance flown at
 * `MAX_PLAUSIBLE_KMH`. Returns it only when it is after the departure date (then the same-date default is
 * impossible: LAX -> TPE never lands on its local departure date), else `null`. Flights eastward over the date line
 * (TPE -> LAX) may land on the previous date; that cannot be known without times and stays the same-date default.
 */
function earliestArrivalDate(departureDate: string, departureUtc: number | undefined, from: AirportInfo, to: AirportInfo): string | null {
  const km = distanceKm(from, to);
  if (km === null || !from.timeZone || !to.timeZone) return null;
  const start = departureUtc ?? localToUtc(departureDate, '00:00', from.timeZone);
  const earliest = utcToLocal(start + (km / MAX_PLAUSIBLE_KMH) * 3_600_000, to.timeZone).date;
  return earliest > departureDate ? earliest : null;
}

/**
 * Key of the duplicate check: local departure date and both airports for a flight (as before land travel was
 * imported: a flight's mode is not part of it); for a crossing without airports, the countries (or the one
 * airport) and the stored mode, so that a train and a car over the same border on one day are two crossings.
 */
function duplicateKey(
  date: string,
  fromAirport: string | undefined,
  toAirport: string | undefined,
  fromCountry: string,
  toCountry: string,
  mode: string,
): string {
  if (fromAirport && toAirport) return `${date}|${fromAirport}|${toAirport}`;
  return `${date}|${fromAirport ?? fromCountry}|${toAirport ?? toCountry}|${mode}`;
}

function listRows(rows: number[]): string {
  const shown = rows.slice(0, 20).join(', ');
  return `row${rows.length > 1 ? 's' : ''} ${shown}${rows.length > 20 ? ` and ${rows.length - 20} more` : ''}`;
}

export type { AirportInfo };
