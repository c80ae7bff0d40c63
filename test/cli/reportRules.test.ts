/**
 * `travel-days report --rule ID` (repeatable) and `--rules all`: the `ruleResults` JSON array (one entry per
 * selected rule, every kind), the text lines per kind, the `--html` page's cards of the chosen rules, and the
 * errors (unknown id, bad `--rules`). Without the flags the report is as before (test/cli/report.test.ts
 * checks its exact keys).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderHtml } from '@travel-time-tracker/cli/render/html';
import { prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { run } from './runReport';

// A New Zealander (the example of docs/report.md): 120 days in the US in 2024 (2 January to 30 April) and in 2025
// (1 January to 30 April), a month in the UK in 2025, 47 days in Türkiye in 2026, in the US since 1 March 2026;
// planned (after --as-of): the UK from 20 April to 20 December 2026.
const FILE = path.resolve(__dirname, '../fixtures/rules/nomad.json');
const AS_OF = ['--as-of', '2026-04-10'];
const ref = loadReferenceData();

/** What every result rests on (core/ruleAssumption.ts), after the kind's own outputs. */
const ASSUMPTION_KEYS = ['assumedDays', 'dependsOnAssumption', 'assumption'];

/** The output keys of each kind, after ruleId, kind, applies, reason. */
const KEYS: Record<string, string[]> = {
  'rolling-window': [
    'exemptDaysExcluded',
    'permitDaysExcluded',
    'daysUsed',
    'daysRemaining',
    'overstayDays',
    'windowStart',
    'windowEnd',
    'latestExitDate',
    'nextEntryDate',
    'firstViolationDate',
    'currentStayStart',
    ...ASSUMPTION_KEYS,
  ],
  'per-stay': [
    'exemptDaysExcluded',
    'currentStayStart',
    'currentStayDays',
    'maxStayDays',
    'daysRemaining',
    'latestExitDate',
    'overstayDays',
    'firstViolationDate',
    ...ASSUMPTION_KEYS,
  ],
  'tax-year-presence': [
    'exemptDaysExcluded',
    'convention',
    'taxYearStart',
    'taxYearEnd',
    'daysThisTaxYear',
    'plannedDaysThisTaxYear',
    'threshold',
    'met',
    'metOn',
    'daysRemaining',
    'byTaxYear',
    ...ASSUMPTION_KEYS,
  ],
  'weighted-lookback': [
    'exemptDaysExcluded',
    'yearStart',
    'yearEnd',
    'daysThisYear',
    'daysByYear',
    'weightedDays',
    'threshold',
    'minDaysCurrentYear',
    'met',
    'metOn',
    'daysRemaining',
    ...ASSUMPTION_KEYS,
  ],
};

