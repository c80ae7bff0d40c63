/**
 * The "at most N days (or N months) per stay" rule engine (kind `per-stay`): a maximum length of one continuous
 * stay, entry to exit, in a country or group of countries. Instances (rows of the reference data): the US Visa Waiver
 * Program's admission "for a period not exceeding ninety days" (8 U.S.C. 1187(a)(1)); the UK's permission as a
 * visitor for up to 6 months (Immigration Rules, Appendix Visitor); Japan's 90-day temporary visitor stay for
 * visa-exempt nationals (MOFA, "Exemption of Visas (Short-Term Stay)").
 *
 * All days are day numbers ({@link toDayNumber}: local calendar dates, no time zone). Inputs:
 * - P: the distinct presence days in the territory (recorded and planned; days after the evaluation date E
 *   are planned, as in {@link computePresence}), sorted maximal runs.
 * - B (optional): "bridge" days, presence in places whose visit does not end the stay: for the US VWP, 8 CFR
 *   217.3(b) readmits a visitor returning from "foreign contiguous territory or adjacent islands" (Canada,
 *   Mexico, the islands of 8 U.S.C. 1101(b)(5)) for the balance of the original admission.
 *
 * Definitions:
 * - Days are counted inclusively: the entry date is day 1 of the stay and the exit date its last day (as the
 *   Schengen Borders Code Art. 6(2) says for short stays). Where an authority counts from the day after entry or
 *   stamps "admit until entry + 90", the real limit is one day later: this engine is on the safe side by at
 *   most one day, and the date the border officer wrote prevails.
 * - A stay is a maximal run of consecutive days of P. An exit and a re-entry on the same date is one day of
 *   presence, so it does not end the stay (conservative: an authority that grants fresh permission at every
 *   entry would restart the count). One whole day outside the territory ends it, unless every day since the
 *   last day of P is in B and the re-entry falls within the stay's permitted period (the "balance"): then the
 *   stay continues and the days in B count towards its length (the admission period keeps running while away).
 *   A return from B after the permitted period has ended starts a new stay (a new admission; whether it is
 *   granted is for the border officer, this engine does not judge "visa runs" or frequent successive visits).
 * - The permitted period of a stay entered on day s ends on `lastPermittedDay(s)`: s + maxStayDays - 1, or
 *   for maxStayMonths the day before the same date that many months later (31 August + 6 months: no
 *   31 February, so the period ends on the last day of February).
 *
 * Cost: linear in the number of runs of P and B; nothing is done per day.
 */
import type { DayInterval } from '../intervals';
import { sameDateMonthsLater } from '../dates';

/** Exactly one of: `maxStayDays` (days, entry day included) or `maxStayMonths` (calendar months). */
export type PerStayParams = { maxStayDays: number; maxStayMonths?: undefined } | { maxStayMonths: number; maxStayDays?: undefined };

/** Outputs of the rule for evaluation date E (all days are day numbers; see `evaluatePerStay`). */
export interface PerStayResult {
  /** Entry day of the stay running on E; null when there is none. */
  currentStayStart: number | null;
  /** E - currentStayStart + 1 (days of the stay so far, E included); 0 when there is no current stay. */
  currentStayDays: number;
  /** Permitted length in days of the current stay, or of a stay entered on E when there is none. */
  maxStayDays: number;
  /** max(0, maxStayDays - currentStayDays): days left after E. */
  daysRemaining: number;
  /** Last permitted day of the current stay (of a stay entered on E when none); null when already past it. */
  latestExit: number | null;
  /** max(0, currentStayDays - maxStayDays). */
  overstayDays: number;
  /** Earliest day of P (past or planned) after the permitted period of its stay; null when none. */
  firstViolation: number | null;
}

/**
 * Last permitted day of a stay entered on `start` (see the module docstring).
 * @throws RangeError for bad parameters (see `evaluatePerStay`).
 * @example
 * fromDayNumber(lastPermittedDay(toDayNumber('2026-01-01'), { maxStayDays: 90 })) //=> '2026-03-31'
 * // 31 August + 6 months is 1 March (no 31 February): the period ends the day before
 * fromDayNumber(lastPermittedDay(toDayNumber('2025-08-31'), { maxStayMonths: 6 })) //=> '2026-02-28'
 */
export function lastPermittedDay(start: number, params: PerStayParams): number {
  checkParams(params);
  return lastDay(start, params);
}

function lastDay(start: number, params: PerStayParams): number {
  return params.maxStayDays !== undefined ? start + params.maxStayDays - 1 : sameDateMonthsLater(start, params.maxStayMonths) - 1;
}

function checkParams(params: PerStayParams): void {
  const hasDays = params.maxStayDays !== undefined;
  const hasMonths = params.maxStayMonths !== undefined;
  if (hasDays === hasMonths) throw new RangeError('per-stay parameters need exactly one of maxStayDays or maxStayMonths');
  const v = hasDays ? params.maxStayDays : params.maxStayMonths;
  const name = hasDays ? 'maxStayDays' : 'maxStayMonths';
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`per-stay ${name} must be a positive integer, got ${String(v)}`);
}

/** A stay: its entry day and its runs of P, `first..last` indices into P. */
interface Stay {
  start: number;
  first: number;
  last: number;
}

/**
 * The stays of `p` (see the module docstring): consecutive runs joined across gaps bridged by `bridge` within the
 * permitted period of the stay they continue.
 */
