/**
 * One entry point for everything the app shows about a traveller's days: days per country and the status of
 * each visa rule, as of a local evaluation date. Pure (no Firebase); the functions and the CLI wrap it.
 */
import { z } from 'zod';
import { fromDayNumber, toDayNumber } from './dates';
import { parseDayNumber } from './dayNumbers';
import { MAX_RESIDENCE_PERMITS, ResidencePermitSchema, permitCover, ruleApplicability, type ResidencePermit } from './applicability';
import { computeCountryDays } from './countryDays';
import { countDays, intersectIntervals, type DayInterval } from './intervals';
import { computePresence, regionPresence, type PlannedStay, type Presence } from './presence';
import { VisaRuleSchema, loadReferenceData, type ReferenceData, type VisaRule } from './referenceData';
import { evaluateRollingWindow } from './rules/rollingWindow';
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

/** Status of one rule as of `asOf` (dates are local `YYYY-MM-DD`; see rules/rollingWindow.ts for definitions). */
export interface RuleEvaluation {
  ruleId: string;
  /** False when a nationality is exempt (e.g. EU/EEA/Swiss under the Schengen rule); numbers are still computed. */
  applies: boolean;
  /** Why the rule does not apply, one sentence naming the nationality; null when it applies. */
  reason: string | null;
  /**
   * Days of presence in the period ending on `asOf` (windowStart..windowEnd) left out of `daysUsed` because a
   * residence permit or long-stay visa of the state covered them (Reg. (EU) 2016/399 Art. 6(2)); 0 without one.
   */
  permitDaysExcluded: number;
  /** Days of presence in the rule's region within the period ending on `asOf`. */
  daysUsed: number;
  daysRemaining: number;
  overstayDays: number;
  /** First and last day of the period of control date `asOf` (`asOf - periodDays + 1`, `asOf`). */
  windowStart: string;
  windowEnd: string;
  /** Latest exit date if the traveller stays (or enters) from `asOf` on; null when already over the limit. */
  latestExitDate: string | null;
  /** Earliest date from `asOf` on when a one-day entry is allowed. */
  nextEntryDate: string | null;
  /** Earliest day of presence (past or planned) whose period holds more than `maxDays` days; null if none. */
  firstViolationDate: string | null;
  /** First day of the uninterrupted presence in the region that includes `asOf`; null when absent on `asOf`. */
  currentStayStart: string | null;
}

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
const COUNTRY = /^[A-Z]{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const AIRPORT = /^[A-Z0-9]{3,4}$/;
const MODES = new Set(TravelModeSchema.options as readonly string[]);
const MIN_TRAVEL_DAY = parseDayNumber(MIN_TRAVEL_DATE);
const MAX_TRAVEL_DAY = parseDayNumber(MAX_TRAVEL_DATE);
const optional = (v: unknown, ok: (x: unknown) => boolean) => v === undefined || ok(v);
const str = (v: unknown): v is string => typeof v === 'string';

/**
 * A hand-written fast path for `IdentifiedSegmentSchema` (zod costs ~2 µs per segment, which dominates a
 * 10 000-segment evaluation). It must never say yes to input the schema rejects (it gives the schema's answer
 * exactly on randomly edited segments, see test/unit/core/fastPaths.test.ts); whatever it rejects is handed to
 * zod, which decides and words the error.
 */
export function quickSegmentCheck(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const k of Object.keys(value)) if (!SEGMENT_KEYS.has(k)) return false;
  const o = value as Record<string, unknown>;
  return (
    str(o.id) &&
    o.id.length >= 1 &&
    o.id.length <= 1500 &&
    str(o.departureCountry) &&
    COUNTRY.test(o.departureCountry) &&
    str(o.arrivalCountry) &&
    COUNTRY.test(o.arrivalCountry) &&
    str(o.mode) &&
    MODES.has(o.mode) &&
    optional(o.departureTime, (v) => str(v) && TIME.test(v)) &&
    optional(o.arrivalTime, (v) => str(v) && TIME.test(v)) &&
    optional(o.departureAirport, (v) => str(v) && AIRPORT.test(v)) &&
    optional(o.arrivalAirport, (v) => str(v) && AIRPORT.test(v)) &&
    optional(o.transit, (v) => typeof v === 'boolean') &&
    optional(o.flightNumber, (v) => str(v) && v.length <= SEGMENT_LIMITS.flightNumber) &&
    optional(o.notes, (v) => str(v) && v.length <= SEGMENT_LIMITS.notes) &&
    optional(o.purpose, (v) => str(v) && v.length <= SEGMENT_LIMITS.purpose) &&
    optional(o.entryPoint, (v) => str(v) && v.length <= SEGMENT_LIMITS.entryPoint) &&
    travelDatesInOrder(parseDayNumber(o.departureDate), parseDayNumber(o.arrivalDate))
  );
}

