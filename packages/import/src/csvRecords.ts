/**
 * CSV records from physical lines, so that no row disappears.
 *
 * csv-parse splits the fields (RFC 4180 quotes, `relax_quotes`, `relax_column_count`). The lines are split here
 * first (LF, CRLF or CR), numbered as a text editor numbers them, and fed to one streaming parser with `\n` after
 * each, so that every record maps back to the lines it came from:
 *
 * - A record on one line is a row numbered by that line.
 * - A record spanning lines is a quoted cell with line breaks. If every line after the first is itself a row of
 *   the file (as the format's `looksLikeRow` says: a date where the date column is), the quote is a stray one,
 *   such as `...,"Honeymoon` closed four lines later: the first line is read as if the quote closed at its end,
 *   the parser restarts on the next line, and a warning names the lines. Otherwise it is a real multi-line cell
 *   (a note over two lines) and stays one row, numbered by its first line.
 * - A quote that never closes (end of file, or still open after MAX_LINE_LENGTH characters) is handled the same
 *   way; if the lines after it are not rows, the file is refused naming the row.
 * - Where the format defines comments (OpenFlights minimal input), a line starting with `#` is skipped.
 */
import { Readable, pipeline } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { ImportFileError } from './types';

/** A physical line of the file and its 1-based number. */
export interface NumberedLine {
  line: string;
  no: number;
}

/** One CSV record and the line it starts on. */
export interface CsvRecord {
  fields: string[];
  row: number;
}

export interface CsvRecordOptions {
  /** Longest record (characters) before an open quote is treated as never closing. */
  maxRecordLength: number;
  /** True when a line starting with `#` is a comment (OpenFlights minimal input only). */
  comments: boolean;
  /** True when fields parsed from one line are a data row of this file (used to recognise stray quotes). */
  looksLikeRow: (fields: string[]) => boolean;
  /** The file's field separator. */
  delimiter: Delimiter;
  /** Receives one warning per stray quote. */
  warn: (message: string) => void;
}

/** Lines after an unclosed quote checked to decide whether it is a stray quote. */
const CHECK_LINES = 50;
/** Characters fed to the parser at once (lines are batched). */
const BATCH = 16 * 1024;

const PARSE_OPTIONS = { relax_quotes: true, relax_column_count: true } as const;

/** Field separators the import reads: comma, semicolon (Excel in locales whose decimal mark is a comma), tab. */
export type Delimiter = ',' | ';' | '\t';

/**
 * The separator of a file from its first line (the header, or the first row of a headerless file): the one of
 * tab, semicolon and comma that occurs most often outside quotes, comma on a tie or when none occurs.
 */
export function detectDelimiter(line: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as Delimiter]++;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > counts[','] ? best[0] : ',';
}

/**
 * The fields of one line parsed on its own, separated by `delimiter`. An unclosed quote is taken to close at the end of the line; if that
 * still does not parse, quotes are read as ordinary characters.
 */
export function parseLine(line: string, delimiter: Delimiter = ','): string[] {
  const options = { ...PARSE_OPTIONS, delimiter };
  for (const attempt of [() => parseCsvSync(line, options), () => parseCsvSync(`${line}"`, options), () => parseCsvSync(line, { ...options, quote: false })]) {
    try {
      const records = attempt();
      return records[0] ?? [''];
    } catch {
      // next attempt
    }
  }
  return [line];
}

/** Lines that are blank or commas/semicolons/spaces only (a BOM too) carry no data. */
export function isBlankLine(line: string): boolean {
  return /^[\s,;\ufeff]*$/.test(line);
}

/**
 * Records of a CSV file from its numbered physical lines (see the module comment).
 * @throws ImportFileError when a quote never closes and the lines after it are not rows, or the CSV is otherwise
 *   unreadable.
 */
