/**
 * `travel-days report` on the files people have: place names by land (Lima/Ica, not Italy and Venezuela),
 * semicolon and tab-separated UTF-16 files, month-name dates and two-digit years, end to end through the CLI.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from './runReport';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-cli-places-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('travel-days report counts the countries the file says', () => {
  test.each([
    ['a land log in Peru (Lima,Ica,bus)', 'land.csv', 'date,from,to,mode\n2024-03-01,Lima,Ica,bus\n2024-03-20,Ica,Lima,bus\n', { PE: 31 }],
    ['a semicolon file with month names', 'semi.csv', 'date;from;to\n1 Mar 2024;JFK;CDG\nMar 20, 2024;CDG;JFK\n', { US: 13, FR: 20 }],
    ['a tab-separated UTF-16 file', 'unicode.txt', utf16le('date\tfrom\tto\r\n2024-03-01\tJFK\tCDG\r\n2024-03-20\tCDG\tJFK\r\n'), { US: 13, FR: 20 }],
  ])('%s', async (_name, file, content, days) => {
    const r = await run(['report', write(file, content), '--json', '--as-of', '2024-03-31']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // Per country a number of days (or, where entries carry more fields, an object with its `days` or `total`).
    const j = JSON.parse(r.out) as { countryDays: Record<string, number | { days?: number; total?: number }> };
    const totals = Object.fromEntries(Object.entries(j.countryDays).map(([c, v]) => [c, typeof v === 'number' ? v : (v.days ?? v.total)]));
    expect(totals).toEqual(days);
  });

  test('two-digit years in two of three rows: no confident answer, exit 1 with one message naming the rows and the fix', async () => {
    const r = await run(['report', write('yy.csv', 'date,from,to\n1/3/24,JFK,CDG\n20-Mar-24,CDG,JFK\n2024-03-25,JFK,CDG\n'), '--as-of', '2024-03-31']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/: 2 of 3 rows skipped: dates have two-digit years \(rows 2, 3\): write years with four digits/);
  });

  test('two-digit years in one of three rows: skipped, and one warning names them and the fix', async () => {
    const csv = 'date,from,to\n1/3/24,JFK,CDG\n2024-03-20,CDG,JFK\n2024-03-25,JFK,CDG\n';
    const r = await run(['report', write('yy1.csv', csv), '--as-of', '2024-03-31']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 row skipped because its date has a two-digit year \(row 2\): the century is never guessed; write years with four digits/);
  });
});
