/**
 * App in the Air: the `data.txt` export, read line by line.
 */
import type { FlightRecord, ParsedRow } from '../types';
import { cleanCell, optionalCell, parseAirportCell } from '../values';
import type { DateReader } from './reader';

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
