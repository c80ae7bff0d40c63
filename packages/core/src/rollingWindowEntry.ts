/**
 * A rolling-window result ({@link RollingWindowResult}, day numbers) as the entry the status documents, the app and the
 * CLI read: a {@link RuleEvaluationSchema} without the assumption fields, dates written `YYYY-MM-DD`.
 */
import { fromDayNumber } from './dates';
import type { Applicability } from './applicability';
import type { z } from 'zod';
import type { RuleEvaluationSchema } from './ruleResultSchemas';
import type { RuleAssumption } from './ruleAssumption';
import type { RollingWindowResult } from './rules/rollingWindow';

/**
 * A rolling-window result (day numbers) as the entry the status, the app and the CLI read (`YYYY-MM-DD` dates),
 * without the assumption fields (the caller adds them: {@link assumptionOf}).
 * @example
 * const days = [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }]
 * const r = evaluateRollingWindow(days, toDayNumber('2026-01-31'), { maxDays: 90, periodDays: 180 })
 * const entry = rollingWindowEntry('schengen-90-180', { applies: true, reason: null }, { permitDaysExcluded: 0, exemptDaysExcluded: 0 }, r)
 * entry.daysUsed //=> 29
 * entry.daysRemaining //=> 61
 * // The 180-day period ending on 31 January, and the last day of a stay begun that day:
 * entry.windowStart //=> '2025-08-05'
 * entry.windowEnd //=> '2026-01-31'
 * entry.latestExitDate //=> '2026-04-01'
 */
export function rollingWindowEntry(
  ruleId: string,
  applicability: Applicability & { eligibility?: string },
  excluded: { permitDaysExcluded: number; exemptDaysExcluded: number },
  r: RollingWindowResult,
): Omit<z.infer<typeof RuleEvaluationSchema>, keyof RuleAssumption> {
  const date = (d: number | null) => (d === null ? null : fromDayNumber(d));
  return {
    ruleId,
    applies: applicability.applies,
    reason: applicability.reason,
    ...(applicability.eligibility !== undefined ? { eligibility: applicability.eligibility } : {}),
    exemptDaysExcluded: excluded.exemptDaysExcluded,
    permitDaysExcluded: excluded.permitDaysExcluded,
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
