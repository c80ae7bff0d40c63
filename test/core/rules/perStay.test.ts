/**
 * The `per-stay` rule kind (core/rules/perStay.ts): worked examples from the rules' own texts, then a property
 * test against the naive day-by-day reference (naiveRules.ts) with random presence, bridge days (contiguous
 * territory under 8 CFR 217.3(b)), planned days after asOf and day- or month-based limits.
 *
 * No authority publishes a dated worked example for these limits; the examples below apply the texts cited
 * in each row to dates chosen to hit month ends, leap days and the bridge rule.
 */
import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { mergeIntervals } from '@travel-time-tracker/core/intervals';
import { daysOverLimit, evaluatePerStay, lastPermittedDay, type PerStayParams } from '@travel-time-tracker/core/rules/perStay';
import { daySet, naiveLastAllowed, naivePerStay, naivePerStayOverDays } from './naiveRules';

const VWP = '8 U.S.C. 1187(a)(1): admission as a visitor "for a period not exceeding ninety days"';
const VWP_BRIDGE = '8 CFR 217.3(b): readmission after a trip to contiguous territory or adjacent islands for the balance of the original admission period';
const UK = 'Immigration Rules, Appendix Visitor: permission as a visitor for up to 6 months';
const JAPAN = 'MOFA, Exemption of Visas (Short-Term Stay): period of stay 90 days';

type Ranges = [string, string][];
const intervals = (r: Ranges) => mergeIntervals(r.map(([a, b]) => ({ start: toDayNumber(a), end: toDayNumber(b) })));
const f = (d: number | null) => (d === null ? null : fromDayNumber(d));

function run(presence: Ranges, asOf: string, params: PerStayParams, bridge: Ranges = []) {
  const r = evaluatePerStay(intervals(presence), toDayNumber(asOf), params, intervals(bridge));
  return {
    currentStayStart: f(r.currentStayStart),
    currentStayDays: r.currentStayDays,
    maxStayDays: r.maxStayDays,
    daysRemaining: r.daysRemaining,
    latestExitDate: f(r.latestExit),
    overstayDays: r.overstayDays,
    firstViolationDate: f(r.firstViolation),
  };
}

interface Example {
  name: string;
  source: string;
  presence: Ranges;
  bridge?: Ranges;
  asOf: string;
  params: PerStayParams;
  expect: Partial<ReturnType<typeof run>>;
}

const D90 = { maxStayDays: 90 };
const M6 = { maxStayMonths: 6 };

