/**
 * Every real export in the shared samples folder (read through test/helpers/samples.ts; skipped when absent):
 * imports without throwing, every row accounted for, row count checked against an independent count, the
 * detected format, and the quirk each file is known for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importFile, type ImportResult } from '@travel-time-tracker/import';
import { SegmentSchema } from '@travel-time-tracker/core/segment';
import { describeWithSamples, listSampleFiles, samplePath } from '../helpers/samples';
import { byRow } from './helpers';

const IMPORT_DATE = '2026-07-05';

/** Expected format per sample, from SOURCES.md (the importer never sees the names). */
const FORMATS: Record<string, string> = {
  'appintheair/appintheair-exporter_example_data.txt': 'appintheair',
  'appintheair/myfr24-converter_app_in_the_air_data_sample.txt': 'appintheair',
  'flighty/flighty-web-viewer_FlightyExport-2026-07-05.csv': 'flighty',
  'generic/BurkyVIE_myflights_henning_2.dat': 'whitespace-log',
  'generic/BurkyVIE_myflights_thomas_2.dat': 'whitespace-log',
  'generic/flight_logger_my_flights.csv': 'generic',
  'generic/jetset_data_headerless.csv': 'generic',
  'generic/my-flight-log_MyFlightLog.csv': 'generic',
  'myflightradar24/historial-vuelos_flightdiary.csv': 'myflightradar24',
  'myflightradar24/worldOyster_data_flightdiary.csv': 'myflightradar24',
  'openflights/cr-only.csv': 'openflights-minimal',
  'openflights/fm-kilometer.csv': 'openflights',
  'openflights/fm-latin1.csv': 'openflights',
  'openflights/fm-newairlines.csv': 'openflights',
  'openflights/fm-standard.csv': 'openflights',
  'openflights/of-variants-parsed.csv': 'openflights',
  'openflights/of-variants.csv': 'openflights-minimal',
};

/**
 * Data rows counted without the importer: every data line of these files holds an ISO date and headers do
 * not; App in the Air flight lines are the ones with 16+ semicolons; log lines start `<trip> <leg> <date>`.
 * (SOURCES.md's counts are `wc -l` minus one, one short for files without a final line break.)
 */
function independentRowCount(file: string): number {
  const lines = fs.readFileSync(samplePath(file), 'utf8').split(/\r\n|\r|\n/);
  if (file.endsWith('.txt')) return lines.filter((l) => (l.match(/;/g)?.length ?? 0) >= 16).length;
  if (file.endsWith('.dat')) return lines.filter((l) => /^\d+\s+[a-z]\s+\d{4}-\d{2}-\d{2}\s/.test(l)).length;
  return lines.filter((l) => /\d{4}-\d{2}-\d{2}/.test(l)).length;
}

