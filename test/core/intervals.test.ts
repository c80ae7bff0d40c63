/**
 * intervals.ts day sets and the one day counter (`DayCounter`, used by the rolling-window engine and by planning),
 * against plain sets of days.
 */
import fc from 'fast-check';
import { DayCounter, daySetOf, inDaySet, type DayInterval } from '@travel-time-tracker/core/intervals';

/** Random intervals over days -20..80, in any order, overlapping, some empty (start > end). */
const intervals = fc.array(
  fc.tuple(fc.integer({ min: -20, max: 80 }), fc.integer({ min: -3, max: 15 })).map(([start, len]) => ({ start, end: start + len })),
  { maxLength: 8 },
);

function daysOf(list: readonly DayInterval[]): Set<number> {
  const s = new Set<number>();
  for (const iv of list) for (let d = iv.start; d <= iv.end; d++) s.add(d);
  return s;
}

describe('daySetOf / inDaySet', () => {
  test('the bitmap holds exactly the days of the intervals (property)', () => {
    fc.assert(
      fc.property(intervals, (list) => {
        const want = daysOf(list);
        const set = daySetOf(list);
        const days = Array.from({ length: 141 }, (_, k) => k - 30);
        expect(days.filter((d) => inDaySet(set, d))).toEqual(days.filter((d) => want.has(d)));
        if (want.size) expect([set.first, set.last]).toEqual([Math.min(...want), Math.max(...want)]);
        else expect(set.last).toBeLessThan(set.first);
      }),
      { numRuns: 300 },
    );
  });
});

describe('DayCounter', () => {
  test('count(a, b) is |S ∩ [a, b] ∩ [lo, hi]| and has(d) is d ∈ S ∩ [lo, hi], for any range and query (property)', () => {
    fc.assert(
      fc.property(intervals, fc.integer({ min: -30, max: 60 }), fc.integer({ min: -5, max: 60 }), (list, lo, len) => {
        const hi = lo + len;
        const want = daysOf(list);
        const set = daySetOf(list);
        const counter = new DayCounter(lo, hi, (d) => inDaySet(set, d));
        // One comparison per run (an expect per query would dominate the test's time), naming each query.
        const got: string[] = [];
        const expected: string[] = [];
        for (let a = lo - 3; a <= hi + 3; a += 2) {
          for (let b = a - 1; b <= hi + 3; b += 3) {
            let n = 0;
            for (let d = Math.max(a, lo); d <= Math.min(b, hi); d++) if (want.has(d)) n++;
            got.push(`count(${a}, ${b}) = ${counter.count(a, b)}`);
            expected.push(`count(${a}, ${b}) = ${n}`);
          }
        }
        for (let d = lo - 2; d <= hi + 2; d++) {
          got.push(`has(${d}) = ${counter.has(d)}`);
          expected.push(`has(${d}) = ${d >= lo && d <= hi && want.has(d)}`);
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  test('fill reuses its buffer without keeping anything of the previous set (long, short, then long again)', () => {
    const counter = new DayCounter();
    expect(counter.count(-1000, 1000)).toBe(0);
    counter.fill(0, 99, () => true);
    expect(counter.count(0, 99)).toBe(100);
    counter.fill(10, 19, (d) => d % 2 === 0);
    expect([counter.count(-1000, 1000), counter.has(10), counter.has(11), counter.has(20), counter.has(50)]).toEqual([5, true, false, false, false]);
    counter.fill(-50, 149, (d) => d >= 100);
    expect([counter.count(-50, 149), counter.count(0, 99), counter.count(100, 200)]).toEqual([50, 0, 50]);
  });

  test('asks member once per day, in increasing order (planning walks its sorted plan as it is asked)', () => {
    const asked: number[] = [];
    new DayCounter(5, 9, (d) => (asked.push(d), false));
    expect(asked).toEqual([5, 6, 7, 8, 9]);
  });

  test('an empty range (hi < lo) counts nothing', () => {
    const counter = new DayCounter(10, 9, () => true);
    expect([counter.count(0, 20), counter.has(10)]).toEqual([0, false]);
  });
});
