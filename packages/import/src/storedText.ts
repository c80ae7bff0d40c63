/**
 * What text from a file may be stored and shown again: the one owner of these rules for the CLI and the backend
 * alike. A flight number is letters and digits with at most one inner hyphen; free text is cut on a grapheme
 * boundary to its limit; a cell a spreadsheet would run as a formula (OWASP "CSV injection") is refused, so that
 * no stored value starts like one when the app or an export shows it again; a message that quotes a cell (a skip
 * reason) is neutralised instead, since it must still be shown.
 */
import { SEGMENT_LIMITS } from '@travel-time-tracker/core/segment';
import { CONTROL_CHARACTERS, optionalCell } from './values';
import { quote, truncateText } from './text';

/** First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** True when a spreadsheet would run `text` as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return). */
export function startsLikeFormula(text: string): boolean {
  return FORMULA_START.test(text);
}

/**
 * A flight number safe to store: letters and digits with at most one inner hyphen (`T3-7107`, `EZY1234AB`), upper
 * case, spaces removed (`NK 2124` -> `NK2124`), at most `SEGMENT_LIMITS.flightNumber` (12) characters. Anything else, in particular a formula such as `=HYPERLINK(...)`, is refused.
 * @returns `{ value }`, `{}` when the cell is empty, or `{ refused: reason }`.
 */
export function parseFlightNumber(raw: string | undefined): { value?: string; refused?: string } {
  const v = optionalCell(raw);
  if (v === undefined) return {};
  const compact = v.replace(/\s+/g, '').toUpperCase();
  if (startsLikeFormula(v) || !/^[A-Z0-9]+(-[A-Z0-9]+)?$/.test(compact) || compact.length > SEGMENT_LIMITS.flightNumber) {
    return { refused: `flight number ${quote(v)} was not stored: only letters, digits and one inner hyphen are allowed (it may be a spreadsheet formula)` };
  }
  return { value: compact };
}

/**
 * A flight number as the file writes it, completed with the airline when the file gives the number alone: a number
 * of 1-5 digits, optionally with one operational-suffix letter (`400`, `1234A`), is prefixed with an airline code of
 * 2-3 letters or digits (`LH` + `400` -> `LH400`); anything else is returned as it is, and an airline given by name
 * completes nothing. The result still goes through {@link parseFlightNumber} before it is stored.
 * @example
 * completeFlightNumber('400', 'LH') //=> 'LH400'
 * completeFlightNumber('LH400', 'LH') //=> 'LH400'
 * completeFlightNumber('400', 'Lufthansa') //=> '400'
 */
export function completeFlightNumber(flight: string, airline: string | undefined): string {
  return /^\d{1,5}[A-Z]?$/.test(flight) && airline !== undefined && /^[A-Z0-9]{2,3}$/.test(airline) ? airline + flight : flight;
}

/**
 * Free text safe to store (at most `max` UTF-16 units, cut on a grapheme boundary). A cell a spreadsheet would run
 * as a formula is refused.
 * @param what names the field in the refusal (`note`, `purpose`, ...).
 * @returns `{ value }`, `{}` when empty, or `{ refused: reason }`.
 */
export function parseNote(raw: string | undefined, max: number, what = 'note'): { value?: string; refused?: string } {
  const v = optionalCell(raw);
  if (v === undefined) return {};
  if (startsLikeFormula(v)) {
    return { refused: `${what} ${quote(v)} was not stored: it starts like a spreadsheet formula` };
  }
  return { value: truncateText(v, max) };
}

/**
 * A message that may quote a cell (a skip reason), made safe to show again: control characters become spaces, and
 * a text starting like a formula gets a leading `'` (what spreadsheets read as "text"); then cut to `max` UTF-16
 * units on a grapheme boundary, so the prefix cannot push it over the limit.
 */
export function neutralise(text: string, max: number): string {
  let t = text.replace(CONTROL_CHARACTERS, ' ');
  if (startsLikeFormula(t)) t = `'${t}`;
  return truncateText(t, max);
}
