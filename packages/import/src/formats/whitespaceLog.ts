/**
 * Whitespace-delimited flight logs, read line by line.
 */
import type { FlightRecord, ParsedRow } from '../types';
import { cleanCell, optionalCell, parseAirportCell } from '../values';
import { normaliseHeader, type DateReader } from './reader';

/**
 * Whitespace-delimited flight log (BurkyVIE): header `Trip Leg Date Flight Dep Arr Carrier ...`, one flight per
 * line, `NA` for nulls. Legs of one trip share `Trip`; the legs' order in the file is the travel order.
 */
export function whitespaceLogReader(headerLine: string, dates: DateReader): (line: string, row: number) => ParsedRow | null {
  const names = headerLine.trim().split(/\s+/).map(normaliseHeader);
  const idx = (n: string) => names.indexOf(n);
  const c = { trip: idx('trip'), date: idx('date'), flight: idx('flight'), dep: idx('dep'), arr: idx('arr') };
  return (line, row) => {
    const t = cleanCell(line);
    if (t === '') return null;
    const f = t.split(/\s+/);
    if (normaliseHeader(f[0] ?? '') === 'trip') return null; // a repeated header
    if (f.length < names.length - 4) {
      return { kind: 'skip', row, reason: `row ${row}: ${f.length} columns, expected ${names.length}` };
    }
    const dep = dates.read(f[c.date] ?? '', 'Date', row);
    const record: FlightRecord = {
      row,
      departureDate: dep.date,
      from: parseAirportCell(f[c.dep], 'Dep')[0] ?? '',
      to: parseAirportCell(f[c.arr], 'Arr')[0] ?? '',
    };
    const trip = optionalCell(f[c.trip]);
    if (trip) record.tripId = trip;
    const flight = optionalCell(f[c.flight]);
    if (flight) record.flightNumber = flight;
    return { kind: 'flight', record };
  };
}
