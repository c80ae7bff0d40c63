/**
 * The `travel-days report` command end to end through `main()`: argument errors, JSON output shape and
 * invariants on team fixtures, a JSON segment file, and every real sample (skipped by name when absent).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseReportArgs, CliError } from '@travel-time-tracker/cli/report';
import { describeWithSamples, listSampleFiles, samplePath } from '../helpers/samples';
import { run } from './runReport';

const FIXTURES = path.resolve(__dirname, '../fixtures/import');

const RULE_KEYS = [
  'applies',
  'assumedDays',
  'assumption',
  'daysRemaining',
  'daysUsed',
  'dependsOnAssumption',
  'exemptDaysExcluded',
  'firstViolationDate',
  'latestExitDate',
  'nextEntryDate',
  'overstayDays',
  'permitDaysExcluded',
  'reason',
  'ruleId',
  'windowEnd',
  'windowStart',
];

/** Checks the documented `--json` shape and the import invariant; returns the parsed object. */
function checkJson(stdout: string, expectImport: boolean) {
  const j = JSON.parse(stdout);
  expect(Object.keys(j).sort()).toEqual(
    [
      'asOf',
      'countryDays',
      'countryDaysByYear',
      'assumedCountryDays',
      'assumedCountryDaysByYear',
      'evidence',
      'rules',
      'warnings',
      ...(expectImport ? ['import', 'imports'] : []),
    ].sort(),
  );
  expect(Object.keys(j.evidence).sort()).toEqual(
    ['firstRecordedDate', 'lastRecordedDate', 'lastRecordedCountry', 'daysSinceLastRecord', 'recordedDays', 'betweenRecordsDays', 'assumedDays'].sort(),
  );
  // Assumed days are among the counted ones (--assumed count), country by country.
  for (const [code, days] of Object.entries(j.assumedCountryDays as Record<string, number>)) expect(days).toBeLessThanOrEqual(j.countryDays[code]);
  expect(j.rules.map((r: object) => Object.keys(r).sort())).toEqual([RULE_KEYS]);
  expect(j.rules[0].ruleId).toBe('schengen-90-180');
  for (const [code, days] of Object.entries(j.countryDays)) {
    expect(code).toMatch(/^[A-Z]{2}$/);
    const perYear = Object.values(j.countryDaysByYear as Record<string, Record<string, number>>).reduce((n, y) => n + (y[code] ?? 0), 0);
    expect(perYear).toBe(days);
  }
  if (expectImport) {
    expect(j.import.flights + j.import.skipped.length).toBe(j.import.rows);
    for (const s of j.import.skipped) {
      expect(Object.keys(s).sort()).toEqual(['kind', 'reason', 'row']);
      expect(s.reason.length).toBeGreaterThan(5);
    }
  }
  return j;
}

