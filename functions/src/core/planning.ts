/**
 * Trip planning: would hypothetical stays break a rule, and from which date on would they not?
 * Used by the planTrip callable. Dates are local `YYYY-MM-DD`.
 */
import { z } from 'zod';
import { fromDayNumber, toDayNumber } from './dates';
import { PlannedStaySchema, prepareEvaluation, ruleApplies, type EvaluateOptions } from './evaluate';
import { intersectIntervals, mergeIntervals, type DayInterval } from './intervals';
import { regionPresence, type PlannedStay } from './presence';
import type { ReferenceData } from './referenceData';
import { evaluateRollingWindow } from './rules/rollingWindow';
import type { IdentifiedSegment } from './segment';
import { parseOrThrow } from './validation';

export type { PlannedStay } from './presence';

/**
 * Result of a plan for one rule.
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
 */
export interface TripPlanResult {
  ruleId: string;
  applies: boolean;
  complies: boolean;
  latestExitDate: string | null;
  firstViolationDate: string | null;
  earliestCompliantEntryDate: string | null;
}

/** Days of the stays (shifted by `shift` days) in `region`, on the dates the country is a member. */
function planRegionDays(stays: readonly { country: string; a: number; b: number }[], shift: number, region: string, ref: ReferenceData): DayInterval[] {
  const parts: DayInterval[] = [];
  for (const s of stays) {
    const member = ref.membershipIntervals(s.country, region);
    if (member.length) parts.push(...intersectIntervals([{ start: s.a + shift, end: s.b + shift }], member));
  }
  return mergeIntervals(parts);
}

/**
 * Earliest day the added days `plan` put over the limit, given base presence `base` (both sorted runs);
 * null when none. Only days within [first plan day, last plan day + periodDays - 1] can be affected.
 */
function firstCausedViolation(base: readonly DayInterval[], plan: readonly DayInterval[], maxDays: number, periodDays: number): number | null {
  if (plan.length === 0) return null;
  const from = plan[0]!.start;
  const to = plan[plan.length - 1]!.end + periodDays - 1;
  const lo = from - periodDays + 1;
  const len = to - lo + 1;
  const inBase = new Uint8Array(len);
  const inPlan = new Uint8Array(len);
  const mark = (arr: Uint8Array, ivs: readonly DayInterval[]) => {
    for (const iv of ivs) {
      const a = Math.max(iv.start, lo);
      const b = Math.min(iv.end, to);
      if (a <= b) arr.fill(1, a - lo, b - lo + 1);
    }
  };
  mark(inBase, base);
  mark(inPlan, plan);
  let winBase = 0;
  let winAll = 0;
  for (let i = 0; i < len; i++) {
    winBase += inBase[i]!;
    winAll += inBase[i]! | inPlan[i]!;
    const out = i - periodDays;
    if (out >= 0) {
      winBase -= inBase[out]!;
      winAll -= inBase[out]! | inPlan[out]!;
    }
    const d = lo + i;
    if (d < from) continue;
    if (winAll <= maxDays) continue;
    if (inBase[i] === 1 ? winBase <= maxDays : inPlan[i] === 1) return d;
  }
  return null;
}

/**
 * Evaluates hypothetical stays on top of the recorded segments (stays are added as presence, and the plan is
 * shifted forward day by day (keeping its shape) to find the earliest entry date on which the whole plan complies).
 * `options.extraStays`, if any, count as existing presence. One result per rule.
 * @throws ValidationError for bad stays (`stays[1].exitDate ...`), a bad `asOf` or segment (as `evaluateTravel`).
 */
export function planTrips(segments: readonly IdentifiedSegment[], stays: readonly PlannedStay[], options: EvaluateOptions): TripPlanResult[] {
  const parsed = parseOrThrow(z.array(PlannedStaySchema).min(1, { message: 'must contain at least one stay' }), stays, 'stays');
  const prepared = prepareEvaluation(segments, options);
  const ref = prepared.reference;
  const plan = parsed
    .map((s) => ({ country: s.country, a: toDayNumber(s.entryDate), b: toDayNumber(s.exitDate) }))
    .sort((x, y) => x.a - y.a || x.b - y.b);
  const planFirst = plan[0]!.a;
  const planLast = Math.max(...plan.map((s) => s.b));

  return prepared.rules.map((rule): TripPlanResult => {
    const { maxDays, periodDays } = rule.params;
    const base = regionPresence(prepared.presence, rule.region, ref);
    const causedAt = (shift: number) => firstCausedViolation(base, planRegionDays(plan, shift, rule.region, ref), maxDays, periodDays);

    const violation = causedAt(0);

    let latestExitDate: string | null = null;
    const planDays = planRegionDays(plan, 0, rule.region, ref);
    if (planDays.length) {
      const entry = planDays[0]!.start;
      const firstStay = plan.findIndex((s) => s.a <= entry && entry <= s.b);
      const others = planRegionDays(plan.filter((_, i) => i !== firstStay), 0, rule.region, ref);
      const r = evaluateRollingWindow(mergeIntervals([...base, ...others]), entry, rule.params);
      latestExitDate = r.latestExit === null ? null : fromDayNumber(r.latestExit);
    }

    // Beyond this shift the plan's periods hold no existing presence, so compliance no longer changes.
    const lastBase = base.length ? base[base.length - 1]!.end : planFirst;
    const maxShift = Math.max(0, lastBase - planFirst) + periodDays + (planLast - planFirst) + 1;
    let earliest: string | null = null;
    for (let k = 0; k <= maxShift; k++) {
      if ((k === 0 ? violation : causedAt(k)) === null) {
        earliest = fromDayNumber(planFirst + k);
        break;
      }
    }
    return {
      ruleId: rule.id,
      applies: ruleApplies(rule, prepared.nationalities, prepared.asOfDay, ref),
      complies: violation === null,
      latestExitDate,
      firstViolationDate: violation === null ? null : fromDayNumber(violation),
      earliestCompliantEntryDate: earliest,
    };
  });
}
