/** countryDaysFrom: totals and per-year split, clipped at asOf, compared with a day-by-day count. */
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { countryDaysFrom } from '@travel-time-tracker/core/countryDays';

function dayByDay(intervals: [string, string][], asOf: string) {
  const byYear: Record<string, number> = {};
  let total = 0;
  for (const [a, b] of intervals) {
    for (let d = toDayNumber(a); d <= toDayNumber(b) && d <= toDayNumber(asOf); d++) {
      const y = fromDayNumber(d).slice(0, 4);
      byYear[y] = (byYear[y] ?? 0) + 1;
      total++;
    }
  }
  return { total, byYear };
}

describe('countryDaysFrom', () => {
  test.each([
    { name: 'across a year end', intervals: [['2023-12-30', '2024-01-02']], asOf: '2024-06-01' },
    { name: 'leap day and a whole leap year', intervals: [['2023-12-31', '2025-01-01']], asOf: '2030-01-01' },
    { name: 'clipped at asOf', intervals: [['2024-12-20', '2025-01-10']], asOf: '2025-01-05' },
    { name: 'entirely after asOf (planned): omitted', intervals: [['2025-02-01', '2025-02-10']], asOf: '2025-01-05' },
    { name: 'around 1970-01-01 (day 0)', intervals: [['1969-12-25', '1970-01-03']], asOf: '1970-02-01' },
    { name: 'the first years of the calendar', intervals: [['0001-01-01', '0002-01-05']], asOf: '0003-01-01' },
    {
      name: 'century years 1900 (not leap) and 2000 (leap)',
      intervals: [
        ['1899-12-31', '1900-03-01'],
        ['1999-12-31', '2000-03-01'],
      ],
      asOf: '2001-01-01',
    },
    { name: 'the last year', intervals: [['9998-12-30', '9999-12-31']], asOf: '9999-12-31' },
  ] as { name: string; intervals: [string, string][]; asOf: string }[])('$name', ({ intervals, asOf }) => {
    const got = countryDaysFrom(new Map([['FR', intervals.map(([a, b]) => ({ start: toDayNumber(a), end: toDayNumber(b) }))]]), toDayNumber(asOf));
    const want = dayByDay(intervals, asOf);
    expect(got.countryDays).toEqual(want.total ? { FR: want.total } : {});
    const gotByYear = Object.fromEntries(Object.entries(got.countryDaysByYear).map(([y, row]) => [y, row.FR]));
    expect(gotByYear).toEqual(want.byYear);
  });
});
