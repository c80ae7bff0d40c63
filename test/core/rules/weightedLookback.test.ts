/**
 * The `weighted-lookback` rule kind (core/rules/weightedLookback.ts): the US substantial presence test,
 * 26 U.S.C. 7701(b)(3): at least 31 days in the current year and at least 183 days counting all the days of
 * the current year, 1/3 of those of the first preceding year and 1/6 of those of the second preceding year.
 * IRS Publication 519's example, statutory boundary cases, and a property test against the naive reference.
 */
import fc from 'fast-check';
import { fromDayNumber, parseYearStart, toDayNumber } from '@travel-time-tracker/core/dates';
import { expandDays, mergeIntervals } from '@travel-time-tracker/core/intervals';
import { evaluateWeightedLookback, parseFraction, type WeightedLookbackParams } from '@travel-time-tracker/core/rules/weightedLookback';
import { naiveWeighted } from './naiveRules';

const SPT: WeightedLookbackParams = {
  minDaysCurrentYear: 31,
  threshold: 183,
  weights: ['1', '1/3', '1/6'].map(parseFraction),
  yearStart: parseYearStart('01-01'),
};
const PUB519 = 'IRS Publication 519, Substantial Presence Test, example (120 days in each of three years)';
const STATUTE = '26 U.S.C. 7701(b)(3)(A)';

const f = (d: number | null) => (d === null ? null : fromDayNumber(d));
/** `n` consecutive days of presence starting on `from`. */
const days = (from: string, n: number) => ({ start: toDayNumber(from), end: toDayNumber(from) + n - 1 });

function run(p: { start: number; end: number }[], asOf: string, params = SPT) {
  const r = evaluateWeightedLookback(mergeIntervals(p), toDayNumber(asOf), params);
  return { ...r, yearStart: f(r.yearStart), yearEnd: f(r.yearEnd), metOn: f(r.metOn) };
}

describe('substantial presence test: worked examples', () => {
  test(`120 days in each of three years: 120 + 40 + 20 = 180 weighted days, not met (${PUB519})`, () => {
    const r = run([days('2022-03-01', 120), days('2023-03-01', 120), days('2024-03-01', 120)], '2024-12-31');
    expect(r).toEqual({
      yearStart: '2024-01-01',
      yearEnd: '2024-12-31',
      daysThisYear: 120,
      daysByYear: [120, 120, 120],
      weightedDays: { numerator: 1080, denominator: 6, display: '180' },
      threshold: 183,
      minDaysCurrentYear: 31,
      met: false,
      metOn: null,
      daysRemaining: 3,
    });
  });

  test.each([
    {
      name: '30 days this year and two full years before: 183+ weighted days but fewer than 31 this year, not met',
      p: [days('2023-01-01', 365), days('2024-01-01', 366), days('2025-01-01', 30)],
      asOf: '2025-12-31',
      want: { daysThisYear: 30, met: false, daysRemaining: 1, weightedDays: { numerator: 6 * 30 + 2 * 366 + 365, denominator: 6, display: '212.83' } },
    },
    {
      name: 'the 183rd day of presence in the current year meets it (2 July in a common year)',
      p: [days('2025-01-01', 200)],
      asOf: '2025-12-31',
      want: { daysThisYear: 200, met: true, metOn: '2025-07-02', daysRemaining: 0 },
    },
    {
      name: 'in a leap year the 183rd day is 1 July',
      p: [days('2024-01-01', 183)],
      asOf: '2024-12-31',
      want: { met: true, metOn: '2024-07-01' },
    },
    {
      name: '122 days in each year: 122 + 40 2/3 + 20 1/3 = exactly 183, met (rounding each third down would give 182)',
      p: [days('2023-02-01', 122), days('2024-02-01', 122), days('2025-02-01', 122)],
      asOf: '2025-12-31',
      want: { met: true, weightedDays: { numerator: 1098, denominator: 6, display: '183' }, metOn: '2025-06-02' },
    },
    {
      name: '121 days in each year: 181.5 weighted days, 2 more days needed',
      p: [days('2023-02-01', 121), days('2024-02-01', 121), days('2025-02-01', 121)],
      asOf: '2025-12-31',
      want: { met: false, weightedDays: { numerator: 1089, denominator: 6, display: '181.5' }, daysRemaining: 2, metOn: null },
    },
    {
      name: 'planned presence: all of January and February, then a planned stay from April reaches 183 on 1 August',
      p: [days('2025-01-01', 60), { start: toDayNumber('2025-04-01'), end: toDayNumber('2025-12-31') }],
      asOf: '2025-03-01',
      want: { daysThisYear: 60, met: false, metOn: '2025-08-01', daysRemaining: 123 },
    },
    {
      name: 'days of the third preceding year do not count',
      p: [days('2022-01-01', 365), days('2025-01-01', 31)],
      asOf: '2025-12-31',
      want: { daysByYear: [31, 0, 0], weightedDays: { numerator: 186, denominator: 6, display: '31' }, met: false },
    },
  ])(`$name (${STATUTE})`, ({ p, asOf, want }) => {
    expect(run(p, asOf)).toMatchObject(want);
  });

  test.each([
    [{ ...SPT, threshold: 0 }, /threshold/],
    [{ ...SPT, minDaysCurrentYear: 0 }, /minDaysCurrentYear/],
    [{ ...SPT, weights: [] }, /weights/],
    [{ ...SPT, weights: [{ numerator: 0, denominator: 1 }] }, /weights/],
    [{ ...SPT, weights: [{ numerator: 1, denominator: 0 }] }, /weights/],
    [{ ...SPT, yearStart: { month: 2, day: 29 } }, /yearStart/],
  ])('bad parameters are refused (%#)', (params, error) => {
    expect(() => evaluateWeightedLookback([], 0, params)).toThrow(RangeError);
    expect(() => evaluateWeightedLookback([], 0, params)).toThrow(error);
  });

  test.each([
    ['1', { numerator: 1, denominator: 1 }],
    ['1/3', { numerator: 1, denominator: 3 }],
    ['2/6', { numerator: 2, denominator: 6 }],
  ])('parseFraction("%s")', (s, want) => {
    expect(parseFraction(s)).toEqual(want);
  });
  test.each(['', '1/0', '0.5', '-1/3', '1/3/4'])('parseFraction("%s") is refused', (s) => {
    expect(() => parseFraction(s)).toThrow(/fraction/);
  });
});

