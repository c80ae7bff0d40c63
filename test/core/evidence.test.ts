/**
 * The basis of every presence day (evidence.ts), hand-derived per case, and what rule results say about the
 * assumed days (ruleAssumption.ts): `assumedDays`, `dependsOnAssumption`, `assumption`, and `assumed: 'exclude'`.
 */
import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel, prepareEvaluation, type PlannedStay } from '@travel-time-tracker/core/evaluate';
import { basisOf, evidenceSummary, presenceEvidence, type PresenceEvidence } from '@travel-time-tracker/core/evidence';
import { mergeIntervals, type DayInterval } from '@travel-time-tracker/core/intervals';
import { parseSegments, readingOrder } from '@travel-time-tracker/core/parsedSegments';
import { computePresence } from '@travel-time-tracker/core/presence';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { evaluateDefinitions } from '@travel-time-tracker/core/ruleResults';
import { planRulesPrepared } from '@travel-time-tracker/core/planRules';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { buildItinerary, stepArb } from './rules/itinerary';
import { dateRange as range, idSeg as s } from './build';

const ref = loadReferenceData();

function evidenceOf(segments: IdentifiedSegment[], asOf: string, extraStays: PlannedStay[] = []): PresenceEvidence {
  const parsed = parseSegments(segments, { validate: true });
  const order = readingOrder(parsed);
  return presenceEvidence(parsed, order, computePresence(segments, asOf, ref, extraStays), extraStays);
}

type Bases = { recorded?: string[]; between?: string[]; assumed?: string[]; planned?: string[] };

/** Country -> basis -> dates, as the evidence has them (empty lists left out). */
function bases(e: PresenceEvidence): Record<string, Bases> {
  const out: Record<string, Bases> = {};
  const put = (key: keyof Bases, m: ReadonlyMap<string, readonly DayInterval[]>) => {
    for (const [c, runs] of m) {
      const dates: string[] = [];
      for (const iv of runs) for (let d = iv.start; d <= iv.end; d++) dates.push(fromDayNumber(d));
      if (dates.length) (out[c] ??= {})[key] = dates;
    }
  };
  put('recorded', e.recorded);
  put('between', e.betweenRecords);
  put('assumed', e.assumed);
  put('planned', e.planned);
  return out;
}

interface Case {
  name: string;
  segments: IdentifiedSegment[];
  asOf: string;
  extraStays?: PlannedStay[];
  want: Record<string, Bases>;
  runs?: { kind: 'gap' | 'open-end'; country: string; from: string; to: string; assumedDays: number; nextCountry: string | null }[];
}

