/**
 * The continuity repair of {@link sortSegments}, on a numeric view of the segments, in O(n log n) time
 * whatever their dates (the sort) plus, per repair, a search over the country pairs of one date.
 *
 * `sortSegments` reads the segments in `compareSegments` order and, when the next segment `h` does not depart from
 * where the previous one arrived, takes instead the first step of the shortest chain of "candidates" (the other
 * segments departing on `h`'s date, plus date-line flights departing the next day that land on or before it)
 * leading from where the previous segment arrived to where `h` departs (the first in `compareSegments` order on
 * ties). Done naively, every repair scans all segments of the date: quadratic when thousands share one date.
 *
 * Here the candidates of the current date are kept in one linked list per (departure country, arrival country)
 * pair, in `compareSegments` order, built once per date and unlinked as segments are taken. The chain search is
 * a breadth-first search over countries, not segments:
 * - the chosen first step is the first candidate `from -> a` (in `compareSegments` order) whose arrival country
 *   `a` is nearest to `to` (fewest further hops). That is exactly the segment the breadth-first search of the
 *   original implementation returns: its frontier is ordered by first step, so the first country of the last
 *   layer that reaches `to` descends from the earliest first step among those on a shortest chain;
 * - distances to `to` come from a breadth-first search backwards from `to` over the non-empty pairs, stopped at
 *   the first layer holding a country `from` flies to.
 * A repair costs O(1) when `from -> to` is a candidate (the usual case: an untimed same-day hop out of order),
 * and at most O(p) otherwise, p the number of distinct country pairs among the date's candidates (at most the
 * square of the countries visited that day, and at most the number of segments). Building the lists costs O(k)
 * per date with k segments on that date and the next.
 */

/** Numeric view of the segments being ordered (index = input position). */
export interface OrderView {
  /**
   * Date keys of departure and arrival: integers whose order is the order of the `YYYY-MM-DD` strings (day numbers
   * for valid dates, ranks of the raw strings otherwise); equal keys iff equal strings.
   */
  readonly dep: ArrayLike<number>;
  readonly arr: ArrayLike<number>;
  /** Country ids of departure and arrival, in `[0, countries)`. */
  readonly depC: ArrayLike<number>;
  readonly arrC: ArrayLike<number>;
  readonly countries: number;
  /** The largest key that is not after the day after date key `k` (the last departure date that can be a candidate). */
  lastKey(k: number): number;
}

/**
 * The `sortSegments` order of the segments, as input positions (`base` itself when no segment needs the repair).
 * @param base input positions sorted by `compareSegments`.
 * @example
 * // Two untimed trips on one date (day 0), B -> C listed before A -> B (countries as ids A 0, B 1, C 2):
 * const view = { dep: [0, 0], arr: [0, 0], depC: [1, 0], arrC: [2, 1], countries: 3, lastKey: (k) => k + 1 }
 * // continuity reads A -> B first:
 * Array.from(continuityOrder([0, 1], view)) //=> [1, 0]
 */
export function continuityOrder(base: ArrayLike<number>, v: OrderView): ArrayLike<number> {
  const n = base.length;
  // The usual case first: each segment departs from where the previous one arrived (and the first is a chain
  // head), so the order is `base` and nothing needs to be allocated.
  let done = 0;
  let cur = -1;
  for (; done < n; done++) {
    const h = base[done]!;
    if (v.depC[h] !== cur && (cur !== -1 || chainHead(base, done, v) !== done)) break;
    cur = v.arrC[h]!;
  }
  if (done === n) return base;

  const out = new Int32Array(n);
  const taken = new Uint8Array(n); // by position in `base`
  for (let k = 0; k < done; k++) {
    out[k] = base[k]!;
    taken[k] = 1;
  }
  let chains: SameDateChains | undefined;
  let i = done;
  for (; done < n; done++) {
    while (taken[i]) i++;
    const h = base[i]!;
    let pick = i;
    if (v.depC[h] !== cur) {
      if (cur === -1) pick = chainHead(base, i, v);
      else {
        if (!chains || chains.date !== v.dep[h]) chains = new SameDateChains(base, taken, i, v, chains);
        pick = chains.firstStep(i, cur, v.depC[h]!);
      }
    }
    taken[pick] = 1;
    // The lists belong to the date of the first untaken segment; anything taken while it is current leaves them.
    if (chains && chains.date === v.dep[h]) chains.remove(pick);
    const s = base[pick]!;
    out[done] = s;
    cur = v.arrC[s]!;
  }
  return out;
}

/** Position of the first segment in `compareSegments` order departing on or before the last candidate date. */
function windowEnd(base: ArrayLike<number>, i: number, v: OrderView): number {
  const last = v.lastKey(v.dep[base[i]!]!);
  let k = i + 1;
  while (k < base.length && v.dep[base[k]!]! <= last) k++;
  return k;
}

/**
 * The very first segment (nothing taken yet): when some segment of the window lands where `h` (position `i`)
 * departs, the first candidate that nothing lands before (a chain head: no other segment of the window lands in
 * its departure country); else `h`.
 */
