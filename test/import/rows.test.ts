/**
 * No row disappears: `rows` equals the data lines a text editor shows (header, blank and, where the format
 * defines them, comment lines aside). A quote opened in one cell and closed lines later, when those lines are
 * rows of the file, is a stray quote: each line stays a row and a warning names the lines. `#` starts a comment
 * only in OpenFlights' minimal input, never in a file with named columns.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ImportFileError, importFile, importFlights, type ImportResult } from '@travel-time-tracker/import';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { FIXTURES, chunked } from './helpers';

const IMPORT_DATE = '2024-12-31';
const run = (text: string, size = 7) => importFlights(chunked(text, size), { importDate: IMPORT_DATE });

function countryDays(r: ImportResult): Record<string, number> {
  const segments = r.segments.map(({ row, planned: _p, ...s }) => ({ ...s, id: `row-${row}` }));
  return evaluateTravel(segments, { asOf: IMPORT_DATE }).countryDays;
}

/** Data lines as a text editor shows them: non-blank lines after the header line. */
function editorDataLines(file: string): number {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r\n|\r|\n/)
    .slice(1)
    .filter((l) => l.trim() !== '').length;
}

function expectAccounted(r: ImportResult): void {
  expect(r.flights + r.skipped.length).toBe(r.rows);
  const rows = [...r.segments.map((s) => s.row), ...r.skipped.map((s) => s.row)];
  expect(new Set(rows).size).toBe(r.rows);
}

