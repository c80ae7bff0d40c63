/**
 * `travel-days report --nationality` and `--residence-permit`: who the Schengen rule binds, in the JSON entry
 * (`applies`, `reason`, `permitDaysExcluded`) and in one line of the text report instead of an overstay.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './runReport';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-applies-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
// Lives in Spain from 2024-01-01 (arrived from the US), a week in Italy in March: 130 days in the area by 05-09.
const FILE = path.join(dir, 'spain.json');
fs.writeFileSync(
  FILE,
  JSON.stringify({
    segments: [
      { departureCountry: 'US', arrivalCountry: 'ES', departureDate: '2024-01-01', arrivalDate: '2024-01-01', mode: 'flight' },
      { departureCountry: 'ES', arrivalCountry: 'IT', departureDate: '2024-03-04', arrivalDate: '2024-03-04', mode: 'flight' },
      { departureCountry: 'IT', arrivalCountry: 'ES', departureDate: '2024-03-10', arrivalDate: '2024-03-10', mode: 'train' },
    ],
  }),
);
const AS_OF = ['--as-of', '2024-05-09'];

describe('report: who the rule applies to', () => {
  test('without a nationality the rule applies: 130 days, an overstay of 40', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF]);
    expect(JSON.parse(r.out).rules[0]).toMatchObject({ applies: true, reason: null, daysUsed: 130, overstayDays: 40, permitDaysExcluded: 0 });
    expect((await run(['report', FILE, ...AS_OF])).out).toMatch(/OVERSTAY: 40 day\(s\) over the limit/);
  });

  test.each([
    [['--nationality', 'ES'], /Spain \(ES\) is a member of the European Union/],
    [['--nationality', 'us,at'], /Austria \(AT\) is a member of the European Union/],
    [['--nationality', 'US', '--nationality', 'CH'], /\(CH\) nationals are exempt/],
  ])('%j: applies false with a reason; the text says so in one line, no overstay', async (args, reason) => {
    const json = JSON.parse((await run(['report', FILE, '--json', ...AS_OF, ...args])).out);
    // Exempt on every day: none of the 130 days is counted, all are reported as left out.
    expect(json.rules[0]).toMatchObject({ applies: false, daysUsed: 0, exemptDaysExcluded: 130 });
    expect(json.rules[0].reason).toMatch(reason);
    const text = (await run(['report', FILE, ...AS_OF, ...args])).out;
    expect(text).toMatch(/does not apply: .*exempt/);
    expect(text).not.toMatch(/OVERSTAY/);
  });

  test('a Spanish residence permit leaves Spain out: only the 7 days in Italy count', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--nationality', 'US', '--residence-permit', 'ES:2023-12-15:2025-12-14']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).rules[0]).toMatchObject({ applies: true, daysUsed: 7, overstayDays: 0, permitDaysExcluded: 123 });
    const text = await run(['report', FILE, ...AS_OF, '--residence-permit', 'ES:2023-12-15:2025-12-14']).then((x) => x.out);
    expect(text).toMatch(/days used: +7 in the period .*; 123 more under a residence permit or long-stay visa not counted/);
  });

  test('a long-stay visa is given with its kind', async () => {
    const r = await run(['report', FILE, '--json', ...AS_OF, '--residence-permit', 'ES:2024-01-01:2024-12-31:long-stay-visa']);
    expect(JSON.parse(r.out).rules[0]).toMatchObject({ daysUsed: 7 });
  });

  test.each([
    [['--nationality', 'USA'], /--nationality "USA" must be an ISO 3166-1 alpha-2 code/],
    [['--residence-permit', 'ES:2024-01-01'], /--residence-permit "ES:2024-01-01" must be CC:YYYY-MM-DD:YYYY-MM-DD.*validTo/],
    [['--residence-permit', 'ES:2024-12-31:2024-01-01'], /must not be before validFrom/],
    [['--residence-permit', 'ES:2024-01-01:2024-12-31:visa'], /kind/],
    [['--residence-permit', 'ES:2024-01-01:2024-12-31:long-stay-visa:x'], /too many parts/],
  ])('%j is refused with exit code 2 and one line naming the value', async (args, message) => {
    const r = await run(['report', FILE, ...AS_OF, ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
