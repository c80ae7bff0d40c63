/**
 * Who is bound, day by day: exemption by nationality is a property of each day (core/applicability.ts
 * `exemptDays`). Worked examples from the sources, then the engine against the naive day-by-day reference.
 *
 * Sources: Regulation (EU) 2016/399 (Schengen Borders Code) Art. 6(1) (the 90/180 rule binds third-country
 * nationals) and Art. 2(5) (persons enjoying the right of free movement under Union law are not third-country
 * nationals); the Withdrawal Agreement (OJ L 29, 31.1.2020) Art. 126 (transition period to 31 December 2020) and
 * Art. 127 (Union law applicable to and in the United Kingdom during it); the Act of Accession 2012 (Croatia an EU
 * member from 1 July 2013).
 */
import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { evaluateDefinitions, resolveRuleIds } from '@travel-time-tracker/core/ruleResults';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { naiveExemptOn, naivePresence, naiveRegionDays, naiveRule, toNaive } from './naiveReference';

const ref = loadReferenceData();
const schengen = ref.rule('schengen-90-180')!;

/** From the US to `country` on `from`, back on `to`. */
function visit(country: string, from: string, to: string, id = country): IdentifiedSegment[] {
  return [
    { id: `${id}-in`, departureCountry: 'US', arrivalCountry: country, departureDate: from, arrivalDate: from, mode: 'flight' },
    { id: `${id}-out`, departureCountry: country, arrivalCountry: 'US', departureDate: to, arrivalDate: to, mode: 'flight' },
  ];
}

describe('a British national under the Schengen rule (Withdrawal Agreement Art. 126-127; Reg. (EU) 2016/399 Art. 6)', () => {
  // 1 March to 30 June 2017 in France: 122 days. A US national breaks the rule on the 91st day, 30 May 2017.
  const in2017 = visit('FR', '2017-03-01', '2017-06-30');
  test.each([
    { nationalities: ['US'], firstViolationDate: '2017-05-30', daysUsed: 122, exemptDaysExcluded: 0, applies: true },
    // The UK was in the EU: a British national had free movement, no day counts and nothing is broken.
    { nationalities: ['GB'], firstViolationDate: null, daysUsed: 0, exemptDaysExcluded: 122, applies: false },
    // Any exempt nationality exempts the day (a dual US-British national).
    { nationalities: ['US', 'GB'], firstViolationDate: null, daysUsed: 0, exemptDaysExcluded: 122, applies: false },
  ])('2017, $nationalities: first violation $firstViolationDate', ({ nationalities, ...want }) => {
    const [r] = evaluateTravel(in2017, { asOf: '2017-06-30', nationalities }).rules;
    expect(r).toMatchObject(want);
  });

  test('at 2021-01-15 the period counts no day of 2020 (transition period): 10 days of January, 92 days of 2020 left out', () => {
    // In France 1 October 2020 to 10 January 2021. The period of 15 January 2021 starts 20 July 2020.
    const [r] = evaluateTravel(visit('FR', '2020-10-01', '2021-01-10'), { asOf: '2021-01-15', nationalities: ['GB'] }).rules;
    expect(r).toMatchObject({ applies: true, windowStart: '2020-07-20', daysUsed: 10, exemptDaysExcluded: 92, daysRemaining: 80, firstViolationDate: null });
    // A US national on the same trip: 102 days, broken on the 91st, 30 December 2020.
    const [us] = evaluateTravel(visit('FR', '2020-10-01', '2021-01-10'), { asOf: '2021-01-15', nationalities: ['US'] }).rules;
    expect(us).toMatchObject({ daysUsed: 102, exemptDaysExcluded: 0, firstViolationDate: '2020-12-30' });
  });

  test('no violation date falls on an exempt day: in France from 1 September 2020, the 91st counted day is 1 April 2021', () => {
    const [r] = evaluateTravel(visit('FR', '2020-09-01', '2021-05-31'), { asOf: '2021-05-31', nationalities: ['GB'] }).rules;
    expect(r!.firstViolationDate).toBe('2021-04-01');
  });

  test('2020-01-31 (last day of EU membership) and 2020-12-31 (last day of the transition period) are exempt; 2021-01-01 is not', () => {
    const days = ref.membershipIntervals('GB', 'EU_TRANSITION');
    expect(days.map((d) => [fromDayNumber(d.start), fromDayNumber(d.end)])).toEqual([['2020-02-01', '2020-12-31']]);
    for (const [date, exempt] of [
      ['2020-01-31', true],
      ['2020-02-01', true],
      ['2020-12-31', true],
      ['2021-01-01', false],
    ] as const) {
      const [r] = evaluateTravel(visit('FR', date, date), { asOf: date, nationalities: ['GB'] }).rules;
      expect([date, r!.daysUsed, r!.exemptDaysExcluded]).toEqual([date, exempt ? 0 : 1, exempt ? 1 : 0]);
    }
  });
});

test('a Croatian national: days before EU accession on 1 July 2013 count, days from it do not (Act of Accession 2012)', () => {
  const [r] = evaluateTravel(visit('FR', '2013-06-21', '2013-07-10'), { asOf: '2013-07-10', nationalities: ['HR'] }).rules;
  expect(r).toMatchObject({ applies: false, daysUsed: 10, exemptDaysExcluded: 10 });
});

