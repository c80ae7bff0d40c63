/**
 * Every rule row of the reference data ({@link RuleDefinition}, any kind) evaluated on one prepared evaluation
 * ({@link prepareEvaluation}): one `RuleResult` per row, with the kind's outputs under the JSON names of
 * {@link RuleResultSchema}. `evaluateTravel` keeps evaluating only the default rules (`ReferenceData.rules`, the
 * Schengen rule) in its own shape; a rolling-window row over a region gives here exactly its `RuleEvaluation` plus
 * `kind`.
 *
 * The days a rule counts (`definitionDays`):
 * - `region` rows: the region's distinct presence days, membership dated, airside transits counted when the
 *   connection touches the region ({@link regionDays}), as evaluateTravel counts them;
 * - `countries` rows: the union of `presence.byCountry` of the row's countries (a day in two of them counts
 *   once; an airside transit, `transit: true` with an onward segment, is no presence in the country);
 * - `per-stay` bridge days (`params.continuesThrough`): the union of those countries' presence days;
 * - the `midnight` convention (tax-year-presence only): the days the traveller is in the row's countries at the
 *   end of the day ({@link midnightDays}), with the row's `transitException`, planned stays included,
 *   from the segments `prepareEvaluation` already parsed and ordered;
 * - `residencePermitsExcluded` rows: a permit's days in its own state are left out ({@link permitCover}).
 * Who a rule binds: {@link ruleApplicability} (exemptions, then `appliesToNationalities`); the
 * numbers are computed either way.
 *
 * All dates are local calendar dates `YYYY-MM-DD` (no time zone: the dates of the segments).
 */
import { z } from 'zod';
import { fromDayNumber, toDayNumber } from './dates';
import { eligibilityNote, exemptDays, ruleApplicability } from './applicability';
import { assumedCounterpart, evaluateRule, type PreparedEvaluation } from './evaluate';
import { rollingWindowEntry } from './rollingWindowEntry';
import { NO_ASSUMPTION, assumptionOf } from './ruleAssumption';
import { midnightCache, midnightDays, type MidnightOf } from './ruleMidnights';
import { compareVerdicts, type EngineResult } from './verdictComparison';
import { intersectIntervals, mergeIntervals, subtractIntervals, type DayInterval } from './intervals';
import { regionPresence } from './regionDays';
import { RuleDefinitionSchema, type ReferenceData, type RuleDefinition, type RuleKind, type VisaRule } from './referenceData';
import { perStayParams, rollingWindowParams, taxYearPresenceParams, weightedLookbackParams } from './rules/fromDefinition';
import { evaluatePerStay } from './rules/perStay';
import { evaluateRollingWindow } from './rules/rollingWindow';
import { evaluateTaxYearPresence } from './rules/taxYearPresence';
import { evaluateWeightedLookback } from './rules/weightedLookback';
import type {
  PerStayRuleResultSchema,
  RollingWindowRuleResultSchema,
  RuleResultSchema,
  TaxYearCountResultSchema,
  TaxYearPresenceRuleResultSchema,
  WeightedLookbackRuleResultSchema,
} from './ruleResultSchemas';
import { parseOrThrow } from './validation';

type Of<K extends RuleKind> = Extract<RuleDefinition, { kind: K }>;

/**
 * One rule's result by kind, inferred from the schemas of {@link RuleResultSchema} (fields documented there): the
 * shapes `--json` prints and the status documents extend.
 */
/** `rolling-window` ({@link evaluateRollingWindow}): {@link RuleEvaluation}, same fields and meanings, plus `kind`. */
export type RollingWindowRuleResult = z.infer<typeof RollingWindowRuleResultSchema>;
/** `per-stay` ({@link evaluatePerStay}). */
export type PerStayRuleResult = z.infer<typeof PerStayRuleResultSchema>;
/** One past tax year of `byTaxYear`. */
export type TaxYearCountResult = z.infer<typeof TaxYearCountResultSchema>;
/** `tax-year-presence` ({@link evaluateTaxYearPresence}). */
export type TaxYearPresenceRuleResult = z.infer<typeof TaxYearPresenceRuleResultSchema>;
/** `weighted-lookback` ({@link evaluateWeightedLookback}). */
export type WeightedLookbackRuleResult = z.infer<typeof WeightedLookbackRuleResultSchema>;
/** One rule's status as of the evaluation date, by kind (`kind` discriminates). */
export type RuleResult = z.infer<typeof RuleResultSchema>;