const byIdOf = (results: Record<string, unknown>[]) => Object.fromEntries(results.map((x) => [x.ruleId as string, x]));

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
        exemptDaysExcluded: 0,
        currentStayStart: '2026-03-01',
        currentStayDays: 41,
        maxStayDays: 90,
        daysRemaining: 49,
        latestExitDate: '2026-05-29',
        overstayDays: 0,
        // 2 January to 30 April 2024 was 120 days in one admission: the 91st, 1 April, broke the rule.
        firstViolationDate: '2024-04-01',
        // In the US since 1 March, the next record the planned departure from the US on 20 April: the days
        // between rest on records of the same country, none assumed.
        assumedDays: 0,
        dependsOnAssumption: false,
        assumption: null,
      },
    ]);
  });

  test('--rules all --json: every row in file order, every kind, each with its keys', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rules', 'all']);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.out).ruleResults as Record<string, unknown>[];
    expect(results.map((x) => x.ruleId)).toEqual(ref.definitions.map((d) => d.id));
    expect(new Set(results.map((x) => x.kind))).toEqual(new Set(Object.keys(KEYS)));
    // A rule that names who it binds only in words says eligibility was not checked (the UK visitor rule).
    for (const x of results) {
      const eligibility =
        ref.definition(x.ruleId as string)!.appliesToNote !== undefined && ref.definition(x.ruleId as string)!.appliesToNationalities === undefined;
      expect(Object.keys(x)).toEqual(['ruleId', 'kind', 'applies', 'reason', ...(eligibility ? ['eligibility'] : []), ...KEYS[x.kind as string]!]);
    }
    expect(byIdOf(results)['uk-visitor-6-months']!.eligibility).toMatch(/^Eligibility not checked/);
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
    expect(byId['us-substantial-presence']).toMatchObject({
      daysByYear: [41, 120, 120],
      weightedDays: { numerator: 606, denominator: 6, display: '101' },
      met: false,
      metOn: null,
      daysRemaining: 82,
    });
  });

  test('repeated --rule keeps the order given, once each', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rule', 'uk-srt-183', '--rule', 'schengen-90-180', '--rule', 'uk-srt-183']);
    expect(JSON.parse(r.out).ruleResults.map((x: { ruleId: string }) => x.ruleId)).toEqual(['uk-srt-183', 'schengen-90-180']);
  });

  test('--nationality US: the US rules do not apply, with the reason', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--rule', 'us-substantial-presence', '--nationality', 'US']);
    expect(JSON.parse(r.out).ruleResults[0]).toMatchObject({
      applies: false,
      reason: 'United States (US) nationals are exempt from US substantial presence test',
    });
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
    [
      ['--rule', 'mars-30'],
      /^travel-days: unknown rule "mars-30"; known rules: schengen-90-180, tr-visa-exempt-90-180, us-vwp-90-per-admission, uk-visitor-6-months, jp-temporary-visitor-90, uk-srt-183, us-substantial-presence\n$/,
    ],
    [['--rules', 'some'], /^travel-days: --rules "some" must be "all" \(or name rules one by one with --rule ID\)\n$/],
  ])('%j -> exit 2, one line naming the known ids', async (flags, message) => {
    const r = await run(['report', FILE, ...AS_OF, ...flags]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });
});

