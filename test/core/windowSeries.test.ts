/**
 * daysInPeriodSeries: the days of presence in the period of every control date of a range (the chart of the
 * HTML report). Each element must equal `daysUsed` of `evaluateRollingWindow` for that date.
 */
import fc from 'fast-check';
import { toDayNumber } from '@travel-time-tracker/core/dates';
import { daysInPeriodSeries, evaluateRollingWindow } from '@travel-time-tracker/core/rules/rollingWindow';
import { mergeIntervals, type DayInterval } from '@travel-time-tracker/core/intervals';

const d = toDayNumber;

describe('daysInPeriodSeries', () => {
  test.each<{ name: string; p: [string, string][]; from: string; to: string; period: number; want: number[] }>([
    { name: 'no presence', p: [], from: '2026-01-01', to: '2026-01-03', period: 180, want: [0, 0, 0] },
    {
      name: 'a 3-day stay entering and leaving a 3-day period',
      p: [['2026-01-02', '2026-01-04']],
      from: '2026-01-01',
      to: '2026-01-08',
      period: 3,
      want: [0, 1, 2, 3, 2, 1, 0, 0],
    },
    {
      name: 'presence before the range still counts in its first periods',
      p: [['2025-12-30', '2025-12-31']],
      from: '2026-01-01',
      to: '2026-01-03',
      period: 3,
      want: [2, 1, 0],
    },
    { name: 'a single day', p: [['2026-01-01', '2026-01-01']], from: '2026-01-01', to: '2026-01-01', period: 180, want: [1] },
  ])('$name', ({ p, from, to, period, want }) => {
    const iv = p.map(([a, b]) => ({ start: d(a), end: d(b) }));
    expect(daysInPeriodSeries(iv, d(from), d(to), period)).toEqual(want);
  });

  test.each([
    ['to before from', () => daysInPeriodSeries([], 10, 9, 180)],
    ['a period of 0 days', () => daysInPeriodSeries([], 10, 19, 0)],
    ['a fractional period', () => daysInPeriodSeries([], 10, 19, 1.5)],
  ])('%s throws RangeError', (_n, f) => {
    expect(f).toThrow(RangeError);
  });

  test('equals daysUsed of evaluateRollingWindow on every control date', () => {
    const ivArb = fc.array(fc.record({ start: fc.integer({ min: 0, max: 400 }), len: fc.integer({ min: 0, max: 60 }) }), { maxLength: 8 });
    fc.assert(
      fc.property(ivArb, fc.integer({ min: -50, max: 450 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 2, max: 200 }), (raw, from, len, period) => {
        const p: DayInterval[] = mergeIntervals(raw.map((r) => ({ start: r.start, end: r.start + r.len })));
        const series = daysInPeriodSeries(p, from, from + len, period);
        expect(series).toHaveLength(len + 1);
        const maxDays = Math.max(1, Math.floor(period / 2));
        series.forEach((n, i) => expect(n).toBe(evaluateRollingWindow(p, from + i, { maxDays, periodDays: period }).daysUsed));
      }),
      { numRuns: 60 },
    );
  });
});
