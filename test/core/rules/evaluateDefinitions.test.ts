/**
 * `evaluateDefinitions` (core/ruleResults.ts): every rule row of seed/visaRules.json evaluated by kind on one
 * prepared evaluation. Worked examples from the sources per kind (IRS Publication 519; HMRC RDRM10610 and RDR3
 * Examples 17-18; 8 U.S.C. 1187 and 8 CFR 217.3(b) for the VWP; the UK visitor's 6 months), who a rule applies
 * to (`appliesToNationalities` with the exemptions), and a property test that each entry equals the phase-1
 * pure engine run on the same presence (any-part-of-day from `computePresence`, midnight from
 * `midnightPresence` on the raw segments).
 */
import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateRule, evaluateTravel, prepareEvaluation, type PlannedStay } from '@travel-time-tracker/core/evaluate';
import { mergeIntervals, type DayInterval } from '@travel-time-tracker/core/intervals';
import { computePresence } from '@travel-time-tracker/core/presence';
import { regionPresence } from '@travel-time-tracker/core/regionDays';
import { loadReferenceData, type RuleDefinition } from '@travel-time-tracker/core/referenceData';
import { ruleApplicability } from '@travel-time-tracker/core/applicability';
import { evaluateDefinitions, resolveRuleIds, UnknownRuleError, type RuleResult } from '@travel-time-tracker/core/ruleResults';
import { perStayParams, rollingWindowParams, taxYearPresenceParams, weightedLookbackParams } from '@travel-time-tracker/core/rules/fromDefinition';
import { midnightPresence } from '@travel-time-tracker/core/rules/midnightPresence';
import { evaluatePerStay } from '@travel-time-tracker/core/rules/perStay';
import { evaluateRollingWindow } from '@travel-time-tracker/core/rules/rollingWindow';
import { evaluateTaxYearPresence } from '@travel-time-tracker/core/rules/taxYearPresence';
import { evaluateWeightedLookback } from '@travel-time-tracker/core/rules/weightedLookback';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { seg } from '../build';
import { buildItinerary, stepArb } from './itinerary';

const ref = loadReferenceData();
const def = (id: string) => {
  const d = ref.definition(id);
  if (!d) throw new Error(`no rule ${id} in the seed`);
  return d;
};

/** Evaluates the seed rule `id` on the segments, as of `asOf`. */
function one(id: string, segments: IdentifiedSegment[], asOf: string, opts: { nationalities?: string[]; extraStays?: PlannedStay[] } = {}): RuleResult {
  const prepared = prepareEvaluation(segments, { asOf, ...opts });
  const [r] = evaluateDefinitions(prepared, [def(id)]);
  return r!;
}

/** Away in `home`, in `country` from `arrive` to `leave` (both dates of travel), back home. */
const visit = (country: string, arrive: string, leave: string, home = 'FR') => [seg(home, country, arrive), seg(country, home, leave)];

