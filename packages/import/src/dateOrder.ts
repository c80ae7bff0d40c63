/**
 * Day-first or month-first, decided once for the whole file from its values (never row by row).
 *
 * A date written with the year last (`3/4/2024`, `03.04.2024`) is read the same way in every date column of the
 * file:
 * - a value whose first number exceeds 12 (`25/4/2024`) can only be day/month/year, one whose second number
 *   exceeds 12 (`4/25/2024`) only month/day/year; the first such value settles the order;
 * - values of both kinds in one file are an error naming an example row of each;
 * - a file whose values are all ambiguous (both numbers 12 or less and different) is read in the caller's
 *   `dateOrder`; without one it is refused with one message saying which option to pass;
 * - a `dateOrder` contradicted by the file is an error naming the row (the option is a statement about the file:
 *   a value it cannot read means the option, or that row, is wrong).
 * Year-first dates (`2024-04-03`, `2024/4/3`) and values whose two numbers are equal need no order.
 */
import { quote } from './text';
import { ImportFileError } from './types';
import { datePartsToDate, splitDate, type DateParts } from './values';

/** Order of the day, month and year in dates written with slashes, dots or dashes. */
export type DateOrder = 'DMY' | 'MDY' | 'YMD';

/** A value of the file that shows (or would need) the order. */
export interface DateExample {
  row: number;
  value: string;
}

/** Thrown by a reader when a row's date cannot be read until the file has shown its order. */
export class PendingDateOrder extends Error {
  constructor() {
    super('date order not known yet');
    this.name = 'PendingDateOrder';
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The file's dates are all ambiguous and no `dateOrder` was given. `example` is the first ambiguous value; the
 * message says which option to pass (the CLI words it as `--date-order`, see `DateOrderNeededError.explain`).
 */
export class DateOrderNeededError extends ImportFileError {
  constructor(readonly example: DateExample) {
    super(`${DateOrderNeededError.explain(example)}: import again saying which, with dateOrder 'DMY' (day first) or 'MDY' (month first)`);
    this.name = 'DateOrderNeededError';
  }

  /** The first half of the message: which value is ambiguous and its two readings. */
  static explain(example: DateExample): string {
    const parts = splitDate(example.value);
    const [a, b, y] = parts.kind === 'numeric' ? [parts.first, parts.second, parts.y] : [0, 0, 0];
    return (
      `no date in the file shows whether it is day/month/year or month/day/year (row ${example.row} ${quote(example.value)} ` +
      `could be ${a} ${MONTHS[b - 1]} ${y} or ${MONTHS[a - 1]} ${b}, ${y})`
    );
  }
}

/**
 * Reads the date cells of one file, collecting the evidence of its order. One instance per import.
 */
export class DateOrderResolver {
  private order: 'DMY' | 'MDY' | undefined;
  private dayFirst: DateExample | undefined;
  private monthFirst: DateExample | undefined;
  private firstAmbiguous: DateExample | undefined;

  /** @param option the caller's `dateOrder`, if any. */
  constructor(private readonly option?: DateOrder) {
    if (option === 'DMY' || option === 'MDY') this.order = option;
  }

  /** True once dates written with the year last can be read (the file showed its order, or the option gave it). */
  get decided(): boolean {
    return this.order !== undefined;
  }

  /**
   * The date (and time) of a cell.
   * @throws FieldError for a cell that is not a date or a date that does not exist; ImportFileError when the
   *   file contradicts itself or the option; PendingDateOrder when the value is ambiguous and the order not yet
   *   known (the caller keeps the row and reads it again after `decided`, or after `finish`).
   */
  read(raw: string, field: string, row: number): { date: string; time?: string } {
    const parts = splitDate(raw, field);
    if (parts.kind === 'numeric') this.observe(parts, row);
    if (parts.kind === 'numeric' && parts.first !== parts.second && this.order === undefined) throw new PendingDateOrder();
    return datePartsToDate(parts, this.order, field);
  }

  /**
   * `read` for every given cell of one row (an undefined cell, an absent optional one, gives undefined), all read before anything
   * is thrown so that each value shows the order: a row waiting on its departure date may settle the order with
   * its arrival date. Throws PendingDateOrder if any cell waits, else the first error.
   */
  readEach(row: number, ...cells: [raw: string | undefined, field: string][]): ({ date: string; time?: string } | undefined)[] {
    const out: ({ date: string; time?: string } | undefined)[] = [];
    let pending = false;
    // The first other error, rethrown as it was thrown (boxed: `unknown` narrowed by a check is no longer `unknown`).
    let failure: { error: unknown } | undefined;
    for (const [raw, field] of cells) {
      if (raw === undefined) {
        out.push(undefined);
        continue;
      }
      try {
        out.push(this.read(raw, field, row));
      } catch (e) {
        if (e instanceof PendingDateOrder) pending = true;
        else if (e instanceof ImportFileError) throw e;
        else failure ??= { error: e };
        out.push(undefined);
      }
    }
    if (pending) throw new PendingDateOrder();
    if (failure) throw failure.error;
    return out;
  }

  /**
   * End of the file with rows still waiting: the order is the option's, or the file is refused.
   * @throws DateOrderNeededError
   */
  finish(): void {
    if (this.order !== undefined || this.firstAmbiguous === undefined) return;
    throw new DateOrderNeededError(this.firstAmbiguous);
  }

  private observe(parts: Extract<DateParts, { kind: 'numeric' }>, row: number): void {
    const example = { row, value: parts.value };
    if (this.option === 'YMD') {
      throw new ImportFileError(
        `dateOrder YMD was given, but row ${row} ${quote(parts.value)} has its year last; pass dateOrder DMY (day first) or MDY (month first)`,
      );
    }
    const first = parts.first > 12 && parts.second <= 12;
    const second = parts.second > 12 && parts.first <= 12;
    if (first) this.dayFirst ??= example;
    if (second) this.monthFirst ??= example;
    if (!first && !second && parts.first !== parts.second && parts.first <= 12) this.firstAmbiguous ??= example;
    if (this.dayFirst && this.monthFirst) {
      const [a, b] = this.dayFirst.row <= this.monthFirst.row ? [this.dayFirst, this.monthFirst] : [this.monthFirst, this.dayFirst];
      const what = (e: DateExample) => (e === this.dayFirst ? 'day/month/year' : 'month/day/year');
      throw new ImportFileError(
        `the file writes dates in two orders: row ${a.row} ${quote(a.value)} can only be ${what(a)}, row ${b.row} ${quote(b.value)} ` +
          `can only be ${what(b)}; write every date the same way (YYYY-MM-DD is never ambiguous)`,
      );
    }
    const shown = first ? 'DMY' : second ? 'MDY' : undefined;
    if (!shown) return;
    if (this.option && this.option !== shown) {
      throw new ImportFileError(
        `dateOrder ${this.option} was given, but row ${row} ${quote(parts.value)} can only be ${shown === 'DMY' ? 'day/month/year' : 'month/day/year'}; ` +
          'check the option or that row',
      );
    }
    this.order = shown;
  }
}
