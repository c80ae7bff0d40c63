/**
 * `travel-days report --rule ID` (repeatable) and `--rules all`: the `ruleResults` JSON array (one entry per
 * selected rule, every kind), the text lines per kind, and the errors (unknown id, bad `--rules`). Without the
 * flags the report is as before (test/unit/cli/report.test.ts checks its exact keys).
 */
import * as path from 'node:path';
import { loadReferenceData } from '../../../functions/src/core/referenceData';
import { run } from './runReport';


// A New Zealander (the README's example): 120 days in the US in 2024 (2 January to 30 April) and in 2025
// (1 January to 30 April), a month in the UK in 2025, 47 days in Türkiye in 2026, in the US since 1 March 2026;
// planned (after --as-of): the UK from 20 April to 20 December 2026.
const FILE = path.resolve(__dirname, '../../fixtures/rules/nomad.json');
const AS_OF = ['--as-of', '2026-04-10'];
const ref = loadReferenceData();

/** The output keys of each kind, after ruleId, kind, applies, reason. */
const KEYS: Record<string, string[]> = {
  'rolling-window': ['permitDaysExcluded', 'daysUsed', 'daysRemaining', 'overstayDays', 'windowStart', 'windowEnd', 'latestExitDate', 'nextEntryDate', 'firstViolationDate', 'currentStayStart'],
  'per-stay': ['currentStayStart', 'currentStayDays', 'maxStayDays', 'daysRemaining', 'latestExitDate', 'overstayDays', 'firstViolationDate'],
  'tax-year-presence': ['convention', 'taxYearStart', 'taxYearEnd', 'daysThisTaxYear', 'plannedDaysThisTaxYear', 'threshold', 'met', 'metOn', 'daysRemaining', 'byTaxYear'],
  'weighted-lookback': ['yearStart', 'yearEnd', 'daysThisYear', 'daysByYear', 'weightedDays', 'threshold', 'minDaysCurrentYear', 'met', 'metOn', 'daysRemaining'],
};

describe('report --rule / --rules all', () => {
  test('--rule us-vwp-90-per-admission --json: one ruleResults entry; rules keeps the default Schengen entry', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rule', 'us-vwp-90-per-admission']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rules.map((x: { ruleId: string }) => x.ruleId)).toEqual(['schengen-90-180']);
    expect(j.ruleResults).toEqual([
      {
        ruleId: 'us-vwp-90-per-admission',
        kind: 'per-stay',
        applies: true,
        reason: null,
        currentStayStart: '2026-03-01',
        currentStayDays: 41,
        maxStayDays: 90,
        daysRemaining: 49,
        latestExitDate: '2026-05-29',
        overstayDays: 0,
        // 2 January to 30 April 2024 was 120 days in one admission: the 91st, 1 April, broke the rule.
        firstViolationDate: '2024-04-01',
      },
    ]);
  });

  test('--rules all --json: every row in file order, every kind, each with its keys', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rules', 'all']);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.out).ruleResults as Record<string, unknown>[];
    expect(results.map((x) => x.ruleId)).toEqual(ref.definitions.map((d) => d.id));
    expect(new Set(results.map((x) => x.kind))).toEqual(new Set(Object.keys(KEYS)));
    for (const x of results) expect(Object.keys(x)).toEqual(['ruleId', 'kind', 'applies', 'reason', ...KEYS[x.kind as string]!]);
    const byId = Object.fromEntries(results.map((x) => [x.ruleId, x]));
    expect(byId['tr-visa-exempt-90-180']).toMatchObject({ daysUsed: 47, daysRemaining: 43 });
    // UK tax year 2026-27: no midnight yet, 183 reached on 19 October with the planned stay; 2025-26 had 31.
    expect(byId['uk-srt-183']).toMatchObject({
      taxYearStart: '2026-04-06',
      daysThisTaxYear: 0,
      plannedDaysThisTaxYear: 244,
      met: false,
      metOn: '2026-10-19',
      byTaxYear: [{ taxYearStart: '2025-04-06', taxYearEnd: '2026-04-05', days: 31, met: false, metOn: null }],
    });
    // The planned UK visit runs past its 6 months (20 April + 6 months - 1 day = 19 October).
    expect(byId['uk-visitor-6-months']).toMatchObject({ currentStayStart: null, firstViolationDate: '2026-10-20' });
    expect(byId['us-substantial-presence']).toMatchObject({ daysByYear: [41, 120, 120], weightedDays: { numerator: 606, denominator: 6, display: '101' }, met: false, metOn: null, daysRemaining: 82 });
  });

  test('repeated --rule keeps the order given, once each', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rule', 'uk-srt-183', '--rule', 'schengen-90-180', '--rule', 'uk-srt-183']);
    expect(JSON.parse(r.out).ruleResults.map((x: { ruleId: string }) => x.ruleId)).toEqual(['uk-srt-183', 'schengen-90-180']);
  });

  test('--nationality US: the US rules do not apply, with the reason', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rule', 'us-substantial-presence', '--nationality', 'US']);
    expect(JSON.parse(r.out).ruleResults[0]).toMatchObject({ applies: false, reason: 'United States (US) nationals are exempt from US substantial presence test' });
    const t = await run(['report', FILE, ...AS_OF, '--rule', 'us-substantial-presence', '--nationality', 'US']);
    expect(t.out).toMatch(/ {2}does not apply: United States \(US\) nationals are exempt from US substantial presence test/);
  });

  test('the text report prints each selected rule in a few readable lines, instead of the default rules', async () => {
    const r = await run(['report', FILE, ...AS_OF, '--rules', 'all']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    for (const want of [
      /^US Visa Waiver Program \(90 days per admission\): at most 90 days per visit in United States \(with PR, VI, GU, MP\)$/,
      /^ {2}this visit: since 2026-03-01, 41 days of 90$/,
      /^ {2}49 days left in this visit: latest exit date 2026-05-29$/,
      /^ {2}first violation date: 2026-10-20$/,
      /^ {2}you will reach 183 days in the United Kingdom tax year on 2026-10-19 \(with the planned trips\)$/,
      /^ {2}past tax years: 2025-04-06 to 2026-04-05: 31 days$/,
      /^ {2}US substantial presence test: 101 weighted days of 183 \(2026: 41 x 1, 2025: 120 x 1\/3, 2024: 120 x 1\/6\), not met$/,
      /^ {2}days used: +47 in the period 2025-10-13 to 2026-04-10$/,
    ]) {
      expect(lines.some((l) => want.test(l))).toBe(true);
    }
    expect(r.out.match(/^Schengen short stay \(90\/180\): 90 days in any 180-day period$/gm)).toHaveLength(1);
  });

  test('without --rule the report is as before: no ruleResults', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF]);
    expect(Object.keys(JSON.parse(r.out))).not.toContain('ruleResults');
    expect((await run(['report', FILE, ...AS_OF])).out).not.toMatch(/this visit|tax year|weighted/);
  });

  test.each([
    [['--rule', 'mars-30'], /^travel-days: unknown rule "mars-30"; known rules: schengen-90-180, tr-visa-exempt-90-180, us-vwp-90-per-admission, uk-visitor-6-months, jp-temporary-visitor-90, uk-srt-183, us-substantial-presence\n$/],
    [['--rules', 'some'], /^travel-days: --rules "some" must be "all" \(or name rules one by one with --rule ID\)\n$/],
  ])('%j -> exit 2, one line naming the known ids', async (flags, message) => {
    const r = await run(['report', FILE, ...AS_OF, ...flags]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });
});
