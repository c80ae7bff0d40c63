/**
 * The "at most N days in any M-day period" rule engine (kind `rolling-window`), first used for the Schengen
 * short-stay rule: Regulation (EU) 2016/399 (Schengen Borders Code) Art. 6(1) "90 days in any 180-day period,
 * which entails considering the 180-day period preceding each day of stay", and Art. 6(2) (entry and exit dates
 * are days of stay). Definitions follow the European Commission's short-stay calculator
 * (https://home-affairs.ec.europa.eu/policies/schengen-borders-and-visa/border-crossing_en).
 *
 * All days are day numbers ({@link toDayNumber}). P is the set of distinct presence days in the region (recorded and
 * planned). The period ("window") of a control date D is [D - periodDays + 1, D].
 *
 * Cost: linear in the number of days spanned by P plus O(maxDays x periodDays) for the latest exit date, using
 * a prefix-sum array over the span; no scan over segments. Works on a bitmap of P (`evaluateRollingWindowDays`).
 */
import { DayCounter, daySetOf, inDaySet, type DayInterval, type DaySet } from '../intervals';

/** `maxDays` days allowed in any `periodDays`-day period; requires 1 <= maxDays < periodDays. */
export interface RollingWindowParams {
  maxDays: number;
  periodDays: number;
}

/** Outputs of the rule for evaluation date E (all day numbers; see `evaluateRollingWindow`). */
export interface RollingWindowResult {
  daysUsed: number;
  daysRemaining: number;
  overstayDays: number;
  windowStart: number;
  windowEnd: number;
  latestExit: number | null;
  nextEntry: number | null;
  firstViolation: number | null;
  currentStayStart: number | null;
}

/**
 * Evaluates the rule on presence days `p` (sorted maximal runs, as `regionPresence` returns) at evaluation
 * date `asOf` (E):
 *
 * - `daysUsed` = |P ∩ [E - periodDays + 1, E]| (later, planned days never count here);
 *   `daysRemaining` = max(0, maxDays - daysUsed); `overstayDays` = max(0, daysUsed - maxDays);
 *   `windowStart` = E - periodDays + 1, `windowEnd` = E.
 * - `latestExit`: the largest X >= E such that, with presence added on every day of [E, X], every day of [E, X]
 *   has at most maxDays in its window and no later day of P that was within the limit is pushed over it;
 *   null when X = E already fails. (The feasible X form a prefix, so they are found by extending day by day.)
 * - `nextEntry`: the earliest N >= E not in P such that adding the single day N keeps N within the limit and
 *   pushes no later day of P that was within the limit over it.
 * - `firstViolation`: the earliest day of P (past or planned) whose window holds more than maxDays days of P.
 * - `currentStayStart`: first day of the run of consecutive days of P containing E; null when E is not in P.
 * @throws RangeError when the parameters are not 1 <= maxDays < periodDays integers.
 * @example
 * // 29 days in the Schengen area in January; evaluated on 31 January:
 * const p = [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }]
 * const r = evaluateRollingWindow(p, toDayNumber('2026-01-31'), { maxDays: 90, periodDays: 180 })
 * r.daysUsed //=> 29
 * r.daysRemaining //=> 61
 * // Entering on 31 January, the traveller may stay 61 days, through 1 April:
 * fromDayNumber(r.latestExit) //=> '2026-04-01'
 * evaluateRollingWindow(p, toDayNumber('2026-01-31'), { maxDays: 180, periodDays: 180 }) //=> throws RangeError
 */
export function evaluateRollingWindow(p: readonly DayInterval[], asOf: number, params: RollingWindowParams): RollingWindowResult {
  checkParams(params);
  return evaluateRollingWindowDays(daySetOf(p), asOf, params);
}

function checkParams(params: RollingWindowParams): void {
  const M = params.maxDays;
  const T = params.periodDays;
  if (!Number.isInteger(M) || !Number.isInteger(T) || M < 1 || M >= T) {
    throw new RangeError(`rolling-window parameters need integers 1 <= maxDays < periodDays, got ${M}/${T}`);
  }
}

/**
 * {@link evaluateRollingWindow} on a day set ({@link regionDays}): same outputs, without building runs first.
 * @throws RangeError when the parameters are not 1 <= maxDays < periodDays integers.
 * @example
 * const p = daySetOf([{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-01-30') }])
 * evaluateRollingWindowDays(p, toDayNumber('2026-01-31'), { maxDays: 90, periodDays: 180 }).daysUsed //=> 29
 */
