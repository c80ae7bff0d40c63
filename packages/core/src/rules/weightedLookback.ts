/**
 * The weighted look-back rule engine (kind `weighted-lookback`): the US substantial presence test, 26 U.S.C.
 * 7701(b)(3)(A) (IRS Publication 519, "Substantial Presence Test"): an individual meets it for the current
 * calendar year when present in the United States on at least 31 days during that year and on at least 183 days
 * during the 3-year period of that year and the 2 before it, counting all the days of the current year, 1/3 of
 * the days of the first preceding year and 1/6 of the days of the second preceding year. Publication 519's
 * example: 120 days in each of three years gives 120 + 40 + 20 = 180 days, not met.
 *
 * Generalised as parameters: `minDaysCurrentYear` (31), `threshold` (183), `weights` (current year first:
 * 1, 1/3, 1/6) and `yearStart` (1 January). Weighted days are kept exact as a numerator over the least common
 * denominator of the weights (sixths for the statute): 122 days in each year is exactly 183 (met), which
 * rounding each fraction down would turn into 182. `display` is for showing only; comparisons use the fraction.
 *
 * A day of presence is a day of physical presence at any time during the day (7701(b)(7)(A)); the caller gives
 * presence days under that convention ({@link Presence} `byCountry`, which leaves out airside transit days: the
 * exception for less than 24 hours in transit between two places outside the US, 7701(b)(7)(C), holds only when
 * such a transit is marked). Not modelled: days as an exempt individual (7701(b)(5): foreign government-related
 * individuals, teachers, trainees, students, professional athletes), commuters from Canada or Mexico
 * (7701(b)(7)(B)), crew members, days of a medical condition (7701(b)(3)(D)(ii)), and the closer connection
 * exception (7701(b)(3)(B), fewer than 183 days in the current year and a tax home abroad): the result says
 * whether the day counts meet the test, not whether the person is a US resident.
 *
 * All days are day numbers ({@link toDayNumber}). P: presence days, recorded and planned (after the evaluation date E).
 * Cost: linear in the number of runs of P.
 */
import type { DayInterval } from '../intervals';
import { checkYearStart, yearPeriodOf, type YearStart } from '../dates';

/** A non-negative rational number. */
export interface Fraction {
  numerator: number;
  denominator: number;
}

/** Parameters; `weights[0]` is the current year's, `weights[k]` the k-th preceding year's. */
export interface WeightedLookbackParams {
  minDaysCurrentYear: number;
  threshold: number;
  weights: readonly Fraction[];
  yearStart: YearStart;
}

/** Exact weighted days, `numerator / denominator` (denominator: the LCM of the weights' denominators). */
export interface WeightedDays {
  numerator: number;
  denominator: number;
  /** The value rounded down to 2 decimals, trailing zeros dropped ("180", "181.5", "182.83"); display only. */
  display: string;
}

/** Outputs for evaluation date E (day numbers). */
export interface WeightedLookbackResult {
  /** First and last day of the current year (the year containing E). */
  yearStart: number;
  yearEnd: number;
  /** Days of P in [yearStart, E]. */
  daysThisYear: number;
  /** [daysThisYear, days in the first preceding year, days in the second preceding year, ...] (one per weight). */
  daysByYear: number[];
  /** Sum of daysByYear[k] x weights[k]. */
  weightedDays: WeightedDays;
  threshold: number;
  minDaysCurrentYear: number;
  /** daysThisYear >= minDaysCurrentYear and weightedDays >= threshold. */
  met: boolean;
  /** The day of P in the current year (planned days included) on which both conditions first hold; null when not in this year. */
  metOn: number | null;
  /** More days of presence in the current year needed to meet it (0 when met). */
  daysRemaining: number;
}

/**
 * Parses "1", "1/3", "1/6".
 * @throws RangeError when it is not a non-negative integer or integer fraction with a positive denominator.
 * @example
 * parseFraction('1/3') //=> { numerator: 1, denominator: 3 }
 * parseFraction('1') //=> { numerator: 1, denominator: 1 }
 * parseFraction('1/0') //=> throws RangeError
 */