function chainHead(base: ArrayLike<number>, i: number, v: OrderView): number {
  const k = windowEnd(base, i, v);
  const arrivals = new Int32Array(v.countries);
  for (let q = i; q < k; q++) arrivals[v.arrC[base[q]!]!]!++;
  const landsBefore = (country: number, q: number) => arrivals[country]! - (v.arrC[base[q]!] === country ? 1 : 0) > 0;
  if (!landsBefore(v.depC[base[i]!]!, i)) return i;
  const date = v.dep[base[i]!]!;
  for (let q = i + 1; q < k; q++) {
    const s = base[q]!;
    if ((v.dep[s] === date || v.arr[s]! <= date) && !landsBefore(v.depC[s]!, q)) return q;
  }
  return i;
}

/**
 * The candidates of one date (segments departing on it, and date-line flights departing the next day that land
 * on or before it), untaken, as one doubly linked list of positions per country pair, in position order.
 */
class SameDateChains {
  readonly date: number;
  private readonly C: number;
  /** Pair key (`dep * C + arr`) -> first position of its list. */
  private readonly head = new Map<number, number>();
  /** Departure country -> arrival countries with a non-empty list; and the reverse. */
  private readonly outs = new Map<number, Set<number>>();
  private readonly ins = new Map<number, Set<number>>();
  /** The window of positions `[i0, k)`; per position `q` at `q - i0`: whether listed, its pair, next and previous. */
  private readonly i0: number;
  private readonly listed: Uint8Array;
  private readonly pairOf: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Breadth-first search scratch, per country id (kept across dates). */
  private readonly dist: Int32Array;
  private readonly queue: Int32Array;

  constructor(base: ArrayLike<number>, taken: Uint8Array, i: number, v: OrderView, reuse?: SameDateChains) {
    this.C = v.countries;
    this.date = v.dep[base[i]!]!;
    this.dist = reuse?.dist ?? new Int32Array(this.C).fill(-1);
    this.queue = reuse?.queue ?? new Int32Array(this.C);
    const k = windowEnd(base, i, v);
    this.i0 = i;
    this.listed = new Uint8Array(k - i);
    this.pairOf = new Int32Array(k - i);
    this.next = new Int32Array(k - i);
    this.prev = new Int32Array(k - i);
    const tail = new Map<number, number>();
    for (let q = i; q < k; q++) {
      if (taken[q]) continue;
      const s = base[q]!;
      if (v.dep[s] !== this.date && !(v.arr[s]! <= this.date)) continue;
      const a = v.depC[s]!;
      const b = v.arrC[s]!;
      const key = a * this.C + b;
      const x = q - i;
      this.listed[x] = 1;
      this.pairOf[x] = key;
      this.next[x] = -1;
      const t = tail.get(key);
      if (t === undefined) {
        this.prev[x] = -1;
        this.head.set(key, q);
        setOf(this.outs, a).add(b);
        setOf(this.ins, b).add(a);
      } else {
        this.prev[x] = t;
        this.next[t - i] = q;
      }
      tail.set(key, q);
    }
  }

  /** First listed position of pair `a -> b` other than `skip`, or -1. */
  private first(a: number, b: number, skip: number): number {
    let q = this.head.get(a * this.C + b);
    if (q === undefined) return -1;
    if (q === skip) q = this.next[q - this.i0]!;
    return q;
  }

  /**
   * Position of the first step of the shortest chain of candidates (other than `h`, position `i`) from country
   * `from` to country `to`; `i` itself when there is none (a gap: `h` is taken as it is).
   */
  firstStep(i: number, from: number, to: number): number {
    const direct = this.first(from, to, i);
    if (direct !== -1) return direct;
    const { dist, queue } = this;
    let tail = 0;
    dist[to] = 0;
    queue[tail++] = to;
    let layer = -1;
    for (let qh = 0; qh < tail; qh++) {
      const w = queue[qh]!;
      // Countries are dequeued layer by layer: the first one `from` flies to is in the nearest layer, and that
      // layer was completed while the previous one was expanded.
      if (qh > 0 && this.first(from, w, i) !== -1) {
        layer = dist[w]!;
        break;
      }
      const ins = this.ins.get(w);
      if (!ins) continue;
      for (const u of ins) {
        if (dist[u] !== -1 || this.first(u, w, i) === -1) continue;
        dist[u] = dist[w]! + 1;
        queue[tail++] = u;
      }
    }
    let best = -1;
    if (layer !== -1) {
      for (const a of this.outs.get(from)!) {
        if (dist[a] !== layer) continue;
        const q = this.first(from, a, i);
        if (q !== -1 && (best === -1 || q < best)) best = q;
      }
    }
    for (let q = 0; q < tail; q++) dist[queue[q]!] = -1;
    return best === -1 ? i : best;
  }

  /** Unlinks taken position `q` (a no-op for a position not listed for this date). */
  remove(q: number): void {
    const x = q - this.i0;
    if (x < 0 || x >= this.listed.length || this.listed[x] === 0) return;
    this.listed[x] = 0;
    const key = this.pairOf[x]!;
    const p = this.prev[x]!;
    const nx = this.next[x]!;
    if (nx !== -1) this.prev[nx - this.i0] = p;
    if (p !== -1) this.next[p - this.i0] = nx;
    else if (nx !== -1) this.head.set(key, nx);
    else {
      this.head.delete(key);
      const a = Math.floor(key / this.C);
      const b = key - a * this.C;
      this.outs.get(a)!.delete(b);
      this.ins.get(b)!.delete(a);
    }
  }
}

function setOf(map: Map<number, Set<number>>, key: number): Set<number> {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Set()));
  return s;
}