describe('weighted-lookback: the US substantial presence test', () => {
  const PUB519 = 'IRS Publication 519, Substantial Presence Test, example';
  const threeYears = (n: string) => [
    ...visit('US', '2021-01-01', n.replace('Y', '2021')),
    ...visit('US', '2022-01-01', n.replace('Y', '2022')),
    ...visit('US', '2023-01-01', n.replace('Y', '2023')),
  ];

  test(`120 days in each of 2021-2023 (1 January to 30 April): 120 + 40 + 20 = 180 weighted days, not met (${PUB519})`, () => {
    expect(one('us-substantial-presence', threeYears('Y-04-30'), '2023-12-31')).toEqual({
      ruleId: 'us-substantial-presence',
      exemptDaysExcluded: 0,
      kind: 'weighted-lookback',
      applies: true,
      reason: null,
      yearStart: '2023-01-01',
      yearEnd: '2023-12-31',
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

  test('122 days in each year is exactly 183 weighted days (fractions kept): met on the 122nd day, 2 May 2023 (26 U.S.C. 7701(b)(3)(A))', () => {
    const r = one('us-substantial-presence', threeYears('Y-05-02'), '2023-12-31');
    expect(r).toMatchObject({
      daysThisYear: 122,
      weightedDays: { numerator: 1098, denominator: 6, display: '183' },
      met: true,
      metOn: '2023-05-02',
      daysRemaining: 0,
    });
  });

  test('a planned trip gives the date it will be met; on the evaluation date it is not met yet', () => {
    const r = one('us-substantial-presence', threeYears('Y-04-30').slice(0, 4), '2023-03-01', {
      extraStays: [{ country: 'US', entryDate: '2023-06-01', exitDate: '2023-10-31' }],
    });
    // Preceding years: 120 x 1/3 + 120 x 1/6 = 60; this year 183 - 60 = 123 days needed: 1 June + 122 = 1 October.
    expect(r).toMatchObject({ daysThisYear: 0, met: false, metOn: '2023-10-01', daysRemaining: 123 });
  });

  test('a US national: does not apply, with the reason; no day is counted, the 360 days of the look-back are reported as exempt', () => {
    const r = one('us-substantial-presence', threeYears('Y-04-30'), '2023-12-31', { nationalities: ['US'] });
    expect(r).toMatchObject({
      applies: false,
      reason: 'United States (US) nationals are exempt from US substantial presence test',
      daysThisYear: 0,
      exemptDaysExcluded: 360,
    });
  });
});

describe('tax-year-presence: the UK statutory residence test (midnight convention, 6 April)', () => {
  const RDRM10610 = 'HMRC RDRM10610, counting days';
  test.each([
    { name: 'a) arrive 10 June, leave 12 June: 2 days', segs: () => visit('GB', '2022-06-10', '2022-06-12'), asOf: '2022-12-31', days: 2, metOn: null },
    {
      name: 'b) arrive 20 April, leave 20 October: 183 days, met on 19 October',
      segs: () => visit('GB', '2022-04-20', '2022-10-20'),
      asOf: '2023-01-31',
      days: 183,
      metOn: '2022-10-19',
    },
    { name: 'c) arrive 8 April, leave 23 May: 45 days', segs: () => visit('GB', '2022-04-08', '2022-05-23'), asOf: '2022-12-31', days: 45, metOn: null },
  ])(`$name (${RDRM10610})`, ({ segs, asOf, days, metOn }) => {
    expect(one('uk-srt-183', segs(), asOf)).toEqual({
      ruleId: 'uk-srt-183',
      exemptDaysExcluded: 0,
      kind: 'tax-year-presence',
      applies: true,
      reason: null,
      convention: 'midnight',
      taxYearStart: '2022-04-06',
      taxYearEnd: '2023-04-05',
      daysThisTaxYear: days,
      plannedDaysThisTaxYear: 0,
      threshold: 183,
      met: days >= 183,
      metOn,
      daysRemaining: Math.max(0, 183 - days),
      byTaxYear: [],
    });
  });

  test('f) 5 October 2022 to 30 April 2023: the past tax year in byTaxYear (183 days, met on 5 April), 24 days in the current one', () => {
    const r = one('uk-srt-183', visit('GB', '2022-10-05', '2023-04-30'), '2023-04-30');
    expect(r).toMatchObject({ taxYearStart: '2023-04-06', daysThisTaxYear: 24, met: false, metOn: null, daysRemaining: 159 });
    expect(r.kind === 'tax-year-presence' && r.byTaxYear).toEqual([
      { taxYearStart: '2022-04-06', taxYearEnd: '2023-04-05', days: 183, met: true, metOn: '2023-04-05' },
    ]);
  });

  test('HMRC RDR3 Example 17 (Holly): a transit that leaves the next day does not count; unmarked, its midnight counts', () => {
    const transit = [seg('IT', 'GB', '2024-06-03', '2024-06-03', { transit: true }), seg('GB', 'US', '2024-06-04')];
    expect(one('uk-srt-183', transit, '2024-06-30')).toMatchObject({ daysThisTaxYear: 0 });
    const entered = [seg('IT', 'GB', '2024-06-03'), seg('GB', 'US', '2024-06-04')];
    expect(one('uk-srt-183', entered, '2024-06-30')).toMatchObject({ daysThisTaxYear: 1 });
  });

  test('planned stays count up to the night before the exit date: "you will reach 183 days on ..."', () => {
    const r = one('uk-srt-183', visit('GB', '2026-04-06', '2026-05-06'), '2026-06-01', {
      extraStays: [{ country: 'GB', entryDate: '2026-07-01', exitDate: '2027-01-31' }],
    });
    // 30 midnights in April-May, then 153 more from 1 July: the 153rd is 30 November.
    expect(r).toMatchObject({ daysThisTaxYear: 30, met: false, metOn: '2026-11-30', daysRemaining: 153 });
  });

  test('the any-part-of-day convention counts the arrival and the departure dates (3 days for 10-12 June, 2 at midnight)', () => {
    const base = def('uk-srt-183') as Extract<RuleDefinition, { kind: 'tax-year-presence' }>;
    const anyPart: RuleDefinition = { ...base, id: 'uk-any-part', convention: 'any-part-of-day', params: { minDays: 183, taxYearStart: '04-06' } };
    const prepared = prepareEvaluation(visit('GB', '2022-06-10', '2022-06-12'), { asOf: '2022-12-31' });
    const [a, b] = evaluateDefinitions(prepared, [anyPart, def('uk-srt-183')]);
    expect([a!.kind === 'tax-year-presence' && a!.daysThisTaxYear, b!.kind === 'tax-year-presence' && b!.daysThisTaxYear]).toEqual([3, 2]);
  });
});

describe('per-stay: at most N days (or months) per stay', () => {
  const VWP = '8 U.S.C. 1187(a)(1): admission for a period not exceeding ninety days';
  test(`VWP: in the US since 1 January 2025, on 10 January: 10 days of 90, 80 left, latest exit 31 March (${VWP})`, () => {
    expect(one('us-vwp-90-per-admission', [seg('FR', 'US', '2025-01-01')], '2025-01-10')).toEqual({
      ruleId: 'us-vwp-90-per-admission',
      exemptDaysExcluded: 0,
      kind: 'per-stay',
      applies: true,
      reason: null,
      currentStayStart: '2025-01-01',
      currentStayDays: 10,
      maxStayDays: 90,
      daysRemaining: 80,
      latestExitDate: '2025-03-31',
      overstayDays: 0,
      firstViolationDate: null,
    });
  });

  test('VWP: a trip to Mexico within the admission does not end it (8 CFR 217.3(b)); a trip to France does', () => {
    const viaMexico = [seg('FR', 'US', '2025-01-01'), seg('US', 'MX', '2025-02-01'), seg('MX', 'US', '2025-02-10')];
    expect(one('us-vwp-90-per-admission', viaMexico, '2025-02-15')).toMatchObject({ currentStayStart: '2025-01-01', currentStayDays: 46, daysRemaining: 44 });
    const viaFrance = [seg('FR', 'US', '2025-01-01'), seg('US', 'FR', '2025-02-01'), seg('FR', 'US', '2025-02-10')];
    expect(one('us-vwp-90-per-admission', viaFrance, '2025-02-15')).toMatchObject({ currentStayStart: '2025-02-10', currentStayDays: 6, daysRemaining: 84 });
  });

  test('VWP: the United States and Puerto Rico are one territory; an airside transit elsewhere is left out', () => {
    const segs = [seg('FR', 'US', '2025-01-01'), seg('US', 'PR', '2025-01-20'), seg('PR', 'US', '2025-01-25')];
    expect(one('us-vwp-90-per-admission', segs, '2025-01-30')).toMatchObject({ currentStayStart: '2025-01-01', currentStayDays: 30 });
  });

  test('VWP: a planned stay of 107 days from 1 June: first violation on its 91st day, 30 August', () => {
    const r = one('us-vwp-90-per-admission', [], '2025-05-01', { extraStays: [{ country: 'US', entryDate: '2025-06-01', exitDate: '2025-09-15' }] });
    expect(r).toMatchObject({
      currentStayStart: null,
      currentStayDays: 0,
      maxStayDays: 90,
      daysRemaining: 90,
      latestExitDate: '2025-07-29',
      firstViolationDate: '2025-08-30',
    });
  });

  test('UK visitor: entered on 31 August 2024, 6 months end on 28 February 2025 (no 31 February); Ireland does not end the visit', () => {
    const segs = [seg('FR', 'GB', '2024-08-31'), seg('GB', 'IE', '2024-10-01'), seg('IE', 'GB', '2024-10-05')];
    expect(one('uk-visitor-6-months', segs, '2024-12-01')).toMatchObject({
      currentStayStart: '2024-08-31',
      currentStayDays: 93,
      maxStayDays: 182,
      daysRemaining: 89,
      latestExitDate: '2025-02-28',
    });
  });

  test('Japan: 90 days, stayed 95: 5 days over, first violation on the 91st day', () => {
    const r = one('jp-temporary-visitor-90', visit('JP', '2025-01-01', '2025-04-05'), '2025-04-05');
    expect(r).toMatchObject({ currentStayDays: 95, daysRemaining: 0, overstayDays: 5, latestExitDate: null, firstViolationDate: '2025-04-01' });
  });
});

describe('rolling-window', () => {
  test('Türkiye over countries: 90 days from 1 January to 31 March 2025, none left; an airside transit in Istanbul is left out', () => {
    const r = one('tr-visa-exempt-90-180', visit('TR', '2025-01-01', '2025-03-31'), '2025-03-31');
    expect(r).toMatchObject({
      kind: 'rolling-window',
      daysUsed: 90,
      daysRemaining: 0,
      windowStart: '2024-10-03',
      windowEnd: '2025-03-31',
      currentStayStart: '2025-01-01',
    });
    const transit = [seg('FR', 'TR', '2025-03-01', '2025-03-01', { transit: true }), seg('TR', 'IN', '2025-03-01')];
    expect(one('tr-visa-exempt-90-180', transit, '2025-03-31')).toMatchObject({ daysUsed: 0, currentStayStart: null });
  });

  test("Schengen through evaluateDefinitions is evaluateTravel's entry plus its kind (permits and exemptions too)", () => {
    const segs = [...visit('DE', '2025-01-01', '2025-02-15', 'US'), ...visit('FR', '2025-03-01', '2025-04-10', 'US')];
    const opts = {
      asOf: '2025-04-01',
      nationalities: ['US'],
      residencePermits: [{ country: 'FR', validFrom: '2025-03-10', validTo: '2026-03-09', kind: 'residence-permit' as const }],
    };
    const travel = evaluateTravel(segs, opts);
    const [r] = evaluateDefinitions(prepareEvaluation(segs, opts), [def('schengen-90-180')]);
    expect(r).toEqual({ kind: 'rolling-window', ...travel.rules[0] });
    expect(travel.rules[0]!.permitDaysExcluded).toBeGreaterThan(0);
  });
});

const VISA = "needs a visa: the visa's own validity governs";

describe('who a rule applies to: appliesToNationalities joins the exemptions', () => {
  const base = def('jp-temporary-visitor-90');
  const onlyNz: RuleDefinition = { ...base, id: 'jp-nz-only', appliesToNationalities: ['NZ', 'AU'] };
  test.each([
    { nationalities: [], applies: true, reason: null },
    { nationalities: ['NZ'], applies: true, reason: null },
    { nationalities: ['FR', 'AU'], applies: true, reason: null },
    {
      nationalities: ['FR'],
      applies: false,
      reason: `${base.name} applies only to nationals of New Zealand (NZ) and Australia (AU) (list of ${base.appliesToListDate}), not to France (FR): ${VISA}`,
    },
    {
      nationalities: ['FR', 'DE'],
      applies: false,
      reason: `${base.name} applies only to nationals of New Zealand (NZ) and Australia (AU) (list of ${base.appliesToListDate}), not to France (FR) or Germany (DE): ${VISA}`,
    },
    // An exemption wins: a Japanese and New Zealand national is not a visitor in Japan.
    { nationalities: ['NZ', 'JP'], applies: false, reason: `Japan (JP) nationals are exempt from ${base.name}` },
  ])('$nationalities -> applies $applies', ({ nationalities, applies, reason }) => {
    expect(ruleApplicability(onlyNz, nationalities, toDayNumber('2025-01-01'), ref)).toEqual({ applies, reason });
    const [r] = evaluateDefinitions(prepareEvaluation([], { asOf: '2025-01-01', nationalities }), [onlyNz]);
    expect({ applies: r!.applies, reason: r!.reason }).toEqual({ applies, reason });
  });
});

describe('rule ids', () => {
  test('resolveRuleIds keeps the order given and drops repeats; "all" is every row in file order', () => {
    expect(resolveRuleIds(ref, ['uk-srt-183', 'schengen-90-180', 'uk-srt-183']).map((d) => d.id)).toEqual(['uk-srt-183', 'schengen-90-180']);
    expect(resolveRuleIds(ref, 'all').map((d) => d.id)).toEqual(ref.definitions.map((d) => d.id));
    expect(new Set(ref.definitions.map((d) => d.kind))).toEqual(new Set(['rolling-window', 'per-stay', 'tax-year-presence', 'weighted-lookback']));
  });

  test('an unknown id throws UnknownRuleError naming it and the known ids', () => {
    expect(() => resolveRuleIds(ref, ['schengen-90-180', 'mars-30'])).toThrow(UnknownRuleError);
    expect(() => resolveRuleIds(ref, ['mars-30'])).toThrow(
      /unknown rule "mars-30"; known rules: schengen-90-180, tr-visa-exempt-90-180, .*us-substantial-presence/,
    );
  });

  test('an invalid definition is a ValidationError naming the field', () => {
    const bad = { ...def('uk-srt-183'), params: { minDays: 0, taxYearStart: '04-06' } } as RuleDefinition;
    expect(() => evaluateDefinitions(prepareEvaluation([], { asOf: '2025-01-01' }), [bad])).toThrow(/definitions: \[0\]\.params\.minDays/);
  });
});

describe('property: each entry equals the phase-1 engine on the same presence', () => {
  const COUNTRIES = ['US', 'MX', 'GB', 'IE', 'FR', 'TR', 'JP', 'PR', 'CA'];
  const anyStep = stepArb(COUNTRIES, 120, 15);

  const f = (d: number | null) => (d === null ? null : fromDayNumber(d));
  const merged = (m: ReadonlyMap<string, readonly DayInterval[]>, countries: readonly string[]) =>
    mergeIntervals(countries.flatMap((c) => [...(m.get(c) ?? [])]));

  /** The phase-1 engine's answer for `d`, from presence computed independently of evaluateDefinitions. */
  function expected(d: RuleDefinition, segments: IdentifiedSegment[], asOf: string, stays: PlannedStay[]) {
    const E = toDayNumber(asOf);
    const presence = computePresence(segments, asOf, ref, stays);
    const days = d.region !== undefined ? regionPresence(presence, d.region, ref) : merged(presence.byCountry, d.countries!);
    switch (d.kind) {
      case 'rolling-window': {
        const r = evaluateRollingWindow(days, E, rollingWindowParams(d));
        return {
          daysUsed: r.daysUsed,
          daysRemaining: r.daysRemaining,
          overstayDays: r.overstayDays,
          windowStart: f(r.windowStart),
          windowEnd: f(r.windowEnd),
          latestExitDate: f(r.latestExit),
          nextEntryDate: f(r.nextEntry),
          firstViolationDate: f(r.firstViolation),
          currentStayStart: f(r.currentStayStart),
        };
      }
      case 'per-stay': {
        const r = evaluatePerStay(days, E, perStayParams(d), merged(presence.byCountry, d.params.continuesThrough ?? []));
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
      case 'tax-year-presence': {
        const p =
          d.convention === 'midnight'
            ? merged(midnightPresence(segments, asOf, { transitException: d.params.transitException, extraStays: stays }), d.countries!)
            : days;
        const r = evaluateTaxYearPresence(p, E, taxYearPresenceParams(d));
        return {
          ...r,
          taxYearStart: f(r.taxYearStart),
          taxYearEnd: f(r.taxYearEnd),
          metOn: f(r.metOn),
          byTaxYear: r.byTaxYear.map((y) => ({ ...y, taxYearStart: f(y.taxYearStart), taxYearEnd: f(y.taxYearEnd), metOn: f(y.metOn) })),
        };
      }
      case 'weighted-lookback': {
        const r = evaluateWeightedLookback(days, E, weightedLookbackParams(d));
        return { ...r, yearStart: f(r.yearStart), yearEnd: f(r.yearEnd), metOn: f(r.metOn) };
      }
    }
  }

  test('every seed rule on random itineraries with transits, overnight flights, gaps and planned stays (150 itineraries)', () => {
    const arb = fc.record({
      steps: fc.array(anyStep, { minLength: 0, maxLength: 25 }),
      startOffset: fc.integer({ min: 0, max: 900 }),
      asOfFrac: fc.double({ min: -0.1, max: 1.2, noNaN: true }),
      stays: fc.array(
        fc.record({
          country: fc.constantFrom('GB', 'US', 'MX', 'TR', 'JP'),
          offset: fc.integer({ min: -10, max: 200 }),
          len: fc.integer({ min: 0, max: 120 }),
        }),
        { maxLength: 2 },
      ),
    });
    fc.assert(
      fc.property(arb, ({ steps, startOffset, asOfFrac, stays }) => {
        const start = toDayNumber('2022-01-10') + startOffset;
        const segments = buildItinerary(start, steps);
        const last = Math.max(start, ...segments.map((s) => toDayNumber(s.arrivalDate)));
        const E = start + Math.round((last - start + 5) * asOfFrac);
        const asOf = fromDayNumber(E);
        const planned = stays.map((s) => ({ country: s.country, entryDate: fromDayNumber(E + s.offset), exitDate: fromDayNumber(E + s.offset + s.len) }));
        const prepared = prepareEvaluation([...segments].reverse(), { asOf, extraStays: planned });
        const results = evaluateDefinitions(prepared, ref.definitions);
        expect(results.map((r) => [r.ruleId, r.kind])).toEqual(ref.definitions.map((d) => [d.id, d.kind]));
        results.forEach((r, i) => {
          const { ruleId: _id, kind: _k, applies: _a, reason: _r, ...outputs } = r as RuleResult & Record<string, unknown>;
          delete (outputs as Record<string, unknown>).permitDaysExcluded;
          // No nationality given: no exempt day.
          expect(outputs.exemptDaysExcluded).toBe(0);
          delete (outputs as Record<string, unknown>).exemptDaysExcluded;
          delete (outputs as Record<string, unknown>).eligibility;
          delete (outputs as Record<string, unknown>).convention;
          expect(outputs).toEqual(expected(ref.definitions[i]!, segments, asOf, planned));
        });
        // The region rule is evaluateTravel's own entry.
        expect(results[0]).toEqual({ kind: 'rolling-window', ...evaluateRule(prepared, ref.rules[0]!) });
      }),
      { numRuns: 150 },
    );
  });
});