const examples: Example[] = [
  {
    name: 'day 46 of a 90-day admission: entry day is day 1, latest exit on day 90 (31 March)',
    source: VWP,
    presence: [['2025-01-01', '2025-02-15']],
    asOf: '2025-02-15',
    params: D90,
    expect: {
      currentStayStart: '2025-01-01',
      currentStayDays: 46,
      maxStayDays: 90,
      daysRemaining: 44,
      latestExitDate: '2025-03-31',
      overstayDays: 0,
      firstViolationDate: null,
    },
  },
  {
    name: 'not present: a stay entered today could last until day 90',
    source: VWP,
    presence: [['2025-01-01', '2025-01-20']],
    asOf: '2025-05-01',
    params: D90,
    expect: { currentStayStart: null, currentStayDays: 0, maxStayDays: 90, daysRemaining: 90, latestExitDate: '2025-07-29' },
  },
  {
    name: 'a trip to Canada does not restart the admission: back in the US, still day 60 of the same stay',
    source: VWP_BRIDGE,
    presence: [
      ['2025-01-01', '2025-02-10'],
      ['2025-02-20', '2025-03-01'],
    ],
    bridge: [['2025-02-10', '2025-02-20']],
    asOf: '2025-03-01',
    params: D90,
    expect: { currentStayStart: '2025-01-01', currentStayDays: 60, daysRemaining: 30, latestExitDate: '2025-03-31' },
  },
  {
    name: 'the same dates with the absence elsewhere (no bridge): a new stay from 20 February',
    source: VWP,
    presence: [
      ['2025-01-01', '2025-02-10'],
      ['2025-02-20', '2025-03-01'],
    ],
    asOf: '2025-03-01',
    params: D90,
    expect: { currentStayStart: '2025-02-20', currentStayDays: 10, latestExitDate: '2025-05-20' },
  },
  {
    name: 'while in Canada the admission keeps running',
    source: VWP_BRIDGE,
    presence: [['2025-01-01', '2025-02-10']],
    bridge: [['2025-02-10', '2025-02-20']],
    asOf: '2025-02-15',
    params: D90,
    expect: { currentStayStart: '2025-01-01', currentStayDays: 46, latestExitDate: '2025-03-31' },
  },
  {
    name: 'in Canada between two US parts of the same stay: the admission keeps running',
    source: VWP_BRIDGE,
    presence: [
      ['2025-01-01', '2025-02-10'],
      ['2025-02-20', '2025-03-01'],
    ],
    bridge: [['2025-02-10', '2025-02-20']],
    asOf: '2025-02-15',
    params: D90,
    expect: { currentStayStart: '2025-01-01', currentStayDays: 46, latestExitDate: '2025-03-31' },
  },
  {
    name: 'in Canada after the admission period ended: no balance left, an entry today is a new admission',
    source: VWP_BRIDGE,
    presence: [['2025-01-01', '2025-03-01']],
    bridge: [['2025-03-01', '2025-04-10']],
    asOf: '2025-04-05',
    params: D90,
    expect: { currentStayStart: null, currentStayDays: 0, latestExitDate: '2025-07-03' },
  },
  {
    name: 'returning from Canada after the admission period ended starts a new stay',
    source: VWP_BRIDGE,
    presence: [
      ['2025-01-01', '2025-03-20'],
      ['2025-04-10', '2025-04-15'],
    ],
    bridge: [['2025-03-20', '2025-04-10']],
    asOf: '2025-04-15',
    params: D90,
    expect: { currentStayStart: '2025-04-10', currentStayDays: 6, firstViolationDate: null },
  },
  {
    name: 'a planned stay longer than 90 days: violation on its 91st day',
    source: VWP,
    presence: [['2025-07-01', '2025-10-15']],
    asOf: '2025-06-01',
    params: D90,
    expect: { currentStayStart: null, firstViolationDate: '2025-09-29' },
  },
  {
    name: 'overstaying now: 95 days in, 5 days over, no latest exit',
    source: VWP,
    presence: [['2025-01-01', '2025-04-05']],
    asOf: '2025-04-05',
    params: D90,
    expect: { currentStayDays: 95, daysRemaining: 0, overstayDays: 5, latestExitDate: null, firstViolationDate: '2025-04-01' },
  },
  {
    name: 'an exit and re-entry on the same date is one day of presence: the stay goes on',
    source: VWP,
    presence: [
      ['2025-01-01', '2025-02-10'],
      ['2025-02-10', '2025-03-05'],
    ],
    asOf: '2025-03-05',
    params: D90,
    expect: { currentStayStart: '2025-01-01', currentStayDays: 64 },
  },
  {
    name: 'one whole day away (no bridge) ends the stay',
    source: VWP,
    presence: [
      ['2025-01-01', '2025-02-10'],
      ['2025-02-12', '2025-03-05'],
    ],
    asOf: '2025-03-05',
    params: D90,
    expect: { currentStayStart: '2025-02-12', currentStayDays: 22 },
  },
  {
    name: 'Japan: entry 10 March, 90 days, leave by 7 June',
    source: JAPAN,
    presence: [['2025-03-10', '2025-03-10']],
    asOf: '2025-03-10',
    params: D90,
    expect: { currentStayDays: 1, daysRemaining: 89, latestExitDate: '2025-06-07' },
  },
  {
    name: 'UK visitor, 6 months from 15 January: until 14 July (181 days)',
    source: UK,
    presence: [['2025-01-15', '2025-01-15']],
    asOf: '2025-01-15',
    params: M6,
    expect: { maxStayDays: 181, daysRemaining: 180, latestExitDate: '2025-07-14' },
  },
  {
    name: 'UK visitor entering 31 August: no 31 February, the period ends 28 February (182 days)',
    source: UK,
    presence: [['2024-08-31', '2024-09-01']],
    asOf: '2024-09-01',
    params: M6,
    expect: { currentStayStart: '2024-08-31', maxStayDays: 182, latestExitDate: '2025-02-28' },
  },
  {
    name: 'UK visitor entering 30 August 2023: the period ends on the leap day 2024-02-29',
    source: UK,
    presence: [['2023-08-30', '2023-08-30']],
    asOf: '2023-08-30',
    params: M6,
    expect: { latestExitDate: '2024-02-29', maxStayDays: 184 },
  },
  {
    name: 'UK visitor, a planned 7-month stay: violation on the first day after 6 months',
    source: UK,
    presence: [['2026-02-01', '2026-09-01']],
    asOf: '2026-01-10',
    params: M6,
    expect: { currentStayStart: null, firstViolationDate: '2026-08-01', latestExitDate: '2026-07-09' },
  },
];

