/**
 * One entry point for everything the app shows about a traveller's days: days per country and the status of
 * each visa rule, as of a local evaluation date. Pure (no Firebase); the functions and the CLI wrap it.
 */
import { z } from 'zod';
import { fromDayNumber, toDayNumber } from './dates';
import { parseDayNumber } from './dayNumbers';
import { MAX_RESIDENCE_PERMITS, ResidencePermitSchema, permitCover, ruleApplicability, type Applicability, type ResidencePermit } from './applicability';
import { computeCountryDays } from './countryDays';
import { countDays, intersectIntervals, type DayInterval } from './intervals';
import { daySetRuns, presenceOfParsed, readingOrder, regionDays, regionPresence, type ParsedSegments, type PlannedStay, type Presence } from './presence';
import { VisaRuleSchema, loadReferenceData, type ReferenceData, type VisaRule } from './referenceData';
import type { RuleEvaluationSchema } from './ruleResultSchemas';
import { evaluateRollingWindowDays, type RollingWindowResult } from './rules/rollingWindow';
import {
  CountryCodeSchema,
  IsoDateSchema,
  MAX_DATE_LINE_SHIFT_DAYS,
  MAX_TRAVEL_DATE,
  MIN_TRAVEL_DATE,
  SEGMENT_LIMITS,
  TravelDateSchema,
  TravelModeSchema,
  arrivalNotBeforeDeparture,
  arrivalRefinement,
  segmentFields,
  type IdentifiedSegment,
} from './segment';
import { ValidationError, describeZodError, parseOrThrow } from './validation';

export type { PlannedStay } from './presence';

/**
 * Status of one rolling-window rule as of `asOf` (dates are local `YYYY-MM-DD`; see rules/rollingWindow.ts for
 * definitions): inferred from ruleResultSchemas.ts `RuleEvaluationSchema`, where each field is documented.
 */
export type RuleEvaluation = z.infer<typeof RuleEvaluationSchema>;

/** Result of `evaluateTravel`. */
export interface TravelEvaluation {
  asOf: string;
  /** ISO alpha-2 -> distinct presence dates up to `asOf` (planned and transit days excluded). */
  countryDays: Record<string, number>;
  /** `YYYY` -> ISO alpha-2 -> days in that calendar year up to `asOf`. */
  countryDaysByYear: Record<string, Record<string, number>>;
  rules: RuleEvaluation[];
  /** Data problems found while computing presence (gaps, overlaps, unknown codes...), each naming segments. */
  warnings: string[];
}

/** Options of `evaluateTravel` and `planTrips`. */
export interface EvaluateOptions {
  /** Evaluation date: the traveller's local "today" (`YYYY-MM-DD`). */
  asOf: string;
  /** ISO alpha-2 nationalities, for exemptions (EU/EEA/CH under Schengen). */
  nationalities?: readonly string[];
  /** Rules to evaluate (default: all rules of the reference data). */
  rules?: readonly VisaRule[];
  /** Reference data (default: `loadReferenceData()`). */
  reference?: ReferenceData;
  /** Hypothetical stays added as presence (planning). */
  extraStays?: readonly PlannedStay[];
  /** Residence permits and long-stay visas (applicability.ts): their state's days are left out where the rule says. */
  residencePermits?: readonly ResidencePermit[];
}

/** A segment as the core receives it: the segment schema plus a non-empty `id`. */
export const IdentifiedSegmentSchema = z
  .strictObject({ ...segmentFields, id: z.string().min(1).max(1500) })
  .refine(arrivalNotBeforeDeparture, arrivalRefinement);

/**
 * A planned stay: country and inclusive local entry/exit dates (travel dates, MIN_TRAVEL_DATE..MAX_TRAVEL_DATE),
 * entry not after exit.
 */
export const PlannedStaySchema = z
  .strictObject({ country: CountryCodeSchema, entryDate: TravelDateSchema, exitDate: TravelDateSchema })
  .refine((s) => !isValidPair(s) || s.exitDate >= s.entryDate, { message: 'must not be before entryDate', path: ['exitDate'] });

function isValidPair(s: { entryDate: string; exitDate: string }): boolean {
  return IsoDateSchema.safeParse(s.entryDate).success && IsoDateSchema.safeParse(s.exitDate).success;
}

const SEGMENT_KEYS = new Set([...Object.keys(segmentFields), 'id']);
const MODES = new Set(TravelModeSchema.options as readonly string[]);
const MIN_TRAVEL_DAY = parseDayNumber(MIN_TRAVEL_DATE);
const MAX_TRAVEL_DAY = parseDayNumber(MAX_TRAVEL_DATE);
const str = (v: unknown): v is string => typeof v === 'string';

/** Upper-case letter A-Z at position `i`: its index 0-25, else -1. */
function letter(s: string, i: number): number {
  const c = s.charCodeAt(i) - 65;
  return c >= 0 && c < 26 ? c : -1;
}

