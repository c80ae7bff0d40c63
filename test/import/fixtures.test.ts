/**
 * The import pipeline on team-written fixtures (one per format, plus malformed files) and on generated input:
 * format detection, row accounting, dates, layovers, duplicates, planned trips, limits and injection.
 */
import * as path from 'node:path';
import { ImportFileError, importFile, importFlights, type ImportResult } from '@travel-time-tracker/import';
import { SegmentSchema } from '@travel-time-tracker/core/segment';
import { FIXTURES, byRow, chunked } from './helpers';

const IMPORT_DATE = '2024-06-01';

function expectConsistent(r: ImportResult): void {
  expect(r.flights + r.skipped.length).toBe(r.rows);
  expect(r.segments).toHaveLength(r.flights);
  for (const s of r.skipped) expect(s.reason.startsWith(`row ${s.row}: `)).toBe(true);
  for (const { row: _row, planned: _planned, ...segment } of r.segments) expect(SegmentSchema.safeParse(segment).success).toBe(true);
}

describe('format fixtures', () => {
  test.each([
    ['openflights.csv', 'openflights', 3, 2, [4]],
    ['openflights-minimal-cr.csv', 'openflights-minimal', 3, 3, []],
    ['myflightradar24.csv', 'myflightradar24', 3, 2, [5]],
    ['flighty.csv', 'flighty', 3, 2, [3]],
    ['appintheair.txt', 'appintheair', 3, 2, [19]],
    ['generic.csv', 'generic', 6, 4, [5, 6]],
    ['generic-headerless.csv', 'generic', 2, 2, []],
    ['whitespace.dat', 'whitespace-log', 4, 3, [6]],
  ])('%s is read as %s with %i rows, %i flights, skipped rows %j', async (file, format, rows, flights, skippedRows) => {
    const r = await importFile(path.join(FIXTURES, file), { importDate: IMPORT_DATE });
    expect(r.format).toBe(format);
    expect(r.rows).toBe(rows);
    expect(r.flights).toBe(flights);
    expect(r.skipped.map((s) => s.row)).toEqual(skippedRows);
    expectConsistent(r);
  });

  test('OpenFlights: BOM header, local time in Date, arrival from Duration over a DST change, 00:00:00 unknown, unknown code', async () => {
    const r = await importFile(path.join(FIXTURES, 'openflights.csv'));
    const rows = byRow(r.segments);
    // JFK 22:00 EDT (DST began that morning) = 02:00Z; + 7 h = 09:00Z = 09:00 GMT at LHR on the 11th.
    expect(rows.get(2)).toMatchObject({
      departureDate: '2019-03-10',
      departureTime: '22:00',
      arrivalDate: '2019-03-11',
      departureCountry: 'US',
      arrivalCountry: 'GB',
      flightNumber: 'BA178',
    });
    expect(rows.get(2)?.arrivalTime).toBeUndefined();
    expect(rows.get(3)).toMatchObject({ departureDate: '2019-03-20', arrivalDate: '2019-03-20' });
    expect(rows.get(3)?.departureTime).toBeUndefined();
    expect(r.skipped).toEqual([
      { row: 4, reason: "row 4: unknown airport code 'XQZ' in To: check the code in the file", kind: 'unknown-airport', date: '2019-03-25' },
    ]);
  });

  test('OpenFlights minimal: comment line, CR-only endings, retired SXF, EuroAirport default side with a warning, city code', async () => {
    const r = await importFile(path.join(FIXTURES, 'openflights-minimal-cr.csv'));
    const rows = byRow(r.segments);
    expect(rows.get(2)).toMatchObject({ departureAirport: 'MUC', arrivalAirport: 'SXF', arrivalCountry: 'DE', flightNumber: 'LH1' });
    expect(rows.get(3)).toMatchObject({ arrivalAirport: 'MLH', arrivalCountry: 'FR' });
    expect(rows.get(4)).toMatchObject({ departureAirport: 'EAP', departureCountry: 'FR', arrivalAirport: 'LON', arrivalCountry: 'GB', flightNumber: 'U2123' });
    expect(r.warnings.some((w) => /EuroAirport.*rows 3, 4.*euroAirportSide 'CH'/.test(w))).toBe(true);

    const swiss = await importFile(path.join(FIXTURES, 'openflights-minimal-cr.csv'), { euroAirportSide: 'CH' });
    expect(byRow(swiss.segments).get(3)?.arrivalCountry).toBe('CH');
    expect(byRow(swiss.segments).get(4)?.departureCountry).toBe('CH');
    expect(swiss.warnings.some((w) => w.includes('EuroAirport'))).toBe(false);
  });

  test('myFlightradar24: leading blank line, quoted header, City / Name (IATA/ICAO), no-break space, 00:00:00 unknown', async () => {
    const r = await importFile(path.join(FIXTURES, 'myflightradar24.csv'));
    const rows = byRow(r.segments);
    expect(rows.get(3)).toMatchObject({
      departureAirport: 'FRA',
      arrivalAirport: 'JFK',
      departureTime: '10:00',
      arrivalTime: '12:45',
      arrivalDate: '2023-07-01',
      flightNumber: 'LH400',
    });
    expect(rows.get(4)).toMatchObject({ departureDate: '2023-07-10', arrivalDate: '2023-07-10', notes: 'Vuelo, con nota' });
    expect(rows.get(4)?.departureTime).toBeUndefined();
    expect(r.warnings.some((w) => /long-haul flights \(row 4\)/.test(w))).toBe(true);
    expect(r.skipped[0]?.reason).toBe("row 5: unknown airport code 'XQZ' in From: check the code in the file");
  });

  test('Flighty: actual times beat scheduled, cancelled skipped, diverted lands at the real airport', async () => {
    const r = await importFile(path.join(FIXTURES, 'flighty.csv'));
    const rows = byRow(r.segments);
    expect(rows.get(2)).toMatchObject({ departureTime: '10:20', arrivalTime: '13:05', flightNumber: 'DLH400' });
    expect(r.skipped).toEqual([{ row: 3, reason: 'row 3: cancelled flight', kind: 'cancelled', date: '2024-01-06' }]);
    expect(rows.get(4)).toMatchObject({ arrivalAirport: 'BOS', arrivalCountry: 'US' });
    expect(r.warnings).toContain('row 4: diverted from EWR to BOS; BOS used as the arrival airport');
  });

  test('App in the Air: local times used, connection from UTC instants, NOT_MINE trip skipped with its reason', async () => {
    const r = await importFile(path.join(FIXTURES, 'appintheair.txt'));
    const rows = byRow(r.segments);
    expect(rows.get(13)).toMatchObject({
      departureDate: '2019-05-31',
      departureTime: '18:00',
      arrivalDate: '2019-06-01',
      arrivalTime: '07:40',
      transit: true,
      flightNumber: 'LX17',
    });
    expect(rows.get(14)).toMatchObject({ departureAirport: 'ZRH', arrivalAirport: 'ATH', arrivalCountry: 'GR' });
    expect(rows.get(14)?.transit).toBeUndefined();
    expect(r.skipped[0]?.reason).toMatch(/^row 19: .*NOT_MINE/);
  });

  test('generic template: arrival date through time zones, M/D/YYYY, 12-hour times, cancelled, invalid date, formula injection', async () => {
    const r = await importFile(path.join(FIXTURES, 'generic.csv'));
    const rows = byRow(r.segments);
    expect(rows.get(2)).toMatchObject({ arrivalDate: '2024-03-02', transit: true, flightNumber: 'LH401' });
    expect(rows.get(3)).toMatchObject({ departureDate: '2024-03-02', arrivalDate: '2024-03-02', notes: 'first trip' });
    expect(rows.get(3)?.transit).toBeUndefined();
    expect(rows.get(4)).toMatchObject({
      departureDate: '2024-03-15',
      departureTime: '20:05',
      arrivalTime: '22:25',
      arrivalDate: '2024-03-15',
      flightNumber: 'A3610',
    });
    expect(r.skipped).toEqual([
      { row: 5, reason: 'row 5: cancelled flight', kind: 'cancelled', date: '2024-03-20' },
      { row: 6, reason: "row 6: date '2/31/2019' is not a valid date", kind: 'not-a-date' },
    ]);
    const injected = rows.get(7);
    expect(injected).toBeDefined();
    expect(injected?.flightNumber).toBeUndefined();
    expect(injected?.notes).toBeUndefined();
    expect(JSON.stringify(r.segments)).not.toMatch(/HYPERLINK|=cmd/);
    expect(r.warnings.filter((w) => w.startsWith('row 7: '))).toHaveLength(2);
  });

  test('whitespace log: Trip/Leg connection without times is a transit, return leg is not', async () => {
    const r = await importFile(path.join(FIXTURES, 'whitespace.dat'));
    const rows = byRow(r.segments);
    expect(rows.get(2)).toMatchObject({ departureAirport: 'VIE', arrivalAirport: 'CDG', transit: true });
    expect(rows.get(3)?.transit).toBeUndefined();
    expect(rows.get(4)).toMatchObject({ departureAirport: 'YUL', arrivalAirport: 'VIE', departureCountry: 'CA', arrivalCountry: 'AT' });
    expect(r.skipped[0]?.reason).toBe("row 6: unknown airport code 'XQZ' in To: check the code in the file");
  });
});