/** A rule id that is not a row of the reference data. */
export class UnknownRuleError extends Error {
  constructor(
    readonly ruleId: string,
    readonly known: readonly string[],
  ) {
    super(`unknown rule "${ruleId}"; known rules: ${known.join(', ')}`);
    this.name = 'UnknownRuleError';
  }
}

/**
 * The rows of `reference.definitions` for `ids`, in the order given, repeats dropped; `'all'`: every row in file
 * order.
 * @throws UnknownRuleError for the first id that is not a row (its message lists the known ids).
 * @example
 * const reference = loadReferenceData()
 * resolveRuleIds(reference, ['uk-srt-183', 'schengen-90-180', 'uk-srt-183']).map((d) => d.id) //=> ['uk-srt-183', 'schengen-90-180']
 * resolveRuleIds(reference, ['uk-srt-184']) //=> throws UnknownRuleError
 */
export function resolveRuleIds(reference: ReferenceData, ids: readonly string[] | 'all'): RuleDefinition[] {
  if (ids === 'all') return [...reference.definitions];
  const out: RuleDefinition[] = [];
  for (const id of new Set(ids)) {
    const d = reference.definition(id);
    if (!d)
      throw new UnknownRuleError(
        id,
        reference.definitions.map((x) => x.id),
      );
    out.push(d);
  }
  return out;
}

/** Most rules one profile can track (`users/{uid}.trackedRules`; the security rules enforce it too). */
export const MAX_TRACKED_RULES = 10;

/** The rules a traveller tracks, resolved against the reference data. */
export interface TrackedRules {
  /** Rows of `reference.definitions` to evaluate, in the profile's order, repeats dropped. */
  definitions: RuleDefinition[];
  /** Ids in the profile that are not rows of the reference data (a rule withdrawn from the seed), in order. */
  unknown: string[];
}

/**
 * The rules a traveller tracks: `trackedRules` from the profile, or, when the profile has none (absent or null),
 * the default rules (`reference.rules`: the Schengen short-stay rule, evaluated for everyone and marked
 * `applies: false` for the nationalities it exempts). An empty list tracks nothing. Unknown ids never throw: a
 * stored profile may name a rule the seed no longer has; they are returned in `unknown` for a warning.
 * @example
 * const reference = loadReferenceData()
 * trackedDefinitions(reference, null).definitions.map((d) => d.id) //=> ['schengen-90-180']
 * const tracked = trackedDefinitions(reference, ['uk-srt-183', 'withdrawn-rule'])
 * tracked.definitions.map((d) => d.id) //=> ['uk-srt-183']
 * tracked.unknown //=> ['withdrawn-rule']
 */
export function trackedDefinitions(reference: ReferenceData, trackedRules: readonly string[] | null | undefined): TrackedRules {
  const ids = trackedRules ?? reference.rules.map((r) => r.id);
  const definitions: RuleDefinition[] = [];
  const unknown: string[] = [];
  for (const id of new Set(ids)) {
    const d = reference.definition(id);
    if (d) definitions.push(d);
    else unknown.push(id);
  }
  return { definitions, unknown };
}

const DefinitionsSchema = z.array(RuleDefinitionSchema);

/**
 * Each definition's status as of `prepared.asOf`, in the order given, for the prepared traveller (nationalities,
 * permits, planned stays). Presence is the prepared one (no segment parsed again); midnight presence is derived
 * at most once per transit option.
 * @throws ValidationError naming the field (`definitions: [0].params.minDays ...`) for a row that fails
 *   `RuleDefinitionSchema` (rows of `prepared.reference.definitions` are already valid).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'GB', arrivalCountry: 'US', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-03-31', nationalities: ['US'] })
 * const [visitor, tax] = evaluateDefinitions(prepared, resolveRuleIds(prepared.reference, ['uk-visitor-6-months', 'uk-srt-183']))
 * // Back in the United States on 31 March: a visit begun that day could last 6 months, to 30 September
 * visitor.latestExitDate //=> '2026-09-30'
 * // 58 midnights in the tax year from 6 April 2025: 125 short of 183
 * tax.daysThisTaxYear //=> 58
 * tax.daysRemaining //=> 125
 */
