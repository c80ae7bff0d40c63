/**
 * What the report's figures rest on (core/evidence.ts) through `main()`: the `--json` evidence fields, the
 * "history ends" line, the note beside a verdict that depends on assumed days, `--assumed exclude`, on fixtures
 * written for these tests and on the real samples (skipped by name when absent).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithSamples, listSampleFiles, samplePath } from '../helpers/samples';
import { run } from './runReport';

const FIXTURES = path.resolve(__dirname, '../fixtures/evidence');
// A return trip to Paris in March 2026, then a one-way flight London Gatwick -> Funchal (Madeira, Portugal) on
// 24 July 2026 and nothing since.
const ONE_WAY = path.join(FIXTURES, 'one-way-fnc.json');
// Arrived in the Netherlands on 27 March 2017; the next record departs from the United Kingdom on 27 July 2017.
const GAP = path.join(FIXTURES, 'gap-nl.json');

const sum = (o: Record<string, number>) => Object.values(o).reduce((n, x) => n + x, 0);

describe('a one-way last flight months before the evaluation date', () => {
  test('text: the history-ends line first, the overstay marked as resting on the assumed days', async () => {
    const r = await run(['report', ONE_WAY, '--as-of', '2026-12-09']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('Your history ends on 2026-07-24 (flight to FNC, Portugal); the 138 days since are assumed in Portugal: add your return flight');
    const i = lines.findIndex((l) => l.includes('OVERSTAY: 49 day(s)'));
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]!.trim()).toBe('based on 138 assumed days in PT, 2026-07-24 to 2026-12-09 (no record after the arrival in PT)');
  });

  test('--json: evidence, the rule depending on the open end, assumed days per country', async () => {
    const r = await run(['report', ONE_WAY, '--as-of', '2026-12-09', '--json']);
    const j = JSON.parse(r.out);
    expect(j.evidence).toEqual({
      firstRecordedDate: '2026-03-02',
      lastRecordedDate: '2026-07-24',
      lastRecordedCountry: 'PT',
      daysSinceLastRecord: 138,
      // GB 03-02, 03-09, 07-24; FR 03-02, 03-09; PT 07-24.
      recordedDays: 6,
      // FR 03-03..03-08 (6); GB 03-10..07-23 (136): each ended by a departure from the same country.
      betweenRecordsDays: 142,
      assumedDays: 138,
    });
    expect(j.rules[0]).toMatchObject({
      daysUsed: 139,
      overstayDays: 49,
      assumedDays: 138,
      dependsOnAssumption: true,
      assumption: { kind: 'open-end', country: 'PT', from: '2026-07-24', to: '2026-12-09', assumedDays: 138, nextCountry: null },
    });
    expect(j.assumedCountryDays).toEqual({ PT: 138 });
    expect(j.assumedCountryDaysByYear).toEqual({ '2026': { PT: 138 } });
    expect(j.evidence.recordedDays + j.evidence.betweenRecordsDays + j.evidence.assumedDays).toBe(sum(j.countryDays));
  });

  test('--assumed exclude: the assumed days count nowhere (a lower bound), and the report says so', async () => {
    const json = JSON.parse((await run(['report', ONE_WAY, '--as-of', '2026-12-09', '--json', '--assumed', 'exclude'])).out);
    expect(json.countryDays).toEqual({ FR: 8, GB: 139, PT: 1 });
    expect(json.rules[0]).toMatchObject({ daysUsed: 1, overstayDays: 0, firstViolationDate: null, assumedDays: 138, dependsOnAssumption: true });
    expect(sum(json.countryDays)).toBe(json.evidence.recordedDays + json.evidence.betweenRecordsDays);
    const text = await run(['report', ONE_WAY, '--as-of', '2026-12-09', '--assumed', 'EXCLUDE']);
    expect(text.out.split('\n')[0]).toBe(
      'Your history ends on 2026-07-24 (flight to FNC, Portugal); the 138 days since are not counted (--assumed exclude): add your return flight',
    );
    expect(text.out).not.toContain('OVERSTAY');
  });

  test('within a week of the last record: no history-ends line', async () => {
    const r = await run(['report', ONE_WAY, '--as-of', '2026-07-31']);
    expect(r.out.split('\n')[0]).toBe('Travel report for one-way-fnc.json as of 2026-07-31');
    const late = await run(['report', ONE_WAY, '--as-of', '2026-08-01']);
    expect(late.out.split('\n')[0]).toMatch(/^Your history ends on 2026-07-24 .*the 8 days since are assumed in Portugal/);
  });

  test('--html: the history-ends line and the note beside the verdict', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
    const out = path.join(dir, 'report.html');
    expect((await run(['report', ONE_WAY, '--as-of', '2026-12-09', '--html', out])).code).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<p class="history-ends">Your history ends on <time datetime="2026-07-24">2026-07-24</time> (flight to FNC, Portugal)');
    expect(html).toMatch(/<p class="assumed">Based on 138 assumed days in PT, /);
  });

  test('a bad --assumed value is refused, naming both values', async () => {
    const r = await run(['report', ONE_WAY, '--assumed', 'maybe']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--assumed "maybe" must be count .* or exclude/);
  });
});

describe('a violation resting on a gap', () => {
  test('--json: the first violation depends on the gap in NL; text says so beside it', async () => {
    const j = JSON.parse((await run(['report', GAP, '--as-of', '2018-06-01', '--json'])).out);
    expect(j.rules[0]).toMatchObject({
      daysUsed: 10,
      overstayDays: 0,
      firstViolationDate: '2017-06-25',
      assumedDays: 0,
      dependsOnAssumption: true,
      assumption: { kind: 'gap', country: 'NL', from: '2017-03-27', to: '2017-07-27', assumedDays: 122, nextCountry: 'GB' },
    });
    expect(j.assumedCountryDaysByYear['2017']).toEqual({ NL: 122 });
    const lines = (await run(['report', GAP, '--as-of', '2018-06-01'])).out.split('\n');
    const i = lines.findIndex((l) => l.includes('first violation date:  2017-06-25'));
    expect(lines[i + 1]!.trim()).toBe(
      'based on 122 assumed days in NL, 2017-03-27 to 2017-07-27 (no record between the arrival in NL and the next departure, from GB)',
    );
  });
});

describeWithSamples('evidence on the real samples', () => {
  const files = listSampleFiles(['.csv', '.txt']);

  test.each(files)('%s: the bases add up to the days counted, with and without the assumed days', async (file) => {
    const args = ['report', samplePath(file), '--as-of', '2026-12-08', '--json'];
    const r = await run(args);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const e = j.evidence;
    expect(e.recordedDays + e.betweenRecordsDays + e.assumedDays).toBe(sum(j.countryDays));
    expect(sum(j.assumedCountryDays)).toBe(e.assumedDays);
    const x = JSON.parse((await run([...args, '--assumed', 'exclude'])).out);
    expect(sum(x.countryDays)).toBe(e.recordedDays + e.betweenRecordsDays);
    expect(x.evidence).toEqual(e);
    for (const [k, rule] of (j.rules as { daysUsed: number; assumedDays: number }[]).entries())
      expect(x.rules[k].daysUsed).toBe(rule.daysUsed - rule.assumedDays);
  });

  test('myFlightradar24 export ending with a one-way flight to Barcelona: the history-ends line and an overstay resting on it', async () => {
    const file = samplePath('myflightradar24/historial-vuelos_flightdiary.csv');
    const text = await run(['report', file, '--as-of', '2026-12-08']);
    expect(text.out.split('\n')[0]).toBe(
      'Your history ends on 2025-12-24 (flight to BCN, Spain); the 349 days since are assumed in Spain: add your return flight',
    );
    const j = JSON.parse((await run(['report', file, '--as-of', '2026-12-08', '--json'])).out);
    expect(j.evidence).toMatchObject({ lastRecordedDate: '2025-12-24', lastRecordedCountry: 'ES', daysSinceLastRecord: 349 });
    expect(j.rules[0]).toMatchObject({
      overstayDays: 90,
      dependsOnAssumption: true,
      assumption: { kind: 'open-end', country: 'ES', from: '2025-12-24', to: '2026-12-08', assumedDays: 349 },
    });
    const x = JSON.parse((await run(['report', file, '--as-of', '2026-12-08', '--json', '--assumed', 'exclude'])).out);
    expect(x.rules[0]).toMatchObject({ overstayDays: 0, dependsOnAssumption: true });
  });

  test('Flighty export ending with a flight to Taipei: the history-ends line; the Schengen verdict does not rest on it', async () => {
    const file = samplePath('flighty/flighty-web-viewer_FlightyExport-2026-07-05.csv');
    const text = await run(['report', file, '--as-of', '2026-12-08']);
    expect(text.out.split('\n')[0]).toMatch(/^Your history ends on 2026-08-20 \(flight to TPE, Taiwan\); the 110 days since are assumed in Taiwan/);
    const j = JSON.parse((await run(['report', file, '--as-of', '2026-12-08', '--json'])).out);
    expect(j.rules[0]).toMatchObject({ dependsOnAssumption: false, assumption: null });
    expect(j.assumedCountryDays.TW).toBeGreaterThanOrEqual(110);
  });
});
