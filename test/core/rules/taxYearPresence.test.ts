/**
 * The `tax-year-presence` rule kind (core/rules/taxYearPresence.ts) and the `midnight` day-counting convention
 * (core/rules/midnightPresence.ts): HMRC's worked day counts and transit examples, a table of the midnight
 * edge cases, and property tests against the naive day-by-day references (naiveRules.ts) across tax-year
 * boundaries (6 April, 1 July, 1 January, ...), leap years and planned days.
 */
import fc from 'fast-check';
import { fromDayNumber, parseYearStart, toDayNumber, yearPeriodOf } from '@travel-time-tracker/core/dates';
import { expandDays, mergeIntervals } from '@travel-time-tracker/core/intervals';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { midnightPresence } from '@travel-time-tracker/core/rules/midnightPresence';
import { evaluateTaxYearPresence } from '@travel-time-tracker/core/rules/taxYearPresence';
import { seg } from '../build';
import { daySet, naiveMidnight, naiveTaxYear, naiveTaxYearEnd, naiveTaxYearStart } from './naiveRules';
import { buildItinerary, stepArb } from './itinerary';

const RDRM10610 = 'HMRC RDRM10610 (Residence: counting days), table, column "from 6 April 2008"';
const RDR3_17 = 'HMRC RDR3 Example 17 / RDRM11730 Example 1 (Holly); Finance Act 2013 Sch. 45 para 22(3)';
const RDR3_18A = 'HMRC RDR3 Example 18(a) (Lawrence); Finance Act 2013 Sch. 45 para 22(3)';
const UK = { minDays: 183, yearStart: parseYearStart('04-06') };

const f = (d: number | null) => (d === null ? null : fromDayNumber(d));
const dates = (ivs: readonly { start: number; end: number }[] | undefined) => expandDays(ivs ?? []).map(fromDayNumber);

/** A round trip home -> GB -> home, arriving and leaving on the given dates. */
const visit = (arrive: string, leave: string, home = 'FR') => [seg(home, 'GB', arrive), seg('GB', home, leave)];

function ukStatus(segments: IdentifiedSegment[], asOf: string) {
  const gb = midnightPresence(segments, asOf, { transitException: true }).get('GB') ?? [];
  const r = evaluateTaxYearPresence(gb, toDayNumber(asOf), UK);
  return {
    taxYearStart: f(r.taxYearStart),
    taxYearEnd: f(r.taxYearEnd),
    daysThisTaxYear: r.daysThisTaxYear,
    plannedDaysThisTaxYear: r.plannedDaysThisTaxYear,
    threshold: r.threshold,
    met: r.met,
    metOn: f(r.metOn),
    daysRemaining: r.daysRemaining,
    byTaxYear: r.byTaxYear.map((y) => ({ taxYearStart: f(y.taxYearStart), taxYearEnd: f(y.taxYearEnd), days: y.days, met: y.met, metOn: f(y.metOn) })),
  };
}

