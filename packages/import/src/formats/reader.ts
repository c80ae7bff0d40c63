/**
 * What a format's row reader is, and the helpers every reader uses. A reader turns one data row (CSV fields, or
 * one text line for the line-based formats) into a `ParsedRow`. Readers are pure apart from the file's date-order
 * evidence they feed (`DateReader`); they throw `FieldError` for a bad cell, which the pipeline turns into a
 * skipped row, and `PendingDateOrder` when a row must wait for the file's day/month order (the row is then read
 * again, so CSV readers must give the same answer twice).
 */
import type { ParsedRow } from '../types';
import { cleanCell } from '../values';

/**
 * How readers read date cells: through the file's day/month order (the file's `DateOrderResolver`).
 * `read` and `readEach` may throw `PendingDateOrder` (the row is read again once the order is known).
 */
export interface DateReader {
  read(raw: string, field: string, row: number): { date: string; time?: string };
  /** Reads every given cell (undefined: absent) before throwing, so that each shows the order. */
  readEach(row: number, ...cells: [raw: string | undefined, field: string][]): ({ date: string; time?: string } | undefined)[];
}

/** Reads one CSV record (its fields and 1-based line number) into a row. */
export type RowReader = (fields: string[], row: number, dates: DateReader) => ParsedRow;

/** Lower-case, BOM/quotes removed, runs of non-alphanumerics turned into `_` (`Gate Departure (Scheduled)` -> `gate_departure_scheduled`). */
export function normaliseHeader(h: string): string {
  return cleanCell(h.replace(/^\ufeff/, ''))
    .replace(/^"|"$/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** The cell at column `i`, or `undefined` when the format has no such column. */
export function cell(fields: string[], i: number | undefined): string | undefined {
  return i === undefined ? undefined : fields[i];
}
