/**
 * Calendar dates as day numbers: the one module that turns ISO 8601 `YYYY-MM-DD` strings into integers and back,
 * and does calendar arithmetic on them (days, months, yearly periods such as tax years).
 *
 * A calendar date here is a *local* date (the date on the wall calendar where the traveller was); it carries no
 * time zone and is never converted through one (instants and IANA time zones have a module of their own). A "day number" is the
 * count of whole days since 1970-01-01 in the proleptic Gregorian calendar, computed with integer arithmetic only
 * (H. Hinnant's days_from_civil / civil_from_days, https://howardhinnant.github.io/date_algorithms.html): no `Date`
 * object, so the server's time zone can never shift a date, and the core's hot loops (tens of thousands of dates
 * per evaluation) parse a date for the cost of reading its ten characters. The core's date tests check
 * every function against the runtime's own Gregorian calendar (`Date.UTC`).
 */

/** A calendar date written `YYYY-MM-DD` (ISO 8601 extended calendar date), years 0001-9999. */
export type IsoDate = string;

/** Thrown when a string is not a real `YYYY-MM-DD` calendar date. */
export class InvalidDateError extends Error {
  constructor(
    readonly value: string,
    readonly field?: string,
  ) {
    super(`${field ? `${field}: ` : ''}"${value}" is not a calendar date in the form YYYY-MM-DD`);
    this.name = 'InvalidDateError';
  }
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Number of days in month `month` (1-12) of `year` (proleptic Gregorian leap years).
 * @example
 * daysInMonth(2024, 2) //=> 29
 * daysInMonth(2100, 2) //=> 28
 */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Day number of a valid `YYYY-MM-DD` string, or NaN when `value` is anything else (not a string, another
 * shape, a month or day that does not exist such as 2023-02-29, year 0000, non-ASCII digits). The fast path of
 * the hot loops: it builds nothing, and the caller decides what a NaN means.
 * @example
 * parseDayNumber('1970-01-02') //=> 1
 * parseDayNumber('2023-02-29') //=> NaN
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
  if (y < 1 || m < 1 || m > 12 || d < 1 || (d > 28 && d > daysInMonth(y, m))) return NaN;
  // days_from_civil (see dayFromCivil) for y >= 1, where every quotient is of non-negative numbers, so `| 0`
  // truncation equals the floor.
  const yy = m <= 2 ? y - 1 : y;
  const era = (yy / 400) | 0;
  const yoe = yy - era * 400;
  const doy = (((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * True when `value` is a `YYYY-MM-DD` string naming a date that exists (2023-02-29 does not).
 * @example
 * isIsoDate('2024-02-29') //=> true
 * isIsoDate('2023-02-29') //=> false
 * isIsoDate('2024-2-9') //=> false
 */
export function isIsoDate(value: unknown): value is IsoDate {
  return !Number.isNaN(parseDayNumber(value));
}

/**
 * Day number of a `YYYY-MM-DD` date (days since 1970-01-01).
 * @throws InvalidDateError when `date` is not a real calendar date; `field` names it in the message.
 * @example
 * toDayNumber('2026-01-01') //=> 20454
 * toDayNumber('2026-13-01', 'entryDate') //=> throws InvalidDateError
 */
export function toDayNumber(date: IsoDate, field?: string): number {
  const n = parseDayNumber(date);
  if (Number.isNaN(n)) throw new InvalidDateError(String(date), field);
  return n;
}

/**
 * Day number of year/month (1-12)/day in the proleptic Gregorian calendar, any integer year (days_from_civil).
 * @example
 * dayFromCivil(2026, 1, 1) //=> 20454
 * dayFromCivil(1969, 12, 31) //=> -1
 */
export function dayFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A calendar date as numbers: `m` 1-12, `d` 1-31. */
export interface Civil {
  y: number;
  m: number;
  d: number;
}

/**
 * Year, month (1-12) and day of a day number (civil_from_days, the inverse of {@link dayFromCivil}).
 * @example
 * civilFromDays(20454) //=> { y: 2026, m: 1, d: 1 }
 */
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

/**
 * `YYYY-MM-DD` of a day number (an integer). Years outside 0001-9999 keep the digits they have (year 0 and
 * earlier are astronomical years: 0000, 00-1), as they did when this went through `Date`.
 * @example
 * fromDayNumber(20454) //=> '2026-01-01'
 * fromDayNumber(0) //=> '1970-01-01'
 */
export function fromDayNumber(day: number): IsoDate {
  const { y, m, d } = civilFromDays(day);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/**
 * `date` moved by `days` calendar days (negative moves back).
 * @throws InvalidDateError for a bad `date`.
 * @example
 * addDays('2024-02-28', 1) //=> '2024-02-29'
 * addDays('2026-01-01', -1) //=> '2025-12-31'
 */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/**
 * Whole calendar days from `from` to `to` (`to - from`); 0 for the same date.
 * @throws InvalidDateError for a bad date.
 * @example
 * // 1 to 31 January: 30 days apart (31 days when both are counted)
 * daysBetween('2026-01-01', '2026-01-31') //=> 30
 * daysBetween('2026-01-31', '2026-01-01') //=> -30
 */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/**
 * Compares two `YYYY-MM-DD` dates (lexical order equals calendar order for 4-digit years).
 * @example
 * compareDates('2026-01-31', '2026-02-01') //=> -1
 * const sorted = ['2026-03-01', '2025-12-31'].sort(compareDates) //=> ['2025-12-31', '2026-03-01']
 */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Months and yearly periods (the rule kinds that count in months or tax years)                      */
/* ------------------------------------------------------------------------------------------------ */

/**
 * The day `months` calendar months after `day` (same day of the month), or the 1st of the following month when
 * the target month is too short (31 August + 6 months = 1 March, there being no 31 February). Not date-fns'
 * `addMonths`, which clamps to the month's last day (28 February): the per-stay rule's "6 months" ends the day
 * before this day ({@link lastPermittedDay}).
 * @throws RangeError when `months` is not a non-negative integer.
 * @example
 * fromDayNumber(sameDateMonthsLater(toDayNumber('2026-01-15'), 6)) //=> '2026-07-15'
 * // 31 August + 6 months: there is no 31 February, so 1 March
 * fromDayNumber(sameDateMonthsLater(toDayNumber('2025-08-31'), 6)) //=> '2026-03-01'
 */
export function sameDateMonthsLater(day: number, months: number): number {
  if (!Number.isInteger(months) || months < 0) throw new RangeError(`months must be a non-negative integer, got ${months}`);
  const { y, m, d } = civilFromDays(day);
  const total = m - 1 + months;
  const ty = y + Math.floor(total / 12);
  const tm = (total % 12) + 1;
  if (d <= daysInMonth(ty, tm)) return dayFromCivil(ty, tm, d);
  return tm === 12 ? dayFromCivil(ty + 1, 1, 1) : dayFromCivil(ty, tm + 1, 1);
}

/** The first day of a yearly period (a tax year), as month (1-12) and day of month. */
export interface YearStart {
  month: number;
  day: number;
}

/** A real month and day that occurs every year (not 29 February): a period must start every year. */
function isEveryYearMonthDay(month: number, day: number): boolean {
  return Number.isInteger(month) && Number.isInteger(day) && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(2001, month);
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/**
 * True when `value` is `MM-DD` naming a day that occurs every year (01-01 to 12-31, not 02-29).
 * @example
 * isYearStart('04-06') //=> true
 * isYearStart('02-29') //=> false
 */
export function isYearStart(value: string): boolean {
  const m = MONTH_DAY.exec(value);
  return !!m && isEveryYearMonthDay(Number(m[1]), Number(m[2]));
}

/**
 * Parses `MM-DD` (e.g. `04-06` for the UK tax year starting 6 April).
 * @throws RangeError when it is not a real month and day, or is 29 February (a period must start every year).
 * @example
 * parseYearStart('04-06') //=> { month: 4, day: 6 }
 * parseYearStart('02-29') //=> throws RangeError
 */
export function parseYearStart(value: string): YearStart {
  if (!isYearStart(value)) throw new RangeError(`"${value}" is not a yearly start date written MM-DD (01-01 to 12-31, not 02-29)`);
  return { month: Number(value.slice(0, 2)), day: Number(value.slice(3, 5)) };
}

/**
 * Checks a YearStart object (same rules as {@link parseYearStart}).
 * @throws RangeError when it is not a month 1-12 and a day of that month, or is 29 February.
 * @example
 * checkYearStart({ month: 4, day: 6 }) //=> undefined
 * checkYearStart({ month: 4, day: 31 }) //=> throws RangeError
 */
export function checkYearStart(start: YearStart): void {
  if (!isEveryYearMonthDay(start.month, start.day)) {
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
 * @example
 * // The UK tax year (from 6 April) that holds 1 January 2026:
 * const period = yearPeriodOf(toDayNumber('2026-01-01'), { month: 4, day: 6 })
 * fromDayNumber(period.start) //=> '2025-04-06'
 * fromDayNumber(period.end) //=> '2026-04-05'
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
