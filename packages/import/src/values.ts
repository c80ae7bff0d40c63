/**
 * Parsers for the cell values found in flight-history exports. Each returns a normalised value or throws a
 * `FieldError` whose message names the value and says what was expected; the pipeline prefixes the row.
 */
import { isValid, parse as parseWithFormat } from 'date-fns';
import { isIsoDate } from '@travel-time-tracker/core/dates';
import type { TravelMode } from '@travel-time-tracker/core/segment';
import { quote } from './text';

/** A cell that cannot be read; `message` is a sentence without the row prefix. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

/** A date written with a two-digit year (`3/4/24`, `22-Jan-23`): the century is never guessed. */
export class TwoDigitYearError extends FieldError {
  constructor(field: string, value: string) {
    super(`${field} ${quote(value)} has a two-digit year; write the year with four digits`);
    this.name = 'TwoDigitYearError';
  }
}

/** Tokens spreadsheets and scripts write for "no value" (pandas `NaN`, R `NA`, Python `None`). */
const NULL_TOKENS = new Set(['', 'nan', 'na', 'n/a', 'null', 'none', '-', '--']);

/** C0 control characters but tab and line feed, and DEL: dropped from cells. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Trims, turns no-break and other Unicode spaces into plain spaces, drops control characters. */
export function cleanCell(raw: string | undefined): string {
  if (raw === undefined) return '';
  return raw
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, ' ')
    .replace(CONTROL_CHARACTERS, '')
    .trim();
}

/** `cleanCell`, then `undefined` for null tokens (`NaN`, `NA`, `None`, empty, ...). */
export function optionalCell(raw: string | undefined): string | undefined {
  const v = cleanCell(raw);
  return NULL_TOKENS.has(v.toLowerCase()) ? undefined : v;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date cell split into its numbers, before the file's day/month order is applied.
 * - `ymd`: year first (`YYYY-MM-DD`, `YYYY/M/D`, `YYYY.MM.DD`), never ambiguous.
 * - `numeric`: year last (`D/M/YYYY` or `M/D/YYYY`, also with `.` or `-`): `first` and `second` are the two
 *   numbers before the year, in the order written; which is the day is decided for the whole file.
 * `rest` is what follows the date (a time), if anything.
 */
export type DateParts =
  | { kind: 'ymd'; value: string; y: number; m: number; d: number; rest?: string }
  | { kind: 'numeric'; value: string; first: number; second: number; y: number; rest?: string };

/**
 * Splits a date cell: `YYYY-MM-DD` with an optional time after `T` or a space, year-first dates with `/` or `.`,
 * `N/N/YYYY` with `/`, `.` or `-` and an optional time after a space, and dates with an English month name
 * (`22 Jan 2023`, `Jan 22, 2024`, `22-jan-2023`: MONTH_NAME_FORMATS, read as `ymd`).
 * @throws FieldError naming the value when it is not a date of these forms (also for a two-digit year).
 */
export function splitDate(raw: string, field = 'date'): DateParts {
  const v = cleanCell(raw);
  let m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\s*(.+))?$/.exec(v);
  if (m) return withRest({ kind: 'ymd', value: v, y: Number(m[1]), m: Number(m[3]), d: Number(m[4]) }, m[5]);
  m = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:\s+(.+))?$/.exec(v);
  if (m) return withRest({ kind: 'numeric', value: v, first: Number(m[1]), second: Number(m[3]), y: Number(m[4]) }, m[5]);
  if (/^\d{1,2}([/.-])\d{1,2}\1\d{2}(\s|$)/.test(v)) throw new TwoDigitYearError(field, v);
  const named = monthNameDate(v, field);
  if (named) return named;
  throw new FieldError(`${field} ${quote(v)} is not a date (expected YYYY-MM-DD)`);
}

/**
 * English month names and their three-letter abbreviations, any case, as the date-fns `parse` formats below
 * read them (explicit formats, tried in order; never a free-form guess).
 */
export const MONTH_NAME_FORMATS = {
  /** `22 Jan 2023`, `22 January 2023`, `22-jan-2023`, `22-January-2023` */
  dayFirst: ['d MMM yyyy', 'd MMMM yyyy', 'd-MMM-yyyy', 'd-MMMM-yyyy'],
  /** `Jan 22, 2024`, `January 22, 2024`, `Jan 22 2024` */
  monthFirst: ['MMM d, yyyy', 'MMMM d, yyyy', 'MMM d yyyy', 'MMMM d yyyy'],
} as const;

