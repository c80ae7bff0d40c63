/**
 * Deliberately naive, day-by-day references for the rule kinds `per-stay`, `tax-year-presence` (with the
 * `midnight` day-counting convention) and `weighted-lookback`, written from the definitions in the modules'
 * docstrings. They share no code with the engine except dates.ts (string <-> day number) and the naive segment
 * order of ../naiveReference.ts: sets of day numbers, string arithmetic on `YYYY-MM-DD` for months and tax years,
 * every count redone from scratch.
 */
import { fromDayNumber, isIsoDate, toDayNumber } from '@travel-time-tracker/core/dates';
import { naiveSort, type NaiveSegment } from '../naiveReference';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const f = (d: number | null) => (d === null ? null : fromDayNumber(d));

/** Every day of inclusive `[from, to]` date pairs, as a set of day numbers. */
export function daySet(ranges: readonly (readonly [string, string])[]): Set<number> {
  const out = new Set<number>();
  for (const [a, b] of ranges) for (let d = toDayNumber(a); d <= toDayNumber(b); d++) out.add(d);
  return out;
}

// ---------------------------------------------------------------- per-stay

export type NaiveMaxStay = { maxStayDays: number } | { maxStayMonths: number };

/**
 * Last permitted day of a stay entered on `start`: entry + days - 1; or, for months, the day before the same
 * date `months` later (the 1st of the month after, when that month is too short).
 */
export function naiveLastAllowed(start: number, max: NaiveMaxStay): number {
  if ('maxStayDays' in max) return start + max.maxStayDays - 1;
  const s = fromDayNumber(start);
  let y = Number(s.slice(0, 4));
  let m = Number(s.slice(5, 7)) + max.maxStayMonths;
  while (m > 12) {
    m -= 12;
    y += 1;
  }
  const same = `${pad(y, 4)}-${pad(m)}-${s.slice(8)}`;
  if (isIsoDate(same)) return toDayNumber(same) - 1;
  const next = m === 12 ? `${pad(y + 1, 4)}-01-01` : `${pad(y, 4)}-${pad(m + 1)}-01`;
  return toDayNumber(next) - 1;
}

export interface NaivePerStay {
  currentStayStart: string | null;
  currentStayDays: number;
  maxStayDays: number;
  daysRemaining: number;
  latestExitDate: string | null;
  overstayDays: number;
  firstViolationDate: string | null;
}

/**
 * Walks every day: a presence day continues the stay when the day before was a presence day, or when every day
 * since the last presence day was a bridge day and the day is within the stay's permitted period; otherwise it
 * starts a new stay.
 */
export function naivePerStay(P: Set<number>, B: Set<number>, E: number, max: NaiveMaxStay): NaivePerStay {
  const all = [...P, ...B, E];
  const lo = Math.min(...all) - 1;
  const hi = Math.max(...all) + 1;
  let stayStart: number | null = null;
  let lastP: number | null = null;
  let bridged = false;
  let firstViolation: number | null = null;
  let current: number | null = null;
  for (let d = lo; d <= hi; d++) {
    if (P.has(d)) {
      const continues = stayStart !== null && (lastP === d - 1 || (bridged && d <= naiveLastAllowed(stayStart, max)));
      if (!continues) stayStart = d;
      if (firstViolation === null && d > naiveLastAllowed(stayStart!, max)) firstViolation = d;
      lastP = d;
      bridged = true;
    } else bridged = bridged && B.has(d);
    if (d === E) {
      if (P.has(d)) current = stayStart;
      else if (stayStart !== null && bridged && E <= naiveLastAllowed(stayStart, max)) current = stayStart;
    }
  }
  const start = current ?? E;
  const L = naiveLastAllowed(start, max);
  const maxStayDays = L - start + 1;
  const currentStayDays = current === null ? 0 : E - current + 1;
  return {
    currentStayStart: f(current),
    currentStayDays,
    maxStayDays,
    daysRemaining: Math.max(0, maxStayDays - currentStayDays),
    latestExitDate: L >= E ? fromDayNumber(L) : null,
    overstayDays: Math.max(0, currentStayDays - maxStayDays),
    firstViolationDate: f(firstViolation),
  };
}

/**
 * Every day of P after the permitted period of its stay, walking the days with the same continuation rule as
 * `naivePerStay` (a planning verdict compares this set with and without the planned days).
 */
export function naivePerStayOverDays(P: Set<number>, B: Set<number>, max: NaiveMaxStay): Set<number> {
  const out = new Set<number>();
  if (P.size === 0) return out;
  const lo = Math.min(...P) - 1;
  const hi = Math.max(...P);
  let stayStart: number | null = null;
  let lastP: number | null = null;
  let bridged = false;
  for (let d = lo; d <= hi; d++) {
    if (P.has(d)) {
      const continues = stayStart !== null && (lastP === d - 1 || (bridged && d <= naiveLastAllowed(stayStart, max)));
      if (!continues) stayStart = d;
      if (d > naiveLastAllowed(stayStart!, max)) out.add(d);
      lastP = d;
      bridged = true;
    } else bridged = bridged && B.has(d);
  }
  return out;
}

// ---------------------------------------------------------------- tax years

