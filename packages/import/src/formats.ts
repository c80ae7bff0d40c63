/**
 * Format detection (from the content, never the file name) and the per-format row readers.
 *
 * A reader turns one data row (CSV fields, or one text line for the line-based formats) into a `ParsedRow`.
 * Readers are pure apart from the file's date-order evidence they feed (`DateReader`); they throw `FieldError` for
 * a bad cell, which the pipeline turns into a skipped row, and `PendingDateOrder` when a row must wait for the
 * file's day/month order (the row is then read again, so CSV readers must give the same answer twice).
 */
import type { FlightRecord, ImportFormat, ParsedRow } from './types';
import { isBlankLine, parseLine } from './csvRecords';
import { parseCountryCell } from './countries';
import { FieldError, cleanCell, datePartsToDate, optionalCell, parseAirportCell, parseDuration, parseFlag, parseMode, parseTime, splitDate } from './values';

/** Lower-case, BOM/quotes removed, runs of non-alphanumerics turned into `_` (`Gate Departure (Scheduled)` -> `gate_departure_scheduled`). */
export function normaliseHeader(h: string): string {
  return cleanCell(h.replace(/^\ufeff/, ''))
    .replace(/^"|"$/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/* ------------------------------------------------------------------------------------------------ */
/* Generic CSV template                                                                              */
/* ------------------------------------------------------------------------------------------------ */

/**
 * The generic CSV template (documented in the README). A header row is required unless the file is headerless
 * with a date column followed by two airport-code columns (then columns are recognised by their content).
 * Column names are case-insensitive; spaces and punctuation count as `_`; aliases in brackets. Each side of a
 * row needs an airport or a country (or both, which must agree).
 *
 * | column | required | accepted values |
 * |---|---|---|
 * | `date` [`departure_date`, `dep_date`, `flight_date`] | yes | local departure date `YYYY-MM-DD`, `D/M/YYYY` or `M/D/YYYY` (also with `.` or `-`; the order is decided for the whole file, see dateOrder.ts); may carry a time `YYYY-MM-DD HH:MM` |
 * | `from` [`origin`, `departure_airport`] | `from` or `from_country` | IATA (`CDG`) or ICAO (`LFPG`) code of the departure airport |
 * | `to` [`destination`, `arrival_airport`] | `to` or `to_country` | IATA or ICAO code of the arrival airport |
 * | `from_country` [`departure_country`, `origin_country`, `country_from`] | see `from` | ISO 3166-1 alpha-2 or alpha-3 code, or English name (`France`, `Czech Republic`) |
 * | `to_country` [`arrival_country`, `destination_country`, `country_to`] | see `to` | same forms |
 * | `mode` [`mode_of_transport`, `transport`, `transport_mode`, `travel_mode`] | no | `flight`, `train`, `car`, `bus`, `ferry`, `other` and the other words of values.ts MODE_WORDS; default flight when an airport is given, else other |
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
type ColumnMap = Partial<Record<GenericColumn, number>>;

function mapGenericHeader(header: string[]): ColumnMap | null {
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

function cell(fields: string[], i: number | undefined): string | undefined {
  return i === undefined ? undefined : fields[i];
}

function genericReader(map: ColumnMap): RowReader {
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
      if (cleanCell(airport) === 'NAN' || optionalCell(airport) !== undefined) record[key] = parseAirportCell(airport, label)[0] ?? '';
      else if (!country) {
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
    let flight = optionalCell(cell(fields, map.flight_number));
    const airline = optionalCell(cell(fields, map.airline));
    if (flight && /^\d{1,5}$/.test(flight) && airline && /^[A-Z0-9]{2,3}$/.test(airline)) flight = airline + flight;
    if (flight) record.flightNumber = flight;
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

/* ------------------------------------------------------------------------------------------------ */
/* OpenFlights                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

/**
 * OpenFlights export (`Date,From,To,Flight_Number,Airline,Distance,Duration,...,Trip,Note,From_OID,...`; rows may
 * have one field fewer than the header) and its minimal import form `Date,From,To[,Flight_Number[,Airline]]`.
 * `Date` is the local departure date with an optional local time; `00:00:00` means "time unknown". `Duration`
 * (`HH:MM`) lets the arrival date be computed when the departure time is known.
 */
function openflightsReader(): RowReader {
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

/* ------------------------------------------------------------------------------------------------ */
/* myFlightradar24                                                                                   */
/* ------------------------------------------------------------------------------------------------ */

/**
 * myFlightradar24 export: `Date,Flight number,From,To,Dep time,Arr time,Duration,...,Note,...`; airports as
 * `City / Name (IATA/ICAO)`; local `HH:MM:SS` times without an arrival date; `00:00:00` means unknown.
 */
function flightradarReader(header: string[]): RowReader {
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

/* ------------------------------------------------------------------------------------------------ */
/* Flighty                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

/**
 * Flighty export (33 columns): `Date,Airline,Flight,From,To,...,Canceled,Diverted To,Gate Departure (Scheduled),
 * Gate Departure (Actual),Take off (...),Landing (...),Gate Arrival (Scheduled),Gate Arrival (Actual),...,Notes`.
 * Times are local `YYYY-MM-DDTHH:MM[:SS]` without offset. What happened beats what was planned: the actual gate
 * time is used, else the scheduled gate time, else the runway time. `Canceled=true` rows are skipped by the
 * pipeline; `Diverted To` replaces the arrival airport (where the traveller really landed).
 */
function flightyReader(header: string[]): RowReader {
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
    const airline = optionalCell(cell(fields, c.airline)) ?? '';
    const flight = optionalCell(cell(fields, c.flight));
    if (flight) record.flightNumber = /^\d/.test(flight) && /^[A-Z0-9]{2,3}$/.test(airline) ? airline + flight : flight;
    const notes = optionalCell(cell(fields, c.notes));
    if (notes) record.notes = notes;
    return { kind: 'flight', record };
  };
}

/* ------------------------------------------------------------------------------------------------ */
/* Line-based formats                                                                                */
/* ------------------------------------------------------------------------------------------------ */

/**
 * App in the Air `data.txt`: sections (`trips:`, `flights:`, `hotels:`, ...); a trip line
 * `Ownership.MINE|NOT_MINE;start;end;from;to;...` is followed by `flights:` and one line per flight:
 * `class;seat;pnr;ticket;?;?;source;airline;number;aircraft;from;to;depUTC;arrUTC;depLocal;arrLocal;created`.
 * Local times are used directly; the UTC ones serve the layover gap. Flights of a `NOT_MINE` trip are skipped.
 * Returns a stateful reader: feed every line in order; it returns `null` for lines that are not data rows.
 */
export function appInTheAirReader(dates: DateReader): (line: string, row: number) => ParsedRow | null {
  let section = '';
  let tripMine = true;
  let tripId = '';
  return (line, row) => {
    const t = cleanCell(line);
    if (t === '') return null;
    const sectionMatch = /^(user|subscribers|devices|accounts|settings|trips|flights|hotels|rental cars|expenses):/i.exec(t);
    if (sectionMatch && sectionMatch[1]) {
      section = sectionMatch[1].toLowerCase();
      return null;
    }
    if (t.startsWith('Ownership.')) {
      section = 'trips';
      tripMine = !t.startsWith('Ownership.NOT_MINE');
      tripId = `trip-line-${row}`;
      return null;
    }
    if (section !== 'flights') return null;
    const f = t.split(';');
    if (f.length < 16) {
      return { kind: 'skip', row, reason: `row ${row}: App in the Air flight line has ${f.length} fields, expected 17` };
    }
    const [depLocal, arrLocal] = dates.readEach(row, [f[14] ?? '', 'local departure time'], [f[15] ?? '', 'local arrival time']) as [
      { date: string; time?: string },
      { date: string; time?: string },
    ];
    const record: FlightRecord = {
      row,
      departureDate: depLocal.date,
      from: parseAirportCell(f[10], 'From')[0] ?? '',
      to: parseAirportCell(f[11], 'To')[0] ?? '',
      arrivalDate: arrLocal.date,
      tripId,
    };
    if (depLocal.time) record.departureTime = depLocal.time;
    if (arrLocal.time) record.arrivalTime = arrLocal.time;
    const utc = (v: string | undefined) => {
      const s = optionalCell(v);
      return s && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : undefined;
    };
    const depUtc = utc(f[12]);
    const arrUtc = utc(f[13]);
    if (depUtc) record.departureUtc = depUtc;
    if (arrUtc) record.arrivalUtc = arrUtc;
    const airline = optionalCell(f[7]);
    const number = optionalCell(f[8]);
    if (number) record.flightNumber = (airline ?? '') + number;
    if (!tripMine) record.notMine = true;
    return { kind: 'flight', record };
  };
}

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

/* ------------------------------------------------------------------------------------------------ */
/* Detection                                                                                         */
/* ------------------------------------------------------------------------------------------------ */

/**
 * How readers read date cells: through the file's day/month order (dateOrder.ts `DateOrderResolver`).
 * `read` and `readEach` may throw `PendingDateOrder` (the row is read again once the order is known).
 */
export interface DateReader {
  read(raw: string, field: string, row: number): { date: string; time?: string };
  /** Reads every given cell (undefined: absent) before throwing, so that each shows the order. */
  readEach(row: number, ...cells: [raw: string | undefined, field: string][]): ({ date: string; time?: string } | undefined)[];
}

/** Reads one CSV record (its fields and 1-based line number) into a row. */
export type RowReader = (fields: string[], row: number, dates: DateReader) => ParsedRow;

/** What detection decided: the format and, for CSV formats, how to read each record. */
export type Detection =
  | {
      format: ImportFormat;
      kind: 'csv';
      read: RowReader;
      isHeader: (fields: string[]) => boolean;
      /** True when the fields of one line are a data row (its date column holds a date): tells stray quotes apart. */
      looksLikeRow: (fields: string[]) => boolean;
      /** True when a line starting with `#` is a comment: only OpenFlights' minimal input defines them. */
      comments: boolean;
    }
  | { format: 'appintheair'; kind: 'lines' }
  | { format: 'whitespace-log'; kind: 'lines'; header: string };

/** True when the cell is a date in some day/month order (detection and stray quotes must not need the order). */
const isDateCell = (v: string | undefined) => {
  const attempt = (fn: () => unknown) => {
    try {
      fn();
      return true;
    } catch {
      return false;
    }
  };
  let parts: ReturnType<typeof splitDate>;
  try {
    parts = splitDate(cleanCell(v), 'date');
  } catch {
    return false;
  }
  return attempt(() => datePartsToDate(parts, 'DMY')) || attempt(() => datePartsToDate(parts, 'MDY'));
};
const isCodeCell = (v: string | undefined) => /^[A-Z]{3}$|^[A-Z0-9]{4}$/.test(cleanCell(v));

/** A row has a date in column `dateIndex` and at least `minFields` fields. */
function rowCheck(dateIndex: number | undefined, minFields: number): (fields: string[]) => boolean {
  return (fields) => dateIndex !== undefined && fields.length >= minFields && isDateCell(fields[dateIndex]);
}

function sameHeader(expected: string[]): (fields: string[]) => boolean {
  // Field by field, stopping at the first difference: asked for every row, and a data row differs at once.
  return (fields) => fields.length === expected.length && fields.every((f, i) => normaliseHeader(f) === expected[i]);
}

/**
 * Decides the format from the first lines of a file (BOM, blank and `#` comment lines allowed).
 * @param firstLines the first lines, already split on any line ending (LF, CRLF or CR), up to ~30.
 * @returns the detection, or `null` when no supported format matches.
 */
export function detect(firstLines: readonly string[]): Detection | null {
  const lines = firstLines.map((l, i) => (i === 0 ? l.replace(/^\ufeff/, '') : l)).filter((l) => !isBlankLine(l));
  const first = lines[0];
  if (first === undefined) return null;

  if (/^user:/i.test(first.trim()) || (lines.some((l) => /^trips:\s*$/i.test(l.trim())) && lines.some((l) => l.startsWith('Ownership.')))) {
    return { format: 'appintheair', kind: 'lines' };
  }
  const words = first.trim().split(/\s+/).map(normaliseHeader);
  if (!first.includes(',') && ['trip', 'leg', 'date', 'dep', 'arr'].every((w) => words.includes(w))) {
    return { format: 'whitespace-log', kind: 'lines', header: first };
  }

  const header = parseLine(first.replace(/^\ufeff/, ''));
  const names = header.map(normaliseHeader);
  const has = (...n: string[]) => n.every((x) => names.includes(x));
  const at = (n: string) => (names.includes(n) ? names.indexOf(n) : undefined);
  const after = (...n: string[]) => Math.max(...n.map((x) => names.indexOf(x))) + 1;
  if (names[0] === 'date' && names[1] === 'from' && names[2] === 'to' && has('flight_number', 'airline', 'duration')) {
    return { format: 'openflights', kind: 'csv', read: openflightsReader(), isHeader: sameHeader(names), looksLikeRow: rowCheck(0, 3), comments: false };
  }
  if (has('date', 'flight_number', 'from', 'to', 'dep_time', 'arr_time')) {
    const looksLikeRow = rowCheck(at('date'), after('date', 'from', 'to'));
    return { format: 'myflightradar24', kind: 'csv', read: flightradarReader(header), isHeader: sameHeader(names), looksLikeRow, comments: false };
  }
  if (has('date', 'from', 'to', 'canceled', 'diverted_to') && names.some((n) => n.startsWith('gate_departure'))) {
    const looksLikeRow = rowCheck(at('date'), after('date', 'from', 'to'));
    return { format: 'flighty', kind: 'csv', read: flightyReader(header), isHeader: sameHeader(names), looksLikeRow, comments: false };
  }
  const map = mapGenericHeader(header);
  if (map) {
    const looksLikeRow = rowCheck(map.date, Math.max(map.date ?? 0, map.from ?? map.from_country ?? 0, map.to ?? map.to_country ?? 0) + 1);
    return { format: 'generic', kind: 'csv', read: genericReader(map), isHeader: sameHeader(names), looksLikeRow, comments: false };
  }

  // Headerless: recognise the columns by their content over the first data lines.
  const data = lines.filter((l) => !l.trimStart().startsWith('#') && normaliseHeader(parseLine(l)[0] ?? '') !== 'date');
  const sample = data.slice(0, 5).map(parseLine);
  const firstData = sample[0];
  if (!firstData) return null;
  const openflightsIsHeader = (f: string[]) => normaliseHeader(f[0] ?? '') === 'date' && normaliseHeader(f[1] ?? '') === 'from';
  if (sample.every((f) => isDateCell(f[0]) && isCodeCell(f[1]) && isCodeCell(f[2]))) {
    // 15+ columns is the export written without (or with a trailing) header; fewer is the minimal import form,
    // the one format that defines `#` comment lines.
    const format = firstData.length >= 15 ? 'openflights' : 'openflights-minimal';
    return {
      format,
      kind: 'csv',
      read: openflightsReader(),
      isHeader: openflightsIsHeader,
      looksLikeRow: rowCheck(0, 3),
      comments: format === 'openflights-minimal',
    };
  }
  for (let i = 0; i + 2 < firstData.length; i++) {
    if (sample.every((f) => isDateCell(f[i]) && isCodeCell(f[i + 1]) && isCodeCell(f[i + 2]))) {
      return {
        format: 'generic',
        kind: 'csv',
        read: genericReader({ date: i, from: i + 1, to: i + 2 }),
        isHeader: () => false,
        looksLikeRow: rowCheck(i, i + 3),
        comments: false,
      };
    }
  }
  return null;
}

/**
 * The format of a file from its first lines (see `detect`), or `null` when unsupported.
 * @param firstLines the first lines of the file, split on any line ending.
 */
export function detectFormat(firstLines: readonly string[]): ImportFormat | null {
  return detect(firstLines)?.format ?? null;
}

export { FieldError };