/** `^[A-Z]{2}$`: the code's index 0-675 (first letter * 26 + second), else -1. */
function countryIndex(v: unknown): number {
  if (typeof v !== 'string' || v.length !== 2) return -1;
  const a = letter(v, 0);
  const b = letter(v, 1);
  return a < 0 || b < 0 ? -1 : a * 26 + b;
}

/** `^([01]\d|2[0-3]):[0-5]\d$` */
function isLocalTime(v: unknown): boolean {
  if (typeof v !== 'string' || v.length !== 5 || v.charCodeAt(2) !== 58) return false;
  const h1 = v.charCodeAt(0) - 48;
  const h2 = v.charCodeAt(1) - 48;
  const m1 = v.charCodeAt(3) - 48;
  const m2 = v.charCodeAt(4) - 48;
  return h1 >= 0 && h2 >= 0 && h2 <= 9 && (h1 <= 1 || (h1 === 2 && h2 <= 3)) && m1 >= 0 && m1 <= 5 && m2 >= 0 && m2 <= 9;
}

/** `^[A-Z0-9]{3,4}$` */
function isAirportCode(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 3 || v.length > 4) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/**
 * The hand-written fast path of `IdentifiedSegmentSchema` (zod costs ~2 µs per segment, which would dominate a
 * 10 000-segment evaluation), which also parses what the engine needs: returns the departure day number and
 * leaves the arrival day number, the two country codes' indexes (`countryIndex`) and the transit flag in the
 * `read*` variables below; or returns NaN. It must never say yes to input the schema rejects (it gives the
 * schema's answer exactly on randomly edited segments, see test/unit/core/fastPaths.test.ts); whatever it rejects
 * is handed to zod, which decides and words the error.
 */
function readSegment(value: unknown): number {
  // zod takes any non-array object (class instances too) and reads its keys with for...in (inherited ones too).
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return NaN;
  const o = value as Record<string, unknown>;
  const id = o.id;
  if (typeof id !== 'string' || id.length < 1 || id.length > 1500) return NaN;
  const depC = countryIndex(o.departureCountry);
  const arrC = countryIndex(o.arrivalCountry);
  const mode = o.mode;
  if (depC < 0 || arrC < 0 || !MODES.has(mode as string)) return NaN;
  // Fields present: the six required ones (checked above and below), plus each optional one given.
  let fields = 6;
  if (o.departureTime !== undefined) {
    if (!isLocalTime(o.departureTime)) return NaN;
    fields++;
  }
  if (o.arrivalTime !== undefined) {
    if (!isLocalTime(o.arrivalTime)) return NaN;
    fields++;
  }
  if (o.departureAirport !== undefined) {
    if (!isAirportCode(o.departureAirport)) return NaN;
    fields++;
  }
  if (o.arrivalAirport !== undefined) {
    if (!isAirportCode(o.arrivalAirport)) return NaN;
    fields++;
  }
  const transit = o.transit;
  if (transit !== undefined) {
    if (typeof transit !== 'boolean') return NaN;
    fields++;
  }
  if (o.flightNumber !== undefined) {
    if (!str(o.flightNumber) || o.flightNumber.length > SEGMENT_LIMITS.flightNumber) return NaN;
    fields++;
  }
  if (o.notes !== undefined) {
    if (!str(o.notes) || o.notes.length > SEGMENT_LIMITS.notes) return NaN;
    fields++;
  }
  if (o.purpose !== undefined) {
    if (!str(o.purpose) || o.purpose.length > SEGMENT_LIMITS.purpose) return NaN;
    fields++;
  }
  if (o.entryPoint !== undefined) {
    if (!str(o.entryPoint) || o.entryPoint.length > SEGMENT_LIMITS.entryPoint) return NaN;
    fields++;
  }
  // Counting the keys (as zod enumerates them) is much cheaper than looking each one up; only when there are more
  // keys than fields given (an unknown key, or a known one set to undefined, which zod accepts) are they looked up.
  let keys = 0;
  for (const _ in o) keys++;
  if (keys !== fields && !onlySegmentKeys(o)) return NaN;
  const departure = parseDayNumber(o.departureDate);
  // Most flights land on the date they leave: the same string is not parsed twice.
  const arrival = o.arrivalDate === o.departureDate ? departure : parseDayNumber(o.arrivalDate);
  // Both within the travel-date range, arrival at most MAX_DATE_LINE_SHIFT_DAYS before departure (NaN, not a real
  // date, fails every comparison).
  if (
    !(
      departure >= MIN_TRAVEL_DAY &&
      departure <= MAX_TRAVEL_DAY &&
      arrival >= MIN_TRAVEL_DAY &&
      arrival <= MAX_TRAVEL_DAY &&
      arrival >= departure - MAX_DATE_LINE_SHIFT_DAYS
    )
  ) {
    return NaN;
  }
  readArrival = arrival;
  readDepC = depC;
  readArrC = arrC;
  readTransit = transit === true;
  return departure;
}
let readArrival = NaN;

