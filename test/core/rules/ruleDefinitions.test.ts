/**
 * The rule rows of seed/visaRules.json (issue 12): the discriminated schema of the four kinds, the sourced
 * seed rows, their engine parameters, and the guarantee that until phase 2 (profile trackedRules) the app
 * evaluates only the Schengen rule, as before.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { createReferenceData, loadReferenceData, VisaRuleSchema } from '@travel-time-tracker/core/referenceData';
import { perStayParams, rollingWindowParams, taxYearPresenceParams, weightedLookbackParams } from '@travel-time-tracker/core/rules/fromDefinition';
import { evaluatePerStay } from '@travel-time-tracker/core/rules/perStay';
import { evaluateRollingWindow } from '@travel-time-tracker/core/rules/rollingWindow';
import { evaluateTaxYearPresence } from '@travel-time-tracker/core/rules/taxYearPresence';
import { evaluateWeightedLookback } from '@travel-time-tracker/core/rules/weightedLookback';
import { ValidationError } from '@travel-time-tracker/core/validation';

const SEED = path.resolve(__dirname, '../../../seed');
const countriesJson = JSON.parse(fs.readFileSync(path.join(SEED, 'countries.json'), 'utf8'));
const rulesJson = JSON.parse(fs.readFileSync(path.join(SEED, 'visaRules.json'), 'utf8'));
const ref = loadReferenceData();

describe('seed rule rows', () => {
  test('every row of the file is a definition, in file order', () => {
    expect(ref.definitions.map((r) => r.id)).toEqual(rulesJson.rules.map((r: { id: string }) => r.id));
    expect(ref.definitions.map((r) => r.id)).toEqual([
      'schengen-90-180',
      'tr-visa-exempt-90-180',
      'us-vwp-90-per-admission',
      'uk-visitor-6-months',
      'jp-temporary-visitor-90',
      'uk-srt-183',
      'us-substantial-presence',
    ]);
  });

  test('the rules evaluated for every traveller are still only the Schengen rule, unchanged', () => {
    expect(ref.rules.map((r) => r.id)).toEqual(['schengen-90-180']);
    const schengen = ref.rule('schengen-90-180')!;
    expect(VisaRuleSchema.safeParse(schengen).success).toBe(true);
    expect(schengen).toMatchObject({
      kind: 'rolling-window',
      params: { maxDays: 90, periodDays: 180 },
      region: 'SCHENGEN',
      exemptNationalityRegions: ['EU', 'EEA', 'EU_TRANSITION'],
      exemptNationalities: ['CH'],
    });
    expect(ref.rule('uk-srt-183')).toBeUndefined();
    expect(ref.definition('uk-srt-183')?.kind).toBe('tax-year-presence');
    expect(evaluateTravel([], { asOf: '2025-01-01' }).rules.map((r) => r.ruleId)).toEqual(['schengen-90-180']);
  });

  test.each([
    ['schengen-90-180', 'rolling-window', 'any-part-of-day', /2016\/399/],
    ['tr-visa-exempt-90-180', 'rolling-window', 'any-part-of-day', /mfa\.gov\.tr/],
    ['us-vwp-90-per-admission', 'per-stay', 'any-part-of-day', /1187\(a\)\(1\).*217\.3\(b\)/],
    ['uk-visitor-6-months', 'per-stay', 'any-part-of-day', /Appendix Visitor/],
    ['jp-temporary-visitor-90', 'per-stay', 'any-part-of-day', /mofa\.go\.jp/],
    ['uk-srt-183', 'tax-year-presence', 'midnight', /Schedule 45 para 7.*para 22/],
    ['us-substantial-presence', 'weighted-lookback', 'any-part-of-day', /7701\(b\)\(3\)\(A\).*Publication 519/],
  ])('%s is %s, counted %s, and cites its source', (id, kind, convention, source) => {
    const def = ref.definition(id)!;
    expect(def).toMatchObject({ kind, convention });
    expect(def.source).toMatch(source);
    expect((def.region === undefined) !== (def.countries === undefined)).toBe(true);
  });

  test('the engine parameters of each row are what its source says, and its engine accepts them', () => {
    const params = ref.definitions.map((def) => {
      switch (def.kind) {
        case 'rolling-window':
          return [def.id, rollingWindowParams(def)];
        case 'per-stay':
          return [def.id, perStayParams(def)];
        case 'tax-year-presence':
          return [def.id, taxYearPresenceParams(def)];
        case 'weighted-lookback':
          return [def.id, weightedLookbackParams(def)];
      }
    });
    expect(Object.fromEntries(params)).toEqual({
      'schengen-90-180': { maxDays: 90, periodDays: 180 },
      'tr-visa-exempt-90-180': { maxDays: 90, periodDays: 180 },
      'us-vwp-90-per-admission': { maxStayDays: 90 },
      'uk-visitor-6-months': { maxStayMonths: 6 },
      'jp-temporary-visitor-90': { maxStayDays: 90 },
      'uk-srt-183': { minDays: 183, yearStart: { month: 4, day: 6 } },
      'us-substantial-presence': {
        minDaysCurrentYear: 31,
        threshold: 183,
        weights: [
          { numerator: 1, denominator: 1 },
          { numerator: 1, denominator: 3 },
          { numerator: 1, denominator: 6 },
        ],
        yearStart: { month: 1, day: 1 },
      },
    });
    const E = toDayNumber('2025-06-01');
    for (const def of ref.definitions) {
      if (def.kind === 'rolling-window') expect(evaluateRollingWindow([], E, rollingWindowParams(def)).daysRemaining).toBe(90);
      if (def.kind === 'per-stay') expect(evaluatePerStay([], E, perStayParams(def)).currentStayDays).toBe(0);
      if (def.kind === 'tax-year-presence') expect(evaluateTaxYearPresence([], E, taxYearPresenceParams(def)).daysRemaining).toBe(183);
      if (def.kind === 'weighted-lookback') expect(evaluateWeightedLookback([], E, weightedLookbackParams(def)).daysRemaining).toBe(183);
    }
  });

  test('the US VWP stay continues through Canada, Mexico and the adjacent islands; the UK visit through the Common Travel Area', () => {
    const vwp = ref.definition('us-vwp-90-per-admission')!;
    const uk = ref.definition('uk-visitor-6-months')!;
    if (vwp.kind !== 'per-stay' || uk.kind !== 'per-stay') throw new Error('kinds');
    expect(vwp.params.continuesThrough).toEqual(expect.arrayContaining(['CA', 'MX', 'BS', 'BM', 'JM', 'CU', 'DO', 'HT', 'PM', 'TT', 'BB', 'MQ']));
    expect(vwp.countries).toEqual(['US', 'PR', 'VI', 'GU', 'MP']);
    expect(uk.params.continuesThrough).toEqual(['IE', 'IM', 'JE', 'GG']);
  });
});

describe('rule row validation', () => {
  const base = () => JSON.parse(JSON.stringify(rulesJson));
  const at = (id: string, r: { rules: { id: string }[] }) => r.rules.find((x) => x.id === id) as Record<string, any>;
  const index = (id: string) => rulesJson.rules.findIndex((x: { id: string }) => x.id === id);

  test.each([
    {
      name: 'an unknown kind',
      edit: (r: any) => (at('uk-srt-183', r).kind = 'days-per-decade'),
      error: new RegExp(`rules\\[${index('uk-srt-183')}\\]\\.kind Invalid discriminator value`),
    },
    {
      name: 'a per-stay limit in both days and months',
      edit: (r: any) => (at('uk-visitor-6-months', r).params.maxStayDays = 180),
      error: new RegExp(`rules\\[${index('uk-visitor-6-months')}\\]\\.params needs exactly one of maxStayDays or maxStayMonths`),
    },
    {
      name: 'a tax year starting on 29 February',
      edit: (r: any) => (at('uk-srt-183', r).params.taxYearStart = '02-29'),
      error: /params\.taxYearStart must be a month and day written MM-DD/,
    },
    {
      name: 'the transit exception without the midnight convention',
      edit: (r: any) => (at('uk-srt-183', r).convention = 'any-part-of-day'),
      error: /params\.transitException only applies to the midnight convention/,
    },
    {
      name: 'both a region and countries',
      edit: (r: any) => (at('tr-visa-exempt-90-180', r).region = 'EU'),
      error: /region a rule needs exactly one of region or countries/,
    },
    {
      name: 'a weight that is not a fraction',
      edit: (r: any) => (at('us-substantial-presence', r).params.weights = ['1', '0.33', '1/6']),
      error: /params\.weights\[1\] must be a fraction such as "1" or "1\/3"/,
    },
    {
      name: "a current year's weight of zero",
      edit: (r: any) => (at('us-substantial-presence', r).params.weights = ['0', '1/3', '1/6']),
      error: /params\.weights\[0\] the current year's weight must be above zero/,
    },
    {
      name: "an implementation that is not the kind's module",
      edit: (r: any) => (at('jp-temporary-visitor-90', r).implementation = 'core/rules/rollingWindow'),
      error: /implementation/,
    },
    {
      name: 'an unknown convention',
      edit: (r: any) => (at('uk-srt-183', r).convention = 'noon'),
      error: /convention must be "any-part-of-day" or "midnight"/,
    },
    {
      name: 'a missing convention on a new kind',
      edit: (r: any) => delete at('us-vwp-90-per-admission', r).convention,
      error: /rules\[2\]\.convention must be "any-part-of-day"/,
    },
  ])('$name is refused naming the row and field', ({ edit, error }) => {
    const r = base();
    edit(r);
    expect(() => createReferenceData(countriesJson, r)).toThrow(ValidationError);
    expect(() => createReferenceData(countriesJson, r)).toThrow(error);
  });

  test.each([
    {
      name: 'an unknown country code in a bridge list',
      edit: (r: any) => at('us-vwp-90-per-admission', r).params.continuesThrough.push('QQ'),
      error: /rules\[2\] \(us-vwp-90-per-admission\): QQ is not a country code of seed\/countries.json/,
    },
    {
      name: 'an unknown region',
      edit: (r: any) => (at('schengen-90-180', r).region = 'BENELUX'),
      error: /rules\[0\] \(schengen-90-180\): region BENELUX is not a region/,
    },
    {
      name: 'appliesToNote on a rolling-window rule over a region (it would be applied to every traveller)',
      edit: (r: any) => (at('schengen-90-180', r).appliesToNote = 'third-country nationals'),
      error: /rules\[0\] \(schengen-90-180\): a rolling-window rule over a region is evaluated for every traveller/,
    },
  ])('$name is refused', ({ edit, error }) => {
    const r = base();
    edit(r);
    expect(() => createReferenceData(countriesJson, r)).toThrow(error);
  });
});
