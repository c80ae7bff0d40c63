/**
 * Schedule arithmetic of the recompute: the time zone a profile is evaluated in (`safeTimeZone`), the first local
 * date on which a rule's status can change with time alone (`statusChangesOn`), and the instant the scheduled
 * recompute must next evaluate the user (`nextRecomputeAt`, from `startOfNextLocalDay`: local midnight, or the first
 * minute after a DST gap that skips it). Pure: no repository, no clock (the instant is passed in).
 */
import { addDays, type IsoDate } from '@travel-time-tracker/core/dates';
import type { RuleResult } from '@travel-time-tracker/core/ruleResults';
import { isTimeZone, todayIn, zonedInstant } from '@travel-time-tracker/core/timeZones';

/** A time zone `Intl` accepts, else UTC (a profile with a bad zone must not stop its status being computed). */
export function safeTimeZone(tz: string | undefined | null): string {
  return tz && isTimeZone(tz) ? tz : 'UTC';
}

/**
 * The first instant (UTC `Date`, minute precision) at which the local date in `timeZone` is the day after the
 * local date at `now`: local midnight, or the first minute after a DST gap that skips midnight.
 */
export function startOfNextLocalDay(timeZone: string, now: Date): Date {
  const tomorrow = addDays(todayIn(timeZone, now), 1);
  // The local date changes exactly once between now and now + 27 h (the largest offset change is < 3 h).
  let lo = Math.floor(now.getTime() / 60_000);
  let hi = lo + 27 * 60;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (todayIn(timeZone, new Date(mid * 60_000)) >= tomorrow) hi = mid;
    else lo = mid;
  }
  return new Date(hi * 60_000);
}

/** What decides when a status can next change with time alone (`statusChangesOn`). */
export interface ScheduleContext {
  /** The evaluation date (the user's local today). */
  asOf: IsoDate;
  /** The latest departure or arrival date of any segment; null without segments. */
  lastSegmentDate: IsoDate | null;
  /** Whether `asOf` is a day the rule counts (the traveller is in its territory, not under a permit's cover). */
  countedToday: boolean;
  /** A rolling-window rule's period (`params.periodDays`; 180 for Schengen, Reg. (EU) 2016/399 Art. 6(1)). */
  periodDays?: number;
}

/**
 * The first local date after `asOf` from which the rule's status may read differently with time alone (no segment or
 * profile change), or null when it cannot. The fields that only restate the evaluation date are left aside (a status
 * not kept current says which day it is for in `asOf`): the period ending on it (`windowStart`, `windowEnd`) and the
 * dates of a stay that would start that day (`latestExitDate`, `nextEntryDate` and a per-stay `maxStayDays` when
 * there is no current stay). A rule that does not apply to the traveller is not kept current day by day (its numbers
 * are for its `asOf`). Otherwise, by kind:
 * - any kind: tomorrow when a segment is dated after `asOf` (planned trips become days of presence) or when `asOf`
 *   is a day the rule counts (the count grows);
 * - `rolling-window`: tomorrow while a segment date lies in the period ending tomorrow (days leave the period);
 * - `per-stay`: tomorrow while a stay runs (`currentStayStart`; also away in bridge territory, whose days count);
 * - `tax-year-presence`: the first day of the next tax year (`taxYearEnd` + 1: the count starts again and this
 *   year joins `byTaxYear`);
 * - `weighted-lookback`: the first day of the next year (`yearEnd` + 1: the years' weights move on).
 */
export function statusChangesOn(r: RuleResult, ctx: ScheduleContext): IsoDate | null {
  if (!r.applies) return null;
  const tomorrow = addDays(ctx.asOf, 1);
  if (ctx.countedToday || (ctx.lastSegmentDate !== null && ctx.lastSegmentDate > ctx.asOf)) return tomorrow;
  switch (r.kind) {
    case 'rolling-window':
      // A presence day from today's period start on still leaves the period later.
      return ctx.lastSegmentDate !== null && ctx.lastSegmentDate >= addDays(ctx.asOf, 1 - (ctx.periodDays ?? 180)) ? tomorrow : null;
    case 'per-stay':
      return r.currentStayStart !== null ? tomorrow : null;
    case 'tax-year-presence':
      return addDays(r.taxYearEnd, 1);
    case 'weighted-lookback':
      return addDays(r.yearEnd, 1);
  }
}

/**
 * When the scheduled recompute must next evaluate this user: the start (local midnight, or the first minute after a
 * DST gap that skips it) in `timeZone` of the earliest of `dates` (local dates after today, from `statusChangesOn`),
 * or null when there is none.
 */
export function nextRecomputeAt(dates: readonly (IsoDate | null)[], timeZone: string, now: Date): Date | null {
  let first: IsoDate | null = null;
  for (const d of dates) if (d !== null && (first === null || d < first)) first = d;
  if (first === null) return null;
  const today = todayIn(timeZone, now);
  if (first <= addDays(today, 1)) return startOfNextLocalDay(timeZone, now);
  // Local noon of the day before: never in a DST gap (they are at night), so its next local day is `first`.
  return startOfNextLocalDay(timeZone, zonedInstant(addDays(first, -1), 12 * 60, timeZone));
}
