/**
 * Format detection, from the content of the first lines, never the file name: which export a file is and, for the
 * CSV formats, how to read and recognise its records.
 */
import type { ImportFormat } from '../types';
import { detectDelimiter, isBlankLine, parseLine, type Delimiter } from '../csvRecords';
import { cleanCell, datePartsToDate, splitDate } from '../values';
import { flightyReader } from './flighty';
import { genericReader, mapGenericHeader } from './generic';
import { flightradarReader } from './myflightradar24';
import { openflightsReader } from './openflights';
import { normaliseHeader, type RowReader } from './reader';

/** What detection decided: the format and, for CSV formats, how to read each record. */
export type Detection =
  | {
      format: ImportFormat;
      kind: 'csv';
      read: RowReader;
      isHeader: (fields: string[]) => boolean;
      /** True when the fields of one line are a data row (its date column holds a date): tells stray quotes apart. */
      looksLikeRow: (fields: string[]) => boolean;
      /** True when a line starting with `#` is a comment: only OpenFlights' minimal input defines them. */
      comments: boolean;
      /** The field separator, from the first line ({@link detectDelimiter}). */
      delimiter: Delimiter;
    }
  | { format: 'appintheair'; kind: 'lines' }
  | { format: 'whitespace-log'; kind: 'lines'; header: string };

/** True when the cell is a date in some day/month order (detection and stray quotes must not need the order). */
const isDateCell = (v: string | undefined) => {
  const attempt = (fn: () => unknown) => {
    try {
      fn();
      return true;
    } catch {
      return false;
    }
  };
  let parts: ReturnType<typeof splitDate>;
  try {
    parts = splitDate(cleanCell(v), 'date');
  } catch {
    return false;
  }
  return attempt(() => datePartsToDate(parts, 'DMY')) || attempt(() => datePartsToDate(parts, 'MDY'));
};
const isCodeCell = (v: string | undefined) => /^[A-Z]{3}$|^[A-Z0-9]{4}$/.test(cleanCell(v));

/** A row has a date in column `dateIndex` and at least `minFields` fields. */
function rowCheck(dateIndex: number | undefined, minFields: number): (fields: string[]) => boolean {
  return (fields) => dateIndex !== undefined && fields.length >= minFields && isDateCell(fields[dateIndex]);
}

function sameHeader(expected: string[]): (fields: string[]) => boolean {
  // Field by field, stopping at the first difference: asked for every row, and a data row differs at once.
  return (fields) => fields.length === expected.length && fields.every((f, i) => normaliseHeader(f) === expected[i]);
}

/**
 * Decides the format from the first lines of a file (BOM, blank and `#` comment lines allowed); CSV fields may be
 * separated by commas, semicolons or tabs ({@link detectDelimiter}).
 * @param firstLines the first lines, already split on any line ending (LF, CRLF or CR), up to ~30.
 * @returns the detection, or `null` when no supported format matches.
 */
export function detect(firstLines: readonly string[]): Detection | null {
  const lines = firstLines.map((l, i) => (i === 0 ? l.replace(/^\ufeff/, '') : l)).filter((l) => !isBlankLine(l));
  const first = lines[0];
  if (first === undefined) return null;

  if (/^user:/i.test(first.trim()) || (lines.some((l) => /^trips:\s*$/i.test(l.trim())) && lines.some((l) => l.startsWith('Ownership.')))) {
    return { format: 'appintheair', kind: 'lines' };
  }
  const words = first.trim().split(/\s+/).map(normaliseHeader);
  if (!first.includes(',') && ['trip', 'leg', 'date', 'dep', 'arr'].every((w) => words.includes(w))) {
    return { format: 'whitespace-log', kind: 'lines', header: first };
  }

  const delimiter = detectDelimiter(first);
  const parse = (l: string) => parseLine(l, delimiter);
  const header = parse(first.replace(/^\ufeff/, ''));
  const names = header.map(normaliseHeader);
  const has = (...n: string[]) => n.every((x) => names.includes(x));
  const at = (n: string) => (names.includes(n) ? names.indexOf(n) : undefined);
  const after = (...n: string[]) => Math.max(...n.map((x) => names.indexOf(x))) + 1;
  if (names[0] === 'date' && names[1] === 'from' && names[2] === 'to' && has('flight_number', 'airline', 'duration')) {
    return {
      format: 'openflights',
      kind: 'csv',
      read: openflightsReader(),
      isHeader: sameHeader(names),
      looksLikeRow: rowCheck(0, 3),
      comments: false,
      delimiter,
    };
  }
  if (has('date', 'flight_number', 'from', 'to', 'dep_time', 'arr_time')) {
    const looksLikeRow = rowCheck(at('date'), after('date', 'from', 'to'));
    return { format: 'myflightradar24', kind: 'csv', read: flightradarReader(header), isHeader: sameHeader(names), looksLikeRow, comments: false, delimiter };
  }
  if (has('date', 'from', 'to', 'canceled', 'diverted_to') && names.some((n) => n.startsWith('gate_departure'))) {
    const looksLikeRow = rowCheck(at('date'), after('date', 'from', 'to'));
    return { format: 'flighty', kind: 'csv', read: flightyReader(header), isHeader: sameHeader(names), looksLikeRow, comments: false, delimiter };
  }
  const map = mapGenericHeader(header);
  if (map) {
    const looksLikeRow = rowCheck(map.date, Math.max(map.date ?? 0, map.from ?? map.from_country ?? 0, map.to ?? map.to_country ?? 0) + 1);
    return { format: 'generic', kind: 'csv', read: genericReader(map), isHeader: sameHeader(names), looksLikeRow, comments: false, delimiter };
  }

  // Headerless: recognise the columns by their content over the first data lines.
  const data = lines.filter((l) => !l.trimStart().startsWith('#') && normaliseHeader(parse(l)[0] ?? '') !== 'date');
  const sample = data.slice(0, 5).map(parse);
  const firstData = sample[0];
  if (!firstData) return null;
  const openflightsIsHeader = (f: string[]) => normaliseHeader(f[0] ?? '') === 'date' && normaliseHeader(f[1] ?? '') === 'from';
  if (sample.every((f) => isDateCell(f[0]) && isCodeCell(f[1]) && isCodeCell(f[2]))) {
    // 15+ columns is the export written without (or with a trailing) header; fewer is the minimal import form,
    // the one format that defines `#` comment lines.
    const format = firstData.length >= 15 ? 'openflights' : 'openflights-minimal';
    return {
      format,
      kind: 'csv',
      read: openflightsReader(),
      isHeader: openflightsIsHeader,
      looksLikeRow: rowCheck(0, 3),
      comments: format === 'openflights-minimal',
      delimiter,
    };
  }
  for (let i = 0; i + 2 < firstData.length; i++) {
    if (sample.every((f) => isDateCell(f[i]) && isCodeCell(f[i + 1]) && isCodeCell(f[i + 2]))) {
      return {
        format: 'generic',
        kind: 'csv',
        read: genericReader({ date: i, from: i + 1, to: i + 2 }),
        isHeader: () => false,
        looksLikeRow: rowCheck(i, i + 3),
        comments: false,
        delimiter,
      };
    }
  }
  return null;
}

/**
 * The format of a file from its first lines (see `detect`), or `null` when unsupported.
 * @param firstLines the first lines of the file, split on any line ending.
 */
export function detectFormat(firstLines: readonly string[]): ImportFormat | null {
  return detect(firstLines)?.format ?? null;
}