describe('malformed files get one ImportFileError', () => {
  test.each([
    ['empty.csv', /the file is empty/],
    ['header-only.csv', /no flight rows/],
    ['binary.xlsx', /binary/],
    ['unknown.csv', /unrecognised file format: the first line 'name,city'/],
    ['unclosed-quote-note.csv', /row 2: a quote opens a cell that never closes/],
    ['does-not-exist.csv', /cannot open/],
  ])('%s', async (file, message) => {
    await expect(importFile(path.join(FIXTURES, file))).rejects.toThrow(ImportFileError);
    await expect(importFile(path.join(FIXTURES, file))).rejects.toThrow(message);
  });

  test('10 MB of garbage fails fast without reading the whole stream', async () => {
    let served = 0;
    async function* garbage(newlines: boolean) {
      const piece = Buffer.from(`${'x7#q!'.repeat(200)}${newlines ? '\n' : ''}`);
      while (served < 10 * 1024 * 1024) {
        served += piece.length;
        yield piece;
      }
    }
    for (const newlines of [true, false]) {
      served = 0;
      await expect(importFlights(garbage(newlines))).rejects.toThrow(ImportFileError);
      expect(served).toBeLessThan(256 * 1024);
    }
  });

  test('maxRows exceeded fails the whole import', async () => {
    await expect(importFile(path.join(FIXTURES, 'generic.csv'), { maxRows: 2 })).rejects.toThrow(/more than 2 flight rows/);
  });

  test('invalid options are reported by name', async () => {
    await expect(importFlights(chunked('date,from,to\n2024-01-01,CDG,JFK\n'), { importDate: '2024-13-01' })).rejects.toThrow(/importDate/);
  });
});

