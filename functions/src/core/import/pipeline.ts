/**
 * The import pipeline: a stream of bytes (a flight-history export) in, validated segments out.
 *
 * bytes -> UTF-8 text (streaming decoder) -> format detection on the first lines -> records (csv-parse's
 * streaming parser, or a line splitter for App in the Air `data.txt` and whitespace logs) -> per-row resolution
 * (airports, local dates through time zones, cancellations, duplicates, zod) -> a pass over the kept flights
 * for layovers and planned trips. Memory holds the output and one small entry per kept flight, never the file.
 *
 * Every data row ends either as a segment or in `skipped` with its 1-based line number and a reason
 * (`flights + skipped.length === rows`). A file that cannot be read at all raises one `ImportFileError`.
 */
import * as fs from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { InvalidDateError, isIsoDate, todayIn } from '../dates';
import { dayNumber } from '../dayNumbers';
import { IsoDateSchema, LocalTimeSchema, SEGMENT_LIMITS, SegmentSchema, type Segment } from '../segment';
import { describeZodError, parseOrThrow } from '../validation';
import { distanceKm, loadAirports, lookupAirport, type AirportInfo, type EuroAirportSide } from './airports';
import { appInTheAirReader, detect, isBlankLine, whitespaceLogReader, type Detection } from './formats';
import { arrivalFromLocalTimes, localToUtc, utcToLocal } from './time';
import { ImportFileError, type FlightRecord, type ImportResult, type ImportedSegment, type ParsedRow, type SkippedRow } from './types';
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
});

/** The fields of an already stored segment the duplicate check reads (documents may carry more, e.g. `id`). */
const ExistingSchema = z.looseObject({
  departureDate: IsoDateSchema,
  departureTime: LocalTimeSchema.optional(),
  departureAirport: z.string().optional(),
  arrivalAirport: z.string().optional(),
});
type ExistingSegment = z.infer<typeof ExistingSchema>;

/** Source of an import: any async iterable of chunks (a Node readable stream, a Storage download stream, ...). */
export type ImportSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

/**
 * Imports one flight-history export.
 *
 * @param source the file's bytes as a stream (UTF-8; a BOM is removed). Read once, never whole into memory.
 * @param options see `ImportOptions`.
 * @returns the segments (in file order) and the skipped rows; `format` is the detected format.
 * @throws ImportFileError when the file is empty, binary, of no supported format, has no data rows, exceeds
 *   `maxRows`, or is not well-formed CSV (e.g. an unclosed quote); nothing is returned then.
 * @throws ValidationError when `options` are invalid.
 */
export async function importFlights(source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  const opts = parseOrThrow(OptionsSchema, options, 'import options');
  const existing = options.existing ? parseOrThrow(z.array(ExistingSchema), options.existing, 'existing') : [];
  await loadAirports();

  const text = decode(source as AsyncIterable<Buffer | Uint8Array | string>)[Symbol.asyncIterator]();
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
      `unrecognised file format: the first line '${firstLine.slice(0, 80)}' is not the header or a data row of a supported export ` +
        '(OpenFlights, myFlightradar24, Flighty, App in the Air data.txt, or a CSV with date,from,to columns)',
    );
  }
  const collector = new Collector(detection.format, opts, existing);
  const chunks = replay(head.text, text);
  for await (const parsed of rowsOf(detection, chunks)) collector.add(parsed);
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

