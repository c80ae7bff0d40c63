/**
 * Planning against every rule a traveller tracks, of any kind (the `planTrip` callable's `rules`): each rule's
 * outputs as `evaluateDefinitions` gives them with the planned stays counted as presence, plus a verdict on the
 * plan that is true to the kind.
 *
 * - Limits (`rolling-window`, `per-stay`): staying over the limit breaks the rule. The verdict says whether the
 *   plan complies and the first day it puts over the limit: a day over the limit with the planned stays that is
 *   not over it without them (a planned day, or a recorded day the plan pushes over; a violation that exists
 *   without the plan is not blamed on it). This is {@link planTripsPrepared}' definition for the default rules, so for
 *   the Schengen rule it equals `planTrips`' `complies` and `firstViolationDate`.
 * - Thresholds (`tax-year-presence`, `weighted-lookback`): reaching the threshold is not a violation; it changes
 *   a status (for example tax residence). The verdict says on which day the threshold is met in its (tax) year
 *   within the planned period, and gives each (tax) year the planned period touches with its days counting the
 *   planned stays, so that a plan across a year boundary (6 April in the UK) shows both years.
 *
 * The planned period is the first planned entry date through the last planned exit date (local `YYYY-MM-DD`
 * dates, as every date here). Nothing is read: the caller prepares the evaluation from what it already read.
 */
import { z } from 'zod';
import { fromDayNumber, toDayNumber, yearPeriodOf } from './dates';
import { withExtraStays, type PreparedEvaluation } from './evaluate';
import { mergeIntervals, subtractIntervals, type DayInterval } from './intervals';
import { parsePlannedStays, ViolationChecker } from './planning';
import type { PlannedStay } from './presence';
import type { RuleDefinition } from './referenceData';
import { PerStayRuleResultSchema, RollingWindowRuleResultSchema, TaxYearPresenceRuleResultSchema, WeightedLookbackRuleResultSchema } from './ruleResultSchemas';
import { bridgeDays, countedDays, definitionDays, evaluateDefinitions, validDefinitions, type RuleResult } from './ruleResults';
import { midnightCache } from './ruleMidnights';
import { perStayParams, taxYearPresenceParams, weightedLookbackParams } from './rules/fromDefinition';
import { daysOverLimit } from './rules/perStay';
import { evaluateTaxYearPresence } from './rules/taxYearPresence';
import { evaluateWeightedLookback } from './rules/weightedLookback';
import { IsoDateSchema } from './segment';

/** Verdict of a limit (`rolling-window`, `per-stay`): does the plan keep within it? */
export const PlanLimitVerdictSchema = z
  .strictObject({
    type: z.literal('limit').describe('A limit: staying over it breaks the rule.'),
    complies: z.boolean().describe('True when the plan puts no day over the limit.'),
    firstViolationDate: IsoDateSchema.nullable().describe(
      "The first day the plan puts over the limit (a planned day, or a recorded later day it pushes over); null when it complies. A violation that exists without the plan is not counted here (see the outputs' firstViolationDate).",
    ),
  })
  .describe('Verdict on the plan for a limit (rolling-window, per-stay).');
export type PlanLimitVerdict = z.infer<typeof PlanLimitVerdictSchema>;

/** One (tax) year the planned period touches, counted over the whole year with the planned stays. */
const PlanYearSchema = z.strictObject({
  yearStart: IsoDateSchema,
  yearEnd: IsoDateSchema,
  days: z.number().int().min(0).describe("Days counted in the whole year (recorded and planned), under the rule's convention."),
  met: z.boolean().describe('The threshold is met by the end of the year.'),
  metOn: IsoDateSchema.nullable().describe('The day it is met in this year; null when it is not.'),
});

/** `weighted-lookback` years also carry the weighted days at the end of the year. */
const PlanWeightedYearSchema = PlanYearSchema.extend({
  weightedDays: WeightedLookbackRuleResultSchema.shape.weightedDays,
});