function onlySegmentKeys(o: object): boolean {
  for (const k in o) if (!SEGMENT_KEYS.has(k)) return false;
  return true;
}
let readDepC = -1;
let readArrC = -1;
let readTransit = false;

/**
 * True when `value` passes the hand-written fast path of `IdentifiedSegmentSchema` (see `readSegment`); false
 * means "ask zod".
 */
export function quickSegmentCheck(value: unknown): boolean {
  return !Number.isNaN(readSegment(value));
}

/**
 * Validates the segments (the fast path, zod for anything it rejects) and parses each date once.
 * @throws ValidationError naming the first invalid segment: `segments[3] (id "x"): arrivalDate ...`.
 */
function parseSegments(segments: readonly IdentifiedSegment[]): ParsedSegments {
  if (!Array.isArray(segments)) throw new ValidationError('segments must be an array', [{ path: 'segments', message: 'must be an array' }]);
  const n = segments.length;
  const dep = new Int32Array(n);
  const arr = new Int32Array(n);
  const depC = new Int32Array(n);
  const arrC = new Int32Array(n);
  const transit = new Uint8Array(n);
  // Country codes are [A-Z]{2}: a 26 x 26 table maps each to a dense id without hashing (entry = id + 1).
  const idOf = new Int32Array(676);
  const codes: string[] = [];
  const intern = (index: number) => {
    let id = idOf[index]! - 1;
    if (id === -1) {
      id = codes.length;
      idOf[index] = id + 1;
      codes.push(String.fromCharCode(65 + Math.floor(index / 26), 65 + (index % 26)));
    }
    return id;
  };
  for (let i = 0; i < n; i++) {
    const s = segments[i]!;
    const d = readSegment(s);
    if (Number.isNaN(d)) {
      const r = IdentifiedSegmentSchema.safeParse(s);
      if (!r.success) {
        const id = (s as { id?: unknown } | undefined)?.id;
        const what = typeof id === 'string' ? `segments[${i}] (id "${id}")` : `segments[${i}]`;
        throw new ValidationError(describeZodError(r.error, what), r.error.issues.map((x) => ({ path: `segments[${i}].${x.path.join('.')}`, message: x.message })));
      }
      // Valid after all (e.g. a field explicitly set to undefined).
      dep[i] = parseDayNumber(s.departureDate);
      arr[i] = parseDayNumber(s.arrivalDate);
      depC[i] = intern(countryIndex(s.departureCountry));
      arrC[i] = intern(countryIndex(s.arrivalCountry));
      transit[i] = s.transit === true ? 1 : 0;
      continue;
    }
    // The read* results are taken before anything else runs (no property of the segment is read again).
    dep[i] = d;
    arr[i] = readArrival;
    transit[i] = readTransit ? 1 : 0;
    const arrivalIndex = readArrC;
    depC[i] = intern(readDepC);
    arrC[i] = intern(arrivalIndex);
  }
  return { segments, dep, arr, depC, arrC, transit, codes };
}

/** Internal: validated inputs shared by evaluateTravel and planTrips. */
export interface PreparedEvaluation {
  asOf: string;
  asOfDay: number;
  reference: ReferenceData;
  rules: readonly VisaRule[];
  nationalities: readonly string[];
  /** Days each issuing state's permits cover (applicability.ts `permitCover`); empty without permits. */
  permitCover: ReadonlyMap<string, readonly DayInterval[]>;
  presence: Presence;
  /**
   * The validated segments with their dates parsed once, and their reading order (presence.ts `readingOrder`):
   * what the `midnight` convention reads (ruleResults.ts), so that nothing is validated or parsed again.
   */
  parsed: ParsedSegments;
  order: ArrayLike<number>;
  /** The validated planned stays (`EvaluateOptions.extraStays`). */
  extraStays: readonly PlannedStay[];
}

const NationalitiesSchema = z.array(CountryCodeSchema);
const PlannedStaysSchema = z.array(PlannedStaySchema);
const RulesSchema = z.array(VisaRuleSchema);
const PermitsSchema = z.array(ResidencePermitSchema).max(MAX_RESIDENCE_PERMITS);

/**
 * Validates the inputs and computes presence.
 * @throws ValidationError naming the field: `asOf: ...`, `segments[3] (id "x"): arrivalDate ...`,
 *   `nationalities: [0] ...`, `extraStays: [1].exitDate ...`, `rules: [0].params.maxDays ...`.
 */
