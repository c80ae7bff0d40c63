/**
 * `travel-days report --nationality`: exemption day by day (a British national before 2021), eligibility lists
 * (`--nationality IN` and the VWP, Japan and Türkiye), and unknown codes refused with exit code 2.
 * Sources: the Withdrawal Agreement Art. 126-127 (free movement to 2020-12-31); 8 U.S.C. 1187 and the State
 * Department's VWP list; MOFA Japan, Exemption of Visas; MFA Türkiye, Visa Information for Foreigners.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './runReport';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-nationality-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
// In France 1 March to 30 June 2017 (122 days) and 1 October 2020 to 10 January 2021.
const FILE = path.join(dir, 'france.json');
fs.writeFileSync(
  FILE,
  JSON.stringify({
    segments: [
      { departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2017-03-01', arrivalDate: '2017-03-01', mode: 'flight' },
      { departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2017-06-30', arrivalDate: '2017-06-30', mode: 'flight' },
      { departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2020-10-01', arrivalDate: '2020-10-01', mode: 'flight' },
      { departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2021-01-10', arrivalDate: '2021-01-10', mode: 'flight' },
    ],
  }),
);

describe('report --nationality', () => {
  test.each([
    // A US national broke the rule in 2017 (the 91st day, 30 May) and again on 30 December 2020.
    { nationality: 'US', asOf: '2017-06-30', firstViolationDate: '2017-05-30', daysUsed: 122 },
    { nationality: 'US', asOf: '2021-01-15', firstViolationDate: '2017-05-30', daysUsed: 102 },
    // A British national: no violation before 2021, and the period of 15 January 2021 counts no day of 2020.
    { nationality: 'GB', asOf: '2017-06-30', firstViolationDate: null, daysUsed: 0 },
    { nationality: 'GB', asOf: '2021-01-15', firstViolationDate: null, daysUsed: 10 },
  ])('--nationality $nationality --as-of $asOf: first violation $firstViolationDate, $daysUsed days', async ({ nationality, asOf, ...want }) => {
    const r = await run(['report', FILE, '--json', '--as-of', asOf, '--nationality', nationality]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).rules[0]).toMatchObject(want);
  });

  test('--nationality IN --rules all: the VWP, Japan and Türkiye do not apply, each with the reason', async () => {
    const r = await run(['report', FILE, '--json', '--as-of', '2021-01-15', '--nationality', 'IN', '--rules', 'all']);
    expect(r.code).toBe(0);
    const byId = Object.fromEntries((JSON.parse(r.out).ruleResults as { ruleId: string }[]).map((x) => [x.ruleId, x]));
    for (const id of ['us-vwp-90-per-admission', 'jp-temporary-visitor-90', 'tr-visa-exempt-90-180']) {
      expect(byId[id]).toMatchObject({ applies: false, reason: expect.stringMatching(/India \(IN\): needs a visa: the visa's own validity governs/) });
    }
    expect(byId['schengen-90-180']).toMatchObject({ applies: true });
  });

  test.each(['XX', 'gb,xx'])('--nationality %s exits 2 naming the unknown code', async (value) => {
    const r = await run(['report', FILE, '--as-of', '2021-01-15', '--nationality', value]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--nationality "XX" is not an ISO 3166-1 alpha-2 country code/);
    expect(r.out).toBe('');
  });

  test('a residence permit issued by the US is a warning, not an error', async () => {
    const r = await run(['report', FILE, '--json', '--as-of', '2021-01-15', '--residence-permit', 'US:2020-01-01:2021-12-31']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).warnings).toContainEqual(expect.stringMatching(/United States \(US\).*not issued by a member of SCHENGEN/));
  });
});
