/**
 * One entry point for everything the app shows about a traveller's days: days per country and the status of
 * each visa rule, as of a local evaluation date. Pure (no Firebase); the functions and the CLI wrap it.
 */
import { z } from 'zod';
import { isIsoDate, toDayNumber } from './dates';
import {
  MAX_RESIDENCE_PERMITS,
  ResidencePermitSchema,
  exemptDays,
  permitCover,
  permitWarnings,
  ruleApplicability,
  type ResidencePermit,
} from './applicability';
import { computeCountryDays, countryDaysFrom } from './countryDays';
import { countDays, daySetOf, intersectIntervals, subtractIntervals, type DayInterval } from './intervals';
import { daySetRuns, regionDays, regionPresence } from './regionDays';
import { parseSegments, readingOrder, type ParsedSegments } from './parsedSegments';
import { presenceOfParsed, type PlannedStay, type Presence } from './presence';
import { presenceEvidence, withoutAssumed, type AssumedMode, type PresenceEvidence } from './evidence';
import { NO_ASSUMPTION, assumptionOf, type RuleAssumption } from './ruleAssumption';
import { VisaRuleSchema, loadReferenceData, type ReferenceData, type VisaRule } from './referenceData';
import type { RuleEvaluationSchema } from './ruleResultSchemas';
import { rollingWindowEntry } from './rollingWindowEntry';
import { evaluateRollingWindowDays, type RollingWindowResult } from './rules/rollingWindow';
import { CountryCodeSchema, IsoDateSchema, TravelDateSchema, type IdentifiedSegment } from './segment';
import { ValidationError, parseOrThrow } from './validation';

export type { PlannedStay } from './presence';

/**
 * Status of one rolling-window rule as of `asOf` (dates are local `YYYY-MM-DD`; see {@link evaluateRollingWindow}
 * for definitions): inferred from {@link RuleEvaluationSchema}, where each field is documented.
 */
export type RuleEvaluation = z.infer<typeof RuleEvaluationSchema>;

/** Result of `evaluateTravel`. */
export interface TravelEvaluation {
  asOf: string;
  /** ISO alpha-2 -> distinct presence dates up to `asOf` (planned and transit days excluded). */
  countryDays: Record<string, number>;
  /** `YYYY` -> ISO alpha-2 -> days in that calendar year up to `asOf`. */
  countryDaysByYear: Record<string, Record<string, number>>;
  /**
   * With `EvaluateOptions.evidence`: the assumed days ({@link presenceEvidence}) among those days, same shapes (countries without assumed days
   * omitted): counted in `countryDays` under `assumed: 'count'`, left out of it under `'exclude'`.
   */
  assumedCountryDays?: Record<string, number>;
  assumedCountryDaysByYear?: Record<string, Record<string, number>>;
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
  /** Residence permits and long-stay visas ({@link permitCover}): their state's days are left out where the rule says. */
  residencePermits?: readonly ResidencePermit[];
  /**
   * Days the records do not support ({@link presenceEvidence}: `assumed`): `count` (default: counted, the safe side
   * of a limit) or `exclude` (counted nowhere: a lower bound).
   */
  assumed?: AssumedMode;
  /**
   * Say what the figures rest on: every rule result gets `assumedDays`, `dependsOnAssumption` and `assumption`
   * (each rule is then evaluated with and without the assumed days), and the evaluation `assumedCountryDays` and
   * `assumedCountryDaysByYear`. Default false (the results keep their former shape and cost).
   */
  evidence?: boolean;
}

/**
 * A planned stay (a hypothetical trip): `country` (ISO 3166-1 alpha-2), `entryDate` the local date of arrival in
 * it and `exitDate` the local date of departure from it, both days of stay (Regulation (EU) 2016/399 Art. 6(2)) and
 * both travel dates ({@link TravelDateSchema}), entry not after exit. The one schema of the concept:
 * {@link evaluateTravel}'s `extraStays`, {@link planTrips}' stays and the `planTrip` callable's trips.
 */
export const PlannedStaySchema = z
  .strictObject({ country: CountryCodeSchema, entryDate: TravelDateSchema, exitDate: TravelDateSchema })
  // Invalid dates are reported by their own field check; this compares only two real dates.
  .refine((s) => !isIsoDate(s.entryDate) || !isIsoDate(s.exitDate) || s.exitDate >= s.entryDate, {
    message: 'must not be before entryDate',
    path: ['exitDate'],
  });