describe('substantial presence test: engine vs naive reference', () => {
  test('random presence over 2021-2026, planned days, small and statutory thresholds (500 sets)', () => {
    const arb = fc.record({
      runs: fc.array(fc.record({ at: fc.integer({ min: 0, max: 2100 }), len: fc.integer({ min: 1, max: 200 }) }), { maxLength: 10 }),
      asOf: fc.integer({ min: 300, max: 2200 }),
      minDays: fc.oneof(fc.constant(31), fc.integer({ min: 1, max: 40 })),
      threshold: fc.oneof(fc.constant(183), fc.integer({ min: 1, max: 120 })),
      mmdd: fc.constantFrom('01-01', '01-01', '04-06', '03-01'),
    });
    fc.assert(
      fc.property(arb, ({ runs, asOf, minDays, threshold, mmdd }) => {
        const base = toDayNumber('2021-01-01');
        const p = mergeIntervals(runs.map((r) => ({ start: base + r.at, end: base + r.at + r.len - 1 })));
        const params = { ...SPT, minDaysCurrentYear: minDays, threshold, yearStart: parseYearStart(mmdd) };
        const r = evaluateWeightedLookback(p, base + asOf, params);
        const n = naiveWeighted(new Set(expandDays(p)), base + asOf, minDays, threshold, mmdd);
        expect({
          yearStart: f(r.yearStart),
          daysThisYear: r.daysThisYear,
          daysFirstPrecedingYear: r.daysByYear[1],
          daysSecondPrecedingYear: r.daysByYear[2],
          sixths: r.weightedDays.denominator === 6 ? r.weightedDays.numerator : NaN,
          met: r.met,
          metOn: f(r.metOn),
          daysRemaining: r.daysRemaining,
        }).toEqual(n);
        expect(Number(r.weightedDays.display)).toBe(Math.floor((r.weightedDays.numerator * 100) / 6) / 100);
      }),
      { numRuns: 500 },
    );
  });
});
