/**
 * Whether a rule's verdict rests on assumed days ({@link presenceEvidence}): the rule is evaluated with and without
 * them, and the two results are compared here. The fields are those of {@link RuleAssumptionSchema}.
 */
import type { z } from 'zod';
import { fromDayNumber } from './dates';
import { countDays, intersectIntervals, subtractIntervals, type DayInterval } from './intervals';
import type { AssumedRun, PresenceEvidence } from './evidence';
import type { RuleAssumptionSchema } from './ruleResultSchemas';

/** `assumedDays`, `dependsOnAssumption` and `assumption` of a rule result (ruleResultSchemas.ts). */
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
