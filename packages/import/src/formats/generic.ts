/**
 * The generic CSV template: its columns (with aliases) and its row reader.
 */
import type { FlightRecord } from '../types';
import { parseCountryCell } from '../countries';
import { FieldError, cleanCell, optionalCell, parseAirportOrPlace, parseFlag, parseMode, parseTime } from '../values';
import { completeFlightNumber } from '../storedText';
import { cell, normaliseHeader, type RowReader } from './reader';

/**
 * The generic CSV template (documented in docs/import-formats.md, Generic CSV template). A header row is required unless the file is headerless
 * with a date column followed by two airport-code columns (then columns are recognised by their content).
 * Column names are case-insensitive; spaces and punctuation count as `_`; aliases in brackets. Each side of a
 * row needs an airport or a country (or both, which must agree).
 *
 * | column | required | accepted values |
 * |---|---|---|
 * | `date` [`departure_date`, `dep_date`, `flight_date`] | yes | local departure date `YYYY-MM-DD`, `D/M/YYYY` or `M/D/YYYY` (also with `.` or `-`; the order is decided for the whole file), or with an English month name (`22 Jan 2023`, `Jan 22, 2024`, `22-jan-2023`); may carry a time `YYYY-MM-DD HH:MM`; a two-digit year is refused |
 * | `from` [`origin`, `departure_airport`] | `from` or `from_country` | IATA (`CDG`) or ICAO (`LFPG`) code of the departure airport, in capitals; anything else is a place name (`Lima`), resolved to a country through the gazetteer of place names |
 * | `to` [`destination`, `arrival_airport`] | `to` or `to_country` | IATA or ICAO code of the arrival airport, or a place name |
 * | `from_country` [`departure_country`, `origin_country`, `country_from`] | see `from` | ISO 3166-1 alpha-2 or alpha-3 code, or English name (`France`, `Czech Republic`) |
 * | `to_country` [`arrival_country`, `destination_country`, `country_to`] | see `to` | same forms |
 * | `mode` [`mode_of_transport`, `transport`, `transport_mode`, `travel_mode`] | no | `flight`, `train`, `car`, `bus`, `ferry`, `other` and the other words {@link parseMode} accepts; default flight when an airport is given, else other |
 * | `entry_point` [`border_crossing`, `port_of_entry`, `crossing`] | no | border crossing, port or station, free text |
 * | `purpose` [`trip_purpose`, `purpose_of_travel`] | no | free text |
 * | `departure_time` [`dep_time`, `depart`] | no | local time at departure `HH:MM` (24 h), `H:MM`, `HH:MM:SS` or `h:MM AM/PM` |
 * | `arrival_time` [`arr_time`, `arrive`] | no | local time at arrival, same forms |
 * | `arrival_date` [`arr_date`] | no | local arrival date; when absent it is computed from both times and both airports' time zones (without airports: the departure date) |
 * | `flight_number` [`flight`, `flight_no`] | no | letters and digits (`LH400`, `LH 400`); a number alone is prefixed with `airline` when that is a 2-3 character code |
 * | `airline` [`carrier`] | no | airline code or name (only used to complete a bare flight number) |
 * | `arrival_transfer` [`transfer`, `layover`, `connection`] | no | `1`/`0`, `true`/`false`, `yes`/`no`: 1 = the traveller stayed airside at the arrival airport and flew on (transit) |
 * | `cancelled` [`canceled`] | no | same yes/no values; cancelled rows are skipped |
 * | `trip` [`trip_name`, `trip_id`] | no | any text (also starting with `#`); flights of one trip may form connections |
 * | `notes` [`note`, `comment`] | no | free text, at most 500 characters; a value starting with `=`, `+`, `-`, `@` is refused (spreadsheet formula) |
 *
 * Empty cells and `NaN`, `NA`, `N/A`, `null`, `None`, `-` mean "no value". Other columns are ignored.
 */
