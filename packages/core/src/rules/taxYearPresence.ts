/**
 * The "at least N days of presence in a tax year" rule engine (kind `tax-year-presence`), e.g. the UK's first
 * automatic UK test of the statutory residence test: "P spends at least 183 days in the UK in year X" (Finance
 * Act 2013 Schedule 45 para 7; tax year 6 April to 5 April), with the days counted under the rule's
 * convention:
 * - `midnight`: a day counts when the traveller is in the country at the end of it (Sch. 45 para 22; see
 *   {@link midnightPresence} for how it is derived and its transit exception);
 * - `any-part-of-day`: a day counts when the traveller is in the country at any time of it ({@link Presence}
 *   `byCountry`: arrival and departure dates both count).
 * The caller derives the presence days under the convention; this module only counts them.
 *
 * All days are day numbers ({@link toDayNumber}: local calendar dates). P is the set of presence days in the country
 * (recorded, and planned after the evaluation date E). A tax year starts every year on `yearStart`
 * (month/day: 1 January, 6 April, 1 July, ...) and ends the day before the next start (365 or 366 days).
 *
 * Cost: linear in the number of runs of P plus the number of tax years it spans.
 */
import type { DayInterval } from '../intervals';
import { checkYearStart, yearPeriodOf, type YearStart } from '../dates';

/** `minDays` days (at least) in a tax year starting every year on `yearStart`. */
export interface TaxYearPresenceParams {
  minDays: number;
  yearStart: YearStart;
}

/** One past tax year (day numbers). */
export interface TaxYearCount {
  taxYearStart: number;
  taxYearEnd: number;
  days: number;
  /** days >= threshold. */
  met: boolean;
  /** The day the threshold was reached (the threshold-th day of presence); null when not met. */
  metOn: number | null;
}

/** Outputs for evaluation date E (day numbers). */
export interface TaxYearPresenceResult {
  /** First and last day of the tax year containing E. */
  taxYearStart: number;
  taxYearEnd: number;
  /** Days of P in [taxYearStart, E]. */
  daysThisTaxYear: number;
  /** Days of P in [E + 1, taxYearEnd] (planned). */
  plannedDaysThisTaxYear: number;
  /** = params.minDays. */
  threshold: number;
  /** daysThisTaxYear >= threshold. */
  met: boolean;
  /** The threshold-th day of P in this tax year, counting planned days: the day it was or will be reached; null when it is not reached in this tax year. */
  metOn: number | null;
  /** max(0, threshold - daysThisTaxYear): days of presence still missing before it is reached. */
  daysRemaining: number;
  /** The tax years before the current one that hold days of P, oldest first (years without presence are left out). */
  byTaxYear: TaxYearCount[];
}

/**
 * Counts P (sorted, disjoint runs, as `mergeIntervals` returns) per tax year, as of `asOf` (E). Days of P after
 * the current tax year are ignored.
 * @throws RangeError when minDays is not a positive integer or yearStart is not a real month/day (not 29 February).
 * @example
 * // In the UK from 1 May to 30 November 2025; the tax year from 6 April 2025, evaluated on 15 January 2026:
 * const p = [{ start: toDayNumber('2025-05-01'), end: toDayNumber('2025-11-30') }]
 * const r = evaluateTaxYearPresence(p, toDayNumber('2026-01-15'), { minDays: 183, yearStart: { month: 4, day: 6 } })
 * r.daysThisTaxYear //=> 214
 * r.met //=> true
 * fromDayNumber(r.metOn) //=> '2025-10-30'
 */
export function evaluateTaxYearPresence(p: readonly DayInterval[], asOf: number, params: TaxYearPresenceParams): TaxYearPresenceResult {
  const T = params.minDays;
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`tax-year-presence minDays must be a positive integer, got ${T}`);
  checkYearStart(params.yearStart);
  const E = asOf;
  const current = yearPeriodOf(E, params.yearStart);

  const byTaxYear: TaxYearCount[] = [];
  let cur: TaxYearCount | undefined;
  let daysThisTaxYear = 0;
  let planned = 0;
  let metOn: number | null = null;
  let countCurrent = 0;
  for (const iv of p) {
    let a = iv.start;
    while (a <= iv.end && a <= current.end) {
      if (a >= current.start) {
        // The current tax year: the rest of this run, clipped to the year's end.
        const b = Math.min(iv.end, current.end);
        const len = b - a + 1;
        if (metOn === null && countCurrent + len >= T) metOn = a + (T - countCurrent - 1);
        countCurrent += len;
        daysThisTaxYear += Math.max(0, Math.min(b, E) - a + 1);
        planned += Math.max(0, b - Math.max(a, E + 1) + 1);
        a = b + 1;
        continue;
      }
      const y = yearPeriodOf(a, params.yearStart);
      if (!cur || cur.taxYearStart !== y.start) {
        cur = { taxYearStart: y.start, taxYearEnd: y.end, days: 0, met: false, metOn: null };
        byTaxYear.push(cur);
      }
      const b = Math.min(iv.end, y.end);
      const len = b - a + 1;
      if (cur.metOn === null && cur.days + len >= T) {
        cur.metOn = a + (T - cur.days - 1);
        cur.met = true;
      }
      cur.days += len;
      a = b + 1;
    }
  }
  return {
    taxYearStart: current.start,
    taxYearEnd: current.end,
    daysThisTaxYear,
    plannedDaysThisTaxYear: planned,
    threshold: T,
    met: daysThisTaxYear >= T,
    metOn,
    daysRemaining: Math.max(0, T - daysThisTaxYear),
    byTaxYear,
  };
}
