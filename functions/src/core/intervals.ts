/**
 * Sets of calendar days as sorted lists of inclusive day-number intervals (day numbers from dates.ts). The
 * representation keeps a multi-year history of a frequent traveller to a few hundred numbers per country.
 */
import type { DayInterval } from './referenceData';

export type { DayInterval };

/**
 * A set of days as a bitmap: day `d` is in the set when `first <= d <= last` and `bits[d - first] === 1`. The
 * empty set has `last < first` and no bits.
 */
export interface DaySet {
  readonly first: number;
  readonly last: number;
  readonly bits: Uint8Array;
}

/**
 * Sorts and merges intervals; overlapping AND adjacent intervals (`[1,3]`, `[4,6]`) become one, so every
 * result interval is a maximal run of consecutive days. Does not modify the input.
 */
export function mergeIntervals(intervals: readonly DayInterval[]): DayInterval[] {
  if (intervals.length === 0) return [];
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: DayInterval[] = [{ ...sorted[0]! }];
  for (let i = 1; i < sorted.length; i++) {
    const iv = sorted[i]!;
    const last = out[out.length - 1]!;
    if (iv.start <= last.end + 1) {
      if (iv.end > last.end) last.end = iv.end;
    } else out.push({ start: iv.start, end: iv.end });
  }
  return out;
}

/** Intersection of two sorted, disjoint interval lists (linear merge). */
export function intersectIntervals(a: readonly DayInterval[], b: readonly DayInterval[]): DayInterval[] {
  const out: DayInterval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start <= end) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** Number of days in a list of disjoint intervals, counting only days `<= upTo` (default: all). */
export function countDays(intervals: readonly DayInterval[], upTo = Infinity): number {
  let n = 0;
  for (const iv of intervals) {
    const end = Math.min(iv.end, upTo);
    if (end >= iv.start) n += end - iv.start + 1;
  }
  return n;
}

/** Every day of the intervals, ascending (for tests and small sets only). */
export function expandDays(intervals: readonly DayInterval[]): number[] {
  const out: number[] = [];
  for (const iv of intervals) for (let d = iv.start; d <= iv.end; d++) out.push(d);
  return out;
}

/** Days of `a` that are not in `b` (both sorted, disjoint lists; linear merge). */
export function subtractIntervals(a: readonly DayInterval[], b: readonly DayInterval[]): DayInterval[] {
  const out: DayInterval[] = [];
  let j = 0;
  for (const x of a) {
    let start = x.start;
    while (j < b.length && b[j]!.end < start) j++;
    let k = j;
    while (start <= x.end && k < b.length && b[k]!.start <= x.end) {
      const y = b[k]!;
      if (y.start > start) out.push({ start, end: y.start - 1 });
      start = Math.max(start, y.end + 1);
      k++;
    }
    if (start <= x.end) out.push({ start, end: x.end });
  }
  return out;
}