const CASES: Case[] = [
  {
    name: 'a round trip: both ends recorded, the days between them between-records',
    segments: [s('out', 'FR', 'US', '2024-01-01'), s('back', 'US', 'FR', '2024-01-05')],
    asOf: '2024-01-05',
    want: { FR: { recorded: ['2024-01-01', '2024-01-05'] }, US: { recorded: ['2024-01-01', '2024-01-05'], between: range('2024-01-02', '2024-01-04') } },
    runs: [],
  },
  {
    name: 'a gap: arrived in NL, next departure from GB; the days after the arrival through that departure are assumed in NL',
    segments: [s('in', 'FR', 'NL', '2017-03-27'), s('out', 'GB', 'US', '2017-07-27')],
    asOf: '2017-07-27',
    want: {
      FR: { recorded: ['2017-03-27'] },
      NL: { recorded: ['2017-03-27'], assumed: range('2017-03-28', '2017-07-27') },
      GB: { recorded: ['2017-07-27'] },
      US: { recorded: ['2017-07-27'] },
    },
    runs: [{ kind: 'gap', country: 'NL', from: '2017-03-27', to: '2017-07-27', assumedDays: 122, nextCountry: 'GB' }],
  },
  {
    name: 'an open end: a one-way last flight; every day after it up to the evaluation date is assumed',
    segments: [s('fnc', 'GB', 'PT', '2026-07-24')],
    asOf: '2026-12-09',
    want: { GB: { recorded: ['2026-07-24'] }, PT: { recorded: ['2026-07-24'], assumed: range('2026-07-25', '2026-12-09') } },
    runs: [{ kind: 'open-end', country: 'PT', from: '2026-07-24', to: '2026-12-09', assumedDays: 138, nextCountry: null }],
  },
  {
    name: 'a flight after the evaluation date: planned, on both sides',
    segments: [s('later', 'FR', 'US', '2024-01-01')],
    asOf: '2023-12-20',
    want: { FR: { planned: ['2024-01-01'] }, US: { planned: ['2024-01-01'] } },
    runs: [],
  },
  {
    name: 'a return after the evaluation date: recorded and between-records up to it, planned after',
    segments: [s('out', 'FR', 'US', '2024-01-01'), s('back', 'US', 'FR', '2024-01-10')],
    asOf: '2024-01-05',
    want: {
      FR: { recorded: ['2024-01-01'], planned: ['2024-01-10'] },
      US: { recorded: ['2024-01-01'], between: range('2024-01-02', '2024-01-05'), planned: range('2024-01-06', '2024-01-10') },
    },
    runs: [],
  },
  {
    name: 'a gap across the evaluation date: assumed up to it, planned after',
    segments: [s('in', 'FR', 'NL', '2024-01-01'), s('out', 'GB', 'FR', '2024-01-10')],
    asOf: '2024-01-05',
    want: {
      FR: { recorded: ['2024-01-01'], planned: ['2024-01-10'] },
      NL: { recorded: ['2024-01-01'], assumed: range('2024-01-02', '2024-01-05'), planned: range('2024-01-06', '2024-01-10') },
      GB: { planned: ['2024-01-10'] },
    },
    runs: [{ kind: 'gap', country: 'NL', from: '2024-01-01', to: '2024-01-10', assumedDays: 4, nextCountry: 'GB' }],
  },
  {
    name: 'an airside transit: no presence in the connecting country; the open end after the onward flight is assumed',
    segments: [s('in', 'FR', 'DE', '2024-01-01', '2024-01-01', { transit: true }), s('on', 'DE', 'US', '2024-01-01')],
    asOf: '2024-01-03',
    want: { FR: { recorded: ['2024-01-01'] }, US: { recorded: ['2024-01-01'], assumed: range('2024-01-02', '2024-01-03') } },
    runs: [{ kind: 'open-end', country: 'US', from: '2024-01-01', to: '2024-01-03', assumedDays: 2, nextCountry: null }],
  },
  {
    name: 'a planned stay over assumed days: planned wins, the rest stays assumed',
    segments: [s('in', 'GB', 'PT', '2024-01-01')],
    asOf: '2024-01-06',
    extraStays: [{ country: 'PT', entryDate: '2024-01-03', exitDate: '2024-01-04' }],
    want: {
      GB: { recorded: ['2024-01-01'] },
      PT: { recorded: ['2024-01-01'], assumed: ['2024-01-02', '2024-01-05', '2024-01-06'], planned: ['2024-01-03', '2024-01-04'] },
    },
    runs: [{ kind: 'open-end', country: 'PT', from: '2024-01-01', to: '2024-01-06', assumedDays: 3, nextCountry: null }],
  },
  {
    name: 'a day trip inside a stay: the stay days are between-records, the crossing days recorded in both countries',
    segments: [s('a', 'US', 'FR', '2024-03-01'), s('b', 'FR', 'CH', '2024-03-04'), s('c', 'CH', 'FR', '2024-03-04'), s('d', 'FR', 'US', '2024-03-08')],
    asOf: '2024-03-08',
    want: {
      US: { recorded: ['2024-03-01', '2024-03-08'] },
      FR: { recorded: ['2024-03-01', '2024-03-04', '2024-03-08'], between: [...range('2024-03-02', '2024-03-03'), ...range('2024-03-05', '2024-03-07')] },
      CH: { recorded: ['2024-03-04'] },
    },
    runs: [],
  },
  {
    name: 'an overnight arrival: the arrival date is recorded, the departure date in the air counts only where it departed',
    segments: [s('out', 'US', 'FR', '2024-05-01', '2024-05-02'), s('back', 'FR', 'US', '2024-05-04')],
    asOf: '2024-05-04',
    want: { US: { recorded: ['2024-05-01', '2024-05-04'] }, FR: { recorded: ['2024-05-02', '2024-05-04'], between: ['2024-05-03'] } },
    runs: [],
  },
];

