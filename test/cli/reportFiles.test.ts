/**
 * `travel-days report` over several files, and its manners: the same journey in two files counted once (the
 * backend's rule across imports), warnings naming their file, no confident answer from a file mostly refused (exit 1,
 * one clause per reason), skipped rows grouped in the text and every one in `--json` and the HTML page, `--help`
 * describing every option and listing the rule ids, land rows not called flights.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { renderChartSvg } from '@travel-time-tracker/cli/render/chart';
import { describeWithSamples, samplePath } from '../helpers/samples';
import { run } from './runReport';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-cli-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const AS_OF = ['--as-of', '2026-06-01'];
const json = async (argv: string[]) => {
  const r = await run([...argv, '--json']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out);
};

const FLIGHTS = 'date,from,to,flight_number\n2026-03-01,JFK,CDG,AF7\n2026-03-20,CDG,JFK,AF8\n';
// The same two flights from another app (times, no flight numbers), a train trip inside them, and a formula cell.
const OTHER_APP =
  'date,from,to,from_country,to_country,mode,notes\n2026-03-01,JFK,CDG,,,flight,\n2026-03-05,,,FR,DE,train,=1+1\n2026-03-08,,,DE,FR,train,\n2026-03-20,CDG,JFK,,,flight,\n';

describe('several files merge, the same journey counted once', () => {
  test('two exports of the same flights plus train trips: each day counted once, the repeats skipped as duplicates', async () => {
    const a = write('flights.csv', FLIGHTS);
    const b = write('other-app.csv', OTHER_APP);
    const both = await json(['report', a, b, ...AS_OF]);
    const alone = await json(['report', a, ...AS_OF]);
    expect(both.countryDays.FR).toBe(alone.countryDays.FR - 2); // 03-05 to 03-08 partly in DE: 20 days, not 22
    expect(both.countryDays.DE).toBe(4);
    expect(both.imports.map((i: { file: string; flights: number; crossings: number }) => [path.basename(i.file), i.flights, i.crossings])).toEqual([
      ['flights.csv', 2, 0],
      ['other-app.csv', 2, 2],
    ]);
    expect(both.imports[1].skipped).toEqual([
      { row: 2, reason: 'row 2: the same journey as in an earlier file (2026-03-01 JFK → CDG)', kind: 'duplicate' },
      { row: 5, reason: 'row 5: the same journey as in an earlier file (2026-03-20 CDG → JFK)', kind: 'duplicate' },
    ]);
    expect(both.import).toBeUndefined();
    expect(alone.import).toEqual(alone.imports[0]);
  });

  test('the same journey once in each order of the files', async () => {
    const a = write('flights.csv', FLIGHTS);
    const b = write('other-app.csv', OTHER_APP);
    const ab = await json(['report', a, b, ...AS_OF]);
    const ba = await json(['report', b, a, ...AS_OF]);
    expect(ba.countryDays).toEqual(ab.countryDays);
  });

  test('warnings name the file they come from, in the text and in --json', async () => {
    const a = write('flights.csv', FLIGHTS);
    const b = write('other-app.csv', OTHER_APP);
    const j = await json(['report', a, b, ...AS_OF]);
    expect(j.warnings).toContainEqual(expect.stringMatching(/^other-app\.csv: row 3: note .* was not stored/));
    const text = await run(['report', a, b, ...AS_OF]);
    expect(text.out).toMatch(/^ {5}other-app\.csv: row 3: note/m);
    expect(text.out).toMatch(/^Travel report for flights\.csv, other-app\.csv as of 2026-06-01$/m);
    expect(text.out).toMatch(/^Import: other-app\.csv: format generic, encoding UTF-8, 4 rows: 2 crossings, 2 skipped$/m);
  });

  test('a JSON segment file and an export together: segment ids name their file', async () => {
    const seg = write(
      'manual.json',
      JSON.stringify({ segments: [{ departureCountry: 'FR', arrivalCountry: 'ES', departureDate: '2026-03-10', arrivalDate: '2026-03-10', mode: 'car' }] }),
    );
    const j = await json(['report', write('flights.csv', FLIGHTS), seg, ...AS_OF, '--trips']);
    expect(j.countryDays.ES).toBeGreaterThan(0);
    expect(j.warnings).toContainEqual(expect.stringMatching(/segment "manual\.json segment-1"|segment "flights\.csv row \d+"/));
  });
});

describeWithSamples('several real exports', () => {
  test('the same export twice counts each day once: every row of the second file is a duplicate', async () => {
    const file = samplePath('flighty/flighty-web-viewer_FlightyExport-2026-07-05.csv');
    const once = await json(['report', file, '--as-of', '2026-11-23']);
    const twice = await json(['report', file, file, '--as-of', '2026-11-23']);
    expect(twice.countryDays).toEqual(once.countryDays);
    expect(twice.imports[1].flights).toBe(0);
    const second = twice.imports[1].skipped.filter((s: { kind: string }) => s.kind === 'duplicate');
    expect(second.length).toBe(once.import.flights);
  });
});

describe('no confident answer from nothing: exit 1, one clause per reason', () => {
  const twoDigit = (n: number) => Array.from({ length: n }, (_, i) => `${(i % 28) + 1}/1/23,JFK,CDG`).join('\n');
  test.each([
    {
      name: '300 of 300 rows with two-digit years',
      text: `date,from,to\n${twoDigit(300)}\n`,
      message:
        '300 of 300 rows skipped: dates have two-digit years (rows 2, 3, 4 and 297 more): write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again',
    },
    {
      name: 'three of four rows refused for two reasons',
      text: 'date,from,to\n2026-03-01,JFK,CDG\n22 Jan 23,CDG,JFK\n2026-03-04,CDG,ZZZ\n2026-03-05,ZZZ,JFK\n',
      message: /^3 of 4 rows skipped: 1: dates have two-digit years \(row 3\): .+; 2: airports are unknown or missing \(rows 4, 5\): .+$/,
    },
  ])('$name', async ({ text, message }) => {
    const file = write('mostly-bad.csv', text);
    for (const extra of [[], ['--json']]) {
      const r = await run(['report', file, ...AS_OF, ...extra]);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      const line = r.err.trim();
      expect(line.split('\n')).toHaveLength(1);
      expect(line.startsWith(`travel-days: ${file}: `)).toBe(true);
      const said = line.slice(`travel-days: ${file}: `.length);
      if (typeof message === 'string') expect(said).toBe(message);
      else expect(said).toMatch(message);
    }
  });

  test('exactly half refused still reports (exit 0), the skips grouped', async () => {
    const file = write('half.csv', 'date,from,to\n2026-03-01,JFK,CDG\n1/3/26,CDG,JFK\n');
    const r = await run(['report', file, ...AS_OF]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Import: format generic, encoding UTF-8, 2 rows: 1 flight, 1 skipped$/m);
    expect(r.out).toMatch(/^ {2}1 row skipped: dates have two-digit years \(row 3\): write years with four digits/m);
  });
});

describe('skipped rows: grouped in the text, every one in --json and the HTML page', () => {
  // 40 flights and 5 cancelled ones, 2 unknown airports.
  const lines = ['date,from,to,cancelled'];
  for (let i = 0; i < 40; i++)
    lines.push(`2025-${String((i % 12) + 1).padStart(2, '0')}-${String(Math.floor(i / 12) * 7 + 1).padStart(2, '0')},${i % 2 ? 'CDG,JFK' : 'JFK,CDG'},no`);
  for (let i = 0; i < 5; i++) lines.push(`2025-12-2${i},JFK,CDG,yes`);
  lines.push('2025-12-29,JFK,ZZZ,no', '2025-12-30,XQZ,CDG,no');
  const text = `${lines.join('\n')}\n`;

  test('text: one line per reason, three examples, how many more', async () => {
    const r = await run(['report', write('many.csv', text), ...AS_OF]);
    expect(r.code).toBe(0);
    const section = r.out.slice(r.out.indexOf('Import:')).trimEnd().split('\n');
    expect(section).toEqual([
      'Import: format generic, encoding UTF-8, 47 rows: 40 flights, 7 skipped',
      '  5 rows skipped: flights are marked cancelled (rows 42, 43, 44 and 2 more): nothing to do: a cancelled flight is not travel',
      '     row 42: cancelled flight',
      '     row 43: cancelled flight',
      '     row 44: cancelled flight',
      '     … and 2 more (--json lists every one)',
      '  2 rows skipped: airports are unknown or missing (rows 47, 48): check the codes (IATA such as CDG, ICAO such as LFPG), or give the countries in from_country and to_country',
      "     row 47: unknown airport code 'ZZZ' in To: check the code, or give the country in to_country instead",
      "     row 48: unknown airport code 'XQZ' in From: check the code, or give the country in from_country instead",
    ]);
  });

  test('--json: every skipped row with its kind, and the groups with every row', async () => {
    const j = await json(['report', write('many.csv', text), ...AS_OF]);
    expect(j.import.skipped.map((s: { row: number; kind: string }) => `${s.row} ${s.kind}`)).toEqual([
      '42 cancelled',
      '43 cancelled',
      '44 cancelled',
      '45 cancelled',
      '46 cancelled',
      '47 unknown-airport',
      '48 unknown-airport',
    ]);
    expect(j.import.skipGroups.map((g: { kind: string; rows: number[] }) => [g.kind, g.rows])).toEqual([
      ['cancelled', [42, 43, 44, 45, 46]],
      ['unknown-airport', [47, 48]],
    ]);
  });

  test('HTML: each reason a folded <details> listing every row', async () => {
    const page = path.join(dir, 'many.html');
    const r = await run(['report', write('many.csv', text), ...AS_OF, '--html', page]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(page, 'utf8');
    const details = html.match(/<details><summary><strong>\d+ rows? skipped:[^<]*<\/strong><\/summary><ul>(?:<li>[^<]*<\/li>)*<\/ul><\/details>/g) ?? [];
    expect(details).toHaveLength(2);
    expect((details[0]!.match(/<li>row \d+: cancelled flight<\/li>/g) ?? []).length).toBe(5);
  });
});

describe('CLI manners', () => {
  test('--help describes every option and lists every rule id of the seed', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const option of [
      '--as-of',
      '--json',
      '--layover-hours',
      '--euroairport',
      '--trips',
      '--csv',
      '--html',
      '--date-order',
      '--nationality',
      '--residence-permit',
      '--rule ID',
      '--rules all',
      '--assumed',
    ]) {
      expect(r.out).toMatch(new RegExp(`^ {2}${option.replace(/[-]/g, '\\-')}[^\\n]* {2}\\w`, 'm'));
    }
    for (const d of loadReferenceData().definitions) expect(r.out).toMatch(new RegExp(`^ {2}${d.id} +\\S`, 'm'));
  });

  test.each([
    { name: 'a missing file', file: () => path.join(dir, 'nope.csv'), said: /cannot read .*nope\.csv: no such file$/ },
    { name: 'a folder', file: () => dir, said: /cannot read .*: it is not a file$/ },
  ])('$name: a plain sentence naming the file, never errno text', async ({ file, said }) => {
    const r = await run(['report', file(), ...AS_OF]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(said);
    expect(r.err).not.toMatch(/\bE[A-Z]{3,}\b|errno|syscall/);
  });

  test.each([
    { name: 'one flight', csv: 'date,from,to\n2026-03-01,JFK,CDG\n', line: '1 row: 1 flight, 0 skipped' },
    { name: 'land rows are crossings, not flights', csv: 'date,from_country,to_country,mode\n2026-03-01,FR,DE,train\n', line: '1 row: 1 crossing, 0 skipped' },
    {
      name: 'flights and crossings',
      csv: 'date,from,to,from_country,to_country,mode\n2026-03-01,JFK,CDG,,,flight\n2026-03-05,,,FR,DE,bus\n',
      line: '2 rows: 2 segments (1 flight, 1 crossing), 0 skipped',
    },
  ])('Import line: $name', async ({ csv, line }) => {
    const r = await run(['report', write('line.csv', csv), ...AS_OF]);
    expect(r.out).toMatch(new RegExp(`^Import: format generic, encoding UTF-8, ${line.replace(/[()]/g, '\\$&')}$`, 'm'));
  });

  test('segment ids read like the skip reasons: "row 3", never "row-3"', async () => {
    const r = await run(['report', write('gap.csv', 'date,from,to\n2026-03-01,JFK,CDG\n2026-03-10,LHR,JFK\n'), ...AS_OF]);
    expect(r.out).toMatch(/"row 2"/);
    expect(r.out).not.toMatch(/row-\d/);
  });
});

describe('no unbounded array spread into a call', () => {
  test('a chart series of 500 000 days renders (Math.max(...days) overflows the stack)', () => {
    const n = 500_000;
    const recorded = Array.from({ length: n }, (_, i) => i % 91);
    const svg = renderChartSvg(
      { ruleId: 'r', maxDays: 90, periodDays: 180, from: 0, to: n - 1, asOf: n - 10, recorded, planned: new Array<number>(n).fill(0) },
      'the area',
    );
    expect(svg).toContain('data-peak-recorded="90"');
  });
});

describe('HTML: every warning listed, folded by kind', () => {
  test('twelve gaps: all twelve in one <details>', async () => {
    const seg = (from: string, to: string, date: string) => ({
      departureCountry: from,
      arrivalCountry: to,
      departureDate: date,
      arrivalDate: date,
      mode: 'flight',
    });
    const segments = Array.from({ length: 13 }, (_, i) => seg('US', 'FR', `2025-${String(i < 12 ? i + 1 : 12).padStart(2, '0')}-${i < 12 ? '01' : '20'}`));
    const page = path.join(dir, 'gaps.html');
    const r = await run(['report', write('gaps.json', JSON.stringify({ segments })), '--as-of', '2026-01-10', '--html', page]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(page, 'utf8');
    const gaps = /<details><summary><strong>12 gaps:[^<]*<\/strong><\/summary><ul>((?:<li>[^<]*<\/li>)*)<\/ul><\/details>/.exec(html);
    expect(gaps).not.toBeNull();
    expect(gaps![1]!.match(/<li>missing between/g)).toHaveLength(12);
  });
});