const thresholdVerdict = {
  type: z.literal('threshold').describe('A threshold: reaching it is NOT a violation; it changes a status (for example tax residence).'),
  metDuringPlan: z.boolean().describe('True when the threshold is met on a day of the planned period (first planned entry through last planned exit).'),
  metOn: IsoDateSchema.nullable().describe(
    'The first day of the planned period on which the threshold is met in its (tax) year, planned stays counted; null when it is not met within the planned period.',
  ),
};

/** Verdict of a `tax-year-presence` threshold on the plan. */
export const PlanThresholdVerdictSchema = z
  .strictObject({ ...thresholdVerdict, years: z.array(PlanYearSchema).describe('Each tax year the planned period touches, oldest first.') })
  .describe('Verdict on the plan for a tax-year-presence threshold.');

/** Verdict of a `weighted-lookback` threshold on the plan. */
export const PlanWeightedVerdictSchema = z
  .strictObject({ ...thresholdVerdict, years: z.array(PlanWeightedYearSchema).describe('Each year the planned period touches, oldest first.') })
  .describe('Verdict on the plan for a weighted-lookback threshold.');

export type PlanThresholdVerdict = z.infer<typeof PlanThresholdVerdictSchema>;
export type PlanWeightedVerdict = z.infer<typeof PlanWeightedVerdictSchema>;

/**
 * One tracked rule's answer to a plan: the rule's outputs of its kind as of the evaluation date with the planned
 * stays counted ({@link RuleResultSchema}), and `plan`, the verdict on the plan for that kind.
 */
export const RulePlanSchema = z.discriminatedUnion('kind', [
  RollingWindowRuleResultSchema.extend({ plan: PlanLimitVerdictSchema }),
  PerStayRuleResultSchema.extend({ plan: PlanLimitVerdictSchema }),
  TaxYearPresenceRuleResultSchema.extend({ plan: PlanThresholdVerdictSchema }),
  WeightedLookbackRuleResultSchema.extend({ plan: PlanWeightedVerdictSchema }),
]);
export type RulePlan = z.infer<typeof RulePlanSchema>;

/**
 * Plans `stays` against `definitions` (rows of any kind, in the order given) on an evaluation prepared without
 * them (`prepared.extraStays` count as existing presence, as in `planTripsPrepared`). The stays' presence is
 * computed once from the segments already parsed; nothing is read or parsed again.
 * @throws ValidationError for bad stays (`stays: [1].exitDate ...`) or an invalid definition (as
 *   `evaluateDefinitions`).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', nationalities: ['US'] })
 * const schengen = prepared.reference.definition('schengen-90-180')
 * const italy = [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-05-01' }]
 * planRulesPrepared(prepared, italy, [schengen])[0].plan //=> { type: 'limit', complies: false, firstViolationDate: '2026-05-01' }
 * // The UK's 183 days (midnights in a tax year from 6 April): a plan across 6 April shows both tax years
 * const uk = prepared.reference.definition('uk-srt-183')
 * const britain = [{ country: 'GB', entryDate: '2026-03-01', exitDate: '2026-10-31' }]
 * const { plan } = planRulesPrepared(prepared, britain, [uk])[0]
 * plan.metOn //=> '2026-10-05'
 * plan.years.map((y) => `${y.yearStart}: ${y.days}`) //=> ['2025-04-06: 36', '2026-04-06: 208']
 */
