/**
 * Format detection (from the content, never the file name) and the per-format row readers.
 *
 * A reader turns one data row (CSV fields, or one text line for the line-based formats) into a `ParsedRow`.
 * Readers are pure; they throw `FieldError` for a bad cell and the pipeline turns it into a skipped row.
 */
import type { FlightRecord, ImportFormat, ParsedRow } from './types';
import { FieldError, cleanCell, optionalCell, parseAirportCell, parseDateTime, parseDuration, parseFlag, parseTime } from './values';

/** Lower-case, BOM/quotes removed, runs of non-alphanumerics turned into `_` (`Gate Departure (Scheduled)` -> `gate_departure_scheduled`). */
export function normaliseHeader(h: string): string {
  return cleanCell(h.replace(/^\ufeff/, ''))
    .replace(/^"|"$/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** Splits one CSV line (RFC 4180 quotes, comma delimiter); used only on the first lines, for detection. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/* ------------------------------------------------------------------------------------------------ */
/* Generic CSV template                                                                              */
/* ------------------------------------------------------------------------------------------------ */

/**
 * The generic CSV template (documented in the README). A header row is required unless the file is headerless
 * with a date column followed by two airport-code columns (then columns are recognised by their content).
 * Column names are case-insensitive; spaces and punctuation count as `_`; aliases in brackets.
 *
 * | column | required | accepted values |
 * |---|---|---|
 * | `date` [`departure_date`, `dep_date`, `flight_date`] | yes | local departure date `YYYY-MM-DD` or `M/D/YYYY`; may carry a time `YYYY-MM-DD HH:MM` |
 * | `from` [`origin`, `departure_airport`] | yes | IATA (`CDG`) or ICAO (`LFPG`) code of the departure airport |
 * | `to` [`destination`, `arrival_airport`] | yes | IATA or ICAO code of the arrival airport |
 * | `departure_time` [`dep_time`, `depart`] | no | local time at departure `HH:MM` (24 h), `H:MM`, `HH:MM:SS` or `h:MM AM/PM` |
 * | `arrival_time` [`arr_time`, `arrive`] | no | local time at arrival, same forms |
 * | `arrival_date` [`arr_date`] | no | local arrival date; when absent it is computed from both times and both airports' time zones |
 * | `flight_number` [`flight`, `flight_no`] | no | letters and digits (`LH400`, `LH 400`); a number alone is prefixed with `airline` when that is a 2-3 character code |
 * | `airline` [`carrier`] | no | airline code or name (only used to complete a bare flight number) |
 * | `arrival_transfer` [`transfer`, `layover`, `connection`] | no | `1`/`0`, `true`/`false`, `yes`/`no`: 1 = the traveller stayed airside at the arrival airport and flew on (transit) |
 * | `cancelled` [`canceled`] | no | same yes/no values; cancelled rows are skipped |
 * | `trip` [`trip_name`, `trip_id`] | no | any text; flights of one trip may form connections |
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
} as const;

type GenericColumn = keyof typeof GENERIC_COLUMNS;
type ColumnMap = Partial<Record<GenericColumn, number>>;

function mapGenericHeader(header: string[]): ColumnMap | null {
  const names = header.map(normaliseHeader);
  const map: ColumnMap = {};
  for (const [col, aliases] of Object.entries(GENERIC_COLUMNS) as [GenericColumn, readonly string[]][]) {
    for (const alias of aliases) {
      const i = names.indexOf(alias);
      if (i >= 0) { map[col] = i; break; }
    }
  }
  return map.date !== undefined && map.from !== undefined && map.to !== undefined ? map : null;
}

function cell(fields: string[], i: number | undefined): string | undefined {
  return i === undefined ? undefined : fields[i];
}

function genericReader(map: ColumnMap): RowReader {
  return (fields, row) => {
    const cancelled = parseFlag(cell(fields, map.cancelled), 'cancelled');
    const dep = parseDateTime(cleanCell(cell(fields, map.date)), 'date');
    const record: FlightRecord = {
      row,
      departureDate: dep.date,
      from: parseAirportCell(cell(fields, map.from), 'From')[0] ?? '',
      to: parseAirportCell(cell(fields, map.to), 'To')[0] ?? '',
    };
    const depTime = map.departure_time !== undefined ? parseTime(cell(fields, map.departure_time) ?? '', 'departure time') : dep.time;
    if (depTime) record.departureTime = depTime;
    const arrTime = parseTime(cell(fields, map.arrival_time) ?? '', 'arrival time');
    if (arrTime) record.arrivalTime = arrTime;
    const arrDate = optionalCell(cell(fields, map.arrival_date));
    if (arrDate) record.arrivalDate = parseDateTime(arrDate, 'arrival date').date;
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
  return (fields, row) => {
    const dep = parseDateTime(cleanCell(fields[0]).replace(/ 00:00:00$/, ''), 'Date');
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
  const idx = (n: string) => { const i = names.indexOf(n); return i >= 0 ? i : undefined; };
  const c = { date: idx('date'), flight: idx('flight_number'), from: idx('from'), to: idx('to'), dep: idx('dep_time'), arr: idx('arr_time'), dur: idx('duration'), note: idx('note') };
  return (fields, row) => {
    const dep = parseDateTime(cleanCell(cell(fields, c.date)), 'Date');
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
  const idx = (n: string) => { const i = names.indexOf(n); return i >= 0 ? i : undefined; };
  const depCols = ['gate_departure_actual', 'gate_departure_scheduled', 'take_off_actual', 'take_off_scheduled'].map(idx);
  const arrCols = ['gate_arrival_actual', 'gate_arrival_scheduled', 'landing_actual', 'landing_scheduled'].map(idx);
  const c = { date: idx('date'), airline: idx('airline'), flight: idx('flight'), from: idx('from'), to: idx('to'), canceled: idx('canceled'), diverted: idx('diverted_to'), notes: idx('notes') };
  const firstStamp = (fields: string[], cols: (number | undefined)[], what: string) => {
    for (const i of cols) {
      const v = optionalCell(cell(fields, i));
      if (v) return parseDateTime(v, what);
    }
    return undefined;
  };
  return (fields, row) => {
    const dep = firstStamp(fields, depCols, 'departure time') ?? parseDateTime(cleanCell(cell(fields, c.date)), 'Date');
    const arr = firstStamp(fields, arrCols, 'arrival time');
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
export function appInTheAirReader(): (line: string, row: number) => ParsedRow | null {
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
    const depLocal = parseDateTime(f[14] ?? '', 'local departure time');
    const arrLocal = parseDateTime(f[15] ?? '', 'local arrival time');
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
export function whitespaceLogReader(headerLine: string): (line: string, row: number) => ParsedRow | null {
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
    const dep = parseDateTime(f[c.date] ?? '', 'Date');
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

/** Reads one CSV record (its fields and 1-based line number) into a row. */
export type RowReader = (fields: string[], row: number) => ParsedRow;

/** What detection decided: the format and, for CSV formats, how to read each record. */
export type Detection =
  | { format: ImportFormat; kind: 'csv'; read: RowReader; isHeader: (fields: string[]) => boolean }
  | { format: 'appintheair'; kind: 'lines' }
  | { format: 'whitespace-log'; kind: 'lines'; header: string };

const isDateCell = (v: string | undefined) => {
  try {
    parseDateTime(cleanCell(v), 'date');
    return true;
  } catch {
    return false;
  }
};
const isCodeCell = (v: string | undefined) => /^[A-Z]{3}$|^[A-Z0-9]{4}$/.test(cleanCell(v));

function sameHeader(expected: string[]): (fields: string[]) => boolean {
  // Field by field, stopping at the first difference: asked for every row, and a data row differs at once.
  return (fields) => fields.length === expected.length && fields.every((f, i) => normaliseHeader(f) === expected[i]);
}

/** Lines that are blank or commas/spaces only carry no data. */
export function isBlankLine(line: string): boolean {
  return /^[\s,;\ufeff]*$/.test(line);
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

  const header = splitCsvLine(first.replace(/^\ufeff/, ''));
  const names = header.map(normaliseHeader);
  const has = (...n: string[]) => n.every((x) => names.includes(x));
  if (names[0] === 'date' && names[1] === 'from' && names[2] === 'to' && has('flight_number', 'airline', 'duration')) {
    return { format: 'openflights', kind: 'csv', read: openflightsReader(), isHeader: sameHeader(names) };
  }
  if (has('date', 'flight_number', 'from', 'to', 'dep_time', 'arr_time')) {
    return { format: 'myflightradar24', kind: 'csv', read: flightradarReader(header), isHeader: sameHeader(names) };
  }
  if (has('date', 'from', 'to', 'canceled', 'diverted_to') && names.some((n) => n.startsWith('gate_departure'))) {
    return { format: 'flighty', kind: 'csv', read: flightyReader(header), isHeader: sameHeader(names) };
  }
  const map = mapGenericHeader(header);
  if (map) return { format: 'generic', kind: 'csv', read: genericReader(map), isHeader: sameHeader(names) };

  // Headerless: recognise the columns by their content over the first data lines.
  const data = lines.filter((l) => !l.trimStart().startsWith('#') && normaliseHeader(splitCsvLine(l)[0] ?? '') !== 'date');
  const sample = data.slice(0, 5).map(splitCsvLine);
  const firstData = sample[0];
  if (!firstData) return null;
  const openflightsIsHeader = (f: string[]) => normaliseHeader(f[0] ?? '') === 'date' && normaliseHeader(f[1] ?? '') === 'from';
  if (sample.every((f) => isDateCell(f[0]) && isCodeCell(f[1]) && isCodeCell(f[2]))) {
    // 15+ columns is the export written without (or with a trailing) header; fewer is the minimal import form.
    const format = firstData.length >= 15 ? 'openflights' : 'openflights-minimal';
    return { format, kind: 'csv', read: openflightsReader(), isHeader: openflightsIsHeader };
  }
  for (let i = 0; i + 2 < firstData.length; i++) {
    if (sample.every((f) => isDateCell(f[i]) && isCodeCell(f[i + 1]) && isCodeCell(f[i + 2]))) {
      return { format: 'generic', kind: 'csv', read: genericReader({ date: i, from: i + 1, to: i + 2 }), isHeader: () => false };
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
