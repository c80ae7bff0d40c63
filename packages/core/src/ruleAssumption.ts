/**
 * Whether a rule's verdict rests on assumed days ({@link presenceEvidence}): the rule is evaluated with and without
 * them, and the two results are compared here. The fields are those of {@link RuleAssumptionSchema}.
 */
import type { z } from 'zod';
import { fromDayNumber } from './dates';
import { countDays, intersectIntervals, subtractIntervals, type DayInterval } from './intervals';
import type { AssumedRun, PresenceEvidence } from './evidence';
import type { RuleAssumptionSchema } from './ruleResultSchemas';

/** `assumedDays`, `dependsOnAssumption` and `assumption` of a rule result ({@link RuleAssumptionSchema}). */
export type RuleAssumption = z.infer<typeof RuleAssumptionSchema>;

/** How the two evaluations of a rule compare, from its engine's results (day numbers). */
export interface VerdictComparison {
  /** The days of the current figure (window, current stay, tax year, look-back years up to the evaluation date); null when none. */
  figure: DayInterval | null;
  /** The verdict on the current figure differs: over the limit or within it, met or not. */
  verdictDiffers: boolean;
  /** The days that decide the first violation (its window or its stay) when the first violation date differs; else null. */
  violationSpan: DayInterval | null;
}

/** No assumed day anywhere: nothing rests on an assumption. */
export const NO_ASSUMPTION: RuleAssumption = { assumedDays: 0, dependsOnAssumption: false, assumption: null };

/**
 * The assumption fields of a rule whose counted days are `withAssumed` (assumed days counted) and `withoutAssumed`
 * (left out): `assumedDays` = days of the figure present only with them; `dependsOnAssumption` when the verdict or
 * the first violation date differs; `assumption` = the gap or open end holding most of the deciding days (the
 * figure when the verdict differs, else the first violation's span), null when nothing depends on it.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2025-09-30', arrivalDate: '2025-10-01', mode: 'flight' },
 * ]
 * // No record after the arrival on 1 October: 123 days in France with the assumed days, 1 without.
 * const counted = prepareEvaluation(trip, { asOf: '2026-01-31', evidence: true })
 * const schengen = counted.reference.rule('schengen-90-180')
 * const withA = rulePresence(counted, schengen)
 * const withoutA = rulePresence(assumedCounterpart(counted), schengen)
 * const window = windowOf(toDayNumber('2026-01-31'), 180)
 * assumptionOf(counted.evidence, withA, withoutA, { figure: window, verdictDiffers: true, violationSpan: null })
 * //=> { assumedDays: 122, dependsOnAssumption: true, assumption: { kind: 'open-end', country: 'FR', from: '2025-10-01', to: '2026-01-31', assumedDays: 122, nextCountry: null, decidingDays: 122 } }
 */
export function assumptionOf(
  evidence: PresenceEvidence,
  withAssumed: readonly DayInterval[],
  withoutAssumed: readonly DayInterval[],
  cmp: VerdictComparison,
): RuleAssumption {
  const removed = subtractIntervals(withAssumed, withoutAssumed);
  const assumedDays = cmp.figure ? countDays(intersectIntervals(removed, [cmp.figure])) : 0;
  const span = cmp.verdictDiffers ? cmp.figure : cmp.violationSpan;
  if (!span) return { assumedDays, dependsOnAssumption: cmp.verdictDiffers || cmp.violationSpan !== null, assumption: null };
  const deciding = intersectIntervals(removed, [span]);
  let best: AssumedRun | null = null;
  let bestDays = 0;
  for (const run of evidence.runs) {
    if (run.to < span.start || run.from >= span.end) continue;
    const days = countDays(intersectIntervals(deciding, [{ start: run.from + 1, end: run.to }]));
    if (days > 0 && days >= bestDays) {
      best = run;
      bestDays = days;
    }
  }
  return {
    assumedDays,
    dependsOnAssumption: true,
    assumption: best && {
      kind: best.kind,
      country: best.country,
      from: fromDayNumber(best.from),
      to: fromDayNumber(best.to),
      assumedDays: best.assumedDays,
      nextCountry: best.nextCountry,
      decidingDays: bestDays,
    },
  };
}
