/**
 * Sets of calendar days as sorted lists of inclusive day-number intervals (day numbers, {@link toDayNumber}). The
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
 * True when day `d` is in the set.
 * @example
 * const set = daySetOf([{ start: 10, end: 12 }])
 * inDaySet(set, 12) //=> true
 * inDaySet(set, 13) //=> false
 */
export function inDaySet(set: DaySet, d: number): boolean {
  return d >= set.first && d <= set.last && set.bits[d - set.first] === 1;
}

/**
 * The days of intervals as a bitmap (intervals in any order; overlaps allowed; an interval with start > end is empty).
 * @example
 * const set = daySetOf([{ start: 12, end: 12 }, { start: 10, end: 10 }])
 * set.first //=> 10
 * set.last //=> 12
 * Array.from(set.bits) //=> [1, 0, 1]
 */
export function daySetOf(intervals: readonly DayInterval[]): DaySet {
  let first = Infinity;
  let last = -Infinity;
  for (const iv of intervals) {
    if (iv.start > iv.end) continue;
    if (iv.start < first) first = iv.start;
    if (iv.end > last) last = iv.end;
  }
  if (first > last) return { first: 0, last: -1, bits: new Uint8Array(0) };
  const bits = new Uint8Array(last - first + 1);
  for (const iv of intervals) if (iv.start <= iv.end) bits.fill(1, iv.start - first, iv.end - first + 1);
  return { first, last, bits };
}

/**
 * The day counter of the rule engine and of planning: prefix counts of a set of days S over the days `lo..hi`,
 * answering "how many days of S in [a, b]" in O(1) whatever the span (days outside `lo..hi` are not counted),
 * and "is d in S" for `lo <= d <= hi`. Built in one pass over `lo..hi`.
 *
 * `fill` recounts for another range and set, reusing the buffer when it is long enough, so that a loop over many
 * candidate sets (planning's shifted plans) allocates nothing.
 */
export class DayCounter {
  private pre = new Int32Array(1);
  lo = 0;
  hi = -1;

  /** The counter of the days `d` in `lo..hi` for which `member(d)` is true (see `fill`). */
  constructor(lo?: number, hi?: number, member?: (d: number) => boolean) {
    if (lo !== undefined && hi !== undefined && member) this.fill(lo, hi, member);
  }

  /**
   * Counts the set `{ d in lo..hi : member(d) }` from here on. `member` is called once per day, in increasing
   * order of `d` (so it may walk a sorted list as it goes). Returns this counter.
   */
  fill(lo: number, hi: number, member: (d: number) => boolean): this {
    const len = Math.max(0, hi - lo + 1);
    if (this.pre.length < len + 1) this.pre = new Int32Array(len + 1);
    const pre = this.pre;
    pre[0] = 0;
    for (let i = 0; i < len; i++) pre[i + 1] = pre[i]! + (member(lo + i) ? 1 : 0);
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  /** |S ∩ [a, b]|; 0 when the range is empty or outside `lo..hi`. */
  count(a: number, b: number): number {
    const x = a > this.lo ? a : this.lo;
    const y = b < this.hi ? b : this.hi;
    if (x > y) return 0;
    return this.pre[y - this.lo + 1]! - this.pre[x - this.lo]!;
  }

  /** True when `d` is in S (false outside `lo..hi`). */
  has(d: number): boolean {
    return d >= this.lo && d <= this.hi && this.pre[d - this.lo + 1] !== this.pre[d - this.lo];
  }
}

/**
 * Sorts and merges intervals; overlapping AND adjacent intervals (`[1,3]`, `[4,6]`) become one, so every
 * result interval is a maximal run of consecutive days. Does not modify the input.
 * @example
 * mergeIntervals([{ start: 4, end: 6 }, { start: 1, end: 3 }, { start: 9, end: 9 }])
 * //=> [{ start: 1, end: 6 }, { start: 9, end: 9 }]
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

/**
 * Intersection of two sorted, disjoint interval lists (linear merge).
 * @example
 * intersectIntervals([{ start: 1, end: 10 }], [{ start: 5, end: 7 }, { start: 9, end: 20 }])
 * //=> [{ start: 5, end: 7 }, { start: 9, end: 10 }]
 */
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

/**
 * Number of days in a list of disjoint intervals, counting only days `<= upTo` (default: all).
 * @example
 * countDays([{ start: 1, end: 3 }, { start: 10, end: 19 }]) //=> 13
 * countDays([{ start: 1, end: 3 }, { start: 10, end: 19 }], 11) //=> 5
 */
export function countDays(intervals: readonly DayInterval[], upTo = Infinity): number {
  let n = 0;
  for (const iv of intervals) {
    const end = Math.min(iv.end, upTo);
    if (end >= iv.start) n += end - iv.start + 1;
  }
  return n;
}

/**
 * Every day of the intervals, ascending (for tests and small sets only).
 * @example
 * expandDays([{ start: 1, end: 3 }, { start: 7, end: 7 }]) //=> [1, 2, 3, 7]
 */
export function expandDays(intervals: readonly DayInterval[]): number[] {
  const out: number[] = [];
  for (const iv of intervals) for (let d = iv.start; d <= iv.end; d++) out.push(d);
  return out;
}

/**
 * Days of `a` that are not in `b` (both sorted, disjoint lists; linear merge).
 * @example
 * subtractIntervals([{ start: 1, end: 10 }], [{ start: 4, end: 5 }])
 * //=> [{ start: 1, end: 3 }, { start: 6, end: 10 }]
 */
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
