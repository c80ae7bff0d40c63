/**
 * `travel-days report`: the messages and dates a person reads (issue 11, "files people really have"): evaluation
 * dates whose report would print dates outside 1900-01-01..2199-12-31, JSON files with a byte-order mark, JSON
 * validation errors over thousands of segments, and skip reasons printed once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './runReport';

const FIXTURES = path.resolve(__dirname, '../fixtures/import');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-cli-input-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
function write(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const STAY = {
  segments: [
    { departureCountry: 'US', arrivalCountry: 'FR', departureDate: '1900-01-01', arrivalDate: '1900-01-01', mode: 'flight' },
    { departureCountry: 'FR', arrivalCountry: 'US', departureDate: '1900-01-20', arrivalDate: '1900-01-20', mode: 'flight' },
  ],
};

describe('--as-of: every date the report prints stays within 1900-01-01..2199-12-31', () => {
  // The Schengen rule's 180-day period ends on --as-of and starts 179 days earlier; the next entry date can lie
  // up to 180 days later. So --as-of may range from 1900-01-01 + 179 days to 2199-12-31 - 180 days.
  test.each([
    ['9999-12-31', /--as-of "9999-12-31" must be between 1900-06-29 and 2199-07-04/],
    ['0001-01-01', /--as-of "0001-01-01" must be between 1900-06-29 and 2199-07-04/],
    ['1900-06-28', /--as-of "1900-06-28" must be between/],
    ['2199-07-05', /--as-of "2199-07-05" must be between/],
  ])('--as-of %s is refused with exit 2 and one line', async (asOf, message) => {
    const file = write('stay.json', JSON.stringify(STAY));
    const r = await run(['report', file, '--json', '--as-of', asOf]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/1900-01-01\.\.2199-12-31/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test.each([
    ['1900-06-29', '1900-01-01'],
    ['2199-07-04', '2199-01-06'],
  ])('--as-of %s (a bound) is accepted; every printed date is in range', async (asOf, windowStart) => {
    const file = write('stay.json', JSON.stringify(STAY));
    const r = await run(['report', file, '--json', '--as-of', asOf]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rules[0].windowStart).toBe(windowStart);
    const dates = JSON.stringify(j).match(/"\d{4,}-\d{2}-\d{2}"/g) ?? [];
    expect(dates.length).toBeGreaterThan(3);
    for (const d of dates) {
      expect(d >= '"1900-01-01"').toBe(true);
      expect(d <= '"2199-12-31"').toBe(true);
    }
  });
});

test('planned trips late in 2199 that would push the next entry date past 2199-12-31: one clear error, no output', async () => {
  // 90 planned days in France from 2199-10-01: the next allowed entry would be in 2200.
  const late = {
    segments: [
      { departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2199-10-01', arrivalDate: '2199-10-01', mode: 'flight' },
      { departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2199-12-29', arrivalDate: '2199-12-29', mode: 'flight' },
    ],
  };
  const r = await run(['report', write('late.json', JSON.stringify(late)), '--json', '--as-of', '2199-07-04']);
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toMatch(/next entry date .*after 2199-12-31.*check the dates of planned trips/);
});

describe('JSON segment files', () => {
  test('a UTF-8 byte-order mark before the JSON is accepted', async () => {
    const file = write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(STAY))]));
    const r = await run(['report', file, '--json', '--as-of', '1900-12-31']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).countryDays.FR).toBe(20);
  });

  test('a validation error over 20 000 bad segments is one short line naming the first ones and the count', async () => {
    const bad = Array.from({ length: 20_000 }, (_, i) => ({ ...STAY.segments[0], mode: `hovercraft-${i}` }));
    const r = await run(['report', write('many.json', JSON.stringify({ segments: bad })), '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/segments\[0\]\.mode/);
    expect(r.err).toMatch(/and 1999\d more problems/);
    expect(r.err.length).toBeLessThan(1000);
  });
});

describe('skipped rows in the readable report', () => {
  test('each skip reason is printed once with its row, not "row 5: row 5: ..."', async () => {
    const r = await run(['report', path.join(FIXTURES, 'generic.csv'), '--as-of', '2024-06-01']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}1 row skipped: flights are marked cancelled \(row 5\): .+\n {5}row 5: cancelled flight$/m);
    expect(r.out).not.toMatch(/row (\d+): row \1:/);
  });
});

describe('the report names the encoding the file was read in', () => {
  const csv = 'date,from,to,notes\n2024-01-01,CDG,JFK,Zürich\n';
  test.each([
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]), 'UTF-16LE', null],
    ['Windows-1252', Buffer.from(csv, 'latin1'), 'windows-1252', /read as Windows-1252/],
    ['UTF-8', Buffer.from(csv, 'utf8'), 'UTF-8', null],
  ])('%s', async (_name, bytes, encoding, warning) => {
    const file = write(`enc-${encoding}.csv`, bytes);
    const json = await run(['report', file, '--json', '--as-of', '2024-06-01']);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.out);
    expect(j.import.encoding).toBe(encoding);
    expect(j.import.flights).toBe(1);
    expect(j.warnings.some((w: string) => /Windows-1252/.test(w))).toBe(warning !== null);
    const text = await run(['report', file, '--as-of', '2024-06-01']);
    expect(text.out).toMatch(new RegExp(`^Import: format generic, encoding ${encoding}, 1 row: 1 flight, 0 skipped$`, 'm'));
  });
});

describe('--date-order', () => {
  // 3/4/2024 -> 5/4/2024 in France: 3 days read day-first (3-5 April), 62 read month-first (4 March - 4 May).
  const ambiguous = 'date,from,to\n3/4/2024,JFK,CDG\n5/4/2024,CDG,JFK\n';
  test.each([
    ['DMY', 3],
    ['MDY', 62],
    ['dmy', 3],
  ])('--date-order %s reads an all-ambiguous file in that order', async (order, frDays) => {
    const r = await run(['report', write('ambiguous.csv', ambiguous), '--json', '--as-of', '2024-06-01', '--date-order', order]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).countryDays.FR).toBe(frDays);
  });

  test('without it, an all-ambiguous file is refused with one line saying which flag to pass', async () => {
    const r = await run(['report', write('ambiguous.csv', ambiguous), '--as-of', '2024-06-01']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /row 2 '3\/4\/2024' could be 3 April 2024 or March 4, 2024.*run again with --date-order DMY \(day first\) or --date-order MDY \(month first\)/,
    );
    expect(r.err).not.toMatch(/dateOrder/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('a bad value exits 2', async () => {
    const r = await run(['report', 'a.csv', '--date-order', 'DM']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--date-order "DM" must be DMY, MDY or YMD/);
  });

  test('the day-first team fixture needs no flag: the file shows its order', async () => {
    const r = await run(['report', path.join(FIXTURES, 'generic-day-first.csv'), '--json', '--as-of', '2024-05-31']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).countryDays).toMatchObject({ GB: 8, FR: 3, IT: 25, GR: 4, AT: 4, CH: 10 });
  });
});

test('a --date-order the file contradicts is named as the flag', async () => {
  const r = await run(['report', write('dmy.csv', 'date,from,to\n3/4/2024,JFK,CDG\n25/4/2024,CDG,JFK\n'), '--date-order', 'MDY', '--as-of', '2024-06-01']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/--date-order MDY was given, but row 3 '25\/4\/2024' can only be day\/month\/year/);
});