describe('report --html with --rule / --rules all: the chosen rules, every kind', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-report-rules-html-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The page for `flags`, with dates in sentences read as text (they are <time> elements). */
  async function page(name: string, ...flags: string[]): Promise<string> {
    const out = path.join(dir, name);
    const r = await run(['report', FILE, ...AS_OF, '--html', out, ...flags]);
    expect([r.code, r.err]).toEqual([0, `travel-days: wrote ${out} (report page)\n`]);
    return fs.readFileSync(out, 'utf8').replace(/<time datetime="(\d{4}-\d\d-\d\d)">\1<\/time>/g, '$1');
  }
  /** The card of one rule (its <section>). */
  const card = (html: string, id: string) => {
    const m = new RegExp(`<section class="card rule" data-rule="${id}" data-kind="[a-z-]+">.*?</section>`).exec(html);
    expect(m).not.toBeNull();
    return m![0];
  };

  test('--rules all: one card per rule in file order with its kind; sentences and every output of the kind; nothing fetched', async () => {
    const html = await page('all.html', '--rules', 'all');
    expect([...html.matchAll(/<section class="card rule" data-rule="([^"]+)" data-kind="([^"]+)">/g)].map((m) => [m[1], m[2]])).toEqual(
      ref.definitions.map((d) => [d.id, d.kind]),
    );
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<script|<link|<img|<iframe|@import|@font-face|src=/i);
    // The rolling windows keep their chart: Schengen and Türkiye (over a country). No trip is planned in either
    // (the plan is the UK), so no planned area and no url() at all.
    expect([...html.matchAll(/<svg class="chart" [^>]*data-rule="([^"]+)"/g)].map((m) => m[1])).toEqual(['schengen-90-180', 'tr-visa-exempt-90-180']);
    expect(html).not.toContain('url(');

    const tr = card(html, 'tr-visa-exempt-90-180');
    expect(tr).toContain('<p class="verdict ok">47 of 90 days used in Türkiye in the 180 days from 2025-10-13 to 2026-04-10: 43 days left.</p>');
    expect(tr).toMatch(/<svg class="chart" [^>]*data-rule="tr-visa-exempt-90-180"[^>]*data-peak-recorded="47"/);
    expect(tr).toContain('<line class="limit-line" data-days="90"');

    const vwp = card(html, 'us-vwp-90-per-admission');
    expect(vwp).toContain('<p class="sub">At most 90 days per visit in United States (with PR, VI, GU, MP).</p>');
    expect(vwp).toContain('<p class="verdict ok">This visit: since 2026-03-01, 41 days of 90.</p>');
    expect(vwp).toContain('<p>49 days left in this visit: latest exit date 2026-05-29.</p>');
    expect(vwp).not.toContain('<svg');
    // The planned UK visit runs past its 6 months: a limit broken by the plan is red.
    expect(card(html, 'uk-visitor-6-months')).toContain('<p>First violation date: 2026-10-20.</p>');
    expect(card(html, 'uk-visitor-6-months')).toMatch(/<p class="verdict over">/);

    // Thresholds are not kept or broken: a neutral verdict.
    const srt = card(html, 'uk-srt-183');
    expect(srt).toContain('<p class="sub">At least 183 days in a tax year (2026-04-06 to 2027-04-05), a day counted when there at midnight.</p>');
    expect(srt).toContain('<p class="verdict info">Days this tax year: 0, 244 more planned.</p>');
    expect(srt).toContain('<p>You will reach 183 days in the United Kingdom tax year on 2026-10-19 (with the planned trips).</p>');
    expect(srt).toContain('<tr><th><code>byTaxYear</code></th><td>taxYearStart 2025-04-06, taxYearEnd 2026-04-05, days 31, met no, metOn none</td></tr>');
    const spt = card(html, 'us-substantial-presence');
    expect(spt).toContain(
      '<p class="verdict info">US substantial presence test: 101 weighted days of 183 (2026: 41 x 1, 2025: 120 x 1/3, 2024: 120 x 1/6), not met.</p>',
    );
    expect(spt).toContain('<tr><th><code>weightedDays</code></th><td>101 (606/6)</td></tr>');
    expect(spt).toContain('<tr><th><code>daysByYear</code></th><td>41, 120, 120</td></tr>');

    // Every output of each kind is in its card's table, under its --json name.
    const json = JSON.parse((await run(['report', FILE, '--json', ...AS_OF, '--rules', 'all'])).out).ruleResults as Record<string, unknown>[];
    for (const r of json) {
      const names = [...card(html, r.ruleId as string).matchAll(/<tr><th><code>([A-Za-z]+)<\/code><\/th>/g)].map((m) => m[1]);
      expect(names).toEqual([...(r.eligibility !== undefined ? ['eligibility'] : []), ...KEYS[r.kind as string]!]);
    }
  });

  test('--rule us-vwp-90-per-admission: only that card (not the default Schengen one)', async () => {
    const html = await page('one.html', '--rule', 'us-vwp-90-per-admission');
    expect([...html.matchAll(/<section class="card rule" data-rule="([^"]+)"/g)].map((m) => m[1])).toEqual(['us-vwp-90-per-admission']);
  });

  test('--nationality US: a US rule says it does not apply, with the reason, and shows no verdict on numbers', async () => {
    const html = await page('us.html', '--rule', 'us-substantial-presence', '--nationality', 'US');
    expect(card(html, 'us-substantial-presence')).toContain(
      '<p class="verdict info">This rule does not apply to you: United States (US) nationals are exempt from US substantial presence test.</p>',
    );
  });

  test('text in a rule entry is escaped (an id and a reason with markup, as a broken seed could give)', () => {
    const prepared = prepareEvaluation([], { asOf: '2026-04-10' });
    const entry = {
      ruleId: '<b>x</b>',
      kind: 'per-stay' as const,
      applies: false,
      reason: '<script>alert(1)</script> & "you"',
      currentStayStart: null,
      currentStayDays: 0,
      maxStayDays: 90,
      daysRemaining: 90,
      latestExitDate: '2026-07-08',
      overstayDays: 0,
      firstViolationDate: null,
    };
    const report = { asOf: '2026-04-10', countryDays: {}, countryDaysByYear: {}, rules: [], ruleResults: [entry], warnings: [] };
    const html = renderHtml({ report, prepared, stays: [], files: ['x.json'], reference: ref });
    expect(html).toContain('data-rule="&#60;b&#62;x&#60;/b&#62;"');
    expect(html).toContain('This rule does not apply to you: &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;you&#34;.');
    expect(html).not.toMatch(/<script|<b>/);
  });
});
