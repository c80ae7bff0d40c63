/**
 * Land and sea travel in the generic template: `from_country` / `to_country` (ISO alpha-2, alpha-3 or English
 * names), `mode`, `entry_point` and `purpose`, with or without airports.
 */
import * as path from 'node:path';
import { importFile, importFlights, type ImportResult } from '@travel-time-tracker/import';
import { MODE_WORDS } from '@travel-time-tracker/import/values';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { FIXTURES, chunked } from './helpers';

const IMPORT_DATE = '2024-06-30';
const run = (text: string) => importFlights(chunked(text), { importDate: IMPORT_DATE });

function countryDays(r: ImportResult): Record<string, number> {
  const segments = r.segments.map(({ row, planned: _p, ...s }) => ({ ...s, id: `row-${row}` }));
  return evaluateTravel(segments, { asOf: IMPORT_DATE }).countryDays;
}

describe('team fixture generic-land-sea.csv: a flight in, train, ferries, car and coach, a flight out', () => {
  test('every row is a segment with its countries and mode; days per country counted by hand', async () => {
    const r = await importFile(path.join(FIXTURES, 'generic-land-sea.csv'), { importDate: IMPORT_DATE });
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => [s.row, s.departureCountry, s.arrivalCountry, s.mode])).toEqual([
      [2, 'US', 'FR', 'flight'],
      [3, 'FR', 'ES', 'train'],
      [4, 'ES', 'MA', 'ferry'],
      [5, 'MA', 'ES', 'ferry'],
      [6, 'ES', 'PT', 'car'],
      [7, 'PT', 'ES', 'bus'],
      [8, 'ES', 'US', 'flight'],
    ]);
    expect(r.segments[1]).toMatchObject({ departureDate: '2024-06-05', arrivalDate: '2024-06-05' });
    expect(r.segments[1]?.departureAirport).toBeUndefined();
    // FR 2-5 Jun; ES 5-10, 15-16, 20-25 Jun; MA 10-15 Jun; PT 16-20 Jun; US 1 Jun and 25-30 Jun.
    expect(countryDays(r)).toEqual({ US: 7, FR: 4, ES: 14, MA: 6, PT: 5 });
  });

  test('entry_point and purpose reach the segment; car and coach stay apart', async () => {
    const r = await importFile(path.join(FIXTURES, 'generic-land-sea.csv'), { importDate: IMPORT_DATE });
    expect(r.segments[0]).toMatchObject({ purpose: 'holiday' });
    expect(r.segments[0]).not.toHaveProperty('entryPoint');
    expect(r.segments[1]).toMatchObject({ entryPoint: 'Portbou', purpose: 'holiday', mode: 'train' });
    expect(r.segments[3]).toMatchObject({ entryPoint: 'Algeciras', mode: 'ferry' });
    expect(r.segments[3]).not.toHaveProperty('purpose');
    expect(r.segments[4]?.mode).toBe('car');
    expect(r.segments[5]).toMatchObject({ entryPoint: 'Badajoz', mode: 'bus' });
    expect(r.warnings).toEqual([]);
  });

  test('a purpose or entry point over its limit is cut on a grapheme boundary, silently like a note', async () => {
    const long = `${'x'.repeat(99)}\u{1F1EB}\u{1F1F7}`; // 99 + a flag of 4 UTF-16 code units: over 100
    const r = await run(`date,from_country,to_country,mode,entry_point,purpose\n2024-06-05,FR,ES,car,${long},${'p'.repeat(201)}\n`);
    // Cut with an ellipsis within the limit, never through the flag's two code points.
    expect(r.segments[0]?.entryPoint).toBe(`${'x'.repeat(99)}…`);
    expect(r.segments[0]?.purpose).toBe(`${'p'.repeat(199)}…`);
  });
});

describe('mode words', () => {
  // One table, the specification's modes (Flight, Train, Car, Bus, Ferry, Other) and the words for each.
  test.each(
    Object.entries(MODE_WORDS).flatMap(([mode, words]) =>
      words.flatMap((w) => [
        [w, mode],
        [w.toUpperCase(), mode],
      ]),
    ),
  )('%s -> %s', async (word, mode) => {
    const r = await run(`date,from_country,to_country,mode\n2024-06-05,FR,ES,${word}\n`);
    expect(r.skipped).toEqual([]);
    expect(r.segments[0]?.mode).toBe(mode);
  });

  test.each([
    ['airports and no mode: a flight', 'date,from,to\n2024-06-05,CDG,MAD\n', 'flight'],
    ['countries and no mode: other', 'date,from_country,to_country\n2024-06-05,FR,ES\n', 'other'],
  ])('%s', async (_name, text, mode) => {
    expect((await run(text)).segments[0]?.mode).toBe(mode);
  });
});

