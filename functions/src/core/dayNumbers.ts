/**
 * A fast path for dates.ts `toDayNumber`, for the hot loops of the core (tens of thousands of dates per
 * evaluation): the same day numbers (days since 1970-01-01, proleptic Gregorian, no time zone) computed with
 * integer arithmetic (H. Hinnant's days_from_civil) instead of a regular expression and `Date` objects.
 * Anything that is not a plain valid `YYYY-MM-DD` falls back to `toDayNumber`, so errors are identical.
 */
import { toDayNumber, type IsoDate } from './dates';

/**
 * Day number of a valid `YYYY-MM-DD` string, or NaN when `value` is not one (exactly the strings dates.ts
 * `isIsoDate` accepts).
 */
export function parseDayNumber(value: unknown): number {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return NaN;
  const y0 = value.charCodeAt(0) - 48;
  const y1 = value.charCodeAt(1) - 48;
  const y2 = value.charCodeAt(2) - 48;
  const y3 = value.charCodeAt(3) - 48;
  const m0 = value.charCodeAt(5) - 48;
  const m1 = value.charCodeAt(6) - 48;
  const d0 = value.charCodeAt(8) - 48;
  const d1 = value.charCodeAt(9) - 48;
  // `x >>> 0 > 9` is true for anything but a digit (negative values become huge).
  if (y0 >>> 0 > 9 || y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9 || m0 >>> 0 > 9 || m1 >>> 0 > 9 || d0 >>> 0 > 9 || d1 >>> 0 > 9) return NaN;
  const y = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const m = m0 * 10 + m1;
  const d = d0 * 10 + d1;
  if (y < 1 || m < 1 || m > 12 || d < 1) return NaN;
  if (d > 28) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const dim = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
    if (d > dim) return NaN;
  }
  // days_from_civil (see dayFromCivil) for y >= 1, where every quotient is of non-negative numbers.
  const yy = m <= 2 ? y - 1 : y;
  const era = (yy / 400) | 0;
  const yoe = yy - era * 400;
  const doy = (((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468;
}

/** Day number of year/month (1-12)/day in the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
export function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Same answer as dates.ts `isIsoDate`, without building `Date` objects. */
export function isIsoDateFast(value: unknown): value is IsoDate {
  return !Number.isNaN(parseDayNumber(value));
}

/**
 * Day number of a `YYYY-MM-DD` local date; same result and same errors as `toDayNumber`.
 * @throws InvalidDateError when `date` is not a real calendar date (`field` names it).
 */
export function dayNumber(date: IsoDate, field?: string): number {
  const n = parseDayNumber(date);
  return Number.isNaN(n) ? toDayNumber(date, field) : n;
}