export function planRulesPrepared(prepared: PreparedEvaluation, stays: readonly PlannedStay[], definitions: readonly RuleDefinition[]): RulePlan[] {
  const planned = parsePlannedStays(stays);
  const defs = validDefinitions(prepared, definitions);
  const extraStays = [...prepared.extraStays, ...planned];
  const withPlan: PreparedEvaluation = withExtraStays(prepared, extraStays);
  const outputs = evaluateDefinitions(withPlan, defs);
  const midnightOf = midnightCache(withPlan);
  const period = {
    start: Math.min(...planned.map((s) => toDayNumber(s.entryDate))),
    end: Math.max(...planned.map((s) => toDayNumber(s.exitDate))),
  };
  return defs.map((d, i): RulePlan => {
    const r = outputs[i]!;
    switch (d.kind) {
      case 'rolling-window': {
        const base = definitionDays(prepared, d);
        const added = subtractIntervals(definitionDays(withPlan, d), base);
        return withVerdict(r, 'rolling-window', limitVerdict(rollingWindowCaused(base, added, d.params.maxDays, d.params.periodDays)));
      }
      case 'per-stay': {
        const params = perStayParams(d);
        const over = daysOverLimit(definitionDays(withPlan, d), params, bridgeDays(withPlan, d));
        const before = daysOverLimit(definitionDays(prepared, d), params, bridgeDays(prepared, d));
        return withVerdict(r, 'per-stay', limitVerdict(subtractIntervals(over, before)[0]?.start ?? null));
      }
      case 'tax-year-presence': {
        const p = countedDays(withPlan, d, midnightOf);
        const params = taxYearPresenceParams(d);
        const years = yearsOf(period, params.yearStart).map((y) => {
          const t = evaluateTaxYearPresence(p, y.end, params);
          return { yearStart: fromDayNumber(y.start), yearEnd: fromDayNumber(y.end), days: t.daysThisTaxYear, met: t.met, metOn: date(t.metOn) };
        });
        return withVerdict(r, 'tax-year-presence', { type: 'threshold', ...metWithin(years, period), years });
      }
      case 'weighted-lookback': {
        const p = countedDays(withPlan, d, midnightOf);
        const params = weightedLookbackParams(d);
        const years = yearsOf(period, params.yearStart).map((y) => {
          const w = evaluateWeightedLookback(p, y.end, params);
          return {
            yearStart: fromDayNumber(y.start),
            yearEnd: fromDayNumber(y.end),
            days: w.daysThisYear,
            met: w.met,
            metOn: date(w.metOn),
            weightedDays: w.weightedDays,
          };
        });
        return withVerdict(r, 'weighted-lookback', { type: 'threshold', ...metWithin(years, period), years });
      }
    }
  });
}

const date = (d: number | null) => (d === null ? null : fromDayNumber(d));

/** `r` (of kind `kind`, as `evaluateDefinitions` gave it for that row) with its verdict. */
function withVerdict<K extends RulePlan['kind']>(r: RuleResult, kind: K, plan: Extract<RulePlan, { kind: K }>['plan']): RulePlan {
  if (r.kind !== kind) throw new Error(`rule ${r.ruleId}: result of kind ${r.kind}, expected ${kind}`);
  return { ...r, plan } as RulePlan;
}

function limitVerdict(first: number | null): PlanLimitVerdict {
  return { type: 'limit', complies: first === null, firstViolationDate: date(first) };
}

/**
 * First day of `added` (days not in `base`) or of `base` that is over `maxDays` in its `periodDays`-day period
 * with the added days and was not over without them; null when none ({@link ViolationChecker}).
 */
function rollingWindowCaused(base: readonly DayInterval[], added: readonly DayInterval[], maxDays: number, periodDays: number): number | null {
  if (added.length === 0) return null;
  const lo = added[0]!.start - periodDays;
  const hi = added[added.length - 1]!.end + periodDays;
  return new ViolationChecker(base, lo, hi, maxDays, periodDays).firstCaused(mergeIntervals(added));
}

/** The yearly periods (starting every year on `start`) that overlap `period`, oldest first. */
function yearsOf(period: DayInterval, start: Parameters<typeof yearPeriodOf>[1]): DayInterval[] {
  const out: DayInterval[] = [];
  for (let y = yearPeriodOf(period.start, start); y.start <= period.end; y = yearPeriodOf(y.end + 1, start)) out.push({ start: y.start, end: y.end });
  return out;
}

/** The first year's `metOn` that lies within the planned period, and whether there is one. */
function metWithin(years: readonly { metOn: string | null }[], period: DayInterval): { metDuringPlan: boolean; metOn: string | null } {
  const from = fromDayNumber(period.start);
  const to = fromDayNumber(period.end);
  const hit = years.find((y) => y.metOn !== null && y.metOn >= from && y.metOn <= to);
  return { metDuringPlan: hit !== undefined, metOn: hit?.metOn ?? null };
}