describe('country cells', () => {
  test.each([
    ['FR', 'FR'],
    ['fr', 'FR'],
    ['DEU', 'DE'],
    ['France', 'FR'],
    ['france', 'FR'],
    ['United States', 'US'],
    ['USA', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Scotland', 'GB'],
    ['Czechia', 'CZ'],
    ['Czech Republic', 'CZ'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ["Côte d'Ivoire", 'CI'],
    ['Ivory Coast', 'CI'],
    ['Hong Kong', 'HK'],
    ['Macau', 'MO'],
    ['Burma', 'MM'],
    ['Myanmar', 'MM'],
    ['The Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['South Korea', 'KR'],
    ['Korea, Republic of', 'KR'],
    ['Bosnia & Herzegovina', 'BA'],
    ['Saint Lucia', 'LC'],
    ['Vatican', 'VA'],
    ['Kosovo', 'XK'],
    ['  Spain  ', 'ES'],
  ])('%j -> %s', async (cell, code) => {
    const r = await run(`date,from_country,to_country,mode\n2024-06-05,"${cell}",ES,car\n2024-06-06,ES,"${cell}",car\n`);
    expect(r.skipped).toEqual([]);
    expect(r.segments[0]?.departureCountry).toBe(code);
    expect(r.segments[1]?.arrivalCountry).toBe(code);
  });
});

describe('rows that cannot be read are skipped with their reason', () => {
  test.each([
    [
      'unknown country',
      '2024-06-05,,,Atlantis,ES,car',
      "row 2: from_country 'Atlantis' is not a country (an ISO 3166-1 code such as 'FR' or an English name such as 'France')",
    ],
    ['unknown country code', '2024-06-05,,,FR,QQ,car', "row 2: to_country 'QQ' is not a country"],
    ['unknown mode', '2024-06-05,,,FR,ES,hovercraft', "row 2: mode 'hovercraft' is not a mode of transport (flight, train, car, bus, ferry or other"],
    ['neither airport nor country', '2024-06-05,,,,ES,car', 'row 2: From is missing: give an airport (from) or a country (from_country)'],
    ['airport and country disagree', '2024-06-05,CDG,,DE,ES,car', "row 2: from_country 'DE' does not match airport CDG (FR)"],
  ])('%s', async (_name, row, reason) => {
    const r = await run(`date,from,to,from_country,to_country,mode\n${row}\n`);
    expect(r.segments).toEqual([]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.reason.startsWith(reason)).toBe(true);
  });

  test("EuroAirport: the row's country picks the Swiss or French side", async () => {
    const r = await run('date,from,to,from_country,to_country\n2024-06-05,BSL,LHR,CH,\n2024-06-06,LHR,BSL,,FR\n');
    expect(r.segments.map((s) => [s.departureCountry, s.arrivalCountry])).toEqual([
      ['CH', 'GB'],
      ['GB', 'FR'],
    ]);
    expect(r.warnings.some((w) => w.includes('EuroAirport'))).toBe(false);
  });
});

describe('land and sea segments among flights', () => {
  test.each([
    [
      'same day, countries and mode: a duplicate',
      '2024-06-05,FR,ES,train\n2024-06-05,France,Spain,rail\n',
      1,
      ['row 3: duplicate of row 2 (2024-06-05 FR → ES)'],
    ],
    ['same day and countries, another mode: two crossings', '2024-06-05,FR,ES,train\n2024-06-05,FR,ES,car\n', 2, []],
  ])('%s', async (_name, rows, segments, reasons) => {
    const r = await run(`date,from_country,to_country,mode\n${rows}`);
    expect(r.segments).toHaveLength(segments);
    expect(r.skipped.map((s) => s.reason)).toEqual(reasons);
  });

  test('a flight followed by a train from the arrival country is never a transit', async () => {
    const r = await run(
      'date,from,to,from_country,to_country,mode,departure_time,arrival_time\n2024-06-01,JFK,CDG,,,flight,18:00,07:30\n2024-06-02,,,FR,DE,train,09:00,13:00\n',
    );
    expect(r.segments.map((s) => s.transit === true)).toEqual([false, false]);
  });

  test('a land-travel log written day-first imports every row', async () => {
    const r = await run('date,from_country,to_country,mode\n5/6/2024,France,Spain,train\n8/6/2024,Spain,Portugal,bus\n16/6/2024,PT,ES,car\n');
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => s.departureDate)).toEqual(['2024-06-05', '2024-06-08', '2024-06-16']);
  });

  test('an overnight train without arrival_date: same date assumed and warned', async () => {
    const r = await run('date,from_country,to_country,mode,departure_time,arrival_time\n2024-06-01,FR,IT,train,22:00,07:00\n');
    expect(r.segments[0]).toMatchObject({ departureDate: '2024-06-01', arrivalDate: '2024-06-01', departureTime: '22:00', arrivalTime: '07:00' });
    expect(r.warnings).toContainEqual(expect.stringMatching(/^row 2: arrival time 07:00 is before departure time 22:00.*add arrival_date/));
  });
});
