/**
 * dates.ts, the one day-number module, against an independent oracle: the runtime's own proleptic Gregorian
 * calendar (`Date.UTC`), written here as dates.ts computed it before it became integer arithmetic (including the
 * `setUTCFullYear` fix for years 0-99, which `Date.UTC` maps to 1900-1999). A wrong day number is a wrong day
 * count, so the travel-date range is checked exhaustively and years 1-9999 by property.
 */
import fc from 'fast-check';
import {
  InvalidDateError,
  addDays,
  checkYearStart,
  civilFromDays,
  dayFromCivil,
  daysBetween,
  daysInMonth,
  fromDayNumber,
  isIsoDate,
  isYearStart,
  parseDayNumber,
  parseYearStart,
  toDayNumber,
} from '@travel-time-tracker/core/dates';
import { YearStartSchema } from '@travel-time-tracker/core/referenceData';

const MS_PER_DAY = 86_400_000;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The oracle: `YYYY-MM-DD` -> day number through `Date`, or NaN when the string is not a real date. */
function oracleDayNumber(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return NaN;
  const ms = Date.UTC(y, mo - 1, d);
  const fixed = y < 100 ? new Date(ms).setUTCFullYear(y) : ms;
  const dt = new Date(fixed);
  // A day that does not exist rolls over into the next month.
  if (dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return NaN;
  return Math.round(fixed / MS_PER_DAY);
}

/** The oracle: day number -> `YYYY-MM-DD` through `Date`. */
function oracleFromDayNumber(day: number): string {
  const dt = new Date(day * MS_PER_DAY);
  return `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1, 2)}-${pad(dt.getUTCDate(), 2)}`;
}

describe('day numbers against Date', () => {
  test('every day of the travel-date range and a month either side (1899-12-01 .. 2200-01-31), both ways', () => {
    const first = oracleDayNumber('1899-12-01');
    const last = oracleDayNumber('2200-01-31');
    let checked = 0;
    for (let n = first; n <= last; n++) {
      const s = fromDayNumber(n);
      // Compared only on failure: expect() on each of 110 000 days would dominate the test's time.
      if (s !== oracleFromDayNumber(n) || toDayNumber(s) !== n || oracleDayNumber(s) !== n) {
        expect([n, s, toDayNumber(s)]).toEqual([n, oracleFromDayNumber(n), n]);
      }
      checked++;
    }
    expect(checked).toBe(109_635);
  });

  test('any year/month/day 0001-9999 (days 1-31, so invalid days too): same validity and day number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        const want = oracleDayNumber(s);
        expect(isIsoDate(s)).toBe(!Number.isNaN(want));
        expect(parseDayNumber(s)).toBe(want);
        if (!Number.isNaN(want)) {
          expect(toDayNumber(s)).toBe(want);
          expect(fromDayNumber(want)).toBe(s);
          expect(dayFromCivil(y, m, d)).toBe(want);
          expect(civilFromDays(want)).toEqual({ y, m, d });
        }
      }),
      { numRuns: 5000 },
    );
  });

  test('any day number from year -768 to 10183 (what windows and shifts reach past the date range): same string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 3_000_000 }), (n) => {
        expect(fromDayNumber(n)).toBe(oracleFromDayNumber(n));
        const { y, m, d } = civilFromDays(n);
        expect(dayFromCivil(y, m, d)).toBe(n);
      }),
      { numRuns: 5000 },
    );
  });

  test.each(['2024-02-29', '2000-02-29', '1970-01-01', '0001-01-01', '9999-12-31', '1969-12-31', '1900-03-01', '0099-12-31', '0004-02-29', '0100-03-01'])(
    'agrees on %s',
    (s) => {
      expect(toDayNumber(s)).toBe(oracleDayNumber(s));
      expect(fromDayNumber(toDayNumber(s))).toBe(s);
    },
  );

  test.each([
    ['2023-02-29', 'not a leap year'],
    ['1900-02-29', 'century, not a leap year'],
    ['0100-02-29', 'century in the first years (Date.UTC maps 0-99 only)'],
    ['2024-13-01', 'month 13'],
    ['2024-00-10', 'month 0'],
    ['2024-01-00', 'day 0'],
    ['2024-04-31', '30-day month'],
    ['0000-01-01', 'year 0'],
    ['2024-1-01', 'one-digit month'],
    [' 2024-01-01', 'leading space'],
    ['2024-01-01\n', 'trailing newline'],
    ['２０２４-01-01', 'full-width digits'],
    ['2024/01/01', 'slashes'],
    ['', 'empty'],
  ])('rejects %j (%s), naming the field', (s) => {
    expect(Number.isNaN(oracleDayNumber(s))).toBe(true);
    expect(isIsoDate(s)).toBe(false);
    expect(parseDayNumber(s)).toBeNaN();
    expect(() => toDayNumber(s, 'departureDate')).toThrow(InvalidDateError);
    expect(() => toDayNumber(s, 'departureDate')).toThrow(`departureDate: "${s}" is not a calendar date in the form YYYY-MM-DD`);
  });

  test.each([undefined, null, 20240101, new Date(0), ['2024-01-01']])('isIsoDate(%p) is false and parseDayNumber NaN', (v) => {
    expect(isIsoDate(v)).toBe(false);
    expect(parseDayNumber(v)).toBeNaN();
  });

  test('daysInMonth is the month length of Date for every month of years 1-2400 (every leap-year rule)', () => {
    for (let y = 1; y <= 2400; y++) {
      for (let m = 1; m <= 12; m++) {
        const want = oracleDayNumber(`${pad(m === 12 ? y + 1 : y, 4)}-${pad(m === 12 ? 1 : m + 1, 2)}-01`) - oracleDayNumber(`${pad(y, 4)}-${pad(m, 2)}-01`);
        if (daysInMonth(y, m) !== want) expect([y, m, daysInMonth(y, m)]).toEqual([y, m, want]);
      }
    }
  });

  test.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-12-31', 1, '2024-01-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['1970-01-01', -1, '1969-12-31'],
    ['2024-01-01', 366, '2025-01-01'],
  ])('addDays(%s, %d) = %s, and daysBetween gives the days back', (date, days, want) => {
    expect(addDays(date, days)).toBe(want);
    expect(daysBetween(date, want)).toBe(days);
  });
});

describe('yearly start dates (MM-DD)', () => {
  test.each([
    ['04-06', true],
    ['01-01', true],
    ['12-31', true],
    ['02-28', true],
    ['02-29', false],
    ['04-31', false],
    ['13-01', false],
    ['00-10', false],
    ['04-00', false],
    ['4-06', false],
    ['04-06 ', false],
    ['0406', false],
  ])('%j: %p for isYearStart, parseYearStart and the rule schema alike', (value, ok) => {
    expect(isYearStart(value)).toBe(ok);
    expect(YearStartSchema.safeParse(value).success).toBe(ok);
    if (ok) {
      const start = parseYearStart(value);
      expect(`${pad(start.month, 2)}-${pad(start.day, 2)}`).toBe(value);
      expect(() => checkYearStart(start)).not.toThrow();
    } else expect(() => parseYearStart(value)).toThrow(RangeError);
  });

  test.each([
    { month: 2, day: 29 },
    { month: 0, day: 1 },
    { month: 4, day: 31 },
    { month: 1.5, day: 1 },
  ])('checkYearStart refuses %p', (start) => {
    expect(() => checkYearStart(start)).toThrow(RangeError);
  });
});