export function prepareEvaluation(segments: readonly IdentifiedSegment[], options: EvaluateOptions): PreparedEvaluation {
  const asOf = parseOrThrow(IsoDateSchema, options.asOf, 'asOf');
  const nationalities = parseOrThrow(NationalitiesSchema, options.nationalities ?? [], 'nationalities');
  const extraStays = parseOrThrow(PlannedStaysSchema, options.extraStays ?? [], 'extraStays');
  const permits = parseOrThrow(PermitsSchema, options.residencePermits ?? [], 'residencePermits');
  const parsed = parseSegments(segments);
  const reference = options.reference ?? loadReferenceData();
  const rules = options.rules ? parseOrThrow(RulesSchema, options.rules, 'rules') : reference.rules;
  const asOfDay = toDayNumber(asOf);
  const order = readingOrder(parsed);
  const presence = presenceOfParsed(parsed, asOfDay, reference, extraStays, order);
  return { asOf, asOfDay, reference, rules, nationalities, permitCover: permitCover(permits), presence, parsed, order, extraStays };
}

/** True when none of `nationalities` is exempt from `rule` on `date` (applicability.ts `ruleApplicability`). */
export function ruleApplies(rule: VisaRule, nationalities: readonly string[], date: number, reference: ReferenceData): boolean {
  return ruleApplicability(rule, nationalities, date, reference).applies;
}

/**
 * The rule's presence: its region's distinct days (presence.ts `regionPresence`), less the days a residence
 * permit or long-stay visa covers in its own state when the rule excludes them (applicability.ts).
 */
export function rulePresence(prepared: PreparedEvaluation, rule: VisaRule): DayInterval[] {
  return daySetRuns(ruleDays(prepared, rule));
}

/** `rulePresence` as the bitmap the rule engine reads (presence.ts `regionDays`). */
function ruleDays(prepared: PreparedEvaluation, rule: VisaRule) {
  const excluded = rule.residencePermitsExcluded && prepared.permitCover.size > 0 ? prepared.permitCover : undefined;
  return regionDays(prepared.presence, rule.region, prepared.reference, excluded);
}

/** Evaluates one rule on prepared presence (its region's distinct days, less a permit's cover: `rulePresence`). */
export function evaluateRule(prepared: PreparedEvaluation, rule: VisaRule): RuleEvaluation {
  if (rule.kind !== 'rolling-window') throw new Error(`rule ${rule.id}: unsupported kind ${String(rule.kind)}`);
  const r = evaluateRollingWindowDays(ruleDays(prepared, rule), prepared.asOfDay, rule.params);
  const window = [{ start: r.windowStart, end: r.windowEnd }];
  const permitDaysExcluded =
    rule.residencePermitsExcluded && prepared.permitCover.size > 0
      ? countDays(intersectIntervals(regionPresence(prepared.presence, rule.region, prepared.reference), window)) - r.daysUsed
      : 0;
  return rollingWindowEntry(rule.id, ruleApplicability(rule, prepared.nationalities, prepared.asOfDay, prepared.reference), permitDaysExcluded, r);
}

/** A rolling-window result (day numbers) as the entry the status, the app and the CLI read (`YYYY-MM-DD` dates). */
export function rollingWindowEntry(ruleId: string, applicability: Applicability, permitDaysExcluded: number, r: RollingWindowResult): RuleEvaluation {
  const date = (d: number | null) => (d === null ? null : fromDayNumber(d));
  return {
    ruleId,
    applies: applicability.applies,
    reason: applicability.reason,
    permitDaysExcluded,
    daysUsed: r.daysUsed,
    daysRemaining: r.daysRemaining,
    overstayDays: r.overstayDays,
    windowStart: fromDayNumber(r.windowStart),
    windowEnd: fromDayNumber(r.windowEnd),
    latestExitDate: date(r.latestExit),
    nextEntryDate: date(r.nextEntry),
    firstViolationDate: date(r.firstViolation),
    currentStayStart: date(r.currentStayStart),
  };
}

/**
 * Days per country and every rule's status as of `options.asOf`.
 * Throws ValidationError (core/validation.ts) for a bad asOf or a segment failing SegmentSchema, naming it.
 */
export function evaluateTravel(segments: readonly IdentifiedSegment[], options: EvaluateOptions): TravelEvaluation {
  return evaluatePrepared(prepareEvaluation(segments, options));
}

/**
 * `evaluateTravel` on inputs already validated by `prepareEvaluation`, for callers that also need its presence
 * (the report's stays and chart) without computing it twice.
 */
export function evaluatePrepared(prepared: PreparedEvaluation): TravelEvaluation {
  const { countryDays, countryDaysByYear } = computeCountryDays(prepared.presence);
  return {
    asOf: prepared.asOf,
    countryDays,
    countryDaysByYear,
    rules: prepared.rules.map((rule) => evaluateRule(prepared, rule)),
    warnings: [...prepared.presence.warnings],
  };
}
