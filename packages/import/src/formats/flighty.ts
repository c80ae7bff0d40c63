/**
 * Flighty: the CSV export.
 */
import type { FlightRecord } from '../types';
import { cleanCell, optionalCell, parseAirportCell, parseFlag } from '../values';
import { completeFlightNumber } from '../storedText';
import { cell, normaliseHeader, type RowReader } from './reader';

/**
 * Flighty export (33 columns): `Date,Airline,Flight,From,To,...,Canceled,Diverted To,Gate Departure (Scheduled),
 * Gate Departure (Actual),Take off (...),Landing (...),Gate Arrival (Scheduled),Gate Arrival (Actual),...,Notes`.
 * Times are local `YYYY-MM-DDTHH:MM[:SS]` without offset. What happened beats what was planned: the actual gate
 * time is used, else the scheduled gate time, else the runway time. `Canceled=true` rows are skipped by the
 * pipeline; `Diverted To` replaces the arrival airport (where the traveller really landed).
 */
export function flightyReader(header: string[]): RowReader {
  const names = header.map(normaliseHeader);
  const idx = (n: string) => {
    const i = names.indexOf(n);
    return i >= 0 ? i : undefined;
  };
  const depCols = ['gate_departure_actual', 'gate_departure_scheduled', 'take_off_actual', 'take_off_scheduled'].map(idx);
  const arrCols = ['gate_arrival_actual', 'gate_arrival_scheduled', 'landing_actual', 'landing_scheduled'].map(idx);
  const c = {
    date: idx('date'),
    airline: idx('airline'),
    flight: idx('flight'),
    from: idx('from'),
    to: idx('to'),
    canceled: idx('canceled'),
    diverted: idx('diverted_to'),
    notes: idx('notes'),
  };
  const firstStamp = (fields: string[], cols: (number | undefined)[]) => {
    for (const i of cols) {
      const v = optionalCell(cell(fields, i));
      if (v) return v;
    }
    return undefined;
  };
  return (fields, row, dates) => {
    const depCell = firstStamp(fields, depCols);
    const [depStamp, arr] = dates.readEach(row, depCell ? [depCell, 'departure time'] : [cleanCell(cell(fields, c.date)), 'Date'], [
      firstStamp(fields, arrCols),
      'arrival time',
    ]);
    const dep = depStamp!;
    const record: FlightRecord = {
      row,
      departureDate: dep.date,
      from: parseAirportCell(cell(fields, c.from), 'From')[0] ?? '',
      to: parseAirportCell(cell(fields, c.to), 'To')[0] ?? '',
    };
    if (dep.time) record.departureTime = dep.time;
    if (arr) {
      record.arrivalDate = arr.date;
      if (arr.time) record.arrivalTime = arr.time;
    }
    if (parseFlag(cell(fields, c.canceled), 'Canceled')) record.cancelled = true;
    const diverted = optionalCell(cell(fields, c.diverted));
    if (diverted) {
      record.divertedTo = parseAirportCell(diverted, 'Diverted To')[0] ?? '';
      record.remarks = [`diverted from ${record.to} to ${record.divertedTo}; ${record.divertedTo} used as the arrival airport`];
    }
    const flight = optionalCell(cell(fields, c.flight));
    if (flight) record.flightNumber = completeFlightNumber(flight, optionalCell(cell(fields, c.airline)));
    const notes = optionalCell(cell(fields, c.notes));
    if (notes) record.notes = notes;
    return { kind: 'flight', record };
  };
}
