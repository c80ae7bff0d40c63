/**
 * myFlightradar24: the CSV export.
 */
import type { FlightRecord } from '../types';
import { cleanCell, optionalCell, parseAirportCell, parseDuration, parseTime } from '../values';
import { cell, normaliseHeader, type RowReader } from './reader';

/**
 * myFlightradar24 export: `Date,Flight number,From,To,Dep time,Arr time,Duration,...,Note,...`; airports as
 * `City / Name (IATA/ICAO)`; local `HH:MM:SS` times without an arrival date; `00:00:00` means unknown.
 */
export function flightradarReader(header: string[]): RowReader {
  const names = header.map(normaliseHeader);
  const idx = (n: string) => {
    const i = names.indexOf(n);
    return i >= 0 ? i : undefined;
  };
  const c = {
    date: idx('date'),
    flight: idx('flight_number'),
    from: idx('from'),
    to: idx('to'),
    dep: idx('dep_time'),
    arr: idx('arr_time'),
    dur: idx('duration'),
    note: idx('note'),
  };
  return (fields, row, dates) => {
    const dep = dates.read(cleanCell(cell(fields, c.date)), 'Date', row);
    const from = parseAirportCell(cell(fields, c.from), 'From');
    const to = parseAirportCell(cell(fields, c.to), 'To');
    const record: FlightRecord = { row, departureDate: dep.date, from: from[0] ?? '', to: to[0] ?? '' };
    const depTime = parseTime(cell(fields, c.dep) ?? '', 'Dep time', { midnightUnknown: true });
    const arrTime = parseTime(cell(fields, c.arr) ?? '', 'Arr time', { midnightUnknown: true });
    if (depTime) record.departureTime = depTime;
    if (arrTime) record.arrivalTime = arrTime;
    const duration = parseDuration(cell(fields, c.dur));
    if (duration !== undefined && depTime) record.durationMinutes = duration;
    const flight = optionalCell(cell(fields, c.flight));
    if (flight) record.flightNumber = flight;
    const note = optionalCell(cell(fields, c.note));
    if (note) record.notes = note;
    return { kind: 'flight', record };
  };
}