describe('UK statutory residence test day counts (midnight convention, tax year from 6 April)', () => {
  test.each([
    { name: 'a) arrive 10 June, leave 12 June: 2 days', segments: () => visit('2022-06-10', '2022-06-12'), asOf: '2022-12-31', days: 2 },
    { name: 'b) arrive 20 April, leave 20 October: 183 days', segments: () => visit('2022-04-20', '2022-10-20'), asOf: '2023-01-31', days: 183 },
    { name: 'c) arrive 8 April, leave 23 May: 45 days', segments: () => visit('2022-04-08', '2022-05-23'), asOf: '2022-12-31', days: 45 },
    {
      // RDRM10610's total for rows c-e in the new column could not be read; 45 + 116 + 24 by the same rule.
      name: 'c) to e) three visits in one tax year: 45 + 116 + 24 = 185 days',
      segments: () => [...visit('2022-04-08', '2022-05-23'), ...visit('2022-07-31', '2022-11-24'), ...visit('2023-01-12', '2023-02-05')],
      asOf: '2023-04-05',
      days: 185,
    },
  ])('$name (' + RDRM10610 + ')', ({ segments, asOf, days }) => {
    const s = ukStatus(segments(), asOf);
    expect(s).toMatchObject({ taxYearStart: '2022-04-06', taxYearEnd: '2023-04-05', daysThisTaxYear: days, threshold: 183, met: days >= 183 });
  });

  test(`b) the 183rd day is 19 October, the last midnight before leaving (${RDRM10610})`, () => {
    expect(ukStatus(visit('2022-04-20', '2022-10-20'), '2022-10-01')).toMatchObject({
      daysThisTaxYear: 165,
      plannedDaysThisTaxYear: 18,
      met: false,
      metOn: '2022-10-19',
      daysRemaining: 18,
    });
  });

  test.each([
    {
      name: 'f) 5 October to 30 April: 183 days in year 1, 24 in year 2',
      arrive: '2022-10-05',
      leave: '2023-04-30',
      year1: '2022-04-06',
      year2: '2023-04-06',
      days1: 183,
      metOn: '2023-04-05',
    },
    {
      name: 'g) the same over a 29 February: 184 days in year 1, 24 in year 2',
      arrive: '2023-10-05',
      leave: '2024-04-30',
      year1: '2023-04-06',
      year2: '2024-04-06',
      days1: 184,
      metOn: '2024-04-04',
    },
  ])(`$name (${RDRM10610})`, ({ arrive, leave, year1, year2, days1, metOn }) => {
    const s = ukStatus(visit(arrive, leave), leave);
    expect(s).toMatchObject({ taxYearStart: year2, daysThisTaxYear: 24, met: false, metOn: null, daysRemaining: 159 });
    expect(s.byTaxYear).toEqual([{ taxYearStart: year1, taxYearEnd: naiveTaxYearEnd(year1), days: days1, met: true, metOn }]);
  });

  test.each([
    { name: 'Holly lands at Heathrow 23:05 on Monday, flies on 11:05 on Tuesday', source: RDR3_17 },
    { name: 'Lawrence lands at 17:20 on Monday, flies on 11:05 on Tuesday', source: RDR3_18A },
  ])('transit: $name, the Monday does not count ($source)', () => {
    const segments = [seg('IT', 'GB', '2024-06-03', '2024-06-03', { transit: true }), seg('GB', 'US', '2024-06-04')];
    expect(midnightPresence(segments, '2024-06-30', { transitException: true }).get('GB') ?? []).toEqual([]);
    expect(ukStatus(segments, '2024-06-30').daysThisTaxYear).toBe(0);
    // Not marked as a transit (the app cannot know the traveller's activities), the midnight counts.
    const entered = [seg('IT', 'GB', '2024-06-03'), seg('GB', 'US', '2024-06-04')];
    expect(dates(midnightPresence(entered, '2024-06-30', { transitException: true }).get('GB'))).toEqual(['2024-06-03']);
  });
});

