/**
 * Day-first or month-first is decided once for the file from its values, never row by row: a value whose first
 * part exceeds 12 can only be day/month/year, one whose second part exceeds 12 only month/day/year; both in one
 * file is an error naming two example rows; a file where every date is ambiguous needs the caller's `dateOrder`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { DateOrderNeededError, ImportFileError, importFile, importFlights, type ImportResult } from '@travel-time-tracker/import';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { describeWithSamples, samplePath } from '../helpers/samples';
import { FIXTURES, chunked } from './helpers';

const IMPORT_DATE = '2024-05-31';
const HEADER = 'date,from,to,arrival_date';
const run = (rows: string[], options = {}) => importFlights(chunked(`${HEADER}\n${rows.join('\n')}\n`), { importDate: IMPORT_DATE, ...options });

function countryDays(r: ImportResult, asOf: string): Record<string, number> {
  const segments = r.segments.map(({ row, planned: _p, ...s }) => ({ ...s, id: `row-${row}` }));
  return evaluateTravel(segments, { asOf }).countryDays;
}

describe('the order is decided from the file', () => {
  test.each([
    // [case, rows, options, departure dates by row]
    ['a later day > 12 settles day-first for the earlier rows', ['3/4/2024,CDG,FRA,', '25/4/2024,FRA,CDG,'], {}, ['2024-04-03', '2024-04-25']],
    ['a later month-first value settles month-first', ['3/4/2024,CDG,FRA,', '4/25/2024,FRA,CDG,'], {}, ['2024-03-04', '2024-04-25']],
    ['zero-padded, with a time', ['03/04/2024 10:15,CDG,FRA,', '13/04/2024 08:00,FRA,CDG,'], {}, ['2024-04-03', '2024-04-13']],
    ['dots', ['03.04.2024,CDG,FRA,', '13.04.2024,FRA,CDG,'], {}, ['2024-04-03', '2024-04-13']],
    ['dashes, day first', ['03-04-2024,CDG,FRA,', '13-04-2024,FRA,CDG,'], {}, ['2024-04-03', '2024-04-13']],
    ['day and month equal: one date either way, no option needed', ['5/5/2024,CDG,FRA,', '2024-05-06,FRA,CDG,'], {}, ['2024-05-05', '2024-05-06']],
    ['year first is never ambiguous', ['2024/4/3,CDG,FRA,', '2024.04.13,FRA,CDG,'], {}, ['2024-04-03', '2024-04-13']],
    ['the arrival_date column settles the order for the date column', ['3/4/2024,CDG,FRA,', '4/4/2024,FRA,JFK,'], { dateOrder: undefined }, null],
    ['all ambiguous with dateOrder DMY', ['3/4/2024,CDG,FRA,', '4/4/2024,FRA,CDG,'], { dateOrder: 'DMY' }, ['2024-04-03', '2024-04-04']],
    ['all ambiguous with dateOrder MDY', ['3/4/2024,CDG,FRA,', '4/4/2024,FRA,CDG,'], { dateOrder: 'MDY' }, ['2024-03-04', '2024-04-04']],
    ['dateOrder agreeing with the file', ['3/4/2024,CDG,FRA,', '25/4/2024,FRA,CDG,'], { dateOrder: 'DMY' }, ['2024-04-03', '2024-04-25']],
    ['ISO dates need no option', ['2024-04-03,CDG,FRA,', '2024-04-25,FRA,CDG,'], {}, ['2024-04-03', '2024-04-25']],
  ])('%s', async (name, rows, options, dates) => {
    if (dates === null) {
      // date column ambiguous, arrival_date holds 13/4/2024: the file is day-first.
      const r = await run(['3/4/2024,CDG,FRA,', '12/4/2024,FRA,JFK,13/4/2024'], options);
      expect(r.segments.map((s) => [s.departureDate, s.arrivalDate])).toEqual([
        ['2024-04-03', '2024-04-03'],
        ['2024-04-12', '2024-04-13'],
      ]);
      return;
    }
    const r = await run(rows, options);
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => s.departureDate)).toEqual(dates);
    expect(r.segments.map((s) => s.row)).toEqual([2, 3]);
    void name;
  });

  test.each([
    // [case, rows, options, message]
    [
      'both orders in one column',
      ['25/4/2024,CDG,FRA,', '1/1/2024,FRA,ATH,', '4/26/2024,FRA,CDG,'],
      {},
      /row 2 '25\/4\/2024' can only be day\/month\/year.*row 4 '4\/26\/2024' can only be month\/day\/year/,
    ],
    ['date and arrival_date columns in different orders', ['25/4/2024,CDG,FRA,', '1/1/2024,FRA,ATH,4/26/2024'], {}, /row 2 '25\/4\/2024'.*row 3 '4\/26\/2024'/],
    [
      'dateOrder MDY contradicted by the file',
      ['3/4/2024,CDG,FRA,', '25/4/2024,FRA,CDG,'],
      { dateOrder: 'MDY' },
      /dateOrder MDY.*row 3 '25\/4\/2024' can only be day\/month\/year/,
    ],
    ['dateOrder YMD for dates written with the year last', ['3/4/2024,CDG,FRA,'], { dateOrder: 'YMD' }, /dateOrder YMD.*row 2 '3\/4\/2024'.*year last/],
  ])('%s -> one ImportFileError naming rows', async (_name, rows, options, message) => {
    const e = await run(rows, options).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportFileError);
    expect((e as Error).message).toMatch(message);
  });

  test('every date ambiguous and no option: refused with one message saying which option to pass', async () => {
    const e = await run(['3/4/2024,CDG,FRA,', '4/4/2024,FRA,CDG,', '2024-05-01,CDG,FRA,']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DateOrderNeededError);
    expect(e).toBeInstanceOf(ImportFileError);
    expect((e as Error).message).toMatch(/row 2 '3\/4\/2024' could be 3 April 2024 or March 4, 2024.*dateOrder 'DMY'.*'MDY'/);
    expect((e as DateOrderNeededError).example).toEqual({ row: 2, value: '3/4/2024' });
  });

  test.each([
    // [case, row, reason, kind]
    ['an impossible date in the decided order', '31/2/2024,CDG,FRA,', "row 3: date '31/2/2024' is not a valid date", 'not-a-date'],
    ['both parts above 12', '13/14/2024,CDG,FRA,', "row 3: date '13/14/2024' is not a valid date", 'not-a-date'],
    ['a two-digit year', '15/4/24,CDG,FRA,', "row 3: date '15/4/24' has a two-digit year; write the year with four digits", 'two-digit-year'],
  ])('%s: the row is skipped, the file still imports', async (_name, row, reason, kind) => {
    const r = await run(['25/4/2024,CDG,FRA,', row]);
    expect(r.segments.map((s) => s.row)).toEqual([2]);
    expect(r.skipped).toEqual([{ row: 3, reason, kind }]);
  });

  test('rows waiting for the order keep file order, progress and row accounting (2 000 ambiguous rows, then a settling one)', async () => {
    // Day 1-12 and month 1-12, never equal: every one ambiguous.
    const rows = Array.from({ length: 2000 }, (_, i) => `${1 + (i % 12)}/${1 + ((i + 1) % 12)}/${1950 + Math.floor(i / 12)},CDG,FRA,`);
    rows.push('25/12/2020,FRA,CDG,');
    const seen: number[] = [];
    const r = await run(rows, { onProgress: (n: number) => seen.push(n) });
    expect(r.rows).toBe(2001);
    expect(r.flights).toBe(2001);
    expect(r.segments.map((s) => s.row)).toEqual(Array.from({ length: 2001 }, (_, i) => i + 2));
    expect(r.segments[0]?.departureDate).toBe('1950-02-01'); // '1/2/1950' day-first
    expect(seen).toEqual([1000, 2000, 2001]);
  });
});

describe('team fixture generic-day-first.csv (D/M/YYYY, the first settling date on row 8)', () => {
  test('every row imports with day and month in place; days per country counted by hand', async () => {
    const r = await importFile(path.join(FIXTURES, 'generic-day-first.csv'), { importDate: IMPORT_DATE });
    expect(r.rows).toBe(8);
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => s.departureDate)).toEqual([
      '2024-03-02',
      '2024-03-10',
      '2024-03-12',
      '2024-04-05',
      '2024-04-08',
      '2024-04-11',
      '2024-04-20',
      '2024-05-03',
    ]);
    // BA178 JFK 18:00 EST lands 06:10 GMT on 3 March.
    expect(r.segments[0]?.arrivalDate).toBe('2024-03-03');
    // Departure and arrival days both count: GB 3-10 Mar, FR 10-12 Mar, IT 12 Mar-5 Apr, GR 5-8 Apr, AT 8-11 Apr, CH 11-20 Apr.
    expect(countryDays(r, IMPORT_DATE)).toMatchObject({ GB: 8, FR: 3, IT: 25, GR: 4, AT: 4, CH: 10 });
  });
});

describeWithSamples('day-first copies of the real myFlightradar24 histories (274 + 24 flights)', () => {
  const AS_OF = '2026-07-05';

  /** The export rewritten as a generic CSV with D/M/YYYY dates (no zero padding), as a spreadsheet would save it. */
  function dayFirstCopy(sample: string): string {
    const rows = parseCsv<Record<string, string>>(fs.readFileSync(samplePath(sample), 'utf8'), {
      columns: true,
      relax_column_count: true,
      skip_empty_lines: true,
    });
    const code = (cell: string) =>
      /\((\w{3})?\/?(\w{4})?\)\s*$/
        .exec(cell)
        ?.slice(1)
        .find((c) => c) ?? '';
    const time = (cell: string | undefined) => (!cell || /^0?0:00:00$/.test(cell) ? '' : cell.slice(0, -3));
    const lines = rows.map((r) => {
      const [y, m, d] = r.Date!.split('-').map(Number);
      return [`${d}/${m}/${y}`, code(r.From!), code(r.To!), time(r['Dep time']), time(r['Arr time']), (r['Flight number'] ?? '').replace(/\s+/g, '')].join(',');
    });
    return `date,from,to,departure_time,arrival_time,flight_number\n${lines.join('\n')}\n`;
  }

  test.each([
    // [sample, rows whose day is 12 or less: the ones a per-row guess would swap silently]
    ['myflightradar24/worldOyster_data_flightdiary.csv', 100],
    ['myflightradar24/historial-vuelos_flightdiary.csv', 5],
  ])('%s: every row imports and the days per country equal the original export', async (sample, ambiguousAtLeast) => {
    const original = await importFile(samplePath(sample), { importDate: AS_OF });
    const text = dayFirstCopy(sample);
    expect(text.split('\n').filter((l) => /^\d{1,2}\/\d{1,2}\//.test(l) && Number(l.split('/')[0]) <= 12).length).toBeGreaterThan(ambiguousAtLeast);
    const copy = await importFlights(chunked(text, 4096), { importDate: AS_OF });
    expect(copy.rows).toBe(original.rows);
    expect(copy.skipped).toEqual([]);
    expect(copy.flights).toBe(original.flights);
    expect(copy.segments.map((s) => [s.departureDate, s.arrivalDate])).toEqual(original.segments.map((s) => [s.departureDate, s.arrivalDate]));
    expect(countryDays(copy, AS_OF)).toEqual(countryDays(original, AS_OF));
  });
});