export function evaluateDefinitions(prepared: PreparedEvaluation, definitions: readonly RuleDefinition[]): RuleResult[] {
  const valid = validDefinitions(prepared, definitions);
  const midnightOf = midnightCache(prepared);
  const evidence = prepared.evidence;
  if (!prepared.explain || !evidence) return valid.map((d) => evaluateDefinition(prepared, d, midnightOf) as RuleResult);
  if (evidence.assumed.size === 0) return valid.map((d) => ({ ...evaluateDefinition(prepared, d, midnightOf), ...NO_ASSUMPTION }));
  // The same rules without (or with) the assumed days, to tell which verdicts rest on them ({@link compareVerdicts}, {@link assumptionOf}).
  const other = assumedCounterpart(prepared);
  const otherMidnightOf = midnightCache(other);
  return valid.map((d) => {
    if (d.kind === 'rolling-window' && d.region !== undefined) return { ...evaluateDefinition(prepared, d, midnightOf) };
    const mine = evaluateDefinition(prepared, d, midnightOf);
    const theirs = evaluateDefinition(other, d, otherMidnightOf);
    const [withA, withoutA] = prepared.assumed === 'count' ? [mine, theirs] : [theirs, mine];
    const days = (p: PreparedEvaluation, m: MidnightOf) => countedDays(p, d, m);
    const [pc, px] =
      prepared.assumed === 'count' ? [days(prepared, midnightOf), days(other, otherMidnightOf)] : [days(other, otherMidnightOf), days(prepared, midnightOf)];
    return { ...mine, ...assumptionOf(evidence, pc, px, compareVerdicts(withA, withoutA, mine, prepared, d)) };
  });
}

/**
 * `definitions` when every one is a row of `prepared.reference` (already valid), else parsed.
 * @throws ValidationError naming the field, as `evaluateDefinitions`.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'GB', arrivalCountry: 'US', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-03-31', nationalities: ['US'] })
 * const rows = prepared.reference.definitions
 * validDefinitions(prepared, rows) === rows //=> true
 * const uk = prepared.reference.definition('uk-srt-183')
 * validDefinitions(prepared, [{ ...uk, params: { ...uk.params, minDays: 0 } }]) //=> throws ValidationError
 */
export function validDefinitions(prepared: PreparedEvaluation, definitions: readonly RuleDefinition[]): readonly RuleDefinition[] {
  return definitions.every((d) => prepared.reference.definitions.includes(d)) ? definitions : parseOrThrow(DefinitionsSchema, definitions, 'definitions');
}

/**
 * The days a rule counts (sorted maximal runs, recorded and planned): under the `midnight` convention its
 * midnight days, else `definitionDays` (see the module docstring). What each kind's engine receives as P.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'GB', arrivalCountry: 'US', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-03-31', nationalities: ['US'] })
 * // The tax rule counts midnights, the visitor rule any part of a day:
 * countedDays(prepared, prepared.reference.definition('uk-srt-183'))
 * //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-02-28') }]
 * countedDays(prepared, prepared.reference.definition('uk-visitor-6-months'))
 * //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-03-01') }]
 */
export function countedDays(prepared: PreparedEvaluation, d: RuleDefinition, midnightOf: MidnightOf = midnightCache(prepared)): DayInterval[] {
  return withoutExempt(prepared, d, countedDaysAll(prepared, d, midnightOf));
}

/** {@link countedDays} before the exempt days are left out. */
function countedDaysAll(prepared: PreparedEvaluation, d: RuleDefinition, midnightOf: MidnightOf): DayInterval[] {
  if (d.kind === 'tax-year-presence' && d.convention === 'midnight') return midnightDays(prepared, d, midnightOf(d.params.transitException === true));
  return definitionDays(prepared, d, true, false);
}

/** The first day of the earliest of `years` look-back years whose current year starts on `yearStart` (same MM-DD). */
function lookbackStart(yearStart: number, years: number): number {
  const iso = fromDayNumber(yearStart);
  return toDayNumber(`${String(Number(iso.slice(0, 4)) - (years - 1)).padStart(4, '0')}${iso.slice(4)}`);
}