describe('per-stay: worked examples', () => {
  test.each(examples)('$name ($source)', ({ presence, bridge, asOf, params, expect: want }) => {
    expect(run(presence, asOf, params, bridge)).toMatchObject(want);
  });

  test('each example agrees with the naive reference as well', () => {
    for (const ex of examples) {
      const want = naivePerStay(daySet(ex.presence), daySet(ex.bridge ?? []), toDayNumber(ex.asOf), ex.params);
      expect({ name: ex.name, ...run(ex.presence, ex.asOf, ex.params, ex.bridge) }).toEqual({ name: ex.name, ...want });
    }
  });

  test.each([
    [{ maxStayDays: 0 }, /maxStayDays/],
    [{ maxStayDays: 1.5 }, /maxStayDays/],
    [{ maxStayMonths: 0 }, /maxStayMonths/],
    [{ maxStayDays: 90, maxStayMonths: 3 }, /exactly one/],
    [{}, /exactly one/],
  ])('bad parameters %j are refused', (params, error) => {
    expect(() => evaluatePerStay([], 0, params as PerStayParams)).toThrow(RangeError);
    expect(() => evaluatePerStay([], 0, params as PerStayParams)).toThrow(error);
  });
});

describe('per-stay: engine vs naive reference', () => {
  test('lastPermittedDay agrees with string month arithmetic on every start day of 2023-2025', () => {
    for (let d = toDayNumber('2023-01-01'); d <= toDayNumber('2025-12-31'); d++) {
      for (const months of [1, 3, 6, 12])
        expect([fromDayNumber(d), months, lastPermittedDay(d, { maxStayMonths: months })]).toEqual([
          fromDayNumber(d),
          months,
          naiveLastAllowed(d, { maxStayMonths: months }),
        ]);
    }
  });

  test('random itineraries of stays, bridge trips and absences, planned days, day and month limits, and every day over the limit (600 cases)', () => {
    const paramsArb = fc.oneof(
      fc.integer({ min: 1, max: 40 }).map((n): PerStayParams => ({ maxStayDays: n })),
      fc.integer({ min: 1, max: 2 }).map((n): PerStayParams => ({ maxStayMonths: n })),
    );
    // Consecutive blocks: a stay (P), a trip to bridge territory (B) or elsewhere (N). A block may share its
    // first day with the previous one (an exit and an entry on the same date).
    const blockArb = fc.record({ what: fc.constantFrom('P', 'P', 'B', 'N'), len: fc.integer({ min: 1, max: 25 }), sameDay: fc.boolean() });
    const arb = fc.record({
      params: paramsArb,
      blocks: fc.array(blockArb, { minLength: 1, maxLength: 12 }),
      asOfFrac: fc.double({ min: -0.05, max: 1.1, noNaN: true }),
      asOfPick: fc.option(fc.nat(), { freq: 2 }),
      start: fc.constantFrom('2023-12-15', '2024-01-20', '2024-02-10', '2025-07-30'),
    });
    fc.assert(
      fc.property(arb, ({ params, blocks, asOfFrac, asOfPick, start }) => {
        const base = toDayNumber(start);
        const P = new Set<number>();
        const B = new Set<number>();
        let d = base;
        for (const b of blocks) {
          if (b.sameDay && d > base) d -= 1;
          for (let k = 0; k < b.len; k++) (b.what === 'P' ? P : b.what === 'B' ? B : new Set<number>()).add(d + k);
          d += b.len;
        }
        // Half of the time asOf is a boundary: a block edge or a stay's last permitted day, +-1 day.
        const edges: number[] = [];
        for (let x = base; x <= d; x++) {
          if (P.has(x) !== P.has(x - 1) || B.has(x) !== B.has(x - 1)) edges.push(x - 1, x);
          if (P.has(x) && !P.has(x - 1)) {
            const L = naiveLastAllowed(x, params);
            edges.push(L - 1, L, L + 1);
          }
        }
        const asOf = asOfPick === null || edges.length === 0 ? base + Math.round((d - base) * asOfFrac) : edges[asOfPick % edges.length]!;
        const toIv = (s: Set<number>) => mergeIntervals([...s].map((x) => ({ start: x, end: x })));
        const r = evaluatePerStay(toIv(P), asOf, params, toIv(B));
        expect({
          currentStayStart: f(r.currentStayStart),
          currentStayDays: r.currentStayDays,
          maxStayDays: r.maxStayDays,
          daysRemaining: r.daysRemaining,
          latestExitDate: f(r.latestExit),
          overstayDays: r.overstayDays,
          firstViolationDate: f(r.firstViolation),
        }).toEqual(naivePerStay(P, B, asOf, params));
        // Every day over the limit (what planning compares with and without planned stays); its first is firstViolation.
        const over = daysOverLimit(toIv(P), params, toIv(B));
        expect(over).toEqual(toIv(naivePerStayOverDays(P, B, params)));
        expect(over[0]?.start ?? null).toBe(r.firstViolation);
      }),
      { numRuns: 600 },
    );
  });
});
