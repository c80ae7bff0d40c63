/**
 * Trip planning: would hypothetical stays break a rule, and from which date on would they not?
 * Used by the planTrip callable. Dates are local `YYYY-MM-DD`.
 */
import { z } from 'zod';
import { fromDayNumber, toDayNumber } from './dates';
import { ruleApplicability } from './applicability';
import { PlannedStaySchema, prepareEvaluation, rulePresence, type EvaluateOptions, type PreparedEvaluation } from './evaluate';
import { DayCounter, daySetOf, inDaySet, intersectIntervals, mergeIntervals, subtractIntervals, type DayInterval } from './intervals';
import type { PlannedStay } from './presence';
import type { ReferenceData } from './referenceData';
import { evaluateRollingWindow } from './rules/rollingWindow';
import { IsoDateSchema, type IdentifiedSegment } from './segment';
import { parseOrThrow } from './validation';

export type { PlannedStay } from './presence';

/**
 * Result of a plan for one rule (one element of the `planTrip` callable's `results`: the app's contract,
 * the plan-trip response JSON Schema, is generated from this schema).
 * - `applies`, `reason`: whether the rule binds the traveller ({@link ruleApplicability}); `reason` says why not in one
 *   sentence naming the nationality, null when it applies.
 * - `complies`: the plan causes no violation: no planned day in the region is over the limit and no day of
 *   the existing presence that was within the limit is pushed over it (a violation that exists without the plan
 *   is not blamed on it).
 * - `latestExitDate`: for the first planned entry into the region (the first planned day that is in the region),
 *   the latest exit date of that stay (rule definition as in `RuleEvaluation`, with the control date being that
 *   entry date and the other planned stays counted); null when no planned day is in the region or the entry
 *   itself is not allowed.
 * - `firstViolationDate`: the earliest day the plan puts over the limit (null when it complies).
 * - `earliestCompliantEntryDate`: the plan shifted forward day by day, keeping its shape, until it complies;
 *   the first stay's shifted entry date; null when even a plan far beyond all presence breaks the rule.
 * Dates are local calendar dates `YYYY-MM-DD`.
 */
export const TripPlanResultSchema = z.strictObject({
  ruleId: z.string(),
  applies: z.boolean(),
  reason: z.string().nullable(),
  complies: z.boolean(),
  latestExitDate: IsoDateSchema.nullable(),
  firstViolationDate: IsoDateSchema.nullable(),
  earliestCompliantEntryDate: IsoDateSchema.nullable(),
});
export type TripPlanResult = z.infer<typeof TripPlanResultSchema>;

const PlanStaysSchema = z.array(PlannedStaySchema).min(1, { message: 'must contain at least one stay' });

/**
 * Validated planned stays (at least one).
 * @throws ValidationError naming the field: `stays: [1].exitDate must not be before entryDate`.
 * @example
 * parsePlannedStays([{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-04-30' }])
 * //=> [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-04-30' }]
 * parsePlannedStays([]) //=> throws ValidationError
 */
export function parsePlannedStays(stays: readonly PlannedStay[]): PlannedStay[] {
  return parseOrThrow(PlanStaysSchema, stays, 'stays');
}

/**
 * Days of the stays (shifted by `shift` days) in `region`, on the dates the country is a member, less the days a
 * residence permit of that country covers (`excluded`, see {@link permitCover}).
 */
function planRegionDays(
  stays: readonly { country: string; a: number; b: number }[],
  shift: number,
  region: string,
  ref: ReferenceData,
  excluded?: ReadonlyMap<string, readonly DayInterval[]>,
): DayInterval[] {
  const parts: DayInterval[] = [];
  for (const s of stays) {
    const member = ref.membershipIntervals(s.country, region);
    if (!member.length) continue;
    const days = [{ start: s.a + shift, end: s.b + shift }];
    const x = excluded?.get(s.country);
    parts.push(...intersectIntervals(x?.length ? subtractIntervals(days, x) : days, member));
  }
  return mergeIntervals(parts);
}

/**
 * Finds the earliest day that added days put over the limit, for many candidate plans against one base
 * presence: the base is counted once over [lo, hi] ({@link DayCounter}); each check counts the plan's
 * added days with a second counter whose buffer is reused, so it costs O(plan span + periodDays) and allocates
 * nothing. Also used for every rolling-window row by {@link planRulesPrepared}.
 */
export class ViolationChecker {
  private readonly base: DayCounter;
  private readonly added = new DayCounter();

  constructor(
    base: readonly DayInterval[],
    lo: number,
    private readonly hi: number,
    private readonly maxDays: number,
    private readonly periodDays: number,
  ) {
    const set = daySetOf(base);
    this.base = new DayCounter(lo, hi, (d) => inDaySet(set, d));
  }

