/**
 * Calendar helpers for the rule kinds that count in months or in yearly periods (tax years): conversions
 * between day numbers (dates.ts: days since 1970-01-01, proleptic Gregorian, no time zone) and year/month/day,
 * with integer arithmetic only (H. Hinnant's civil_from_days / days_from_civil), so they are cheap in loops.
 */
import { dayFromCivil } from '../dayNumbers';

/** A calendar date as numbers: `m` 1-12, `d` 1-31. */
export interface Civil {
  y: number;
  m: number;
  d: number;
}

/** Year, month (1-12) and day of a day number (inverse of dayNumbers.ts `dayFromCivil`). */
export function civilFromDays(day: number): Civil {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Days in month `m` (1-12) of year `y` (Gregorian leap years). */
export function monthLength(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * The day `months` calendar months after `day` (same day of the month), or the 1st of the following month when
 * the target month is too short (31 August + 6 months = 1 March, there being no 31 February).
 * @throws RangeError when `months` is not a non-negative integer.
 */
export function sameDateMonthsLater(day: number, months: number): number {
  if (!Number.isInteger(months) || months < 0) throw new RangeError(`months must be a non-negative integer, got ${months}`);
  const { y, m, d } = civilFromDays(day);
  const total = m - 1 + months;
  const ty = y + Math.floor(total / 12);
  const tm = (total % 12) + 1;
  if (d <= monthLength(ty, tm)) return dayFromCivil(ty, tm, d);
  return tm === 12 ? dayFromCivil(ty + 1, 1, 1) : dayFromCivil(ty, tm + 1, 1);
}

/** The first day of a yearly period (a tax year), as month (1-12) and day of month. */
export interface YearStart {
  month: number;
  day: number;
}

/**
 * Parses `MM-DD` (e.g. `04-06` for the UK tax year starting 6 April).
 * @throws RangeError when it is not a real month and day, or is 29 February (a period must start every year).
 */
export function parseYearStart(value: string): YearStart {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  const month = m ? Number(m[1]) : NaN;
  const day = m ? Number(m[2]) : NaN;
  if (!m || month < 1 || month > 12 || day < 1 || day > monthLength(2001, month)) {
    throw new RangeError(`"${value}" is not a yearly start date written MM-DD (01-01 to 12-31, not 02-29)`);
  }
  return { month, day };
}

/** Checks a YearStart object (same rules as `parseYearStart`). @throws RangeError */
export function checkYearStart(start: YearStart): void {
  const { month, day } = start;
  if (!Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1 || day > monthLength(2001, month)) {
    throw new RangeError(`yearStart ${JSON.stringify(start)} is not a month 1-12 and a day of that month (29 February is not allowed)`);
  }
}

/** First and last day (inclusive day numbers) of a yearly period. */
export interface YearPeriod {
  start: number;
  end: number;
}

/**
 * The yearly period (starting every year on `start`) that contains `day`: `start` is the latest
 * `Y-month-day` on or before `day`, `end` the day before the next one. A period is 365 or 366 days long.
 */
export function yearPeriodOf(day: number, start: YearStart): YearPeriod {
  const { y } = civilFromDays(day);
  let s = dayFromCivil(y, start.month, start.day);
  let sy = y;
  if (s > day) {
    sy = y - 1;
    s = dayFromCivil(sy, start.month, start.day);
  }
  return { start: s, end: dayFromCivil(sy + 1, start.month, start.day) - 1 };
}