describe('the basis of every presence day (hand-derived)', () => {
  test.each(CASES)('$name', ({ segments, asOf, extraStays, want, runs }) => {
    const e = evidenceOf(segments, asOf, extraStays);
    expect(bases(e)).toEqual(want);
    if (runs)
      expect(
        e.runs.map((r) => ({
          kind: r.kind,
          country: r.country,
          from: fromDayNumber(r.from),
          to: fromDayNumber(r.to),
          assumedDays: r.assumedDays,
          nextCountry: r.nextCountry,
        })),
      ).toEqual(runs);
  });

  test('basisOf answers per day, null where the traveller is not', () => {
    const e = evidenceOf([s('in', 'FR', 'NL', '2017-03-27'), s('out', 'GB', 'US', '2017-07-27')], '2017-07-27');
    expect(basisOf(e, 'NL', toDayNumber('2017-03-27'))).toBe('recorded');
    expect(basisOf(e, 'NL', toDayNumber('2017-05-01'))).toBe('assumed');
    expect(basisOf(e, 'GB', toDayNumber('2017-05-01'))).toBeNull();
  });

  test('the summary: first and last record, the country of the last arrival, days since, totals in country-days', () => {
    const e = evidenceOf([s('out', 'FR', 'US', '2024-01-01'), s('back', 'US', 'FR', '2024-01-05'), s('fnc', 'GB', 'PT', '2024-02-01')], '2024-02-11');
    expect(evidenceSummary(e)).toEqual({
      firstRecordedDate: '2024-01-01',
      lastRecordedDate: '2024-02-01',
      lastRecordedCountry: 'PT',
      daysSinceLastRecord: 10,
      // FR 01-01, 01-05; US 01-01, 01-05; GB 02-01; PT 02-01.
      recordedDays: 6,
      betweenRecordsDays: 3,
      // FR 01-06..02-01 (a gap: the next departure is from GB) and PT 02-02..02-11.
      assumedDays: 27 + 10,
    });
    expect(e.lastRecord).toMatchObject({ segmentId: 'fnc', country: 'PT' });
  });
});

