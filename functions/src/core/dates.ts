/**
 * Calendar-date arithmetic on ISO 8601 `YYYY-MM-DD` strings.
 *
 * A calendar date here is a *local* date (the date on the wall calendar where the traveller was); it carries no
 * time zone and is never converted through one. Internally a date is a "day number": whole days since
 * 1970-01-01 in the proleptic Gregorian calendar, computed with `Date.UTC` purely as a calendar algorithm,
 * so the server's time zone can never shift a date.
 */

/** A calendar date written `YYYY-MM-DD` (ISO 8601 extended calendar date). */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Thrown when a string is not a real `YYYY-MM-DD` calendar date. */
export class InvalidDateError extends Error {
  constructor(readonly value: string, readonly field?: string) {
    super(`${field ? `${field}: ` : ''}"${value}" is not a calendar date in the form YYYY-MM-DD`);
    this.name = 'InvalidDateError';
  }
}

/** True when `value` is a `YYYY-MM-DD` string naming a date that exists (2023-02-29 does not). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** Number of days in month `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Day number of a `YYYY-MM-DD` date (days since 1970-01-01).
 * @throws InvalidDateError when `date` is not a real calendar date; `field` names it in the message.
 */
export function toDayNumber(date: IsoDate, field?: string): number {
  if (!isIsoDate(date)) throw new InvalidDateError(String(date), field);
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear undoes that.
  const fixed = y < 100 ? new Date(ms).setUTCFullYear(y) : ms;
  return Math.round(fixed / MS_PER_DAY);
}

/** `YYYY-MM-DD` of a day number. */
export function fromDayNumber(day: number): IsoDate {
  const dt = new Date(day * MS_PER_DAY);
  const y = dt.getUTCFullYear();
  const m = dt.getUTCMonth() + 1;
  const d = dt.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Whole calendar days from `from` to `to` (`to - from`); 0 for the same date. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Compares two `YYYY-MM-DD` dates (lexical order equals calendar order for 4-digit years). */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Today's calendar date in an IANA time zone (default UTC), e.g. the evaluation date for a traveller in
 * `Europe/Paris`. `now` is injectable for tests.
 * @throws RangeError when `timeZone` is not a known IANA zone.
 */
export function todayIn(timeZone = 'UTC', now: Date = new Date()): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