/** Both day numbers within the travel-date range, arrival at most MAX_DATE_LINE_SHIFT_DAYS before departure. */
function travelDatesInOrder(departure: number, arrival: number): boolean {
  // NaN (not a real date) fails every comparison.
  return (
    departure >= MIN_TRAVEL_DAY &&
    departure <= MAX_TRAVEL_DAY &&
    arrival >= MIN_TRAVEL_DAY &&
    arrival <= MAX_TRAVEL_DAY &&
    arrival >= departure - MAX_DATE_LINE_SHIFT_DAYS
  );
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
}

/**
 * Validates the inputs and computes presence.
 * @throws ValidationError naming the field: `asOf: ...`, `segments[3] (id "x"): arrivalDate ...`,
 *   `nationalities: [0] ...`, `extraStays: [1].exitDate ...`, `rules: [0].params.maxDays ...`.
 */
export function prepareEvaluation(segments: readonly IdentifiedSegment[], options: EvaluateOptions): PreparedEvaluation {
  const asOf = parseOrThrow(IsoDateSchema, options.asOf, 'asOf');
  const nationalities = parseOrThrow(z.array(CountryCodeSchema), options.nationalities ?? [], 'nationalities');
  const extraStays = parseOrThrow(z.array(PlannedStaySchema), options.extraStays ?? [], 'extraStays');
  const permits = parseOrThrow(z.array(ResidencePermitSchema).max(MAX_RESIDENCE_PERMITS), options.residencePermits ?? [], 'residencePermits');
  if (!Array.isArray(segments)) throw new ValidationError('segments must be an array', [{ path: 'segments', message: 'must be an array' }]);
  for (let i = 0; i < segments.length; i++) {
    if (quickSegmentCheck(segments[i])) continue;
    const r = IdentifiedSegmentSchema.safeParse(segments[i]);
    if (!r.success) {
      const id = (segments[i] as { id?: unknown } | undefined)?.id;
      const what = typeof id === 'string' ? `segments[${i}] (id "${id}")` : `segments[${i}]`;
      throw new ValidationError(describeZodError(r.error, what), r.error.issues.map((x) => ({ path: `segments[${i}].${x.path.join('.')}`, message: x.message })));
    }
  }
  const reference = options.reference ?? loadReferenceData();
  const rules = options.rules ? parseOrThrow(z.array(VisaRuleSchema), options.rules, 'rules') : reference.rules;
  const presence = computePresence(segments, asOf, reference, extraStays);
  return { asOf, asOfDay: toDayNumber(asOf), reference, rules, nationalities, permitCover: permitCover(permits), presence };
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
  const excluded = rule.residencePermitsExcluded && prepared.permitCover.size > 0 ? prepared.permitCover : undefined;
  return regionPresence(prepared.presence, rule.region, prepared.reference, excluded);
}

/** Evaluates one rule on prepared presence (its region's distinct days, see `rulePresence`). */
export function evaluateRule(prepared: PreparedEvaluation, rule: VisaRule): RuleEvaluation {
  if (rule.kind !== 'rolling-window') throw new Error(`rule ${rule.id}: unsupported kind ${String(rule.kind)}`);
  const p = rulePresence(prepared, rule);
  const r = evaluateRollingWindow(p, prepared.asOfDay, rule.params);
  const date = (d: number | null) => (d === null ? null : fromDayNumber(d));
  const window = [{ start: r.windowStart, end: r.windowEnd }];
  const permitDaysExcluded =
    rule.residencePermitsExcluded && prepared.permitCover.size > 0
      ? countDays(intersectIntervals(regionPresence(prepared.presence, rule.region, prepared.reference), window)) - r.daysUsed
      : 0;
  return {
    ruleId: rule.id,
    ...ruleApplicability(rule, prepared.nationalities, prepared.asOfDay, prepared.reference),
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
