/**
 * Segments parsed once for counting: dates as day numbers, countries as dense ids (`parseSegments`), and their
 * reading order on those numbers (`readingOrder`, the order of {@link sortSegments}).
 */
import { parseDayNumber, toDayNumber } from './dates';
import { continuityOrder } from './order';
import { IdentifiedSegmentSchema, countryIndex, readSegment, type IdentifiedSegment, type SegmentRead } from './segment';
import { NO_TIME, sortSegments, sortedPositions } from './sorting';
import { ValidationError, describeZodError } from './validation';

/**
 * Segments with their dates already parsed (day numbers) and their countries as dense ids (in order of first
 * appearance), input order: what `parseSegments` returns, so that each date is parsed once.
 */
export interface ParsedSegments {
  readonly segments: readonly IdentifiedSegment[];
  readonly dep: ArrayLike<number>;
  readonly arr: ArrayLike<number>;
  readonly depC: ArrayLike<number>;
  readonly arrC: ArrayLike<number>;
  /**
   * `transit` of each segment: 1 for `true`, 0 when absent or false (2 for another truthy value, which only
   * unvalidated input can have: it makes a transit stay but never an airside departure).
   */
  readonly transit: ArrayLike<number>;
  /** Country id -> ISO code. */
  readonly codes: readonly string[];
}

/** Options of `parseSegments`. */
export interface ParseOptions {
  /**
   * True: every segment must pass `IdentifiedSegmentSchema` (its hand-written fast path,
   * {@link readSegment}, with zod for whatever that refuses). False: only the dates must be real; the other fields are
   * taken as given (a country that is not a code is kept, and warned about as unknown; a truthy `transit` other
   * than `true` is 2, see `ParsedSegments.transit`).
   */
  validate: boolean;
}

/**
 * The one parser of segments into `ParsedSegments`: each date parsed once, country codes interned (a 26 x 26 table
 * for `[A-Z]{2}` codes, no hashing; anything else, only in unvalidated input, through a map).
 *
 * Validating (`validate: true`) is the path of everything the app is shown: {@link prepareEvaluation}
 * (evaluateTravel, planTrips, evaluateDefinitions). Unvalidated callers: {@link computePresence} and
 * {@link midnightPresence}, whose callers are the tests and direct users of the core who pass
 * segments they built themselves (hand-made itineraries, out-of-range test dates).
 * @throws ValidationError (validating) naming the first invalid segment: `segments[3] (id "x"): arrivalDate ...`;
 *   or `segments must be an array`.
 * @throws InvalidDateError (not validating) naming the first bad date in reading order (`sortSegments`):
 *   `segment "x" departureDate: ...`.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const parsed = parseSegments(trip, { validate: true })
 * Array.from(parsed.arr) //=> [toDayNumber('2026-01-02'), toDayNumber('2026-01-30')]
 * Array.from(parsed.depC).map((c) => parsed.codes[c]) //=> ['US', 'FR']
 * parseSegments([{ ...trip[0], arrivalDate: '2026-02-30' }], { validate: true }) //=> throws ValidationError
 */
export function parseSegments(segments: readonly IdentifiedSegment[], options: ParseOptions): ParsedSegments {
  const validate = options.validate;
  if (validate && !Array.isArray(segments)) throw new ValidationError('segments must be an array', [{ path: 'segments', message: 'must be an array' }]);
  const n = segments.length;
  const dep = new Int32Array(n);
  const arr = new Int32Array(n);
  const depC = new Int32Array(n);
  const arrC = new Int32Array(n);
  const transit = new Uint8Array(n);
  // Country codes are [A-Z]{2} in valid segments: a 26 x 26 table maps each to a dense id without hashing
  // (entry = id + 1). Other values (unvalidated input only) go through `others`.
  const idOf = new Int32Array(676);
  const codes: string[] = [];
  let others: Map<unknown, number> | undefined;
  const intern = (code: unknown, index: number) => {
    if (index < 0) {
      others ??= new Map();
      let k = others.get(code);
      if (k === undefined) others.set(code, (k = codes.push(code as string) - 1));
      return k;
    }
    let id = idOf[index]! - 1;
    if (id === -1) {
      id = codes.push(code as string) - 1;
      idOf[index] = id + 1;
    }
    return id;
  };
  const read: SegmentRead = { departure: 0, arrival: 0, depC: 0, arrC: 0, transit: false };
  let badDate = false;
  for (let i = 0; i < n; i++) {
    const s = segments[i]!;
    if (validate && readSegment(s, read)) {
      // The fast path's result: no property of the segment is read again.
      dep[i] = read.departure;
      arr[i] = read.arrival;
      transit[i] = read.transit ? 1 : 0;
      depC[i] = intern(s.departureCountry, read.depC);
      arrC[i] = intern(s.arrivalCountry, read.arrC);
      continue;
    }
    if (validate) {
      const r = IdentifiedSegmentSchema.safeParse(s);
      if (!r.success) {
        const id = (s as { id?: unknown } | undefined)?.id;
        const what = typeof id === 'string' ? `segments[${i}] (id "${id}")` : `segments[${i}]`;
        throw new ValidationError(
          describeZodError(r.error, what),
          r.error.issues.map((x) => ({ path: `segments[${i}].${x.path.join('.')}`, message: x.message })),
        );
      }
      // Valid after all (e.g. a field explicitly set to undefined): read below like any other.
    }
    const d = parseDayNumber(s.departureDate);
    const a = parseDayNumber(s.arrivalDate);
    // Checked before storing: an Int32Array stores NaN as 0.
    if (Number.isNaN(d) || Number.isNaN(a)) badDate = true;
    dep[i] = d;
    arr[i] = a;
    depC[i] = intern(s.departureCountry, countryIndex(s.departureCountry));
    arrC[i] = intern(s.arrivalCountry, countryIndex(s.arrivalCountry));
    transit[i] = s.transit === true ? 1 : s.transit ? 2 : 0;
  }
  if (badDate) {
    // Only unvalidated input gets here. The error names the first bad date in reading order, with its field
    // (building names up front costs more than the whole count).
    for (const x of sortSegments(segments)) {
      toDayNumber(x.departureDate, `segment "${x.id}" departureDate`);
      toDayNumber(x.arrivalDate, `segment "${x.id}" arrivalDate`);
    }
  }
  return { segments, dep, arr, depC, arrC, transit, codes };
}

/**
 * The {@link sortSegments} order of parsed segments, as input positions ({@link compareSegments} on day numbers).
 * @example
 * const out = { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' }
 * const back = { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' }
 * Array.from(readingOrder(parseSegments([back, out], { validate: true }))) //=> [1, 0]
 */
export function readingOrder(parsed: ParsedSegments): ArrayLike<number> {
  const { segments, dep, arr, depC, arrC, codes } = parsed;
  const base = sortedPositions(
    segments.length,
    (a, b) => {
      if (dep[a] !== dep[b]) return dep[a]! - dep[b]!;
      const x = segments[a]!;
      const y = segments[b]!;
      const ta = x.departureTime ?? NO_TIME;
      const tb = y.departureTime ?? NO_TIME;
      if (ta !== tb) return ta < tb ? -1 : 1;
      if (arr[a] !== arr[b]) return arr[a]! - arr[b]!;
      return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
    },
    dep,
  );
  return continuityOrder(base, { dep, arr, depC, arrC, countries: codes.length, lastKey: (d) => d + 1 });
}
