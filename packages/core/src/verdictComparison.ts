/**
 * The two evaluations of a rule, with and without the assumed days ({@link presenceEvidence}), compared by the
 * rule's kind: what {@link assumptionOf} needs to tell whether the verdict rests on assumed days.
 */
import type { z } from 'zod';
import { toDayNumber, yearPeriodOf } from './dates';
import { windowOf, type PreparedEvaluation } from './evaluate';
import type { RuleDefinition, RuleKind } from './referenceData';
import type { RuleAssumption, VerdictComparison } from './ruleAssumption';
import type { RuleResultSchema } from './ruleResultSchemas';
import { perStayParams, weightedLookbackParams } from './rules/fromDefinition';
import { lastPermittedDay, type PerStayParams } from './rules/perStay';

type Of<K extends RuleKind> = Extract<RuleDefinition, { kind: K }>;

/** A rule result ({@link RuleResultSchema}) before its assumption fields. */
export type EngineResult = DistributiveOmit<z.infer<typeof RuleResultSchema>, keyof RuleAssumption>;
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * How a rule's results with (`c`) and without (`x`) the assumed days compare ({@link VerdictComparison}), by kind:
 * the days of its current figure, whether the verdict differs, and the days that decide the first violation when
 * its date differs. `mine` is the result shown (its figure is the one reported); `d` is the rule's row.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2025-04-09', arrivalDate: '2025-04-10', mode: 'flight' },
 * ]
 * // No record after the arrival on 10 April: the days since are assumed.
 * const counted = prepareEvaluation(trip, { asOf: '2025-12-31', evidence: true })
 * const excluded = assumedCounterpart(counted)
 * const uk = counted.reference.definition('uk-srt-183')
 * const c = evaluateDefinitions(counted, [uk])[0]
 * const x = evaluateDefinitions(excluded, [uk])[0]
 * c.met //=> true
 * x.met //=> false
 * // The figure is the tax year from 6 April to the evaluation date:
 * compareVerdicts(c, x, c, counted, uk)
 * //=> { figure: { start: toDayNumber('2025-04-06'), end: toDayNumber('2025-12-31') }, verdictDiffers: true, violationSpan: null }
 */
export function compareVerdicts(c: EngineResult, x: EngineResult, mine: EngineResult, prepared: PreparedEvaluation, d: RuleDefinition): VerdictComparison {
  const E = prepared.asOfDay;
  const day = (s: string | null) => (s === null ? null : toDayNumber(s));
  switch (c.kind) {
    case 'rolling-window': {
      const xr = x as typeof c;
      const fv = c.firstViolationDate !== xr.firstViolationDate ? day(c.firstViolationDate ?? xr.firstViolationDate) : null;
      const periodDays = (d as Of<'rolling-window'>).params.periodDays;
      return {
        figure: windowOf(E, periodDays),
        verdictDiffers: c.overstayDays > 0 !== xr.overstayDays > 0,
        violationSpan: fv === null ? null : windowOf(fv, periodDays),
      };
    }
    case 'per-stay': {
      const xr = x as typeof c;
      const fv = c.firstViolationDate !== xr.firstViolationDate ? day(c.firstViolationDate ?? xr.firstViolationDate) : null;
      const start = day(c.currentStayStart);
      return {
        figure: start === null ? null : { start, end: E },
        verdictDiffers: c.overstayDays > 0 !== xr.overstayDays > 0,
        violationSpan: fv === null ? null : { start: stayStartOf(fv, perStayParams(d as Of<'per-stay'>)), end: fv },
      };
    }
    case 'tax-year-presence':
      return { figure: { start: toDayNumber(c.taxYearStart), end: E }, verdictDiffers: c.met !== (x as typeof c).met, violationSpan: null };
    case 'weighted-lookback': {
      const yearStart = weightedLookbackParams(d as Of<'weighted-lookback'>).yearStart;
      let start = toDayNumber(c.yearStart);
      for (let k = 1; k < c.daysByYear.length; k++) start = yearPeriodOf(start - 1, yearStart).start;
      return { figure: { start, end: E }, verdictDiffers: c.met !== (x as typeof c).met, violationSpan: null };
    }
  }
}

/**
 * The entry day of a stay whose first day over the limit is `fv`: the earliest entry whose permitted period ends the
 * day before. Read off the rule's parameters, not the result's `maxStayDays` (the length of a stay entered on the
 * evaluation date when none runs, which for a limit in months moves with that date), so that what decides the first
 * violation does not change with time alone.
 */
function stayStartOf(fv: number, params: PerStayParams): number {
  if (params.maxStayDays !== undefined) return fv - params.maxStayDays;
  const earliest = fv - 31 * params.maxStayMonths - 1;
  for (let s = earliest; s < fv; s++) if (lastPermittedDay(s, params) === fv - 1) return s;
  return earliest;
}