const DAY_MONTH_NAME = /^(\d{1,2}([ -])[A-Za-z]{3,9}\.?\2(\d+))(?:\s+(\d{1,2}:\d{2}.*))?$/;
const MONTH_NAME_DAY = /^([A-Za-z]{3,9}\.? \d{1,2},? (\d+))(?:\s+(\d{1,2}:\d{2}.*))?$/;

/**
 * A date with an English month name (see MONTH_NAME_FORMATS), optionally followed by a time; the day and month
 * are never ambiguous, so it is `ymd`. `undefined` when the cell has no such shape.
 * @throws TwoDigitYearError for `22 Jan 23`; FieldError for a month name date that does not exist or a word that
 *   is not a month.
 */
function monthNameDate(v: string, field: string): DateParts | undefined {
  const dm = DAY_MONTH_NAME.exec(v);
  const md = dm ? null : MONTH_NAME_DAY.exec(v);
  if (!dm && !md) return undefined;
  const [date, year, rest] = dm ? [dm[1]!, dm[3]!, dm[4]] : [md![1]!, md![2]!, md![3]];
  if (year.length === 2) throw new TwoDigitYearError(field, v);
  const text = date.replace('.', '');
  if (year.length === 4) {
    for (const format of dm ? MONTH_NAME_FORMATS.dayFirst : MONTH_NAME_FORMATS.monthFirst) {
      const d = parseWithFormat(text, format, new Date(2000, 0, 1));
      if (isValid(d)) return withRest({ kind: 'ymd', value: v, y: d.getFullYear(), m: d.getMonth() + 1, d: d.getDate() }, rest);
    }
  }
  throw new FieldError(`${field} ${quote(v)} is not a date (expected YYYY-MM-DD, or an English month name as in '22 Jan 2023' or 'Jan 22, 2024')`);
}

function withRest<T extends DateParts>(parts: T, rest: string | undefined): T {
  return rest === undefined ? parts : { ...parts, rest };
}

/**
 * The local date (and time) of split date parts, `numeric` ones read in `order` (`DMY`: day first, `MDY`:
 * month first). A `numeric` date whose two numbers are equal is the same date in both orders.
 * @throws FieldError when the date does not exist (`31/2/2024`) or the time is not a time.
 */
export function datePartsToDate(parts: DateParts, order: 'DMY' | 'MDY' | undefined, field = 'date'): { date: string; time?: string } {
  let y: number, mo: number, d: number;
  if (parts.kind === 'ymd') ({ y, m: mo, d } = parts);
  else {
    y = parts.y;
    const dayFirst = parts.first === parts.second || order === 'DMY';
    if (!dayFirst && order !== 'MDY') throw new Error(`date order needed for ${parts.value}`);
    [d, mo] = dayFirst ? [parts.first, parts.second] : [parts.second, parts.first];
  }
  const date = `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}`;
  if (!isIsoDate(date)) throw new FieldError(`${field} ${quote(parts.value)} is not a valid date`);
  if (parts.rest === undefined) return { date };
  const time = parseTime(parts.rest, field);
  return time === undefined ? { date } : { date, time };
}

/**
 * A local calendar date that needs no day/month order, optionally followed by a time: `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS[.fff]]`, or a `N/N/YYYY` date whose two numbers are equal.
 * Dates written with the year last go through the file's `DateOrderResolver` instead.
 * @returns `{ date, time? }` with `time` as `HH:MM`.
 * @throws FieldError
 */