/** `days` less the days on which the traveller is exempt from `d` ({@link exemptDays}). */
function withoutExempt(prepared: PreparedEvaluation, d: RuleDefinition, days: DayInterval[]): DayInterval[] {
  const exempt = exemptDays(d, prepared.nationalities, prepared.reference);
  return exempt.length === 0 ? days : subtractIntervals(days, exempt);
}

/**
 * Days of the rule's presence (permits already left out) on which the traveller is exempt, in the period its
 * figure covers: the window (rolling-window), the tax year through `asOf`, the look-back years through `asOf`
 * (weighted-lookback); for per-stay, which has no fixed period, every such day through `asOf`.
 */
function exemptInFigure(prepared: PreparedEvaluation, d: RuleDefinition, all: DayInterval[], from: number): number {
  const exempt = exemptDays(d, prepared.nationalities, prepared.reference);
  if (exempt.length === 0) return 0;
  return countIn(intersectIntervals(all, exempt), [{ start: from, end: prepared.asOfDay }]);
}

/**
 * A per-stay row's bridge days (`params.continuesThrough`): the union of those countries' presence days.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'ferry', departureCountry: 'GB', arrivalCountry: 'IE', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'ferry' },
 *   { id: 'return', departureCountry: 'IE', arrivalCountry: 'GB', departureDate: '2026-01-12', arrivalDate: '2026-01-12', mode: 'ferry' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31' })
 * // A visit to Ireland does not end a stay in the United Kingdom:
 * bridgeDays(prepared, prepared.reference.definition('uk-visitor-6-months'))
 * //=> [{ start: toDayNumber('2026-01-10'), end: toDayNumber('2026-01-12') }]
 */
export function bridgeDays(prepared: PreparedEvaluation, d: Of<'per-stay'>): DayInterval[] {
  return unionOf(prepared, d.params.continuesThrough ?? []);
}

const date = (d: number | null) => (d === null ? null : fromDayNumber(d));

function evaluateDefinition(prepared: PreparedEvaluation, d: RuleDefinition, midnightOf: MidnightOf): EngineResult {
  const note = eligibilityNote(d);
  const base = {
    ruleId: d.id,
    kind: d.kind,
    ...ruleApplicability(d, prepared.nationalities, prepared.asOfDay, prepared.reference),
    ...(note !== null ? { eligibility: note } : {}),
  };
  const E = prepared.asOfDay;
  switch (d.kind) {
    case 'rolling-window': {
      if (d.region !== undefined) {
        // Exactly evaluateTravel's entry (one implementation of the region count, permits included).
        // (evaluateRule compares with and without the assumed days itself.)
        const { ruleId, applies: _a, reason: _r, ...rest } = evaluateRule(prepared, asVisaRule(d, d.region));
        return { ruleId, kind: 'rolling-window', applies: base.applies, reason: base.reason, ...(note !== null ? { eligibility: note } : {}), ...rest };
      }
      const days = definitionDays(prepared, d);
      const r = evaluateRollingWindow(days, E, rollingWindowParams(d));
      const window = [{ start: r.windowStart, end: r.windowEnd }];
      const permitDaysExcluded =
        d.residencePermitsExcluded && prepared.permitCover.size > 0 ? countIn(definitionDays(prepared, d, false), window) - r.daysUsed : 0;
      const exemptDaysExcluded = exemptInFigure(prepared, d, definitionDays(prepared, d, true, false), r.windowStart);
      const { ruleId, ...entry } = rollingWindowEntry(d.id, base, { permitDaysExcluded, exemptDaysExcluded }, r);
      return { ruleId, kind: 'rolling-window', ...entry };
    }
    case 'per-stay': {
      const r = evaluatePerStay(definitionDays(prepared, d), E, perStayParams(d), bridgeDays(prepared, d));
      return {
        ...base,
        exemptDaysExcluded: exemptInFigure(prepared, d, definitionDays(prepared, d, true, false), -Infinity),
        kind: 'per-stay',
        currentStayStart: date(r.currentStayStart),
        currentStayDays: r.currentStayDays,
        maxStayDays: r.maxStayDays,
        daysRemaining: r.daysRemaining,
        latestExitDate: date(r.latestExit),
        overstayDays: r.overstayDays,
        firstViolationDate: date(r.firstViolation),
      };
    }
    case 'tax-year-presence': {
      const r = evaluateTaxYearPresence(countedDays(prepared, d, midnightOf), E, taxYearPresenceParams(d));
      return {
        ...base,
        exemptDaysExcluded: exemptInFigure(prepared, d, countedDaysAll(prepared, d, midnightOf), r.taxYearStart),
        kind: 'tax-year-presence',
        convention: d.convention,
        taxYearStart: fromDayNumber(r.taxYearStart),
        taxYearEnd: fromDayNumber(r.taxYearEnd),
        daysThisTaxYear: r.daysThisTaxYear,
        plannedDaysThisTaxYear: r.plannedDaysThisTaxYear,
        threshold: r.threshold,
        met: r.met,
        metOn: date(r.metOn),
        daysRemaining: r.daysRemaining,
        byTaxYear: r.byTaxYear.map((y) => ({
          taxYearStart: fromDayNumber(y.taxYearStart),
          taxYearEnd: fromDayNumber(y.taxYearEnd),
          days: y.days,
          met: y.met,
          metOn: date(y.metOn),
        })),
      };
    }
    case 'weighted-lookback': {
      const r = evaluateWeightedLookback(definitionDays(prepared, d), E, weightedLookbackParams(d));
      return {
        ...base,
        exemptDaysExcluded: exemptInFigure(prepared, d, definitionDays(prepared, d, true, false), lookbackStart(r.yearStart, r.daysByYear.length)),
        kind: 'weighted-lookback',
        yearStart: fromDayNumber(r.yearStart),
        yearEnd: fromDayNumber(r.yearEnd),
        daysThisYear: r.daysThisYear,
        daysByYear: r.daysByYear,
        weightedDays: r.weightedDays,
        threshold: r.threshold,
        minDaysCurrentYear: r.minDaysCurrentYear,
        met: r.met,
        metOn: date(r.metOn),
        daysRemaining: r.daysRemaining,
      };
    }
  }
}

