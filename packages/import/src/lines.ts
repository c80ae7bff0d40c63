/**
 * Reading an export: the first bytes checked (empty, binary), the text split into numbered lines (LF, CRLF or CR,
 * also across chunks), the lines turned into data rows of the detected format (csv-parse's streaming records, or
 * the line readers), and the rows read in file order with the file's day/month order (a row waits while it is
 * unknown: {@link DateOrderResolver}). Rows come out as `ParsedRow`s, one per data row; resolving them comes next.
 */
import { InvalidDateError } from '@travel-time-tracker/core/dates';
import { csvRecords, isBlankLine } from './csvRecords';
import { DateOrderResolver, PendingDateOrder } from './dateOrder';
import { appInTheAirReader } from './formats/appInTheAir';
import type { Detection } from './formats/detect';
import type { DateReader } from './formats/reader';
import { whitespaceLogReader } from './formats/whitespaceLog';
import { ImportFileError, type ParsedRow } from './types';
import { quote } from './text';
import { FieldError, TwoDigitYearError } from './values';

/** Longest line (characters) accepted; a longer one means the file is not a flight export. */
export const MAX_LINE_LENGTH = 100_000;

/** Bytes read before detection: enough for ~30 lines of any export. */
export const HEAD_BYTES = 64 * 1024;

/** The first text of the file, up to HEAD_BYTES or 30 line breaks; `ended` when that is the whole file. */
export async function readHead(it: AsyncIterator<string>): Promise<{ text: string; ended: boolean }> {
  let text = '';
  for (;;) {
    const lineBreaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
    if (text.length >= HEAD_BYTES || lineBreaks > 30) return { text, ended: false };
    const next = await it.next();
    if (next.done) return { text, ended: true };
    text += next.value;
  }
}

/**
 * Refuses a file that is empty (or blank) or binary, from its first text.
 * @throws ImportFileError saying which.
 */
export function checkHead(text: string, ended: boolean): void {
  if (text.replace(/^\ufeff/, '').trim() === '') {
    throw new ImportFileError(ended && text.length === 0 ? 'the file is empty' : 'the file is empty (blank lines only)');
  }
  const sample = text.slice(0, HEAD_BYTES);
  // eslint-disable-next-line no-control-regex
  const binary = (sample.match(/[\u0000-\u0008\u000e-\u001a\ufffd]/g)?.length ?? 0) > Math.max(2, sample.length / 100);
  if (sample.includes('\u0000') || binary) {
    throw new ImportFileError('the file is binary, not a text export (CSV or App in the Air data.txt): export your history from the app as CSV');
  }
}

/** The head already read, then the rest of the text: one stream again (the rest is closed when the reader stops). */
export async function* replay(head: string, rest: AsyncIterator<string>): AsyncGenerator<string> {
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
export interface RawRow {
  row: number;
  read: () => ParsedRow | null;
}

/**
 * Data rows of the file in order, unread; header, comment and blank lines are not rows. Readers get `dates`;
 * App in the Air's reader keeps state from line to line and cannot be read twice, so it never waits for the date
 * order (its dates are year-first anyway): an ambiguous one is a bad cell.
 */
export async function* rowsOf(
  detection: Detection,
  chunks: AsyncIterable<string>,
  warn: (message: string) => void,
  dates: DateOrderResolver,
): AsyncGenerator<RawRow> {
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
    delimiter: detection.delimiter,
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
export async function* settleDates(rows: AsyncIterable<RawRow>, dates: DateOrderResolver, maxRows: number | undefined): AsyncGenerator<ParsedRow> {
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
    if (e instanceof TwoDigitYearError) return { kind: 'skip', row, reason: `row ${row}: ${e.message}`, twoDigitYear: true };
    if (e instanceof FieldError || e instanceof InvalidDateError) return { kind: 'skip', row, reason: `row ${row}: ${e.message}` };
    throw e;
  }
}