describe('midnight presence: edge cases', () => {
  interface Case {
    name: string;
    segments: () => IdentifiedSegment[];
    asOf: string;
    transitException?: boolean;
    stays?: { country: string; entryDate: string; exitDate: string }[];
    want: Record<string, string[]>;
  }
  const cases: Case[] = [
    {
      name: 'ordinary stay: the arrival date to the day before departure',
      segments: () => [seg('FR', 'GB', '2025-03-01'), seg('GB', 'FR', '2025-03-03')],
      asOf: '2025-03-10',
      want: { GB: ['2025-03-01', '2025-03-02'], FR: dates([{ start: toDayNumber('2025-03-03'), end: toDayNumber('2025-03-10') }]) },
    },
    {
      name: 'same-day visit: no midnight there',
      segments: () => [seg('FR', 'GB', '2025-03-01'), seg('GB', 'FR', '2025-03-01')],
      asOf: '2025-03-02',
      want: { FR: ['2025-03-01', '2025-03-02'] },
    },
    {
      name: 'overnight flight: the departure date counts nowhere (in the air at midnight)',
      segments: () => [seg('FR', 'GB', '2025-03-01'), seg('GB', 'US', '2025-03-03', '2025-03-04')],
      asOf: '2025-03-05',
      want: { GB: ['2025-03-01', '2025-03-02'], US: ['2025-03-04', '2025-03-05'] },
    },
    {
      name: 'day trip abroad and back: home keeps the date (the last arrival of the day)',
      segments: () => [seg('FR', 'GB', '2025-03-01'), seg('GB', 'FR', '2025-03-02'), seg('FR', 'GB', '2025-03-02')],
      asOf: '2025-03-03',
      want: { GB: ['2025-03-01', '2025-03-02', '2025-03-03'] },
    },
    {
      name: 'several hops in one day: only the final arrival has the midnight',
      segments: () => [seg('FR', 'DE', '2025-03-01'), seg('DE', 'NL', '2025-03-01'), seg('NL', 'GB', '2025-03-01')],
      asOf: '2025-03-02',
      want: { GB: ['2025-03-01', '2025-03-02'] },
    },
    {
      name: 'eastward over the date line (Auckland 24th 00:30 -> Honolulu 23rd): both local 23rds end there',
      segments: () => [
        seg('US', 'NZ', '2025-03-18', '2025-03-20'),
        seg('NZ', 'US', '2025-03-24', '2025-03-23', { departureTime: '00:30', arrivalTime: '10:00' }),
      ],
      asOf: '2025-03-24',
      want: { NZ: ['2025-03-20', '2025-03-21', '2025-03-22', '2025-03-23'], US: ['2025-03-23', '2025-03-24'] },
    },
    {
      name: 'transit, onward the next day, with the exception: not counted',
      segments: () => [seg('IT', 'GB', '2025-03-01', '2025-03-01', { transit: true }), seg('GB', 'US', '2025-03-02')],
      asOf: '2025-03-02',
      want: { US: ['2025-03-02'] },
    },
    {
      name: 'transit without the exception (convention parameter off): counted',
      segments: () => [seg('IT', 'GB', '2025-03-01', '2025-03-01', { transit: true }), seg('GB', 'US', '2025-03-02')],
      asOf: '2025-03-02',
      transitException: false,
      want: { GB: ['2025-03-01'], US: ['2025-03-02'] },
    },
    {
      name: 'transit with the onward flight two days later: the exception needs leaving the next day, both count',
      segments: () => [seg('IT', 'GB', '2025-03-01', '2025-03-01', { transit: true }), seg('GB', 'US', '2025-03-03')],
      asOf: '2025-03-03',
      want: { GB: ['2025-03-01', '2025-03-02'], US: ['2025-03-03'] },
    },
    {
      name: 'transit with the onward flight the same day: no midnight',
      segments: () => [seg('IT', 'GB', '2025-03-01', '2025-03-01', { transit: true }), seg('GB', 'US', '2025-03-01')],
      asOf: '2025-03-01',
      want: { US: ['2025-03-01'] },
    },
    {
      name: 'transit with no onward segment: counted as an ordinary arrival (as presence.ts does)',
      segments: () => [seg('IT', 'GB', '2025-03-01', '2025-03-01', { transit: true })],
      asOf: '2025-03-03',
      want: { GB: ['2025-03-01', '2025-03-02', '2025-03-03'] },
    },
    {
      name: 'a last arrival after asOf (planned): its arrival night only',
      segments: () => [seg('FR', 'GB', '2025-03-01'), seg('GB', 'FR', '2025-03-10')],
      asOf: '2025-03-05',
      want: { GB: dates([{ start: toDayNumber('2025-03-01'), end: toDayNumber('2025-03-09') }]), FR: ['2025-03-10'] },
    },
    {
      name: 'a gap in the data (next segment departs from elsewhere): the last arrival country until the day before',
      segments: () => [seg('FR', 'GB', '2025-03-01'), seg('DE', 'FR', '2025-03-04')],
      asOf: '2025-03-04',
      want: { GB: ['2025-03-01', '2025-03-02', '2025-03-03'], FR: ['2025-03-04'] },
    },
    {
      name: 'planned stays: entry date to the day before the exit date; a one-day stay has no midnight',
      segments: () => [],
      asOf: '2025-03-01',
      stays: [
        { country: 'GB', entryDate: '2025-04-01', exitDate: '2025-04-03' },
        { country: 'IE', entryDate: '2025-04-05', exitDate: '2025-04-05' },
      ],
      want: { GB: ['2025-04-01', '2025-04-02'] },
    },
  ];

  test.each(cases)('$name', ({ segments, asOf, transitException, stays, want }) => {
    const s = segments();
    const got = midnightPresence(s, asOf, { transitException: transitException ?? true, extraStays: stays });
    const asDates = Object.fromEntries([...got].map(([c, iv]) => [c, dates(iv)]).filter(([, d]) => d!.length > 0));
    expect(asDates).toEqual(want);
    const naive = naiveMidnight(s, asOf, transitException ?? true, stays);
    expect(asDates).toEqual(Object.fromEntries([...naive].map(([c, set]) => [c, [...set].sort()])));
  });
});