describeWithSamples('real flight-history samples', () => {
  const files = listSampleFiles();
  const results = new Map<string, ImportResult>();

  beforeAll(async () => {
    for (const f of files) results.set(f, await importFile(samplePath(f), { importDate: IMPORT_DATE }));
  });

  test('every .csv, .txt and .dat sample is listed with its expected format', () => {
    expect(files.sort()).toEqual(Object.keys(FORMATS).sort());
  });

  test.each(Object.keys(FORMATS))('%s: format, row count, every row accounted for, valid segments', (file) => {
    const r = results.get(file)!;
    expect(r.format).toBe(FORMATS[file]);
    expect(r.rows).toBe(independentRowCount(file));
    expect(r.flights + r.skipped.length).toBe(r.rows);
    const lineCount = fs.readFileSync(samplePath(file), 'utf8').split(/\r\n|\r|\n/).length;
    const rowsSeen = new Set<number>();
    for (const s of r.segments) {
      const { row, planned: _planned, ...segment } = s;
      expect(SegmentSchema.safeParse(segment).success).toBe(true);
      rowsSeen.add(row);
    }
    for (const s of r.skipped) {
      expect(s.reason.startsWith(`row ${s.row}: `)).toBe(true);
      rowsSeen.add(s.row);
    }
    expect(rowsSeen.size).toBe(r.rows); // one outcome per row, no row twice
    for (const row of rowsSeen) {
      expect(row).toBeGreaterThanOrEqual(1);
      expect(row).toBeLessThanOrEqual(lineCount);
    }
  });

  test('historial-vuelos: SFO->BCN arrives the next day; BCN->LAX the same day; BCN->MUC->GRZ is a transit at MUC', () => {
    const rows = byRow(results.get('myflightradar24/historial-vuelos_flightdiary.csv')!.segments);
    expect(rows.get(8)).toMatchObject({ departureAirport: 'SFO', arrivalAirport: 'BCN', departureDate: '2022-07-28', arrivalDate: '2022-07-29' });
    expect(rows.get(7)).toMatchObject({ departureAirport: 'BCN', arrivalAirport: 'LAX', departureDate: '2022-07-02', arrivalDate: '2022-07-02' });
    expect(rows.get(4)).toMatchObject({ arrivalAirport: 'MUC', transit: true });
    expect(rows.get(5)).toMatchObject({ arrivalAirport: 'GRZ', arrivalCountry: 'AT' });
    expect(rows.get(5)?.transit).toBeUndefined();
  });

  test('App in the Air: the NOT_MINE trip is skipped with its reason; AUS->BOI->SEA is domestic (no transit); local times kept', () => {
    const r = results.get('appintheair/appintheair-exporter_example_data.txt')!;
    expect(r.skipped.map((s) => s.row)).toEqual([50, 51]);
    for (const s of r.skipped) expect(s.reason).toMatch(/NOT_MINE/);
    const rows = byRow(r.segments);
    expect(rows.get(39)).toMatchObject({ departureAirport: 'AUS', arrivalAirport: 'BOI', departureTime: '16:45' });
    expect(rows.get(39)?.transit).toBeUndefined(); // US -> US -> US: the traveller is in the US, never airside
    expect(rows.get(19)).toMatchObject({ departureTime: '15:10', arrivalTime: '18:25', arrivalCountry: 'US' });
    const other = byRow(results.get('appintheair/myfr24-converter_app_in_the_air_data_sample.txt')!.segments);
    expect([...other.values()].find((s) => s.departureAirport === 'LCY')).toMatchObject({ arrivalAirport: 'FRA', transit: true });
  });

  test('OpenFlights: BOM header recognised, 18 fields under 19 headers, header as last line, CR-only, comment line', () => {
    const standard = results.get('openflights/fm-standard.csv')!;
    expect(byRow(standard.segments).get(2)).toMatchObject({
      departureDate: '2009-04-17',
      departureTime: '21:15',
      departureAirport: 'IAH',
      arrivalAirport: 'MAF',
    });
    const km = results.get('openflights/fm-kilometer.csv')!;
    expect(km.segments.every((s) => s.row <= 37)).toBe(true); // the header is line 38
    // 2001-03-11 23:45 at YHZ (UTC-4) + 5 h 50 min = 09:35Z = 09:35 at LHR on the 12th
    expect(km.segments.find((s) => s.departureAirport === 'YHZ' && s.departureDate === '2001-03-11')).toMatchObject({ arrivalDate: '2001-03-12' });
    expect(km.segments.find((s) => s.departureDate === '2001-03-17' && s.departureAirport === 'ATH')?.departureTime).toBeUndefined();
    const cr = results.get('openflights/cr-only.csv')!;
    expect(cr.rows).toBe(203);
    expect(byRow(cr.segments).get(1)).toMatchObject({ departureAirport: 'PVG', arrivalAirport: 'TPE', flightNumber: 'CI502' });
    const variants = results.get('openflights/of-variants.csv')!;
    expect(variants.segments.map((s) => s.row)).toEqual([2, 3, 4, 5]);
  });

  test('MyFlightLog: 12-hour times convert; arrival day computed; the row with a trailing comma parses', () => {
    const r = results.get('generic/my-flight-log_MyFlightLog.csv')!;
    const rows = byRow(r.segments);
    expect(rows.get(2)).toMatchObject({ departureTime: '11:23', arrivalTime: '14:36', arrivalDate: '2012-12-20', flightNumber: 'UA460' });
    // HNL 21:46 -> EWR 12:12: next day
    expect(rows.get(5)).toMatchObject({ departureAirport: 'HNL', departureDate: '2013-01-10', arrivalDate: '2013-01-11', departureTime: '21:46' });
    const lines = fs.readFileSync(samplePath('generic/my-flight-log_MyFlightLog.csv'), 'utf8').split(/\r?\n/);
    const trailing = lines.findIndex((l) => l.split(',').length === 14) + 1;
    expect(rows.get(trailing)).toBeDefined();
  });

  test('flight_logger: cancelled flag skips, arrival_transfer flag marks transit, implausible IST->JFK warned', () => {
    const r = results.get('generic/flight_logger_my_flights.csv')!;
    expect(r.skipped).toEqual([{ row: 18, reason: 'row 18: cancelled flight', kind: 'cancelled', date: '2024-08-04' }]);
    expect(byRow(r.segments).get(11)).toMatchObject({ departureAirport: 'EWR', arrivalAirport: 'LIM', transit: true });
    expect(r.warnings.some((w) => /^row 10: IST → JFK .* lands only/.test(w))).toBe(true);
  });

  test('jetset (headerless, all quoted, CRLF): columns found by content', () => {
    const r = results.get('generic/jetset_data_headerless.csv')!;
    expect(byRow(r.segments).get(1)).toMatchObject({
      departureDate: '2006-03-05',
      departureAirport: 'YUL',
      arrivalAirport: 'LGA',
      departureCountry: 'CA',
      arrivalCountry: 'US',
    });
  });

  test('worldOyster: KTI is Phnom Penh Techo, unpadded hours, both-00:00:00 rows have no times, future flights planned', () => {
    const r = results.get('myflightradar24/worldOyster_data_flightdiary.csv')!;
    const kti = r.segments.filter((s) => s.departureAirport === 'KTI' || s.arrivalAirport === 'KTI');
    expect(kti.length).toBeGreaterThan(0);
    for (const s of kti) expect(s.departureAirport === 'KTI' ? s.departureCountry : s.arrivalCountry).toBe('KH');
    expect(r.segments.some((s) => s.flightNumber === 'NK2124')).toBe(true);
    const text = fs.readFileSync(samplePath('myflightradar24/worldOyster_data_flightdiary.csv'), 'utf8').split(/\r?\n/);
    const unknown = text
      .map((l, i) => [l, i + 1] as const)
      .filter(([l]) => /,0?0:00:00,0?0:00:00,/.test(l))
      .map(([, n]) => n);
    expect(unknown.length).toBe(123);
    const rows = byRow(r.segments);
    for (const n of unknown) expect(rows.get(n)?.departureTime ?? undefined).toBeUndefined();
    const nine = text.findIndex((l) => /,9:10:00,/.test(l)) + 1;
    if (nine > 0) expect(rows.get(nine)?.departureTime ?? rows.get(nine)?.arrivalTime).toBeDefined();
    expect(r.segments.filter((s) => s.planned).every((s) => s.departureDate > IMPORT_DATE)).toBe(true);
    expect(r.segments.some((s) => s.planned)).toBe(true);
  });

  test('Flighty: flights after the import date are planned; TPE->AKL overnight arrives on the 11th', () => {
    const r = results.get('flighty/flighty-web-viewer_FlightyExport-2026-07-05.csv')!;
    expect(r.segments.filter((s) => s.planned).map((s) => s.row)).toEqual([59, 60, 61, 62, 63, 64, 65]);
    expect(r.segments.find((s) => s.departureAirport === 'TPE' && s.arrivalAirport === 'AKL')).toMatchObject({
      arrivalDate: '2023-06-11',
      arrivalCountry: 'NZ',
    });
  });

  test('BurkyVIE logs: Trip/Leg read, ECN resolved, the data-error trip still imported row by row', () => {
    const thomas = results.get('generic/BurkyVIE_myflights_thomas_2.dat')!;
    expect(thomas.rows).toBe(183);
    expect(thomas.segments.some((s) => s.departureAirport === 'ECN' || s.arrivalAirport === 'ECN')).toBe(true);
    expect(results.get('generic/BurkyVIE_myflights_henning_2.dat')!.rows).toBe(43);
  });
});

void path;