function groupStays(p: readonly DayInterval[], params: PerStayParams, bridged: (a: number, b: number) => boolean): Stay[] {
  const stays: Stay[] = [];
  for (let i = 0; i < p.length; i++) {
    const run = p[i]!;
    const cur = stays[stays.length - 1];
    if (cur && run.start <= lastDay(cur.start, params) && bridged(p[cur.last]!.end + 1, run.start - 1)) cur.last = i;
    else stays.push({ start: run.start, first: i, last: i });
  }
  return stays;
}

/**
 * `bridged(a, b)`: every day of [a, b] is in B. B's runs are maximal, so one run must cover [a, b]; when the
 * gaps are asked in increasing order a forward pointer finds it (`reset` starts over).
 */
function bridgeTest(bridge: readonly DayInterval[]): { bridged: (a: number, b: number) => boolean; reset: () => void } {
  let bi = 0;
  return {
    bridged: (a, b) => {
      while (bi < bridge.length && bridge[bi]!.end < a) bi++;
      return bi < bridge.length && bridge[bi]!.start <= a && bridge[bi]!.end >= b;
    },
    reset: () => {
      bi = 0;
    },
  };
}

/**
 * The days of `p` after the permitted period of their stay (`lastPermittedDay` of its entry day), as sorted
 * runs: every day a traveller is over the limit, past or planned. Its first day is `evaluatePerStay`'s
 * `firstViolation`. Planning compares it with and without planned stays ({@link planRulesPrepared}).
 * @throws RangeError for bad parameters (see `evaluatePerStay`).
 * @example
 * const run = (from, to) => ({ start: toDayNumber(from), end: toDayNumber(to) })
 * const p = [run('2026-01-01', '2026-02-15'), run('2026-02-20', '2026-04-10')]
 * // Four days away end the stay: two stays, neither over 90 days
 * daysOverLimit(p, { maxStayDays: 90 }) //=> []
 * // Unless those days were in bridge territory (Canada for the US): one stay from 1 January, over from 1 April
 * daysOverLimit(p, { maxStayDays: 90 }, [run('2026-02-16', '2026-02-19')]) //=> [run('2026-04-01', '2026-04-10')]
 */
export function daysOverLimit(p: readonly DayInterval[], params: PerStayParams, bridge: readonly DayInterval[] = []): DayInterval[] {
  checkParams(params);
  const out: DayInterval[] = [];
  for (const s of groupStays(p, params, bridgeTest(bridge).bridged)) {
    const L = lastDay(s.start, params);
    for (let i = s.first; i <= s.last; i++) {
      const run = p[i]!;
      if (run.end > L) out.push({ start: Math.max(run.start, L + 1), end: run.end });
    }
  }
  return out;
}

/**
 * Evaluates the rule on presence `p` and bridge days `bridge` (both sorted, disjoint, maximal runs, as
 * `mergeIntervals` returns) at evaluation date `asOf` (E). The current stay is the last stay entered on or
 * before E when E is not after its last day of P (E is then a day of P or a bridged day between two of its
 * runs), or when every day from its last day of P through E is in B and E is within its permitted period (the
 * traveller is away in bridge territory with admission time left); otherwise there is none.
 * @throws RangeError when the parameters are not exactly one positive integer maxStayDays or maxStayMonths.
 * @example
 * const p = [{ start: toDayNumber('2026-01-01'), end: toDayNumber('2026-02-15') }]
 * const r = evaluatePerStay(p, toDayNumber('2026-02-15'), { maxStayDays: 90 })
 * r.currentStayDays //=> 46
 * r.daysRemaining //=> 44
 * fromDayNumber(r.latestExit) //=> '2026-03-31'
 * evaluatePerStay(p, toDayNumber('2026-02-15'), { maxStayDays: 0 }) //=> throws RangeError
 */
export function evaluatePerStay(p: readonly DayInterval[], asOf: number, params: PerStayParams, bridge: readonly DayInterval[] = []): PerStayResult {
  checkParams(params);
  const E = asOf;
  const { bridged, reset } = bridgeTest(bridge);
  const stays = groupStays(p, params, bridged);

  let firstViolation: number | null = null;
  for (const s of stays) {
    const L = lastDay(s.start, params);
    if (p[s.last]!.end <= L) continue;
    for (let i = s.first; i <= s.last; i++) {
      if (p[i]!.end > L) {
        firstViolation = Math.max(p[i]!.start, L + 1);
        break;
      }
    }
    break;
  }

  // The last stay entered on or before E.
  let before: Stay | undefined;
  for (const s of stays) {
    if (s.start > E) break;
    before = s;
  }
  let current: number | null = null;
  if (before) {
    // Inside [entry, last day of P] E is a day of P or a bridged gap between two of the stay's runs.
    const lastP = p[before.last]!.end;
    if (E <= lastP) current = before.start;
    else if (E <= lastDay(before.start, params)) {
      reset();
      if (bridged(lastP + 1, E)) current = before.start;
    }
  }

  const start = current ?? E;
  const L = lastDay(start, params);
  const maxStayDays = L - start + 1;
  const currentStayDays = current === null ? 0 : E - current + 1;
  return {
    currentStayStart: current,
    currentStayDays,
    maxStayDays,
    daysRemaining: Math.max(0, maxStayDays - currentStayDays),
    latestExit: L >= E ? L : null,
    overstayDays: Math.max(0, currentStayDays - maxStayDays),
    firstViolation,
  };
}