describe('tax-year-presence: parameters and boundaries', () => {
  test.each([
    ['2024-04-05', '04-06', '2023-04-06', '2024-04-05'],
    ['2024-04-06', '04-06', '2024-04-06', '2025-04-05'],
    ['2024-06-30', '07-01', '2023-07-01', '2024-06-30'],
    ['2024-07-01', '07-01', '2024-07-01', '2025-06-30'],
    ['2024-02-29', '03-01', '2023-03-01', '2024-02-29'],
    ['2024-12-31', '01-01', '2024-01-01', '2024-12-31'],
  ])('%s is in the tax year from %s: %s to %s', (date, start, from, to) => {
    const y = yearPeriodOf(toDayNumber(date), parseYearStart(start));
    expect([fromDayNumber(y.start), fromDayNumber(y.end)]).toEqual([from, to]);
  });

  test('any-part-of-day presence over an income year from 1 July: planned days reach the threshold later', () => {
    const p = mergeIntervals([
      { start: toDayNumber('2024-06-01'), end: toDayNumber('2024-07-10') },
      { start: toDayNumber('2024-09-01'), end: toDayNumber('2025-01-31') },
    ]);
    const r = evaluateTaxYearPresence(p, toDayNumber('2024-10-01'), { minDays: 100, yearStart: parseYearStart('07-01') });
    expect({
      ...r,
      taxYearStart: f(r.taxYearStart),
      taxYearEnd: f(r.taxYearEnd),
      metOn: f(r.metOn),
      byTaxYear: r.byTaxYear.map((y) => ({ ...y, taxYearStart: f(y.taxYearStart), taxYearEnd: f(y.taxYearEnd), metOn: f(y.metOn) })),
    }).toEqual({
      taxYearStart: '2024-07-01',
      taxYearEnd: '2025-06-30',
      daysThisTaxYear: 10 + 31,
      plannedDaysThisTaxYear: 30 + 30 + 31 + 31, // 2 Oct to 31 Jan
      threshold: 100,
      met: false,
      metOn: '2024-11-29', // 41 by 1 Oct, + 30 in October, + 29 in November
      daysRemaining: 59,
      byTaxYear: [{ taxYearStart: '2023-07-01', taxYearEnd: '2024-06-30', days: 30, met: false, metOn: null }],
    });
  });

  test.each([
    [{ minDays: 0, yearStart: { month: 4, day: 6 } }, /minDays/],
    [{ minDays: 183.5, yearStart: { month: 4, day: 6 } }, /minDays/],
    [{ minDays: 183, yearStart: { month: 2, day: 29 } }, /yearStart/],
    [{ minDays: 183, yearStart: { month: 13, day: 1 } }, /yearStart/],
  ])('bad parameters %j are refused', (params, error) => {
    expect(() => evaluateTaxYearPresence([], 0, params)).toThrow(RangeError);
    expect(() => evaluateTaxYearPresence([], 0, params)).toThrow(error);
  });

  test.each(['02-29', '4-06', '00-10', '06-31'])('yearStart "%s" is refused', (s) => {
    expect(() => parseYearStart(s)).toThrow(/MM-DD/);
  });
});

