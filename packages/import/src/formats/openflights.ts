/**
 * OpenFlights: the export and its minimal import form.
 */
import type { FlightRecord } from '../types';
import { cleanCell, optionalCell, parseAirportCell, parseDuration } from '../values';
import type { RowReader } from './reader';

/**
 * OpenFlights export (`Date,From,To,Flight_Number,Airline,Distance,Duration,...,Trip,Note,From_OID,...`; rows may
 * have one field fewer than the header) and its minimal import form `Date,From,To[,Flight_Number[,Airline]]`.
 * `Date` is the local departure date with an optional local time; `00:00:00` means "time unknown". `Duration`
 * (`HH:MM`) lets the arrival date be computed when the departure time is known.
 */
export function openflightsReader(): RowReader {
  return (fields, row, dates) => {
    const dep = dates.read(cleanCell(fields[0]).replace(/ 00:00:00$/, ''), 'Date', row);
    const record: FlightRecord = {
      row,
      departureDate: dep.date,
      from: parseAirportCell(fields[1], 'From')[0] ?? '',
      to: parseAirportCell(fields[2], 'To')[0] ?? '',
    };
    if (dep.time) record.departureTime = dep.time;
    const flight = optionalCell(fields[3]);
    if (flight) record.flightNumber = flight;
    const duration = parseDuration(fields[6]);
    if (duration !== undefined) record.durationMinutes = duration;
    const trip = optionalCell(fields[13]);
    if (trip) record.tripId = trip;
    const note = optionalCell(fields[14]);
    if (note) record.notes = note;
    return { kind: 'flight', record };
  };
}
