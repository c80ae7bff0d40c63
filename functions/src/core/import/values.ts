/**
 * Parsers for the cell values found in flight-history exports. Each returns a normalised value or throws a
 * `FieldError` whose message names the value and says what was expected; the pipeline prefixes the row.
 */
import { isIsoDateFast as isIsoDate } from '../dayNumbers';

/** A cell that cannot be read; `message` is a sentence without the row prefix. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

/** Tokens spreadsheets and scripts write for "no value" (pandas `NaN`, R `NA`, Python `None`). */
const NULL_TOKENS = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '-', '--']);

/** Trims, turns no-break and other Unicode spaces into plain spaces, drops control characters. */
export function cleanCell(raw: string | undefined): string {
  if (raw === undefined) return '';
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
}

/** `cleanCell`, then `undefined` for null tokens (`NaN`, `NA`, `None`, empty, ...). */
export function optionalCell(raw: string | undefined): string | undefined {
  const v = cleanCell(raw);
  return NULL_TOKENS.has(v.toLowerCase()) ? undefined : v;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A local calendar date, optionally followed by a time: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`,
 * `YYYY-MM-DDTHH:MM[:SS[.fff]]`, or `M/D/YYYY` (US order, what Excel writes back after a round-trip) with an
 * optional time. Day/month order is never guessed: a slash date whose first number exceeds 12 is rejected with
 * a message saying so.
 * @returns `{ date, time? }` with `time` as `HH:MM`, or `undefined` time when absent.
 * @throws FieldError
 */
export function parseDateTime(raw: string, field = 'date'): { date: string; time?: string } {
  const v = cleanCell(raw);
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](.+))?$/.exec(v);
  let y: number, mo: number, d: number;
  let rest: string | undefined;
  if (m) {
    y = Number(m[1]); mo = Number(m[2]); d = Number(m[3]); rest = m[4];
  } else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(.+))?$/.exec(v))) {
    mo = Number(m[1]); d = Number(m[2]); y = Number(m[3]); rest = m[4];
    if (mo > 12 && d <= 12) {
      const asDayMonth = `${m[3]}-${pad2(d)}-${pad2(mo)}`;
      throw new FieldError(
        isIsoDate(asDayMonth)
          ? `${field} '${v}' looks like day/month/year; write dates as YYYY-MM-DD or month/day/year`
          : `${field} '${v}' is not a valid date`,
      );
    }
  } else {
    throw new FieldError(`${field} '${v}' is not a date (expected YYYY-MM-DD)`);
  }
  const date = `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}`;
  if (!isIsoDate(date)) throw new FieldError(`${field} '${v}' is not a valid date`);
  if (rest === undefined) return { date };
  const time = parseTime(rest, field);
  return time === undefined ? { date } : { date, time };
}

/**
 * A local wall-clock time: `H:MM`, `HH:MM`, `HH:MM:SS[.fff]` (seconds dropped, not rounded: the minute shown
 * on the clock), or 12-hour `h:MM AM`/`h:MMPM`.
 * @param options.midnightUnknown treat `00:00:00` (also written `0:00:00`) as "time unknown" (myFlightradar24 and OpenFlights
 *   write it for flights logged without times).
 * @returns `HH:MM`, or `undefined` for a null token or an unknown-time marker.
 * @throws FieldError
 */
export function parseTime(raw: string, field = 'time', options: { midnightUnknown?: boolean } = {}): string | undefined {
  const v = optionalCell(raw);
  if (v === undefined) return undefined;
  if (options.midnightUnknown && /^0?0:00:00$/.test(v)) return undefined;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?$/.exec(v);
  if (!m) throw new FieldError(`${field} '${v}' is not a time (expected HH:MM or h:MM AM/PM)`);
  let h = Number(m[1]);
  const mi = Number(m[2]);
  const ampm = m[4]?.toUpperCase();
  if (ampm) {
    if (h < 1 || h > 12) throw new FieldError(`${field} '${v}' is not a 12-hour time`);
    h = (h % 12) + (ampm === 'PM' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || (m[3] !== undefined && Number(m[3]) > 59)) {
    throw new FieldError(`${field} '${v}' is not a valid time of day`);
  }
  return `${pad2(h)}:${pad2(mi)}`;
}

/** A duration `H:MM` or `HH:MM[:SS]` (OpenFlights, myFlightradar24) in minutes, or `undefined` when absent. */
export function parseDuration(raw: string | undefined): number | undefined {
  const v = optionalCell(raw);
  if (v === undefined) return undefined;
  const m = /^(\d{1,3}):(\d{2})(?::\d{2})?$/.exec(v);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes > 0 ? minutes : undefined;
}

/**
 * An airport cell: a bare IATA/ICAO code (`BCN`, `LEBL`) or the myFlightradar24 form
 * `City / Name (IATA/ICAO)` (`Barcelona / El Prat (BCN/LEBL)`, either code may be missing).
 * A null token (`NaN`, `nan`, `None`, `null`, `N/A`, ...) is a missing airport, never a code: pandas' `NaN` would
 * otherwise resolve to Nadi, Fiji. Only the upper-case `NAN`, the way IATA codes are written, is Nadi.
 * @returns the codes found, upper-cased, IATA first.
 * @throws FieldError when no code can be read (the cell is reported, never guessed).
 */
export function parseAirportCell(raw: string | undefined, field: string): string[] {
  const v = cleanCell(raw);
  if (v !== 'NAN' && optionalCell(v) === undefined) throw new FieldError(`${field} airport is missing`);
  if (/^[A-Za-z0-9]{3,4}$/.test(v)) return [v.toUpperCase()];
  const m = /\(([A-Za-z0-9]{3})?\s*\/?\s*([A-Za-z0-9]{4})?\)\s*$/.exec(v);
  if (m && (m[1] || m[2])) return [m[1], m[2]].filter((c): c is string => !!c).map((c) => c.toUpperCase());
  throw new FieldError(`${field} '${v}' is not an airport code (expected IATA such as 'CDG' or ICAO such as 'LFPG')`);
}

/**
 * A yes/no flag: `1/0`, `true/false`, `yes/no`, `y/n`, `x` (case-insensitive).
 * @returns `undefined` for a null token.
 * @throws FieldError
 */
export function parseFlag(raw: string | undefined, field: string): boolean | undefined {
  const v = optionalCell(raw)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 'yes', 'y', 'x'].includes(v)) return true;
  if (['0', 'false', 'no', 'n'].includes(v)) return false;
  throw new FieldError(`${field} '${v}' is not a yes/no value (expected 1/0, true/false or yes/no)`);
}

/** First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A flight number safe to store: letters and digits with at most one inner hyphen (`T3-7107`), spaces removed, at most 12 characters after removing spaces
 * (`NK 2124` -> `NK2124`). Anything else, in particular a formula such as `=HYPERLINK(...)`, is refused.
 * @returns `{ value }`, `{}` when the cell is empty, or `{ refused: reason }`.
 */
export function parseFlightNumber(raw: string | undefined): { value?: string; refused?: string } {
  const v = optionalCell(raw);
  if (v === undefined) return {};
  const compact = v.replace(/\s+/g, '').toUpperCase();
  if (FORMULA_START.test(v) || !/^[A-Z0-9]+(-[A-Z0-9]+)?$/.test(compact) || compact.length > 12) {
    return { refused: `flight number '${truncate(v, 40)}' was not stored: only letters, digits and one inner hyphen are allowed (it may be a spreadsheet formula)` };
  }
  return { value: compact };
}

/**
 * Free text safe to store (at most `max` characters). A cell a spreadsheet would run as a formula is refused.
 * @returns `{ value }`, `{}` when empty, or `{ refused: reason }`.
 */
export function parseNote(raw: string | undefined, max: number): { value?: string; refused?: string } {
  const v = optionalCell(raw);
  if (v === undefined) return {};
  if (FORMULA_START.test(v)) {
    return { refused: `note '${truncate(v, 40)}' was not stored: it starts like a spreadsheet formula` };
  }
  return { value: truncate(v, max) };
}

function truncate(v: string, max: number): string {
  return v.length <= max ? v : `${v.slice(0, max - 1)}…`;
}