export function parseDateTime(raw: string, field = 'date'): { date: string; time?: string } {
  const parts = splitDate(raw, field);
  if (parts.kind === 'numeric' && parts.first !== parts.second) {
    throw new FieldError(`${field} ${quote(parts.value)} could be day/month/year or month/day/year`);
  }
  return datePartsToDate(parts, undefined, field);
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
  if (!m) throw new FieldError(`${field} ${quote(v)} is not a time (expected HH:MM or h:MM AM/PM)`);
  let h = Number(m[1]);
  const mi = Number(m[2]);
  const ampm = m[4]?.toUpperCase();
  if (ampm) {
    if (h < 1 || h > 12) throw new FieldError(`${field} ${quote(v)} is not a 12-hour time`);
    h = (h % 12) + (ampm === 'PM' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || (m[3] !== undefined && Number(m[3]) > 59)) {
    throw new FieldError(`${field} ${quote(v)} is not a valid time of day`);
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
 * An airport cell: a bare IATA/ICAO code written as one (`BCN`: three capital letters; `LEBL`: four capitals or
 * digits) or the myFlightradar24 form `City / Name (IATA/ICAO)` (`Barcelona / El Prat (BCN/LEBL)`, either code may
 * be missing). A word in other case (`Lima`, `goa`) is never a code: read as one, `Lima` was Turin-Aeritalia
 * (ICAO `LIMA`) and `Goa` Genoa (IATA `GOA`).
 * A null token (`NaN`, `nan`, `None`, `null`, `N/A`, ...) is a missing airport, never a code: pandas' `NaN` would
 * otherwise resolve to Nadi, Fiji. Only the upper-case `NAN`, the way IATA codes are written, is Nadi.
 * @returns the codes found, IATA first.
 * @throws FieldError when no code can be read (the cell is reported, never guessed).
 */
export function parseAirportCell(raw: string | undefined, field: string): string[] {
  const cell = parseAirportOrPlace(raw, field);
  if ('codes' in cell) return cell.codes;
  const upper = /^[A-Za-z0-9]{3,4}$/.test(cell.place) ? `: codes are written in capitals, such as ${quote(cell.place.toUpperCase())}` : '';
  throw new FieldError(`${field} ${quote(cell.place)} is not an airport code (expected IATA such as 'CDG' or ICAO such as 'LFPG')${upper}`);
}

/** Longest place name accepted (characters); GeoNames' longest names are under 100. */
export const MAX_PLACE_NAME = 100;

/**
 * A `from`/`to` cell of the generic template: airport codes written as codes (see {@link parseAirportCell}),
 * anything else a place name (`Lima`, `Goa`, `Frankfurt (Main) Hbf`) that the import resolves through the
 * gazetteer of place names.
 * @throws FieldError when the cell is empty, has no letter, holds a comma, semicolon or tab, or is longer than
 *   MAX_PLACE_NAME.
 */
export function parseAirportOrPlace(raw: string | undefined, field: string): { codes: string[] } | { place: string } {
  const v = cleanCell(raw);
  if (v !== 'NAN' && optionalCell(v) === undefined) throw new FieldError(`${field} airport is missing`);
  if (/^[A-Z]{3}$|^[A-Z0-9]{4}$/.test(v)) return { codes: [v] };
  const m = /\(([A-Z]{3})?\s*\/?\s*([A-Z0-9]{4})?\)\s*$/.exec(v);
  if (m && (m[1] || m[2])) return { codes: [m[1], m[2]].filter((c): c is string => !!c) };
  // A separator inside a cell is several values run together (a stray quote), not a name.
  if (!/\p{L}/u.test(v) || /[,;\t]/.test(v) || v.length > MAX_PLACE_NAME) {
    throw new FieldError(`${field} ${quote(v)} is not an airport code (IATA such as 'CDG', ICAO such as 'LFPG') nor a place name`);
  }
  return { place: v };
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
  throw new FieldError(`${field} ${quote(v)} is not a yes/no value (expected 1/0, true/false or yes/no)`);
}

/**
 * Words accepted in the generic template's `mode` column (case-insensitive), by the product specification's mode
 * of transport: Flight, Train, Car, Bus, Ferry, Other.
 */
export const MODE_WORDS = {
  flight: ['flight', 'plane', 'air', 'airplane', 'aeroplane'],
  train: ['train', 'rail', 'railway'],
  car: ['car', 'drive'],
  bus: ['bus', 'coach'],
  ferry: ['ferry', 'boat', 'ship', 'sea'],
  other: ['other'],
} as const satisfies Record<TravelMode, readonly string[]>;

const MODE_BY_WORD = new Map<string, TravelMode>(
  (Object.entries(MODE_WORDS) as [TravelMode, readonly string[]][]).flatMap(([mode, words]) => words.map((w) => [w, mode] as const)),
);

/**
 * A `mode` cell: one of the MODE_WORDS.
 * @returns the specification mode, or `undefined` for an empty cell or a null token.
 * @throws FieldError naming the value and the accepted words.
 */
export function parseMode(raw: string | undefined): TravelMode | undefined {
  const v = optionalCell(raw);
  if (v === undefined) return undefined;
  const mode = MODE_BY_WORD.get(v.toLowerCase());
  if (mode) return mode;
  const modes = Object.keys(MODE_WORDS);
  const others = Object.values(MODE_WORDS).flatMap((w) => w.slice(1));
  throw new FieldError(`mode ${quote(v)} is not a mode of transport (${modes.slice(0, -1).join(', ')} or ${modes.at(-1)}; also ${others.join(', ')})`);
}