describe('argument errors exit non-zero with one line on stderr', () => {
  test.each([
    [['report'], 2, /at least one file/],
    [['report', 'a.csv', 'b.csv'], 1, /cannot read a.csv: no such file/],
    [['summarise', 'a.csv'], 2, /unknown command "summarise"/],
    [['report', 'a.csv', '--as-of', '2026-02-30'], 2, /--as-of "2026-02-30"/],
    [['report', 'a.csv', '--layover-hours', 'abc'], 2, /--layover-hours "abc"/],
    [['report', 'a.csv', '--layover-hours', '0'], 2, /--layover-hours "0"/],
    [['report', 'a.csv', '--euroairport', 'DE'], 2, /--euroairport "DE" must be FR or CH/],
    [['report', 'a.csv', '--colour'], 2, /Unknown option '--colour'/],
    [['report', '/nonexistent/file.csv'], 1, /cannot read \/nonexistent\/file.csv: no such file/],
  ])('%j -> exit %i', async (argv, code, message) => {
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('--as-of defaults to today in the local time zone', () => {
    const args = parseReportArgs(['report', 'x.csv'], new Date('2026-03-01T12:00:00Z'));
    expect(args.asOf).toMatch(/^2026-0[23]-\d\d$/);
    expect(() => parseReportArgs(['--help'])).toThrow(CliError);
  });
});

describe('malformed files give one clear error and no output', () => {
  test.each(['empty.csv', 'header-only.csv', 'binary.xlsx', 'unknown.csv'])('%s', async (name) => {
    const r = await run(['report', path.join(FIXTURES, name), '--json', '--as-of', '2026-11-23']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^travel-days: .*${name.replace('.', '\\.')}: .+\n$`));
  });
});

describe('JSON segment file input', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: unknown) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
    return p;
  };

  test('a 10-day stay in France: day counts and rule outputs', async () => {
    const file = write('trip.json', {
      segments: [
        { departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-03-01', arrivalDate: '2026-03-02', mode: 'flight' },
        { departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-03-11', arrivalDate: '2026-03-11', mode: 'flight' },
      ],
    });
    const r = await run(['report', file, '--json', '--as-of', '2026-03-20']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = checkJson(r.out, false);
    // FR 03-02..03-11 = 10 days; US: 03-01 and 03-11..03-20 = 11 days.
    expect(j.countryDays).toEqual({ FR: 10, US: 11 });
    expect(j.countryDaysByYear).toEqual({ '2026': { FR: 10, US: 11 } });
    expect(j.rules[0]).toMatchObject({
      daysUsed: 10,
      daysRemaining: 80,
      overstayDays: 0,
      windowStart: '2025-09-22',
      windowEnd: '2026-03-20',
      // 80 more days from 03-20: 03-20 + 79 = 06-07.
      latestExitDate: '2026-06-07',
      nextEntryDate: '2026-03-20',
      firstViolationDate: null,
    });
  });

  test('the readable report names the rule and the countries', async () => {
    const file = write('short.json', {
      segments: [{ id: 'a', departureCountry: 'GB', arrivalCountry: 'HR', departureDate: '2022-12-30', arrivalDate: '2022-12-30', mode: 'flight' }],
    });
    const r = await run(['report', file, '--as-of', '2023-01-02']);
    expect(r.code).toBe(0);
    // Croatia joined the Schengen area on 2023-01-01: 4 days in HR, 2 of them Schengen days.
    expect(r.out).toMatch(/days used: +2 in the period 2022-07-07 to 2023-01-02/);
    expect(r.out).toMatch(/HR Croatia +4/);
  });

  test.each([
    ['not JSON', '{ "segments": [', /is not valid JSON/],
    [
      'unknown field',
      { segments: [{ departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight', seat: '1A' }] },
      /segments\[0\] has unknown field\(s\) "seat"/,
    ],
    [
      'bad date',
      { segments: [{ departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-13-01', arrivalDate: '2026-03-01', mode: 'flight' }] },
      /segments\[0\]\.departureDate must be a real calendar date/,
    ],
    [
      'typo year 0219 on both dates',
      { segments: [{ departureCountry: 'US', arrivalCountry: 'FR', departureDate: '0219-05-01', arrivalDate: '0219-05-01', mode: 'flight' }] },
      /segments\[0\]\.departureDate must be a date between 1900-01-01 and 2199-12-31/,
    ],
    [
      'arrival two days early',
      { segments: [{ departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-03-05', arrivalDate: '2026-03-03', mode: 'flight' }] },
      /segments\[0\]\.arrivalDate must not be before departureDate/,
    ],
  ])('%s -> exit 1 naming the field', async (_name, data, message) => {
    const r = await run(['report', write(`bad-${_name}.json`, data), '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
  });
});

describeWithSamples('report --json on every real sample', () => {
  const files = listSampleFiles(['.csv', '.txt']);
  test('the samples folder has the expected files', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });
  test.each(files)('%s', async (file) => {
    const r = await run(['report', samplePath(file), '--json', '--as-of', '2026-11-23']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = checkJson(r.out, true);
    expect(j.import.rows).toBeGreaterThan(0);
    expect(j.import.flights).toBeGreaterThan(0);
  });
});