async function* decode(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    const s = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (s) yield s;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

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

/** Data rows of the file in order; header, comment and blank lines are not rows. */
async function* rowsOf(detection: Detection, chunks: AsyncIterable<string>): AsyncGenerator<ParsedRow> {
  if (detection.kind === 'lines') {
    const read = detection.format === 'appintheair' ? appInTheAirReader() : whitespaceLogReader(detection.header);
    let headerSeen = detection.format === 'appintheair';
    for await (const { line, no } of splitLines(chunks)) {
      if (!headerSeen) {
        if (!isBlankLine(line)) headerSeen = true;
        continue;
      }
      const row = guard(no, () => read(line, no));
      if (row) yield row;
    }
    return;
  }
  const parser = parseCsv({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    max_record_size: MAX_LINE_LENGTH,
  });
  const input = Readable.from(chunks);
  let streamError: Error | undefined;
  pipeline(input, parser, (err) => {
    if (err) streamError = err;
  });
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const fields = item.record;
      const row = item.info.lines;
      if (fields.every((f) => isBlankLine(f))) continue;
      if ((fields[0] ?? '').trimStart().startsWith('#')) continue;
      if (detection.isHeader(fields.map((f, i) => (i === 0 ? f.replace(/^\ufeff/, '') : f)))) continue;
      yield guard(row, () => detection.read(fields, row));
    }
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    const err = streamError ?? (e as Error);
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(`the file is not well-formed CSV: ${err.message}`);
  } finally {
    parser.destroy();
    input.destroy();
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
  ) {
    this.importDay = dayNumber(opts.importDate ?? todayIn('UTC'));
    this.layoverMs = (opts.layoverHours ?? 24) * 3_600_000;
    for (const s of existing) {
      if (!s.departureAirport || !s.arrivalAirport) continue;
      const from = lookupAirport(s.departureAirport)?.code ?? s.departureAirport;
      const to = lookupAirport(s.arrivalAirport)?.code ?? s.arrivalAirport;
      this.remember(`${s.departureDate}|${from}|${to}`, s.departureTime ?? '', 0);
    }
  }

  add(parsed: ParsedRow): void {
    this.rows++;
    if (this.opts.maxRows !== undefined && this.rows > this.opts.maxRows) {
      throw new ImportFileError(`the file has more than ${this.opts.maxRows} flight rows, the most one import accepts`);
    }
    if (parsed.kind === 'skip') this.skipped.push({ row: parsed.row, reason: parsed.reason });
    else {
      const outcome = this.resolve(parsed.record);
      if (typeof outcome === 'string') this.skipped.push({ row: parsed.record.row, reason: outcome });
      else if (outcome) this.skipped.push({ row: parsed.record.row, reason: outcome.duplicate, duplicate: true });
    }
    if (this.opts.onProgress && this.rows % PROGRESS_EVERY === 0) this.opts.onProgress(this.rows);
  }

  private warn(row: number, message: string): void {
    if (this.rowWarnings.length < MAX_ROW_WARNINGS) this.rowWarnings.push(`row ${row}: ${message}`);
    else this.droppedWarnings++;
  }

  private remember(key: string, time: string, row: number): void {
    const list = this.seen.get(key);
    if (list) list.push({ time, row });
    else this.seen.set(key, [{ time, row }]);
  }

  /** Adds the flight and returns undefined, or returns the reason it was skipped (wrapped when it is a repeat). */
  private resolve(r: FlightRecord): string | { duplicate: string } | undefined {
    const row = r.row;
    if (r.notMine) return `row ${row}: someone else's flight (App in the Air trip marked Ownership.NOT_MINE)`;
    if (r.cancelled) return `row ${row}: cancelled flight`;
    const from = lookupAirport(r.from, this.opts);
    if (!from) return `row ${row}: unknown airport code '${r.from}' in From`;
    const toCode = r.divertedTo ?? r.to;
    const to = lookupAirport(toCode, this.opts);
    if (!to) return `row ${row}: unknown airport code '${toCode}' in ${r.divertedTo ? 'Diverted To' : 'To'}`;
    if ((from.euroAirport || to.euroAirport) && !this.opts.euroAirportSide) this.euroAirportRows.push(row);

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
        this.warn(row, `arrival ${arrivalDate} ${r.arrivalTime ?? ''} (${to.code}) is not after departure ${r.departureDate} ${r.departureTime ?? ''} (${from.code}) once time zones are applied; dates kept as written`);
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
        this.warn(row, `${from.code} → ${to.code} (${Math.round(km)} km) lands only ${hours.toFixed(1)} h after departure once time zones are applied; check the dates and times`);
      }
    }

    const segment: Segment = {
      departureCountry: from.country,
      arrivalCountry: to.country,
      departureDate: r.departureDate,
      arrivalDate,
      departureAirport: from.code,
      arrivalAirport: to.code,
      mode: 'air',
    };
    if (r.departureTime) segment.departureTime = r.departureTime;
    if (r.arrivalTime) segment.arrivalTime = r.arrivalTime;
    const flight = parseFlightNumber(r.flightNumber);
    if (flight.value) segment.flightNumber = flight.value;
    if (flight.refused) this.warn(row, flight.refused);
    const note = parseNote(r.notes, SEGMENT_LIMITS.notes);
    if (note.value) segment.notes = note.value;
    if (note.refused) this.warn(row, note.refused);
    for (const remark of r.remarks ?? []) this.warn(row, remark);

    const checked = SegmentSchema.safeParse(segment);
    if (!checked.success) return describeZodError(checked.error, `row ${row}`);

    const key = `${segment.departureDate}|${from.code}|${to.code}`;
    const time = segment.departureTime ?? '';
    const twin = this.seen.get(key)?.find((s) => s.time === '' || time === '' || s.time === time);
    if (twin) {
      const what = `${segment.departureDate}${twin.time && time ? ` ${time}` : ''} ${from.code} → ${to.code}`;
      return {
        duplicate: twin.row === 0 ? `row ${row}: already imported (${what})` : `row ${row}: duplicate of row ${twin.row} (${what})`,
      };
    }
    this.remember(key, time, row);

    const imported: ImportedSegment = { ...checked.data, row, planned: dayNumber(segment.departureDate) > this.importDay };
    this.segments.push(imported);
    const meta: FlightMeta = { segment: imported, fromKey: from.code, toKey: to.code };
    if (departureUtc !== undefined && !Number.isNaN(departureUtc)) meta.departureUtc = departureUtc;
    if (arrivalUtc !== undefined && !Number.isNaN(arrivalUtc)) meta.arrivalUtc = arrivalUtc;
    if (r.tripId) meta.tripId = r.tripId;
    if (r.transfer !== undefined) meta.transfer = r.transfer;
    this.metas.push(meta);
    return undefined;
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
    const airside = (m: FlightMeta, next: FlightMeta) =>
      next.fromKey === m.toKey && next.toKey !== m.fromKey &&
      m.segment.departureCountry !== m.segment.arrivalCountry && next.segment.arrivalCountry !== m.segment.arrivalCountry;
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

function listRows(rows: number[]): string {
  const shown = rows.slice(0, 20).join(', ');
  return `row${rows.length > 1 ? 's' : ''} ${shown}${rows.length > 20 ? ` and ${rows.length - 20} more` : ''}`;
}

export type { AirportInfo };