/** A region rolling-window row in the shape {@link evaluateRule} evaluates ({@link VisaRule}). */
function asVisaRule(d: Of<'rolling-window'>, region: string): VisaRule {
  const { appliesToNationalities: _a, appliesToNote: _n, appliesToListSource: _s, appliesToListDate: _d, countries: _c, ...rest } = d;
  return { ...rest, region };
}

/**
 * The presence days (any part of the day, recorded and planned) a rule counts, as sorted maximal runs: its
 * region's ({@link regionPresence}) or its countries' union; with `excludePermits` (the default) less a
 * residence permit's days in its own state when the row says so; with `excludeExempt` (the default) less the
 * days on which the traveller is exempt ({@link exemptDays}).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'GB', arrivalCountry: 'US', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-03-31', nationalities: ['US'] })
 * definitionDays(prepared, prepared.reference.definition('uk-visitor-6-months'))
 * //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-03-01') }]
 * definitionDays(prepared, prepared.reference.definition('schengen-90-180')) //=> []
 */
export function definitionDays(prepared: PreparedEvaluation, d: RuleDefinition, excludePermits = true, excludeExempt = true): DayInterval[] {
  const excluded = excludePermits && d.residencePermitsExcluded && prepared.permitCover.size > 0 ? prepared.permitCover : undefined;
  const days =
    d.region !== undefined ? regionPresence(prepared.presence, d.region, prepared.reference, excluded) : unionOf(prepared, d.countries ?? [], excluded);
  return excludeExempt ? withoutExempt(prepared, d, days) : days;
}

/** The union of some countries' presence days (each less `excluded`'s days of that country). */
function unionOf(prepared: PreparedEvaluation, countries: readonly string[], excluded?: ReadonlyMap<string, readonly DayInterval[]>): DayInterval[] {
  const parts: DayInterval[] = [];
  for (const c of countries) {
    const days = prepared.presence.byCountry.get(c);
    if (!days) continue;
    const x = excluded?.get(c);
    parts.push(...(x?.length ? subtractIntervals(days, x) : days));
  }
  return mergeIntervals(parts);
}

/** Days of `runs` inside `window`. */
function countIn(runs: readonly DayInterval[], window: readonly DayInterval[]): number {
  let n = 0;
  for (const iv of intersectIntervals(runs, window)) n += iv.end - iv.start + 1;
  return n;
}