/** Internal: validated inputs shared by evaluateTravel and planTrips. */
export interface PreparedEvaluation {
  asOf: string;
  asOfDay: number;
  reference: ReferenceData;
  rules: readonly VisaRule[];
  nationalities: readonly string[];
  /** Days each issuing state's permits cover ({@link permitCover}); empty without permits. */
  permitCover: ReadonlyMap<string, readonly DayInterval[]>;
  presence: Presence;
  /**
   * The validated segments with their dates parsed once, and their reading order ({@link readingOrder}):
   * what the `midnight` convention reads ({@link midnightCache}), so that nothing is validated or parsed again.
   */
  parsed: ParsedSegments;
  order: ArrayLike<number>;
  /** The validated planned stays (`EvaluateOptions.extraStays`). */
  extraStays: readonly PlannedStay[];
  /** `EvaluateOptions.assumed`: with `exclude`, `presence` holds no assumed day. */
  assumed: AssumedMode;
  /**
   * The basis of every presence day (assumed days counted), from which `presence` is derived under `assumed`;
   * null unless `EvaluateOptions.evidence` or `assumed: 'exclude'` asked for it.
   */
  evidence: PresenceEvidence | null;
  /** `EvaluateOptions.evidence`: results carry the assumption fields. */
  explain: boolean;
  /** Problems with the traveller's inputs, not the segments: a permit from a state outside a rule's region. */
  travellerWarnings: readonly string[];
}

const NationalitiesSchema = z.array(CountryCodeSchema);
const PlannedStaysSchema = z.array(PlannedStaySchema);
const RulesSchema = z.array(VisaRuleSchema);
const PermitsSchema = z.array(ResidencePermitSchema).max(MAX_RESIDENCE_PERMITS);
const AssumedModeSchema = z.enum(['count', 'exclude']);

/**
 * Validates the inputs and computes presence.
 * @throws ValidationError naming the field: `asOf: ...`, `segments[3] (id "x"): arrivalDate ...`,
 *   `nationalities: [0] ...`, `extraStays: [1].exitDate ...`, `rules: [0].params.maxDays ...`.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', nationalities: ['US'] })
 * prepared.asOfDay //=> toDayNumber('2026-01-31')
 * prepared.presence.byCountry.get('FR') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }]
 * prepareEvaluation(trip, { asOf: '2026-02-30' }) //=> throws ValidationError
 */
export function prepareEvaluation(segments: readonly IdentifiedSegment[], options: EvaluateOptions): PreparedEvaluation {
  const asOf = parseOrThrow(IsoDateSchema, options.asOf, 'asOf');
  const nationalities = parseOrThrow(NationalitiesSchema, options.nationalities ?? [], 'nationalities');
  const extraStays = parseOrThrow(PlannedStaysSchema, options.extraStays ?? [], 'extraStays');
  const permits = parseOrThrow(PermitsSchema, options.residencePermits ?? [], 'residencePermits');
  const parsed = parseSegments(segments, { validate: true });
  const reference = options.reference ?? loadReferenceData();
  nationalities.forEach((n, i) => {
    if (!reference.countryExists(n)) {
      const message = `nationalities[${i}]: "${n}" is not an ISO 3166-1 alpha-2 country code`;
      throw new ValidationError(message, [{ path: `nationalities[${i}]`, message: 'is not an ISO 3166-1 alpha-2 country code' }]);
    }
  });
  const rules = options.rules ? parseOrThrow(RulesSchema, options.rules, 'rules') : reference.rules;
  const asOfDay = toDayNumber(asOf);
  const order = readingOrder(parsed);
  const assumed = parseOrThrow(AssumedModeSchema, options.assumed ?? 'count', 'assumed');
  const full = presenceOfParsed(parsed, asOfDay, reference, extraStays, order);
  const explain = options.evidence === true;
  const evidence = explain || assumed === 'exclude' ? presenceEvidence(parsed, order, full, extraStays) : null;
  const presence = evidence && assumed === 'exclude' ? withoutAssumed(full, evidence) : full;
  const travellerWarnings = permitWarnings(permits, reference);
  return {
    asOf,
    asOfDay,
    reference,
    rules,
    nationalities,
    permitCover: permitCover(permits),
    presence,
    parsed,
    order,
    extraStays,
    assumed,
    evidence,
    explain,
    travellerWarnings,
  };
}

/**
 * `prepared` with other planned stays: presence (and, when kept, its evidence and the `assumed` mode) computed
 * again from the parsed segments, nothing validated again. `extraStays` must be valid ({@link PlannedStaySchema}).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31' })
 * const plan = withExtraStays(prepared, [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-03-10' }])
 * plan.presence.byCountry.get('IT') //=> [{ start: toDayNumber('2026-03-01'), end: toDayNumber('2026-03-10') }]
 * prepared.presence.byCountry.has('IT') //=> false
 */