/** Builds a generic CSV from rows `date,from,to,departure_time,arrival_time[,arrival_transfer[,trip]]`. */
const csv = (...rows: string[]) => `date,from,to,departure_time,arrival_time,arrival_transfer,trip\n${rows.join('\n')}\n`;
const run = (text: string, options = {}) => importFlights(chunked(text), { importDate: IMPORT_DATE, ...options });

describe('layovers', () => {
  test.each([
    [
      'JFK->FRA then FRA->ATH 1 h 45 min later: transit at FRA (the traveller enters Schengen with the next flight)',
      csv('2024-03-01,JFK,FRA,18:00,07:45', '2024-03-02,FRA,ATH,09:30,13:15'),
      {},
      [true, false],
    ],
    ['23 h connection at FRA: transit', csv('2024-03-01,JFK,FRA,18:00,07:45', '2024-03-03,FRA,ATH,06:45,10:30'), {}, [true, false]],
    ['25 h connection at FRA: entry into Germany', csv('2024-03-01,JFK,FRA,18:00,07:45', '2024-03-03,FRA,ATH,08:45,12:30'), {}, [false, false]],
    [
      '25 h connection with layoverHours 30: transit',
      csv('2024-03-01,JFK,FRA,18:00,07:45', '2024-03-03,FRA,ATH,08:45,12:30'),
      { layoverHours: 30 },
      [true, false],
    ],
    ['next flight from another airport: no transit', csv('2024-03-01,JFK,FRA,18:00,07:45', '2024-03-02,MUC,ATH,19:30,23:15'), {}, [false, false]],
    ['flying straight back the next morning is a visit', csv('2024-03-01,BCN,IBZ,08:45,09:50', '2024-03-02,IBZ,BCN,08:55,09:55'), {}, [false, false]],
    ['explicit arrival_transfer 0 wins over a short gap', csv('2024-03-01,JFK,FRA,18:00,07:45,0', '2024-03-02,FRA,ATH,09:30,13:15'), {}, [false, false]],
    ['explicit arrival_transfer 1 wins over a long gap', csv('2024-03-01,JFK,FRA,18:00,07:45,1', '2024-03-05,FRA,ATH,09:30,13:15'), {}, [true, false]],
    ['no times, same day, no trip grouping: not assumed', csv('2024-03-01,CDG,FRA,,', '2024-03-01,FRA,ATH,,'), {}, [false, false]],
    ['no times, same day, same trip: transit', csv('2024-03-01,CDG,FRA,,,,t1', '2024-03-01,FRA,ATH,,,,t1'), {}, [true, false]],
    ['no times, next day, same trip: not a transit', csv('2024-03-01,CDG,FRA,,,,t1', '2024-03-02,FRA,ATH,,,,t1'), {}, [false, false]],
    ['rows out of order are ordered by UTC departure', csv('2024-03-02,FRA,ATH,09:30,13:15', '2024-03-01,JFK,FRA,18:00,07:45'), {}, [false, true]],
  ])('%s', async (_name, text, options, expected) => {
    const r = await run(text, options);
    expect(r.segments.map((s) => s.transit === true)).toEqual(expected);
  });
});