describe('property: the four bases split presence exactly', () => {
  test('disjoint per country, their union is presence, no assumed or between-records day after the evaluation date', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb(['FR', 'DE', 'US', 'GB', 'PT'], 60, 15), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 900 }),
        (steps, asOfOffset) => {
          const segments = buildItinerary(toDayNumber('2020-01-01'), steps);
          const asOf = fromDayNumber(toDayNumber('2020-01-01') + asOfOffset);
          const presence = computePresence(segments, asOf, ref);
          const e = evidenceOf(segments, asOf);
          const E = toDayNumber(asOf);
          for (const [c, days] of presence.byCountry) {
            const parts = [e.recorded, e.betweenRecords, e.assumed, e.planned].map((m) => m.get(c) ?? []);
            const total = parts.reduce((n, p) => n + p.reduce((k, iv) => k + iv.end - iv.start + 1, 0), 0);
            expect(mergeIntervals(parts.flat())).toEqual(days);
            expect(total).toBe(days.reduce((k, iv) => k + iv.end - iv.start + 1, 0));
            for (const iv of [...parts[0]!, ...parts[1]!, ...parts[2]!]) expect(iv.end).toBeLessThanOrEqual(E);
            for (const iv of parts[3]!) expect(iv.start).toBeGreaterThan(E);
          }
          expect([...e.assumed.keys()].every((c) => presence.byCountry.has(c))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('evidence changes no count; exclude removes exactly the assumed days; assumedDays = daysUsed with minus without', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb(['FR', 'DE', 'US', 'GB', 'PT'], 60, 15), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 900 }),
        (steps, asOfOffset) => {
          const segments = buildItinerary(toDayNumber('2020-01-01'), steps);
          const asOf = fromDayNumber(toDayNumber('2020-01-01') + asOfOffset);
          const plain = evaluateTravel(segments, { asOf });
          const counted = evaluateTravel(segments, { asOf, evidence: true });
          const excluded = evaluateTravel(segments, { asOf, evidence: true, assumed: 'exclude' });
          expect(counted.countryDays).toEqual(plain.countryDays);
          expect(counted.countryDaysByYear).toEqual(plain.countryDaysByYear);
          const { assumedDays: _a, dependsOnAssumption: _d, assumption: _s, ...rule } = counted.rules[0]!;
          expect(rule).toEqual(plain.rules[0]);
          for (const c of Object.keys(plain.countryDays)) {
            expect((excluded.countryDays[c] ?? 0) + (counted.assumedCountryDays![c] ?? 0)).toBe(plain.countryDays[c]);
          }
          expect(excluded.assumedCountryDays).toEqual(counted.assumedCountryDays);
          const c0 = counted.rules[0]!;
          const x0 = excluded.rules[0]!;
          expect(c0.assumedDays).toBe(c0.daysUsed - x0.daysUsed);
          expect(x0.assumedDays).toBe(c0.assumedDays);
          expect(c0.dependsOnAssumption).toBe(c0.overstayDays > 0 !== x0.overstayDays > 0 || c0.firstViolationDate !== x0.firstViolationDate);
          expect(c0.assumption === null).toBe(!c0.dependsOnAssumption);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('rule results: what each verdict rests on', () => {
  const schengen = ref.rules[0]!.id;

  test('a one-way last flight months before the evaluation date decides an overstay', () => {
    const segments = [s('fnc', 'GB', 'PT', '2026-07-24', '2026-07-24', { arrivalAirport: 'FNC' })];
    const counted = evaluateTravel(segments, { asOf: '2026-12-09', evidence: true });
    expect(counted.rules[0]).toMatchObject({
      ruleId: schengen,
      daysUsed: 139,
      overstayDays: 49,
      firstViolationDate: '2026-10-22',
      assumedDays: 138,
      dependsOnAssumption: true,
      assumption: { kind: 'open-end', country: 'PT', from: '2026-07-24', to: '2026-12-09', assumedDays: 138, nextCountry: null, decidingDays: 138 },
    });
    expect(counted.assumedCountryDays).toEqual({ PT: 138 });
    const excluded = evaluateTravel(segments, { asOf: '2026-12-09', evidence: true, assumed: 'exclude' });
    expect(excluded.countryDays).toEqual({ GB: 1, PT: 1 });
    expect(excluded.rules[0]).toMatchObject({ daysUsed: 1, overstayDays: 0, firstViolationDate: null, assumedDays: 138, dependsOnAssumption: true });
  });

  test('a gap decides a past violation, outside the current window: the first violation date depends on it', () => {
    const segments = [s('in', 'US', 'NL', '2017-03-27'), s('out', 'GB', 'US', '2017-07-27')];
    const r = evaluateTravel(segments, { asOf: '2018-06-01', evidence: true }).rules[0]!;
    expect(r).toMatchObject({
      overstayDays: 0,
      firstViolationDate: '2017-06-25',
      assumedDays: 0,
      dependsOnAssumption: true,
      assumption: { kind: 'gap', country: 'NL', from: '2017-03-27', to: '2017-07-27', assumedDays: 122, nextCountry: 'GB', decidingDays: 90 },
    });
  });

  test('assumed days outside the rule, or too few to matter: nothing depends on them', () => {
    // US open end (not Schengen); FR stay between records.
    const r = evaluateTravel([s('a', 'US', 'FR', '2024-01-01'), s('b', 'FR', 'US', '2024-01-10')], { asOf: '2024-02-01', evidence: true }).rules[0]!;
    expect(r).toMatchObject({ daysUsed: 10, assumedDays: 0, dependsOnAssumption: false, assumption: null });
    // 20 assumed days in FR within the limit either way.
    const q = evaluateTravel([s('a', 'US', 'FR', '2024-01-01')], { asOf: '2024-01-21', evidence: true }).rules[0]!;
    expect(q).toMatchObject({ daysUsed: 21, assumedDays: 20, dependsOnAssumption: false, assumption: null });
  });

  test('without the evidence option the results keep their former shape', () => {
    const segments = [s('fnc', 'GB', 'PT', '2026-07-24')];
    const r = evaluateTravel(segments, { asOf: '2026-12-09' });
    expect(r.rules[0]).not.toHaveProperty('assumedDays');
    expect(r).not.toHaveProperty('assumedCountryDays');
    const prepared = prepareEvaluation(segments, { asOf: '2026-12-09' });
    expect(evaluateDefinitions(prepared, [ref.definition('uk-srt-183')!])[0]).not.toHaveProperty('dependsOnAssumption');
  });

  test.each([
    {
      rule: 'uk-srt-183',
      // Midnights in GB from 10 April: 266 counted, 1 without the open end (its arrival night).
      segments: [s('in', 'US', 'GB', '2025-04-10')],
      asOf: '2025-12-31',
      counted: { daysThisTaxYear: 266, met: true },
      excluded: { daysThisTaxYear: 1, met: false },
      assumedDays: 265,
    },
    {
      rule: 'us-vwp-90-per-admission',
      segments: [s('in', 'FR', 'US', '2025-01-01')],
      asOf: '2025-05-01',
      counted: { currentStayDays: 121, overstayDays: 31 },
      excluded: { currentStayDays: 0, overstayDays: 0 },
      assumedDays: 120,
    },
    {
      rule: 'us-substantial-presence',
      segments: [s('in', 'FR', 'US', '2025-01-01')],
      asOf: '2025-12-31',
      counted: { daysThisYear: 365, met: true },
      excluded: { daysThisYear: 1, met: false },
      assumedDays: 364,
    },
  ])('$rule: an open end decides the verdict, with and without it', ({ rule, segments, asOf, counted, excluded, assumedDays }) => {
    const d = ref.definition(rule)!;
    const c = evaluateDefinitions(prepareEvaluation(segments, { asOf, evidence: true }), [d])[0]!;
    const x = evaluateDefinitions(prepareEvaluation(segments, { asOf, evidence: true, assumed: 'exclude' }), [d])[0]!;
    expect(c).toMatchObject({ ...counted, assumedDays, dependsOnAssumption: true, assumption: { kind: 'open-end', from: segments[0]!.arrivalDate, to: asOf } });
    expect(x).toMatchObject({ ...excluded, assumedDays, dependsOnAssumption: true });
    // The same numbers as without the option.
    const plain = evaluateDefinitions(prepareEvaluation(segments, { asOf }), [d])[0]!;
    const { assumedDays: _a, dependsOnAssumption: _d, assumption: _s, ...rest } = c;
    expect(rest).toEqual(plain);
  });

  test('planning keeps the mode: a plan under exclude counts the assumed days nowhere', () => {
    // In PT since 24 July (open end); a planned week in FR from 10 December.
    const segments = [s('fnc', 'GB', 'PT', '2026-07-24')];
    const stays = [{ country: 'FR', entryDate: '2026-12-10', exitDate: '2026-12-16' }];
    const schengenRow = ref.definition(schengen)!;
    const counted = planRulesPrepared(prepareEvaluation(segments, { asOf: '2026-12-09' }), stays, [schengenRow])[0]!;
    const excluded = planRulesPrepared(prepareEvaluation(segments, { asOf: '2026-12-09', assumed: 'exclude' }), stays, [schengenRow])[0]!;
    expect(counted).toMatchObject({ daysUsed: 139, overstayDays: 49 });
    expect(excluded).toMatchObject({ daysUsed: 1, overstayDays: 0, firstViolationDate: null });
  });

  test('a bad mode is refused naming the field', () => {
    expect(() => prepareEvaluation([], { asOf: '2024-01-01', assumed: 'maybe' as 'count' })).toThrow(/assumed/);
  });
});