/** First day (`YYYY-MM-DD`) of the tax year starting each year on `mmdd` that contains `date`. */
export function naiveTaxYearStart(date: string, mmdd: string): string {
  const y = Number(date.slice(0, 4));
  return date.slice(5) >= mmdd ? `${pad(y, 4)}-${mmdd}` : `${pad(y - 1, 4)}-${mmdd}`;
}

/** Last day of the tax year starting on `start` (`YYYY-MM-DD`). */
export function naiveTaxYearEnd(start: string): string {
  return fromDayNumber(toDayNumber(`${pad(Number(start.slice(0, 4)) + 1, 4)}${start.slice(4)}`) - 1);
}

/** Presence days grouped by tax year start, each list ascending. */
function byYear(P: Set<number>, mmdd: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const d of [...P].sort((a, b) => a - b)) {
    const y = naiveTaxYearStart(fromDayNumber(d), mmdd);
    out.set(y, [...(out.get(y) ?? []), d]);
  }
  return out;
}

export function naiveTaxYear(P: Set<number>, E: number, threshold: number, mmdd: string) {
  const years = byYear(P, mmdd);
  const cur = naiveTaxYearStart(fromDayNumber(E), mmdd);
  const list = years.get(cur) ?? [];
  const daysThisTaxYear = list.filter((d) => d <= E).length;
  const byTaxYear = [...years.keys()]
    .filter((y) => y < cur)
    .sort()
    .map((y) => {
      const days = years.get(y)!;
      return {
        taxYearStart: y,
        taxYearEnd: naiveTaxYearEnd(y),
        days: days.length,
        met: days.length >= threshold,
        metOn: days.length >= threshold ? fromDayNumber(days[threshold - 1]!) : null,
      };
    });
  return {
    taxYearStart: cur,
    taxYearEnd: naiveTaxYearEnd(cur),
    daysThisTaxYear,
    plannedDaysThisTaxYear: list.length - daysThisTaxYear,
    threshold,
    met: daysThisTaxYear >= threshold,
    metOn: list.length >= threshold ? fromDayNumber(list[threshold - 1]!) : null,
    daysRemaining: Math.max(0, threshold - daysThisTaxYear),
    byTaxYear,
  };
}

/**
 * Statutory weights 1, 1/3, 1/6 (26 U.S.C. 7701(b)(3)(A)(ii)) counted in sixths: 6 per current-year day,
 * 2 per day of the first preceding year, 1 per day of the second preceding year.
 */
export function naiveWeighted(P: Set<number>, E: number, minDays: number, threshold: number, mmdd: string) {
  const years = byYear(P, mmdd);
  const cur = naiveTaxYearStart(fromDayNumber(E), mmdd);
  const prev1 = naiveTaxYearStart(fromDayNumber(toDayNumber(cur) - 1), mmdd);
  const prev2 = naiveTaxYearStart(fromDayNumber(toDayNumber(prev1) - 1), mmdd);
  const list = years.get(cur) ?? [];
  const c0 = list.filter((d) => d <= E).length;
  const c1 = (years.get(prev1) ?? []).length;
  const c2 = (years.get(prev2) ?? []).length;
  const sixths = (n0: number) => 6 * n0 + 2 * c1 + c2;
  const ok = (n0: number) => n0 >= minDays && sixths(n0) >= 6 * threshold;
  let metOn: string | null = null;
  for (let k = 1; k <= list.length; k++) {
    if (ok(k)) {
      metOn = fromDayNumber(list[k - 1]!);
      break;
    }
  }
  let more = 0;
  while (!ok(c0 + more)) more++;
  return {
    yearStart: cur,
    daysThisYear: c0,
    daysFirstPrecedingYear: c1,
    daysSecondPrecedingYear: c2,
    sixths: sixths(c0),
    met: ok(c0),
    metOn,
    daysRemaining: more,
  };
}

// ---------------------------------------------------------------- midnight presence

/**
 * Country -> days (as `YYYY-MM-DD`) the traveller is there at the end of the day, day by day: for each segment
 * (in the naive order) that is not a transit with an onward segment, its arrival country on every day from its
 * arrival date up to the day before the next segment departs (the last segment: through asOf, or only its
 * arrival day when it arrives after asOf); a transit with an onward segment counts the same way unless the
 * transit exception applies (onward departure on the day after arrival). Planned stays: entry .. exit - 1.
 */
export function naiveMidnight(
  segments: readonly NaiveSegment[],
  asOf: string,
  transitException: boolean,
  stays: readonly { country: string; entryDate: string; exitDate: string }[] = [],
): Map<string, Set<string>> {
  const s = naiveSort(segments);
  const out = new Map<string, Set<string>>();
  const put = (c: string, d: number) => {
    const set = out.get(c) ?? new Set<string>();
    set.add(fromDayNumber(d));
    out.set(c, set);
  };
  for (let i = 0; i < s.length; i++) {
    const seg = s[i]!;
    const next = s[i + 1];
    const arr = toDayNumber(seg.arrivalDate);
    if (seg.transit && next && transitException && toDayNumber(next.departureDate) === arr + 1) continue;
    let last: number;
    if (next) last = toDayNumber(next.departureDate) - 1;
    else last = seg.arrivalDate <= asOf ? toDayNumber(asOf) : arr;
    for (let d = arr; d <= last; d++) put(seg.arrivalCountry, d);
  }
  for (const st of stays) for (let d = toDayNumber(st.entryDate); d < toDayNumber(st.exitDate); d++) put(st.country, d);
  return out;
}