export function evaluateRollingWindowDays(p: DaySet, asOf: number, params: RollingWindowParams): RollingWindowResult {
  checkParams(params);
  const M = params.maxDays;
  const T = params.periodDays;
  const E = asOf;
  const empty = p.last < p.first;
  const last = empty ? E : p.last;
  // Every window counted from here on starts after E - T (the period of E, and of the days after E that the
  // latest exit and the next entry look at), so prefix counts are needed from E - T only; wide enough at the end
  // for the windows of [E, E + M] and of any next-entry candidate.
  // P as a bitmap (`has`, any day) and its counter over lo..hi (`P.count`): only the days round the evaluation
  // date are counted, see above.
  const has = (d: number) => inDaySet(p, d);
  const lo = E - T;
  const hi = Math.max(last, E + M) + T + 1;
  const P = new DayCounter(lo, hi, has);
  const windowCount = (d: number) => P.count(d - T + 1, d);

  const daysUsed = windowCount(E);

  // The first day of P whose period holds more than M days, by a sliding count over the whole of P.
  let firstViolation: number | null = null;
  if (!empty) {
    const { bits, first } = p;
    let inWindow = 0;
    for (let d = first; d <= last; d++) {
      const here = bits[d - first]!;
      inWindow += here;
      if (d - T >= first) inWindow -= bits[d - T - first]!;
      if (here === 1 && inWindow > M) {
        firstViolation = d;
        break;
      }
    }
  }

  let currentStayStart: number | null = null;
  if (has(E)) {
    let d = E;
    while (has(d - 1)) d--;
    currentStayStart = d;
  }

  // "Tight" days of P after E: exactly at the limit, so one more day in their window would break it. Only days
  // after E are ever asked about (next-entry candidates are from E on).
  const tight = new DayCounter(E + 1, hi, (d) => has(d) && windowCount(d) === M);

  let nextEntry: number | null = null;
  for (let n = E; n <= hi; n++) {
    if (has(n)) continue;
    if (windowCount(n) + 1 > M) continue;
    if (tight.count(n + 1, n + T - 1) > 0) continue;
    nextEntry = n;
    break;
  }

  // latestExit: extend day by day; slack[q] = how many added days the window of a later day q of P can still take.
  const slack = new Map<number, number>();
  const slackOf = (q: number) => {
    let s = slack.get(q);
    if (s === undefined) s = M - windowCount(q);
    return s;
  };
  let latestExit: number | null = null;
  for (let d = E; ; d++) {
    let ok = true;
    if (!has(d)) {
      for (let q = d + 1; q <= d + T - 1 && q <= last; q++) {
        if (!has(q)) continue;
        const s = slackOf(q);
        if (s < 0) continue; // already over the limit without the extension: not "pushed over" by it
        if (s === 0) {
          ok = false;
          break;
        }
        slack.set(q, s - 1);
      }
    }
    // Window of d with [E, d] all present: P's days before E, plus the extension's days inside the window.
    if (ok && P.count(d - T + 1, E - 1) + (d - Math.max(E, d - T + 1) + 1) > M) ok = false;
    if (!ok) break;
    latestExit = d;
  }

  return {
    daysUsed,
    daysRemaining: Math.max(0, M - daysUsed),
    overstayDays: Math.max(0, daysUsed - M),
    windowStart: E - T + 1,
    windowEnd: E,
    latestExit,
    nextEntry,
    firstViolation,
    currentStayStart,
  };
}

/**
 * Days of `p` in the period of every control date D from `from` through `to` (day numbers, inclusive):
 * element i is |P ∩ [D - periodDays + 1, D]| with D = from + i, i.e. `daysUsed` of `evaluateRollingWindow` at
 * evaluation date D. For charts over a history: one prefix count over the span, linear in `to - from`
 * plus `periodDays`.
 * @throws RangeError when `periodDays` is not a positive integer or `to < from`.
 * @example
 * // Days 10 to 14 present; days in the 3-day period ending on each of days 12 to 16:
 * daysInPeriodSeries([{ start: 10, end: 14 }], 12, 16, 3) //=> [3, 3, 3, 2, 1]
 */
export function daysInPeriodSeries(p: readonly DayInterval[], from: number, to: number, periodDays: number): number[] {
  if (!Number.isInteger(periodDays) || periodDays < 1) throw new RangeError(`periodDays must be a positive integer, got ${periodDays}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new RangeError(`need integer days from <= to, got ${from}..${to}`);
  const set = daySetOf(p);
  const P = new DayCounter(from - periodDays + 1, to, (d) => inDaySet(set, d));
  const out = new Array<number>(to - from + 1);
  for (let d = from; d <= to; d++) out[d - from] = P.count(d - periodDays + 1, d);
  return out;
}