export function parseFraction(value: string): Fraction {
  const m = /^(\d+)(?:\/(\d+))?$/.exec(value);
  const denominator = m?.[2] === undefined ? 1 : Number(m[2]);
  if (!m || denominator === 0) throw new RangeError(`"${value}" is not a fraction such as "1" or "1/3"`);
  return { numerator: Number(m[1]), denominator };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function checkParams(params: WeightedLookbackParams): void {
  const { minDaysCurrentYear: m, threshold: t, weights } = params;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`weighted-lookback minDaysCurrentYear must be a positive integer, got ${m}`);
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`weighted-lookback threshold must be a positive integer, got ${t}`);
  const ok = (w: Fraction) => Number.isInteger(w.numerator) && Number.isInteger(w.denominator) && w.numerator >= 0 && w.denominator >= 1;
  if (weights.length === 0 || !weights.every(ok) || weights[0]!.numerator === 0) {
    throw new RangeError("weighted-lookback weights must be non-negative integer fractions, the current year's first and above zero");
  }
  checkYearStart(params.yearStart);
}

function display(numerator: number, denominator: number): string {
  const hundredths = Math.floor((numerator * 100) / denominator);
  const whole = Math.floor(hundredths / 100);
  const frac = hundredths % 100;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/**
 * Evaluates the test on P (sorted, disjoint runs) as of `asOf` (E). Preceding years are counted whole; the
 * current year up to E for `daysThisYear`/`met`, and with its planned days for `metOn`.
 * @throws RangeError for bad parameters (see `checkParams` messages).
 * @example
 * // Publication 519's example: 120 days in each of three years is 120 + 40 + 20 = 180 weighted days, not met
 * const run = (from, to) => ({ start: toDayNumber(from), end: toDayNumber(to) })
 * const p = [run('2024-01-01', '2024-04-29'), run('2025-01-01', '2025-04-30'), run('2026-01-01', '2026-04-30')]
 * const params = weightedLookbackParams(loadReferenceData().definition('us-substantial-presence'))
 * const r = evaluateWeightedLookback(p, toDayNumber('2026-12-31'), params)
 * r.daysByYear //=> [120, 120, 120]
 * r.weightedDays //=> { numerator: 1080, denominator: 6, display: '180' }
 * r.met //=> false
 * r.daysRemaining //=> 3
 */
export function evaluateWeightedLookback(p: readonly DayInterval[], asOf: number, params: WeightedLookbackParams): WeightedLookbackResult {
  checkParams(params);
  const E = asOf;
  const n = params.weights.length;
  const denominator = params.weights.reduce((l, w) => (l * w.denominator) / gcd(l, w.denominator), 1);
  const factor = params.weights.map((w) => (w.numerator * denominator) / w.denominator);

  // Year k before the current one: [starts[k], ends[k]].
  const starts: number[] = [];
  const ends: number[] = [];
  let y = yearPeriodOf(E, params.yearStart);
  for (let k = 0; k < n; k++) {
    starts.push(y.start);
    ends.push(y.end);
    y = yearPeriodOf(y.start - 1, params.yearStart);
  }
  const count = (a: number, b: number) => {
    let c = 0;
    for (const iv of p) {
      const x = Math.max(a, iv.start);
      const z = Math.min(b, iv.end);
      if (x <= z) c += z - x + 1;
    }
    return c;
  };
  const daysByYear = starts.map((s, k) => count(s, k === 0 ? E : ends[k]!));
  let rest = 0;
  for (let k = 1; k < n; k++) rest += daysByYear[k]! * factor[k]!;
  const numerator = daysByYear[0]! * factor[0]! + rest;

  // Current-year days needed: at least the minimum, and enough for the weighted threshold.
  const need = Math.max(params.minDaysCurrentYear, Math.ceil((params.threshold * denominator - rest) / factor[0]!));
  let metOn: number | null = null;
  let seen = 0;
  for (const iv of p) {
    const a = Math.max(iv.start, starts[0]!);
    const b = Math.min(iv.end, ends[0]!);
    if (a > b) continue;
    if (seen + (b - a + 1) >= need) {
      metOn = a + (need - seen - 1);
      break;
    }
    seen += b - a + 1;
  }
  const daysThisYear = daysByYear[0]!;
  return {
    yearStart: starts[0]!,
    yearEnd: ends[0]!,
    daysThisYear,
    daysByYear,
    weightedDays: { numerator, denominator, display: display(numerator, denominator) },
    threshold: params.threshold,
    minDaysCurrentYear: params.minDaysCurrentYear,
    met: daysThisYear >= need,
    metOn,
    daysRemaining: Math.max(0, need - daysThisYear),
  };
}