describe('engine vs naive reference', () => {
  const STARTS = ['01-01', '04-06', '07-01', '04-01', '03-01', '02-28', '12-31'];

  test('tax-year counts on random presence across leap years and year starts (500 sets)', () => {
    const arb = fc.record({
      mmdd: fc.constantFrom(...STARTS),
      threshold: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constant(183)),
      runs: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1300 }), len: fc.integer({ min: 1, max: 120 }) }), { maxLength: 12 }),
      asOf: fc.integer({ min: -30, max: 1450 }),
    });
    fc.assert(
      fc.property(arb, ({ mmdd, threshold, runs, asOf }) => {
        const base = toDayNumber('2022-11-15');
        const p = mergeIntervals(runs.map((r) => ({ start: base + r.at, end: base + r.at + r.len - 1 })));
        const P = new Set(expandDays(p));
        const r = evaluateTaxYearPresence(p, base + asOf, { minDays: threshold, yearStart: parseYearStart(mmdd) });
        expect({
          ...r,
          taxYearStart: f(r.taxYearStart),
          taxYearEnd: f(r.taxYearEnd),
          metOn: f(r.metOn),
          byTaxYear: r.byTaxYear.map((y) => ({ ...y, taxYearStart: f(y.taxYearStart), taxYearEnd: f(y.taxYearEnd), metOn: f(y.metOn) })),
        }).toEqual(naiveTaxYear(P, base + asOf, threshold, mmdd));
      }),
      { numRuns: 500 },
    );
  });

  test('the naive tax-year start agrees with yearPeriodOf on every day of 2023-2025', () => {
    for (const mmdd of STARTS) {
      const ys = parseYearStart(mmdd);
      for (let d = toDayNumber('2023-01-01'); d <= toDayNumber('2025-12-31'); d++) {
        const y = yearPeriodOf(d, ys);
        const start = naiveTaxYearStart(fromDayNumber(d), mmdd);
        if (y.start !== toDayNumber(start) || fromDayNumber(y.end) !== naiveTaxYearEnd(start)) throw new Error(`${mmdd} ${fromDayNumber(d)}`);
      }
    }
  });

  const COUNTRIES = ['GB', 'FR', 'IE', 'US', 'NZ'];
  const anyStep = stepArb(COUNTRIES, 40, 20);

  test('midnight presence and the UK count on random itineraries with transits, overnight flights, the date line and planned stays (300 itineraries)', () => {
    const arb = fc.record({
      steps: fc.array(anyStep, { minLength: 1, maxLength: 30 }),
      startOffset: fc.integer({ min: 0, max: 700 }),
      asOfFrac: fc.double({ min: -0.1, max: 1.2, noNaN: true }),
      transitException: fc.boolean(),
      stays: fc.array(fc.record({ country: fc.constantFrom('GB', 'IE'), offset: fc.integer({ min: -10, max: 60 }), len: fc.integer({ min: 0, max: 30 }) }), {
        maxLength: 2,
      }),
      threshold: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(183)),
    });
    fc.assert(
      fc.property(arb, ({ steps, startOffset, asOfFrac, transitException, stays, threshold }) => {
        const start = toDayNumber('2023-01-10') + startOffset;
        const segments = buildItinerary(start, steps);
        const last = Math.max(...segments.map((s) => toDayNumber(s.arrivalDate)));
        const E = start + Math.round((last - start + 5) * asOfFrac);
        const asOf = fromDayNumber(E);
        const planned = stays.map((s) => ({ country: s.country, entryDate: fromDayNumber(E + s.offset), exitDate: fromDayNumber(E + s.offset + s.len) }));
        const got = midnightPresence([...segments].reverse(), asOf, { transitException, extraStays: planned });
        const want = naiveMidnight(segments, asOf, transitException, planned);
        const norm = (m: Map<string, Set<string>>) => Object.fromEntries([...m].filter(([, s]) => s.size).map(([c, s]) => [c, [...s].sort()]));
        expect(Object.fromEntries([...got].filter(([, iv]) => iv.length).map(([c, iv]) => [c, dates(iv)]))).toEqual(norm(want));
        for (const iv of got.values()) expect(mergeIntervals(iv)).toEqual(iv);

        const r = evaluateTaxYearPresence(got.get('GB') ?? [], E, { minDays: threshold, yearStart: parseYearStart('04-06') });
        const n = naiveTaxYear(daySet([...(want.get('GB') ?? [])].map((d): [string, string] => [d, d])), E, threshold, '04-06');
        expect({ days: r.daysThisTaxYear, planned: r.plannedDaysThisTaxYear, metOn: f(r.metOn), past: r.byTaxYear.map((y) => y.days) }).toEqual({
          days: n.daysThisTaxYear,
          planned: n.plannedDaysThisTaxYear,
          metOn: n.metOn,
          past: n.byTaxYear.map((y) => y.days),
        });
      }),
      { numRuns: 300 },
    );
  });
});