export function withExtraStays(prepared: PreparedEvaluation, extraStays: readonly PlannedStay[]): PreparedEvaluation {
  const full = presenceOfParsed(prepared.parsed, prepared.asOfDay, prepared.reference, extraStays, prepared.order);
  const evidence = prepared.evidence ? presenceEvidence(prepared.parsed, prepared.order, full, extraStays) : null;
  const presence = evidence && prepared.assumed === 'exclude' ? withoutAssumed(full, evidence) : full;
  return { ...prepared, extraStays, presence, evidence };
}

const counterparts = new WeakMap<PreparedEvaluation, PreparedEvaluation>();

/**
 * `prepared` under the other `assumed` mode (same inputs, the presence with or without the assumed days), made
 * once: what a result is compared with to tell whether its verdict rests on assumed days.
 * @throws Error when `prepared` has no evidence (`EvaluateOptions.evidence` and `assumed: 'exclude'` both unset).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 * ]
 * // No record after the arrival on 2 January: the days since are assumed.
 * const counted = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * const excluded = assumedCounterpart(counted)
 * excluded.assumed //=> 'exclude'
 * excluded.presence.byCountry.get('FR') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-02') }]
 * counted.presence.byCountry.get('FR') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-31') }]
 * assumedCounterpart(excluded) === counted //=> true
 */
export function assumedCounterpart(prepared: PreparedEvaluation): PreparedEvaluation {
  let other = counterparts.get(prepared);
  if (!other) {
    if (!prepared.evidence) throw new Error('assumedCounterpart needs the evidence (EvaluateOptions.evidence)');
    const full =
      prepared.assumed === 'exclude'
        ? presenceOfParsed(prepared.parsed, prepared.asOfDay, prepared.reference, prepared.extraStays, prepared.order)
        : prepared.presence;
    const assumed: AssumedMode = prepared.assumed === 'exclude' ? 'count' : 'exclude';
    other = { ...prepared, assumed, presence: assumed === 'exclude' ? withoutAssumed(full, prepared.evidence) : full };
    counterparts.set(prepared, other);
    counterparts.set(other, prepared);
  }
  return other;
}

/**
 * True when none of `nationalities` is exempt from `rule` on `date` ({@link ruleApplicability}).
 * @example
 * const reference = loadReferenceData()
 * const schengen = reference.rule('schengen-90-180')
 * ruleApplies(schengen, ['US'], toDayNumber('2026-01-01'), reference) //=> true
 * ruleApplies(schengen, ['US', 'DE'], toDayNumber('2026-01-01'), reference) //=> false
 */
export function ruleApplies(rule: VisaRule, nationalities: readonly string[], date: number, reference: ReferenceData): boolean {
  return ruleApplicability(rule, nationalities, date, reference).applies;
}

/**
 * The rule's presence: its region's distinct days ({@link regionPresence}), less the days a residence
 * permit or long-stay visa covers in its own state when the rule excludes them ({@link permitCover}).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31' })
 * rulePresence(prepared, prepared.reference.rule('schengen-90-180'))
 * //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }]
 */
export function rulePresence(prepared: PreparedEvaluation, rule: VisaRule): DayInterval[] {
  return daySetRuns(ruleDays(prepared, rule));
}

/**
 * {@link rulePresence} as the bitmap the rule engine reads ({@link regionDays}), less the days on which the
 * traveller is exempt ({@link exemptDays}): those are never counted.
 */
function ruleDays(prepared: PreparedEvaluation, rule: VisaRule) {
  const excluded = rule.residencePermitsExcluded && prepared.permitCover.size > 0 ? prepared.permitCover : undefined;
  const set = regionDays(prepared.presence, rule.region, prepared.reference, excluded);
  const exempt = exemptDays(rule, prepared.nationalities, prepared.reference);
  return exempt.length === 0 ? set : daySetOf(subtractIntervals(daySetRuns(set), exempt));
}

/**
 * Evaluates one rule on prepared presence (its region's distinct days, less a permit's cover: {@link rulePresence}), and
 * again on its {@link assumedCounterpart} when there are assumed days, for `assumedDays`, `dependsOnAssumption`
 * and `assumption` ({@link assumptionOf}).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', nationalities: ['US'] })
 * const status = evaluateRule(prepared, prepared.reference.rule('schengen-90-180'))
 * status.daysUsed //=> 29
 * status.daysRemaining //=> 61
 */