describe('duplicates', () => {
  test.each([
    ['same date, route, no time', csv('2024-03-01,CDG,FRA,,', '2024-03-01,CDG,FRA,,'), ['row 3: duplicate of row 2 (2024-03-01 CDG → FRA)']],
    [
      'same date and route, same time',
      csv('2024-03-01,CDG,FRA,10:00,11:10', '2024-03-01,CDG,FRA,10:00,11:15'),
      ['row 3: duplicate of row 2 (2024-03-01 10:00 CDG → FRA)'],
    ],
    [
      'time on one only: still the same flight',
      csv('2024-03-01,CDG,FRA,10:00,11:10', '2024-03-01,CDG,FRA,,'),
      ['row 3: duplicate of row 2 (2024-03-01 CDG → FRA)'],
    ],
    ['same date and route, different times: two flights', csv('2024-03-01,CDG,FRA,07:00,08:10', '2024-03-01,CDG,FRA,19:00,20:10'), []],
    [
      'IATA and ICAO of the same airports are the same route',
      csv('2024-03-01,CDG,FRA,,', '2024-03-01,LFPG,EDDF,,'),
      ['row 3: duplicate of row 2 (2024-03-01 CDG → FRA)'],
    ],
    ['same flight number and date, other route: not a duplicate', 'date,from,to,flight_number\n2024-03-01,CDG,FRA,LH1\n2024-03-01,FRA,ATH,LH1\n', []],
  ])('%s', async (_name, text, reasons) => {
    const r = await run(text);
    expect(r.skipped.map((s) => s.reason)).toEqual(reasons);
    // A repeat is not an error: callers count it apart from rows that could not be read.
    expect(r.skipped.every((s) => s.duplicate === true)).toBe(true);
    expect(r.flights + r.skipped.length).toBe(r.rows);
  });

  test('a row that cannot be read is not marked as a duplicate', async () => {
    const r = await run(csv('2024-03-01,CDG,XQZ,,'));
    expect(r.skipped).toEqual([{ row: 2, reason: expect.stringMatching(/XQZ/), kind: 'unknown-airport', date: '2024-03-01' }]);
  });

  test('rows matching already imported segments are skipped', async () => {
    const existing = [
      {
        departureCountry: 'FR',
        arrivalCountry: 'DE',
        departureDate: '2024-03-01',
        arrivalDate: '2024-03-01',
        departureAirport: 'LFPG',
        arrivalAirport: 'FRA',
        mode: 'flight' as const,
      },
    ];
    const r = await run(csv('2024-03-01,CDG,FRA,10:00,11:10', '2024-03-02,CDG,FRA,10:00,11:10'), { existing });
    expect(r.skipped).toEqual([{ row: 2, reason: 'row 2: already imported (2024-03-01 CDG → FRA)', duplicate: true, kind: 'duplicate', date: '2024-03-01' }]);
    expect(r.flights).toBe(1);
  });
});

describe('planned trips and progress', () => {
  test('flights departing after the import date are kept as planned', async () => {
    const r = await run(csv('2024-05-31,CDG,FRA,,', '2024-06-01,CDG,FRA,,', '2024-06-02,CDG,FRA,,'));
    expect(r.segments.map((s) => s.planned)).toEqual([false, false, true]);
  });

  test('onProgress reports rows read every 1000 rows and at the end; rows of a 2500-row file all accounted for', async () => {
    const lines = Array.from(
      { length: 2500 },
      (_, i) => `2020-01-01,CDG,FRA,${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')},`,
    );
    const seen: number[] = [];
    const r = await importFlights(chunked(csv(...lines), 4096), { onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([1000, 2000, 2500]);
    expect(r.rows).toBe(2500);
    // 24 * 60 distinct departure times: the rest are same-time duplicates.
    expect(r.flights).toBe(1440);
    expect(r.skipped).toHaveLength(1060);
  });

  test('CRLF split across chunks and a UTF-8 character split across chunks', async () => {
    const text = 'date,from,to,notes\r\n2024-01-01,CDG,JFK,Gunnbjørn\r\n2024-01-02,JFK,CDG,ok\r\n';
    for (const size of [1, 2, 3, 5]) {
      const r = await importFlights(chunked(text, size));
      expect(r.rows).toBe(2);
      expect(r.segments.map((s) => [s.row, s.notes])).toEqual([
        [2, 'Gunnbjørn'],
        [3, 'ok'],
      ]);
    }
  });

  test('a Node readable stream is accepted', async () => {
    const { Readable } = await import('node:stream');
    const r = await importFlights(Readable.from([Buffer.from('date,from,to\n2024-01-01,CDG,JFK\n')]));
    expect(r.segments[0]).toMatchObject({ departureCountry: 'FR', arrivalCountry: 'US' });
  });
});
