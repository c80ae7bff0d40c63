/**
 * The travel segment: one movement of the traveller from one country to another (a flight, a drive over a
 * border, a ferry). The one zod schema here defines it for every boundary: the Firestore document
 * (`users/{uid}/segments/{segmentId}`), the import pipeline's output and the `report` command's JSON input.
 */
import { z } from 'zod';
import { isIsoDate, parseDayNumber, toDayNumber } from './dates';

/** ISO 3166-1 alpha-2 country code, upper case (`FR`, `US`). Existence is checked against the seed separately. */
export const CountryCodeSchema = z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code such as "FR"' });

/**
 * `YYYY-MM-DD` local calendar date (any year 0001-9999; travel dates use the narrower `TravelDateSchema`). The
 * metadata is what the app's generated JSON Schemas say of it: JSON Schema's `date` format (RFC 3339
 * full-date), which quicktype keeps a `String` in Swift: a local date, never to be converted through a time zone.
 */
export const IsoDateSchema = z
  .string()
  .refine(isIsoDate, { message: 'must be a real calendar date written YYYY-MM-DD' })
  .meta({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/**
 * Earliest and latest plausible TRAVEL date (inclusive, local `YYYY-MM-DD`): segment departure/arrival dates
 * and planned stays' entry/exit dates. A travel history outside these years is a typo (0219-05-01 for
 * 2019-05-01), and accepting it would make the history span centuries: absurd day counts instead of a clear
 * error, and every recompute allocating per-day arrays over the whole span. The Firestore
 * security rules (their `isTravelDate` function) enforce the same years. Evaluation dates, seed membership dates and other
 * non-travel dates stay unbounded (`IsoDateSchema`).
 */
export const MIN_TRAVEL_DATE = '1900-01-01';
export const MAX_TRAVEL_DATE = '2199-12-31';

/**
 * True when `date` is a real `YYYY-MM-DD` date within {@link MIN_TRAVEL_DATE}..{@link MAX_TRAVEL_DATE} (inclusive).
 * @example
 * isTravelDate('2026-01-31') //=> true
 * isTravelDate('0219-05-01') //=> false
 */
export function isTravelDate(date: unknown): date is string {
  // Lexical order is calendar order for valid 4-digit-year dates.
  return isIsoDate(date) && date >= MIN_TRAVEL_DATE && date <= MAX_TRAVEL_DATE;
}

/** A travel date: a real `YYYY-MM-DD` local date between MIN_TRAVEL_DATE and MAX_TRAVEL_DATE inclusive. */
export const TravelDateSchema = IsoDateSchema.refine((d) => !isIsoDate(d) || isTravelDate(d), {
  // An invalid date gets only the IsoDateSchema message; the range message is for real dates out of range.
  message: `must be a date between ${MIN_TRAVEL_DATE} and ${MAX_TRAVEL_DATE}`,
}).meta({ description: `A local calendar date YYYY-MM-DD between ${MIN_TRAVEL_DATE} and ${MAX_TRAVEL_DATE}.` });

/** Local wall-clock time `HH:MM` (24-hour). */
export const LocalTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a local time written HH:MM (24-hour)' });

/** IATA (3 letters) or ICAO (4 letters/digits) airport code, upper case. */
export const AirportCodeSchema = z.string().regex(/^[A-Z0-9]{3,4}$/, { message: 'must be an IATA (3 letters) or ICAO (4 characters) airport code' });

/**
 * How the traveller moved: the product specification's `mode_of_transport` (Flight, Train, Car, Bus, Ferry, Other),
 * stored in lower case. Car and bus are told apart so that the app can show them as the traveller entered them.
 */
export const TravelModeSchema = z.enum(['flight', 'train', 'car', 'bus', 'ferry', 'other']);
export type TravelMode = z.infer<typeof TravelModeSchema>;

/**
 * The largest amount by which the arrival date may precede the departure date: a flight eastward over the
 * International Date Line (Auckland 00:30 on the 24th -> Honolulu 10:00 on the 23rd) lands on the local
 * calendar day before it left. Anything earlier is an error.
 */
export const MAX_DATE_LINE_SHIFT_DAYS = 1;

/** Bounds on free-text fields, shared with the security rules. */
export const SEGMENT_LIMITS = { flightNumber: 12, notes: 500, purpose: 200, entryPoint: 100 } as const;

/**
 * A string of at most `max` UTF-16 code units, i.e. JavaScript's `length`: what the security rules' `size()`
 * counts (the Firestore security rules), and the engine's fast path ({@link readSegment}) and the import's
 * truncation of long text with them. Not zod's `.max()`, which counts Unicode code points (zod 4.6): with it a note of
 * 300 emoji (300 code points, 600 code units) passed the schema, was stored by the backend, and the rules then
 * refused every edit of that segment from the app.
 * @example
 * stringOfAtMost(5).safeParse('Paris').success //=> true
 * // Three emoji are 3 code points but 6 UTF-16 code units:
 * stringOfAtMost(5).safeParse('😀😀😀').success //=> false
 */
export function stringOfAtMost(max: number) {
  // The metadata is what the app's generated JSON Schemas say: `maxLength` (JSON Schema counts code
  // points, so it is a looser bound) and the exact limit in UTF-16 code units (`x-maxUtf16Length`).
  return z
    .string()
    .refine((s) => s.length <= max, { message: `must be at most ${max} characters long (an emoji counts as 2)` })
    .meta({ maxLength: max, 'x-maxUtf16Length': max, description: `At most ${max} UTF-16 code units (Swift: text.utf16.count; an emoji counts 2).` });
}

/**
 * Field shapes of a segment, without the cross-field check (reused by document schemas that add fields).
 *
 * - `departureCountry`, `arrivalCountry`: ISO 3166-1 alpha-2.
 * - `departureDate`, `arrivalDate`: the **local calendar dates** at the place of departure and at the place of
 *   arrival (never UTC dates, never the server's time zone), between MIN_TRAVEL_DATE and MAX_TRAVEL_DATE.
 * - `departureTime`, `arrivalTime`: optional local wall-clock times `HH:MM` at those places.
 * - `departureAirport`, `arrivalAirport`: optional IATA/ICAO codes.
 * - `transit`: true when the traveller stayed airside at the arrival airport and flew on with the next segment
 *   (no entry into `arrivalCountry`; see {@link transitTouchesRegion} for how a transit still counts as entry into a
 *   region).
 * - `flightNumber`, `notes`: optional, bounded free text.
 * - `purpose`: optional short free text, why the traveller went (the specification's `purpose`: "work", "family").
 * - `entryPoint`: optional free text naming the border crossing, port or station of entry (the specification's
 *   `entry_point`: "Hendaye", "Dover ferry terminal"); airports keep their IATA/ICAO fields.
 */
export const segmentFields = {
  departureCountry: CountryCodeSchema,
  arrivalCountry: CountryCodeSchema,
  departureDate: TravelDateSchema,
  arrivalDate: TravelDateSchema,
  departureTime: LocalTimeSchema.optional(),
  arrivalTime: LocalTimeSchema.optional(),
  departureAirport: AirportCodeSchema.optional(),
  arrivalAirport: AirportCodeSchema.optional(),
  mode: TravelModeSchema,
  transit: z.boolean().optional(),
  flightNumber: stringOfAtMost(SEGMENT_LIMITS.flightNumber).optional(),
  notes: stringOfAtMost(SEGMENT_LIMITS.notes).optional(),
  purpose: stringOfAtMost(SEGMENT_LIMITS.purpose).optional(),
  entryPoint: stringOfAtMost(SEGMENT_LIMITS.entryPoint).optional(),
};

/** Segment fields that never change a day count (free text): left out of status fingerprints and the timeline. */
export const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(['flightNumber', 'notes', 'purpose', 'entryPoint']);

/** Segment fields that can change a day count: every field of `segmentFields` but the free text. */
export const COUNTED_FIELDS: ReadonlySet<string> = new Set(Object.keys(segmentFields).filter((k) => !FREE_TEXT_FIELDS.has(k)));

/**
 * Cross-field check: the arrival date is not more than one day (date line) before the departure date.
 * @example
 * // Auckland to Honolulu lands the calendar day before it left:
 * arrivalNotBeforeDeparture({ departureDate: '2026-01-24', arrivalDate: '2026-01-23' }) //=> true
 * arrivalNotBeforeDeparture({ departureDate: '2026-01-24', arrivalDate: '2026-01-22' }) //=> false
 */
export function arrivalNotBeforeDeparture(s: { departureDate: string; arrivalDate: string }): boolean {
  if (!isIsoDate(s.departureDate) || !isIsoDate(s.arrivalDate)) return true; // field errors are reported per field
  return toDayNumber(s.arrivalDate) >= toDayNumber(s.departureDate) - MAX_DATE_LINE_SHIFT_DAYS;
}

/** The message and field of the `arrivalNotBeforeDeparture` check, shared by every schema that applies it. */
export const arrivalRefinement = {
  message: 'must not be before departureDate (by more than the one day a date-line crossing allows)',
  path: ['arrivalDate'],
};

/** A travel segment. Unknown keys are rejected (`strict`), as the security rules do. */
export const SegmentSchema = z.strictObject(segmentFields).refine(arrivalNotBeforeDeparture, arrivalRefinement);
export type Segment = z.infer<typeof SegmentSchema>;

/** A segment with an id, as the core receives it (the Firestore document id, or `row-N` for an import). */
export type IdentifiedSegment = Segment & { id: string };

/** A segment as the core receives it: the segment schema plus a non-empty `id`. */
export const IdentifiedSegmentSchema = z
  .strictObject({ ...segmentFields, id: z.string().min(1).max(1500) })
  .refine(arrivalNotBeforeDeparture, arrivalRefinement);

const SEGMENT_KEYS = new Set([...Object.keys(segmentFields), 'id']);
const MODES = new Set(TravelModeSchema.options as readonly string[]);
const MIN_TRAVEL_DAY = parseDayNumber(MIN_TRAVEL_DATE);
const MAX_TRAVEL_DAY = parseDayNumber(MAX_TRAVEL_DATE);

/** Upper-case letter A-Z at position `i`: its index 0-25, else -1. */
function letter(s: string, i: number): number {
  const c = s.charCodeAt(i) - 65;
  return c >= 0 && c < 26 ? c : -1;
}

/**
 * `^[A-Z]{2}$` ({@link CountryCodeSchema}): the code's index 0-675 (first letter * 26 + second), else -1.
 * @example
 * countryIndex('AA') //=> 0
 * countryIndex('FR') //=> 147
 * countryIndex('fr') //=> -1
 */
export function countryIndex(v: unknown): number {
  if (typeof v !== 'string' || v.length !== 2) return -1;
  const a = letter(v, 0);
  const b = letter(v, 1);
  return a < 0 || b < 0 ? -1 : a * 26 + b;
}

/** `^([01]\d|2[0-3]):[0-5]\d$` (LocalTimeSchema) */
function isLocalTime(v: unknown): boolean {
  if (typeof v !== 'string' || v.length !== 5 || v.charCodeAt(2) !== 58) return false;
  const h1 = v.charCodeAt(0) - 48;
  const h2 = v.charCodeAt(1) - 48;
  const m1 = v.charCodeAt(3) - 48;
  const m2 = v.charCodeAt(4) - 48;
  return h1 >= 0 && h2 >= 0 && h2 <= 9 && (h1 <= 1 || (h1 === 2 && h2 <= 3)) && m1 >= 0 && m1 <= 5 && m2 >= 0 && m2 <= 9;
}

/** `^[A-Z0-9]{3,4}$` (AirportCodeSchema) */
function isAirportCode(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 3 || v.length > 4) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/**
 * An optional field's part in the fast path: 0 when absent, 1 when given and valid, INVALID otherwise (so that a
 * sum of them is negative as soon as one field is invalid).
 */
const INVALID = -100;
const optionalTime = (v: unknown) => (v === undefined ? 0 : isLocalTime(v) ? 1 : INVALID);
const optionalAirport = (v: unknown) => (v === undefined ? 0 : isAirportCode(v) ? 1 : INVALID);
const optionalFlag = (v: unknown) => (v === undefined ? 0 : typeof v === 'boolean' ? 1 : INVALID);
const optionalText = (v: unknown, max: number) => (v === undefined ? 0 : typeof v === 'string' && v.length <= max ? 1 : INVALID);

/** What `readSegment` parsed from a segment it accepted: what the engine needs of it. */
export interface SegmentRead {
  /** Departure and arrival day numbers ({@link toDayNumber}). */
  departure: number;
  arrival: number;
  /** The two country codes' `countryIndex`. */
  depC: number;
  arrC: number;
  transit: boolean;
}

/**
 * The hand-written fast path of `IdentifiedSegmentSchema` (zod costs ~2 µs per segment, which would dominate a
 * 10 000-segment evaluation), which also parses what the engine needs into `out` (left as it was when it returns
 * false). It must never say yes to input the schema rejects (it gives the schema's answer exactly on randomly
 * edited segments, as the core's fast-path tests check); whatever it rejects is handed to zod, which decides and
 * words the error.
 * @example
 * const out = { departure: 0, arrival: 0, depC: 0, arrC: 0, transit: false }
 * const segment = { id: 's1', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-01', mode: 'train' }
 * readSegment(segment, out) //=> true
 * out //=> { departure: 20454, arrival: 20454, depC: countryIndex('GB'), arrC: countryIndex('FR'), transit: false }
 * readSegment({ ...segment, mode: 'Train' }, out) //=> false
 */
export function readSegment(value: unknown, out: SegmentRead): boolean {
  // zod takes any non-array object (class instances too) and reads its keys with for...in (inherited ones too).
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const id = o.id;
  if (typeof id !== 'string' || id.length < 1 || id.length > 1500) return false;
  const depC = countryIndex(o.departureCountry);
  const arrC = countryIndex(o.arrivalCountry);
  if (depC < 0 || arrC < 0 || !MODES.has(o.mode as string)) return false;
  const transit = o.transit;
  const given =
    optionalTime(o.departureTime) +
    optionalTime(o.arrivalTime) +
    optionalAirport(o.departureAirport) +
    optionalAirport(o.arrivalAirport) +
    optionalFlag(transit) +
    optionalText(o.flightNumber, SEGMENT_LIMITS.flightNumber) +
    optionalText(o.notes, SEGMENT_LIMITS.notes) +
    optionalText(o.purpose, SEGMENT_LIMITS.purpose) +
    optionalText(o.entryPoint, SEGMENT_LIMITS.entryPoint);
  if (given < 0) return false;
  // Fields present: the six required ones (checked above and below), plus each optional one given. Counting the
  // keys (as zod enumerates them) is much cheaper than looking each one up; only when there are more keys than
  // fields given (an unknown key, or a known one set to undefined, which zod accepts) are they looked up.
  let keys = 0;
  for (const _ in o) keys++;
  if (keys !== 6 + given && !onlySegmentKeys(o)) return false;
  const departure = parseDayNumber(o.departureDate);
  // Most flights land on the date they leave: the same string is not parsed twice.
  const arrival = o.arrivalDate === o.departureDate ? departure : parseDayNumber(o.arrivalDate);
  // Both within the travel-date range, arrival at most MAX_DATE_LINE_SHIFT_DAYS before departure (NaN, not a real
  // date, fails every comparison).
  if (!(
    departure >= MIN_TRAVEL_DAY &&
    departure <= MAX_TRAVEL_DAY &&
    arrival >= MIN_TRAVEL_DAY &&
    arrival <= MAX_TRAVEL_DAY &&
    arrival >= departure - MAX_DATE_LINE_SHIFT_DAYS
  )) {
    return false;
  }
  out.departure = departure;
  out.arrival = arrival;
  out.depC = depC;
  out.arrC = arrC;
  out.transit = transit === true;
  return true;
}

function onlySegmentKeys(o: object): boolean {
  for (const k in o) if (!SEGMENT_KEYS.has(k)) return false;
  return true;
}

const scratch: SegmentRead = { departure: 0, arrival: 0, depC: 0, arrC: 0, transit: false };

/**
 * True when `value` passes the hand-written fast path of {@link IdentifiedSegmentSchema} (see {@link readSegment});
 * false means "ask zod".
 * @example
 * const segment = { id: 's1', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-01', mode: 'train' }
 * quickSegmentCheck(segment) //=> true
 * quickSegmentCheck({ ...segment, departureDate: '2026-02-30' }) //=> false
 */
export function quickSegmentCheck(value: unknown): boolean {
  return readSegment(value, scratch);
}

/**
 * Input of the `report` command when given a `.json` file: `{ "segments": [ ... ] }`, each a segment with an
 * optional `id` (the report numbers segments without one `segment-1`, `segment-2`, ... in file order).
 */
export const SegmentFileSchema = z.strictObject({
  segments: z.array(z.strictObject({ ...segmentFields, id: z.string().min(1).max(128).optional() }).refine(arrivalNotBeforeDeparture, arrivalRefinement)),
});