export function evaluateRule(prepared: PreparedEvaluation, rule: VisaRule): RuleEvaluation {
  if (rule.kind !== 'rolling-window') throw new Error(`rule ${rule.id}: unsupported kind ${String(rule.kind)}`);
  const r = rollingWindowOf(prepared, rule);
  const window = [{ start: r.windowStart, end: r.windowEnd }];
  const exempt = exemptDays(rule, prepared.nationalities, prepared.reference);
  const permits = rule.residencePermitsExcluded && prepared.permitCover.size > 0 ? prepared.permitCover : undefined;
  const inWindow = (days: DayInterval[]) => countDays(intersectIntervals(days, window));
  // Every presence day of the window is used, left out by a permit, or left out as exempt (exempt first).
  const exemptDaysExcluded =
    exempt.length === 0 ? 0 : inWindow(intersectIntervals(regionPresence(prepared.presence, rule.region, prepared.reference, permits), exempt));
  const permitDaysExcluded = permits ? inWindow(subtractIntervals(regionPresence(prepared.presence, rule.region, prepared.reference), exempt)) - r.daysUsed : 0;
  const applicability = ruleApplicability(rule, prepared.nationalities, prepared.asOfDay, prepared.reference);
  const entry = rollingWindowEntry(rule.id, applicability, { permitDaysExcluded, exemptDaysExcluded }, r);
  if (!prepared.explain || !prepared.evidence) return entry;
  let assumption: RuleAssumption = NO_ASSUMPTION;
  if (prepared.evidence.assumed.size > 0) {
    const other = assumedCounterpart(prepared);
    const [withA, withoutA] = prepared.assumed === 'count' ? [prepared, other] : [other, prepared];
    const rc = withA === prepared ? r : rollingWindowOf(withA, rule);
    const rx = withoutA === prepared ? r : rollingWindowOf(withoutA, rule);
    assumption = assumptionOf(prepared.evidence, rulePresence(withA, rule), rulePresence(withoutA, rule), {
      figure: { start: r.windowStart, end: r.windowEnd },
      verdictDiffers: rc.overstayDays > 0 !== rx.overstayDays > 0,
      violationSpan: rc.firstViolation !== rx.firstViolation ? windowOf(rc.firstViolation ?? rx.firstViolation!, rule.params.periodDays) : null,
    });
  }
  return { ...entry, ...assumption };
}

/**
 * The 180-day period (or any `periodDays`) that ends on control date `d`, both ends counted (day numbers).
 * @example
 * const w = windowOf(toDayNumber('2026-01-31'), 180)
 * fromDayNumber(w.start) //=> '2025-08-05'
 * fromDayNumber(w.end) //=> '2026-01-31'
 */
export function windowOf(d: number, periodDays: number): DayInterval {
  return { start: d - periodDays + 1, end: d };
}

function rollingWindowOf(prepared: PreparedEvaluation, rule: VisaRule): RollingWindowResult {
  return evaluateRollingWindowDays(ruleDays(prepared, rule), prepared.asOfDay, rule.params);
}

/**
 * Days per country and every rule's status as of `options.asOf`.
 * @throws ValidationError for a bad `asOf` or a segment failing {@link IdentifiedSegmentSchema}, naming it.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const result = evaluateTravel(trip, { asOf: '2026-01-31', nationalities: ['US'] })
 * // The travel days count in both countries:
 * result.countryDays //=> { FR: 29, US: 3 }
 * result.rules.map((r) => [r.ruleId, r.daysUsed, r.daysRemaining]) //=> [['schengen-90-180', 29, 61]]
 */
export function evaluateTravel(segments: readonly IdentifiedSegment[], options: EvaluateOptions): TravelEvaluation {
  return evaluatePrepared(prepareEvaluation(segments, options));
}

/**
 * `evaluateTravel` on inputs already validated by `prepareEvaluation`, for callers that also need its presence
 * (the report's stays and chart) without computing it twice.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31' })
 * computeStays(prepared.presence).length //=> 3
 * evaluatePrepared(prepared).countryDays //=> { FR: 29, US: 3 }
 */
export function evaluatePrepared(prepared: PreparedEvaluation): TravelEvaluation {
  const { countryDays, countryDaysByYear } = computeCountryDays(prepared.presence);
  const assumed = prepared.explain && prepared.evidence ? countryDaysFrom(prepared.evidence.assumed, prepared.asOfDay) : null;
  return {
    asOf: prepared.asOf,
    countryDays,
    countryDaysByYear,
    ...(assumed ? { assumedCountryDays: assumed.countryDays, assumedCountryDaysByYear: assumed.countryDaysByYear } : {}),
    rules: prepared.rules.map((rule) => evaluateRule(prepared, rule)),
    warnings: [...prepared.presence.warnings, ...prepared.travellerWarnings],
  };
}