  /**
   * Earliest day d >= first plan day with more than maxDays days in its period, where d is a planned day not
   * in the base, or a base day that was within the limit without the plan; null when none. Only days within
   * [first plan day, last plan day + periodDays - 1] can be affected. Plan days must lie within [lo, hi].
   */
  firstCaused(plan: readonly DayInterval[]): number | null {
    if (plan.length === 0) return null;
    const T = this.periodDays;
    const M = this.maxDays;
    const from = plan[0]!.start;
    const to = Math.min(plan[plan.length - 1]!.end + T - 1, this.hi);
    const base = this.base;
    // The planned days not in the base, over [from, to] (`fill` asks in increasing order: j walks the plan).
    let j = 0;
    const added = this.added.fill(from, to, (d) => {
      while (j < plan.length && plan[j]!.end < d) j++;
      return j < plan.length && plan[j]!.start <= d && !base.has(d);
    });
    for (let d = from; d <= to; d++) {
      const inBase = base.has(d);
      if (!inBase && !added.has(d)) continue;
      const baseN = base.count(d - T + 1, d);
      const addedN = added.count(d - T + 1, d);
      if (baseN + addedN <= M) continue;
      if (inBase ? baseN <= M : true) return d;
    }
    return null;
  }
}

/**
 * Evaluates hypothetical stays on top of the recorded segments (stays are added as presence, and the plan is
 * shifted forward day by day (keeping its shape) to find the earliest entry date on which the whole plan complies).
 * `options.extraStays`, if any, count as existing presence. One result per rule.
 * @throws ValidationError for bad stays (`stays[1].exitDate ...`), a bad `asOf` or segment (as `evaluateTravel`).
 * @example
 * // 29 days in France in January (see evaluateTravel), then Italy for 61 days: 90 in 180 days, within the limit
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const options = { asOf: '2026-01-31', nationalities: ['US'] }
 * const [fits] = planTrips(trip, [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-04-30' }], options)
 * fits.complies //=> true
 * fits.latestExitDate //=> '2026-04-30'
 * // One day longer breaks the rule on 1 May; the same 62 days fit from 1 May, when 2 January has left the period:
 * const [over] = planTrips(trip, [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-05-01' }], options)
 * over.firstViolationDate //=> '2026-05-01'
 * over.earliestCompliantEntryDate //=> '2026-05-01'
 */
export function planTrips(segments: readonly IdentifiedSegment[], stays: readonly PlannedStay[], options: EvaluateOptions): TripPlanResult[] {
  return planTripsPrepared(prepareEvaluation(segments, options), stays);
}

/**
 * `planTrips` on an evaluation already prepared without the planned stays (its `extraStays` count as existing
 * presence), so that a caller planning other rules too ({@link planRulesPrepared}) validates the segments once.
 * @throws ValidationError for bad stays (`stays[1].exitDate ...`).
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'US', departureDate: '2026-01-30', arrivalDate: '2026-01-30', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-01-31', nationalities: ['US'] })
 * const [result] = planTripsPrepared(prepared, [{ country: 'IT', entryDate: '2026-03-01', exitDate: '2026-05-01' }])
 * result.complies //=> false
 */
export function planTripsPrepared(prepared: PreparedEvaluation, stays: readonly PlannedStay[]): TripPlanResult[] {
  const parsed = parsePlannedStays(stays);
  const ref = prepared.reference;
  const plan = parsed.map((s) => ({ country: s.country, a: toDayNumber(s.entryDate), b: toDayNumber(s.exitDate) })).sort((x, y) => x.a - y.a || x.b - y.b);
  const planFirst = plan[0]!.a;
  const planLast = Math.max(...plan.map((s) => s.b));

  return prepared.rules.map((rule): TripPlanResult => {
    const { maxDays, periodDays } = rule.params;
    const base = rulePresence(prepared, rule);
    const excluded = rule.residencePermitsExcluded ? prepared.permitCover : undefined;
    let latestExitDate: string | null = null;
    const planDays = planRegionDays(plan, 0, rule.region, ref, excluded);
    if (planDays.length) {
      const entry = planDays[0]!.start;
      const firstStay = plan.findIndex((s) => s.a <= entry && entry <= s.b && ref.isMember(s.country, rule.region, entry));
      const others = planRegionDays(
        plan.filter((_, i) => i !== firstStay),
        0,
        rule.region,
        ref,
        excluded,
      );
      const r = evaluateRollingWindow(mergeIntervals([...base, ...others]), entry, rule.params);
      latestExitDate = r.latestExit === null ? null : fromDayNumber(r.latestExit);
    }

    // Beyond this shift the plan's periods hold no existing presence, so compliance no longer changes.
    const lastBase = base.length ? base[base.length - 1]!.end : planFirst;
    const maxShift = Math.max(0, lastBase - planFirst) + periodDays + (planLast - planFirst) + 1;
    const checker = new ViolationChecker(base, planFirst - periodDays, planLast + maxShift + periodDays, maxDays, periodDays);
    const causedAt = (shift: number) => checker.firstCaused(planRegionDays(plan, shift, rule.region, ref, excluded));
    const violation = causedAt(0);
    let earliest: string | null = null;
    for (let k = 0; k <= maxShift; k++) {
      if ((k === 0 ? violation : causedAt(k)) === null) {
        earliest = fromDayNumber(planFirst + k);
        break;
      }
    }
    return {
      ruleId: rule.id,
      ...ruleApplicability(rule, prepared.nationalities, prepared.asOfDay, ref),
      complies: violation === null,
      latestExitDate,
      firstViolationDate: violation === null ? null : fromDayNumber(violation),
      earliestCompliantEntryDate: earliest,
    };
  });
}