export const GENERIC_COLUMNS = {
  date: ['date', 'departure_date', 'dep_date', 'flight_date'],
  from: ['from', 'origin', 'departure_airport'],
  to: ['to', 'destination', 'arrival_airport'],
  departure_time: ['departure_time', 'dep_time', 'depart'],
  arrival_time: ['arrival_time', 'arr_time', 'arrive'],
  arrival_date: ['arrival_date', 'arr_date'],
  flight_number: ['flight_number', 'flight', 'flight_no'],
  airline: ['airline', 'carrier'],
  arrival_transfer: ['arrival_transfer', 'transfer', 'layover', 'connection'],
  cancelled: ['cancelled', 'canceled'],
  trip: ['trip', 'trip_name', 'trip_id'],
  notes: ['notes', 'note', 'comment'],
  from_country: ['from_country', 'departure_country', 'origin_country', 'country_from'],
  to_country: ['to_country', 'arrival_country', 'destination_country', 'country_to'],
  mode: ['mode', 'mode_of_transport', 'transport', 'transport_mode', 'travel_mode'],
  entry_point: ['entry_point', 'border_crossing', 'port_of_entry', 'crossing'],
  purpose: ['purpose', 'trip_purpose', 'purpose_of_travel'],
} as const;

type GenericColumn = keyof typeof GENERIC_COLUMNS;
export type ColumnMap = Partial<Record<GenericColumn, number>>;

/** The column of each generic field in a header row, or `null` when the date or a side is missing. */
export function mapGenericHeader(header: string[]): ColumnMap | null {
  const names = header.map(normaliseHeader);
  const map: ColumnMap = {};
  for (const [col, aliases] of Object.entries(GENERIC_COLUMNS) as [GenericColumn, readonly string[]][]) {
    for (const alias of aliases) {
      const i = names.indexOf(alias);
      if (i >= 0) {
        map[col] = i;
        break;
      }
    }
  }
  const from = map.from !== undefined || map.from_country !== undefined;
  const to = map.to !== undefined || map.to_country !== undefined;
  return map.date !== undefined && from && to ? map : null;
}

/** Reads a row of the generic template with its columns at `map`. */
export function genericReader(map: ColumnMap): RowReader {
  return (fields, row, dates) => {
    // Dates first: every date cell of the row shows the file's day/month order, even if another cell is bad.
    const [dep, arr] = dates.readEach(row, [cleanCell(cell(fields, map.date)), 'date'], [optionalCell(cell(fields, map.arrival_date)), 'arrival date']);
    const cancelled = parseFlag(cell(fields, map.cancelled), 'cancelled');
    const record: FlightRecord = { row, departureDate: dep!.date };
    // Each side: an airport, a country, or both (then they must agree; checked when the airport is looked up).
    const sides = [
      ['From', 'from', map.from, map.from_country, 'from_country'],
      ['To', 'to', map.to, map.to_country, 'to_country'],
    ] as const;
    for (const [label, key, airportCol, countryCol, countryName] of sides) {
      const airport = cell(fields, airportCol);
      const country = parseCountryCell(cell(fields, countryCol), countryName);
      if (country) record[key === 'from' ? 'fromCountry' : 'toCountry'] = country;
      if (cleanCell(airport) === 'NAN' || optionalCell(airport) !== undefined) {
        const read = parseAirportOrPlace(airport, label);
        if ('codes' in read) record[key] = read.codes[0] ?? '';
        else record[key === 'from' ? 'fromPlace' : 'toPlace'] = read.place;
      } else if (!country) {
        throw new FieldError(
          map.from_country === undefined && map.to_country === undefined
            ? `${label} airport is missing`
            : `${label} is missing: give an airport (${key}) or a country (${countryName})`,
        );
      }
    }
    const mode = parseMode(cell(fields, map.mode));
    if (mode) record.mode = mode;
    const entryPoint = optionalCell(cell(fields, map.entry_point));
    if (entryPoint) record.entryPoint = entryPoint;
    const purpose = optionalCell(cell(fields, map.purpose));
    if (purpose) record.purpose = purpose;
    const depTime = map.departure_time !== undefined ? parseTime(cell(fields, map.departure_time) ?? '', 'departure time') : dep!.time;
    if (depTime) record.departureTime = depTime;
    const arrTime = parseTime(cell(fields, map.arrival_time) ?? '', 'arrival time');
    if (arrTime) record.arrivalTime = arrTime;
    if (arr) record.arrivalDate = arr.date;
    const flight = optionalCell(cell(fields, map.flight_number));
    if (flight) record.flightNumber = completeFlightNumber(flight, optionalCell(cell(fields, map.airline)));
    const transfer = parseFlag(cell(fields, map.arrival_transfer), 'arrival transfer');
    if (transfer !== undefined) record.transfer = transfer;
    if (cancelled) record.cancelled = true;
    const trip = optionalCell(cell(fields, map.trip));
    if (trip) record.tripId = trip;
    const notes = optionalCell(cell(fields, map.notes));
    if (notes) record.notes = notes;
    return { kind: 'flight', record };
  };
}