describe('eligibility lists (8 U.S.C. 1187 and the State Department; MOFA Japan; MFA Türkiye)', () => {
  const ids = ['us-vwp-90-per-admission', 'jp-temporary-visitor-90', 'tr-visa-exempt-90-180'];
  test('an Indian national is on none of the three lists: applies false, needs a visa', () => {
    const results = evaluateDefinitions(prepareEvaluation([], { asOf: '2026-01-01', nationalities: ['IN'] }), resolveRuleIds(ref, ids));
    for (const r of results) {
      expect(r.applies).toBe(false);
      expect(r.reason).toMatch(/not to India \(IN\): needs a visa: the visa's own validity governs$/);
    }
  });
  test.each([
    ['us-vwp-90-per-admission', 'GB'],
    ['us-vwp-90-per-admission', 'RO'],
    ['jp-temporary-visitor-90', 'BR'],
    ['tr-visa-exempt-90-180', 'US'],
  ])('%s binds a %s national', (id, n) => {
    const [r] = evaluateDefinitions(prepareEvaluation([], { asOf: '2026-01-01', nationalities: [n] }), resolveRuleIds(ref, [id]));
    expect([r!.applies, r!.reason]).toEqual([true, null]);
  });
  test('every list in the seed names its source and date; a rule without a list says eligibility was not checked', () => {
    for (const d of ref.definitions) {
      if (d.appliesToNationalities) expect([d.id, typeof d.appliesToListSource, typeof d.appliesToListDate]).toEqual([d.id, 'string', 'string']);
    }
    const [visitor] = evaluateDefinitions(prepareEvaluation([], { asOf: '2026-01-01', nationalities: ['IN'] }), resolveRuleIds(ref, ['uk-visitor-6-months']));
    expect(visitor).toMatchObject({ applies: true, eligibility: expect.stringMatching(/^Eligibility not checked/) });
  });
});

describe('unknown codes and permits', () => {
  test('an unknown ISO code is refused, naming it', () => {
    expect(() => prepareEvaluation([], { asOf: '2026-01-01', nationalities: ['US', 'XX'] })).toThrow(ValidationError);
    expect(() => prepareEvaluation([], { asOf: '2026-01-01', nationalities: ['US', 'XX'] })).toThrow(/nationalities\[1\]: "XX" is not an ISO 3166-1/);
  });
  test('a residence permit from a state outside the region is a warning; one from a member is not', () => {
    const permit = (country: string) => ({ country, validFrom: '2025-01-01', validTo: '2025-12-31', kind: 'residence-permit' as const });
    const us = evaluateTravel([], { asOf: '2026-01-01', residencePermits: [permit('US')] });
    expect(us.warnings).toEqual([expect.stringMatching(/^residence permit of United States \(US\).*not issued by a member of SCHENGEN/)]);
    expect(evaluateTravel([], { asOf: '2026-01-01', residencePermits: [permit('FR')] }).warnings).toEqual([]);
  });
});

describe('engine vs the naive day-by-day reference, with nationalities whose exemption starts or ends in the span', () => {
  const COUNTRIES = ['FR', 'DE', 'HR', 'IE', 'GB', 'US', 'CH'];
  const NATIONALITIES = [[], ['GB'], ['US'], ['GB', 'US'], ['HR'], ['CH'], ['US', 'HR']];
  test('rule outputs equal the naive rule on presence less the exempt days (200 itineraries from 2012 to 2021)', () => {
    const arb = fc.record({
      start: fc.constantFrom('2012-11-01', '2013-04-01', '2019-12-01', '2020-09-15', '2020-11-20'),
      stays: fc.array(fc.record({ gap: fc.integer({ min: 0, max: 40 }), len: fc.integer({ min: 0, max: 70 }), to: fc.constantFrom(...COUNTRIES) }), {
        minLength: 1,
        maxLength: 8,
      }),
      nationalities: fc.constantFrom(...NATIONALITIES),
      asOfExtra: fc.integer({ min: -30, max: 60 }),
    });
    fc.assert(
      fc.property(arb, ({ start, stays, nationalities, asOfExtra }) => {
        const segments: IdentifiedSegment[] = [];
        let d = toDayNumber(start);
        stays.forEach((s, i) => {
          segments.push(...visit(s.to, fromDayNumber(d + s.gap), fromDayNumber(d + s.gap + s.len), `s${i}`));
          d += s.gap + s.len + 1;
        });
        const asOf = fromDayNumber(d + asOfExtra);
        const [got] = evaluateTravel(segments, { asOf, nationalities }).rules;
        const all = naiveRegionDays(naivePresence(segments.map(toNaive), asOf), 'SCHENGEN');
        const exempt = (day: number) => naiveExemptOn(nationalities, schengen.exemptNationalityRegions, schengen.exemptNationalities, fromDayNumber(day));
        const P = new Set([...all].filter((day) => !exempt(day)));
        const want = naiveRule(P, asOf, 90, 180);
        const E = toDayNumber(asOf);
        const exemptInWindow = [...all].filter((day) => exempt(day) && day > E - 180 && day <= E).length;
        const { applies: _a, reason: _r, ruleId: _i, permitDaysExcluded: _p, exemptDaysExcluded, ...outputs } = got!;
        expect(outputs).toEqual(want);
        expect(exemptDaysExcluded).toBe(exemptInWindow);
        if (want.firstViolationDate !== null) expect(exempt(toDayNumber(want.firstViolationDate))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