export async function* csvRecords(lines: AsyncIterator<NumberedLine>, options: CsvRecordOptions): AsyncGenerator<CsvRecord> {
  /** Lines to feed before pulling from `lines` again (after a restart). */
  let replay: NumberedLine[] = [];
  let sourceDone = false;
  const next = async (): Promise<NumberedLine | undefined> => {
    if (replay.length) return replay.shift();
    if (sourceDone) return undefined;
    const n = await lines.next();
    if (n.done) {
      sourceDone = true;
      return undefined;
    }
    return n.value;
  };
  const isComment = (l: NumberedLine) => options.comments && l.line.trimStart().startsWith('#');
  const rowLike = (l: NumberedLine) => !isBlankLine(l.line) && !isComment(l) && options.looksLikeRow(parseLine(l.line, options.delimiter));

  for (;;) {
    // Lines fed to this parser and not yet matched to a record, in order (head index: O(1) removal).
    const fed: NumberedLine[] = [];
    let head = 0;
    const take = (k: number): NumberedLine[] => {
      const out = fed.slice(head, head + k);
      head += k;
      if (head > 4096 && head * 2 > fed.length) {
        fed.splice(0, head);
        head = 0;
      }
      return out;
    };
    // The feeder may be awaiting a line when the parser stops; every line it pulled must be in `fed` before the
    // restart takes the rest, so the restart waits for it to finish.
    let feederStarted = false;
    let feederDone!: () => void;
    const feederFinished = new Promise<void>((resolve) => (feederDone = resolve));
    async function* feed(): AsyncGenerator<string> {
      feederStarted = true;
      try {
        let batch = '';
        for (;;) {
          const l = await next();
          if (!l) break;
          fed.push(l);
          batch += `${l.line}\n`;
          if (batch.length >= BATCH) {
            yield batch;
            batch = '';
          }
        }
        if (batch) yield batch;
      } finally {
        feederDone();
      }
    }
    // Records are captured as csv-parse produces them (on_record), not as the stream delivers them: when the
    // parser fails (an unclosed quote at the end), the records it produced before are still in `captured`.
    const captured: { fields: string[]; raw: string }[] = [];
    const parser = parseCsv({
      ...PARSE_OPTIONS,
      delimiter: options.delimiter,
      raw: true,
      record_delimiter: '\n',
      skip_empty_lines: false,
      max_record_size: options.maxRecordLength,
      // With `raw`, csv-parse hands on_record `{ record, raw }` (typed as the bare record).
      on_record: (item: unknown) => {
        const { record, raw } = item as { record: string[]; raw: string };
        captured.push({ fields: record, raw });
        return item as string[];
      },
    });
    const input = Readable.from(feed());
    let streamError: Error | undefined;
    pipeline(input, parser, (err) => {
      if (err) streamError = err;
    });
    /** Set when the parser must restart: the lines already known to come first (then the unread rest of `fed`). */
    let restartWith: NumberedLine[] | undefined;
    let failure: Error | undefined;
    const out: CsvRecord[] = [];
    /** Maps one captured record to its lines; returns false when the parser must restart after it. */
    const place = (item: { fields: string[]; raw: string }): boolean => {
      let k = 0;
      for (let i = item.raw.indexOf('\n'); i >= 0; i = item.raw.indexOf('\n', i + 1)) k++;
      const spanned = take(Math.max(1, k));
      const first = spanned[0]!;
      if (spanned.length === 1) {
        if (!isComment(first)) out.push({ fields: item.fields, row: first.no });
        return true;
      }
      const rest = spanned.slice(1);
      if (isComment(first)) {
        restartWith = rest;
        return false;
      }
      if (rest.every(rowLike)) {
        const last = rest[rest.length - 1]!;
        options.warn(
          `rows ${first.no}-${last.no}: the quote in row ${first.no} opens a cell that closes only in row ${last.no}, ` +
            'and the lines between are rows of the file: read as a stray quote, each line was read as its own row',
        );
        out.push({ fields: parseLine(first.line, options.delimiter), row: first.no });
        restartWith = rest;
        return false;
      }
      out.push({ fields: item.fields, row: first.no }); // a real multi-line cell
      return true;
    };
    try {
      // The stream paces the reading (backpressure); the records themselves come from `captured`, in order.
      reading: for await (const _ of parser) {
        while (captured.length) {
          const goOn = place(captured.shift()!);
          yield* out.splice(0);
          if (!goOn) break reading;
        }
      }
    } catch (e) {
      failure = streamError ?? (e as Error);
    } finally {
      parser.destroy();
      input.destroy();
    }
    if (failure) {
      // Records completed before the failure come first; a stray quote among them restarts before the failure.
      while (!restartWith && captured.length) {
        place(captured.shift()!);
        yield* out.splice(0);
      }
      if (restartWith) failure = undefined;
    }
    if (feederStarted) await feederFinished;
    const unread = fed.slice(head);

    if (failure) {
      if (failure instanceof ImportFileError) throw failure;
      const code = failure instanceof CsvError ? failure.code : undefined;
      const first = unread[0];
      if (!first || (code !== 'CSV_QUOTE_NOT_CLOSED' && code !== 'CSV_MAX_RECORD_SIZE')) {
        throw new ImportFileError(`the file is not well-formed CSV${first ? ` (row ${first.no})` : ''}: ${failure.message}`);
      }
      const rest = unread.slice(1);
      if (!isComment(first)) {
        const check = rest.filter((l) => !isBlankLine(l.line)).slice(0, CHECK_LINES);
        if (check.length > 0 && !check.every(rowLike)) {
          throw new ImportFileError(
            `row ${first.no}: a quote opens a cell that never closes, and the lines after it are not rows of the file; close or remove the quote`,
          );
        }
        const last = unread[unread.length - 1]!;
        const rows = last.no > first.no ? `rows ${first.no}-${last.no}` : `row ${first.no}`;
        options.warn(
          code === 'CSV_QUOTE_NOT_CLOSED'
            ? `${rows}: the quote in row ${first.no} opens a cell that never closes: read as a stray quote, each line was read as its own row`
            : `row ${first.no}: the quote in row ${first.no} opens a cell still open ${options.maxRecordLength} characters later: read as a stray quote, each line after it was read as its own row`,
        );
        yield { fields: parseLine(first.line, options.delimiter), row: first.no };
      }
      replay = [...rest, ...replay];
      continue;
    }
    if (!restartWith) return;
    replay = [...restartWith, ...unread, ...replay];
  }
}