describe('a stray quote does not swallow the rows after it', () => {
  test('stray-quote.csv: "Honeymoon closed four lines later; 6 lines of flights are 6 rows, days as without the quote', async () => {
    const file = path.join(FIXTURES, 'stray-quote.csv');
    const r = await importFile(file, { importDate: IMPORT_DATE });
    expectAccounted(r);
    expect(r.rows).toBe(6);
    expect(r.rows).toBe(editorDataLines(file));
    expect(r.flights).toBe(6);
    expect(r.segments.map((s) => s.row)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(r.segments[1]?.notes).toBe('Honeymoon');
    expect(r.warnings).toContainEqual(expect.stringMatching(/^rows 3-7: the quote in row 3 .*closes only in row 7.*each line was read as its own row/));
    // The same flights without the stray quote: the same days per country (FR 11 days, not 41).
    const clean = fs.readFileSync(file, 'utf8').replace('"Honeymoon', 'Honeymoon').replace('anniversary"', 'anniversary');
    const expected = countryDays(await run(clean));
    expect(countryDays(r)).toEqual(expected);
    expect(expected.FR).toBe(11);
  });

  test.each([
    // [case, text, rows, rows of segments, warning pattern or null]
    ['a real multi-line note stays one row', 'date,from,to,notes\n2024-01-01,CDG,JFK,"line one\nline two"\n2024-01-02,JFK,CDG,x\n', 2, [2, 4], null],
    [
      'a multi-line note in a CRLF file: the next row keeps its line number',
      'date,from,to,notes\r\n2024-01-01,CDG,JFK,"a\r\nb"\r\n2024-01-02,JFK,CDG,x\r\n',
      2,
      [2, 4],
      null,
    ],
    ['a multi-line note in a CR-only file', 'date,from,to,notes\r2024-01-01,CDG,JFK,"a\rb"\r2024-01-02,JFK,CDG,x\r', 2, [2, 4], null],
    [
      'a stray quote never closed (unclosed-quote.csv)',
      fs.readFileSync(path.join(FIXTURES, 'unclosed-quote.csv'), 'utf8'),
      2,
      [2, 3],
      /^rows 2-3: the quote in row 2 .*never closes/,
    ],
    [
      'a stray quote in a CRLF file',
      'date,from,to,notes\r\n2024-01-01,CDG,JFK,"oops\r\n2024-01-02,JFK,CDG,x\r\n2024-01-03,CDG,FRA,y"\r\n2024-01-04,FRA,CDG,z\r\n',
      4,
      [2, 3, 4, 5],
      /^rows 2-4: /,
    ],
    [
      'a stray quote closed by a quoted cell',
      'date,from,to,notes\n2024-01-01,CDG,JFK,"oops\n2024-01-02,JFK,CDG,"Paris, France"\n2024-01-03,CDG,FRA,y\n',
      3,
      [2, 3, 4],
      /^rows 2-3: /,
    ],
    [
      'two stray quotes',
      'date,from,to,notes\n2024-01-01,CDG,JFK,"a\n2024-01-02,JFK,CDG,b"\n2024-01-03,CDG,FRA,"c\n2024-01-04,FRA,CDG,d"\n',
      4,
      [2, 3, 4, 5],
      /^rows 2-3: /,
    ],
  ])('%s', async (_name, text, rows, segmentRows, warning) => {
    for (const size of [3, 64 * 1024]) {
      const r = await run(text, size);
      expectAccounted(r);
      expect(r.rows).toBe(rows);
      expect(r.segments.map((s) => s.row)).toEqual(segmentRows);
      const strays = r.warnings.filter((w) => /quote/.test(w));
      if (warning) expect(strays[0]).toMatch(warning);
      else expect(strays).toEqual([]);
    }
  });

  test('a stray quote followed by 150 000 characters of flights: every line is a row', async () => {
    const lines = Array.from(
      { length: 2500 },
      (_, i) => `2020-01-01,CDG,FRA,${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},,padding padding padding`,
    );
    lines[0] += ',"stray';
    const r = await run(`date,from,to,departure_time,arrival_time,notes,extra\n${lines.join('\n')}\n`, 4096);
    expectAccounted(r);
    expect(r.rows).toBe(2500);
    // csv-parse gives up on the open cell after MAX_LINE_LENGTH characters; the lines after it are rows.
    expect(r.warnings).toContainEqual(
      expect.stringMatching(/^row 2: the quote in row 2 opens a cell still open 100000 characters later: .*each line after it was read as its own row/),
    );
  });

  test.each([['unclosed-quote-note.csv: the lines after the quote are not rows', 'unclosed-quote-note.csv', /row 2: a quote opens a cell that never closes/]])(
    '%s',
    async (_name, file, message) => {
      const e = await importFile(path.join(FIXTURES, file)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ImportFileError);
      expect((e as Error).message).toMatch(message);
    },
  );
});

describe('# is a comment only where the format defines it', () => {
  test('hash-trip.csv: trip values "#1 honeymoon" and "# 2 weekend" are data', async () => {
    const r = await importFile(path.join(FIXTURES, 'hash-trip.csv'), { importDate: IMPORT_DATE });
    expectAccounted(r);
    expect(r.rows).toBe(3);
    expect(r.rows).toBe(editorDataLines(path.join(FIXTURES, 'hash-trip.csv')));
    expect(r.segments.map((s) => s.row)).toEqual([2, 3, 4]);
  });

  test.each([
    // [case, text, rows, segment rows, skipped rows]
    ['a # line in a generic file is a row, skipped with its reason', 'date,from,to\n# my flights\n2024-01-01,CDG,JFK\n', 2, [3], [2]],
    ['a # note in the first column of a generic file', 'notes,date,from,to\n#tbt,2024-01-01,CDG,JFK\n', 1, [2], []],
    ['OpenFlights minimal input: a # line is a comment', '# Ignore this header\n2001-01-01,OSL,SVG,DY001\n2001-01-02,SVG,OSL\n', 2, [2, 3], []],
    ['OpenFlights minimal input: a comment with a quote', '# "quoted comment\n2001-01-01,OSL,SVG,DY001\n2001-01-02,SVG,OSL\n', 2, [2, 3], []],
  ])('%s', async (_name, text, rows, segmentRows, skippedRows) => {
    const r = await run(text);
    expectAccounted(r);
    expect(r.rows).toBe(rows);
    expect(r.segments.map((s) => s.row)).toEqual(segmentRows);
    expect(r.skipped.map((s) => s.row)).toEqual(skippedRows);
  });
});
