/**
 * Many segments sharing one date (issue 10: the continuity repair used to scan the whole date for every segment).
 * The order of chained same-day hops must be exactly the one the previous implementation gave (previousSort.ts,
 * kept as the oracle), and the one the brute-force reference gives where that is tractable (naiveReference.ts).
 */
import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { computePresence, countryDates } from '@travel-time-tracker/core/presence';
import { sortSegments } from '@travel-time-tracker/core/sorting';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { naiveSort } from './naiveReference';
import { previousSortSegments } from './previousSort';

const ref = loadReferenceData();
const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);
const DAY = toDayNumber('2024-05-01');

/**
 * Segments crowded on 1-3 consecutive dates, each departing from where the previous one arrived except one in
 * `1 / randomFrom` (from a random country: a missing segment, or another traveller's data).
 */
const crowdArb = (maxLength: number, countries: readonly string[], randomFrom = 6) =>
  fc
    .record({
      days: fc.integer({ min: 1, max: 3 }),
      hops: fc.array(
        fc.record({
          to: fc.constantFrom(...countries),
          from: fc.constantFrom(...countries),
          random: fc.integer({ min: 1, max: randomFrom }),
          day: fc.nat(),
          // Same day, next day, or the day before (a flight eastward over the date line).
          shift: fc.constantFrom(0, 0, 0, 0, 1, -1),
          time: fc.option(fc.constantFrom('06:00', '09:30', '13:00', '22:15'), { freq: 3, nil: undefined }),
          id: fc.string({ minLength: 1, maxLength: 4 }),
        }),
        { minLength: 1, maxLength },
      ),
      order: fc.integer(),
    })
    .map(({ days, hops, order }) => {
      let here = countries[0]!;
      const seen = new Set<string>();
      const segments = hops.map((h, k): IdentifiedSegment => {
        const dep = DAY + (h.day % days);
        let id = h.id;
        while (seen.has(id)) id += `~${k}`;
        seen.add(id);
        const s: IdentifiedSegment = {
          id,
          departureCountry: h.random === 1 ? h.from : here,
          arrivalCountry: h.to,
          departureDate: fromDayNumber(dep),
          arrivalDate: fromDayNumber(dep + h.shift),
          mode: 'flight',
          ...(h.time ? { departureTime: h.time } : {}),
        };
        here = h.to;
        return s;
      });
      // Input order never matters: a deterministic shuffle.
      const shuffled = segments.map((s, k) => ({ s, key: (Math.imul(k + 1, 2654435761) ^ order) >>> 0 }));
      return shuffled.sort((a, b) => a.key - b.key).map((x) => x.s);
    });

describe('sortSegments with many segments on one date', () => {
  test('same order as the previous implementation (300 crowds of up to 150 segments on 1-3 dates)', () => {
    fc.assert(
      fc.property(crowdArb(150, ['US', 'FR', 'DE', 'GB', 'IT', 'CH', 'JP']), (segments) => {
        expect(ids(sortSegments(segments))).toEqual(ids(previousSortSegments(segments)));
      }),
      { numRuns: 300 },
    );
  });

  test('same order as the previous implementation on small tangled crowds, where chains of two hops tie (1 000 crowds)', () => {
    // Half the segments leave from a random country: the next segment's departure country is often two hops away
    // by several routes, so the breadth-first search and its tie-break (first step first in compareSegments order)
    // decide.
    fc.assert(
      fc.property(crowdArb(15, ['US', 'FR', 'DE', 'GB', 'IT'], 2), (segments) => {
        expect(ids(sortSegments(segments))).toEqual(ids(previousSortSegments(segments)));
      }),
      { numRuns: 1000 },
    );
  });

  test('same order as the brute-force reference (300 crowds of up to 7 segments)', () => {
    fc.assert(
      fc.property(crowdArb(7, ['US', 'FR', 'DE', 'GB']), (segments) => {
        expect(ids(sortSegments(segments))).toEqual(ids(naiveSort(segments)));
      }),
      { numRuns: 300 },
    );
  });

  const code = (k: number) => String.fromCharCode(65 + Math.floor(k / 26), 65 + (k % 26));
  /** `n` untimed hops on 2024-05-01 through `countries` in turn; ids scrambled so that id order is not chain order. */
  function chain(n: number, countries: number): IdentifiedSegment[] {
    const out: IdentifiedSegment[] = [];
    for (let k = 0; k < n; k++) {
      out.push({
        id: `h${String((k * 7919) % n).padStart(5, '0')}`,
        departureCountry: code(k % countries),
        arrivalCountry: code((k + 1) % countries),
        departureDate: '2024-05-01',
        arrivalDate: '2024-05-01',
        mode: 'flight',
      });
    }
    return out;
  }

  test('600 hops through distinct countries on one date, ids scrambled: the itinerary comes back exactly, no warning', () => {
    const hops = chain(600, 601);
    expect(ids(sortSegments([...hops].reverse()))).toEqual(ids(hops));
    const p = computePresence(hops, '2024-05-02', ref);
    // Unknown codes (AA, AB, ...) are warned about; nothing else.
    expect(p.warnings.filter((w) => !w.startsWith('unknown country code'))).toEqual([]);
    expect(countryDates(p, code(600))).toEqual(['2024-05-01', '2024-05-02']);
  });

  test('1 500 hops round 16 countries on one date: the previous order; every hop counts its day once', () => {
    const hops = chain(1500, 16);
    const got = sortSegments(hops);
    expect(ids(got)).toEqual(ids(previousSortSegments(hops)));
    expect(new Set(ids(got)).size).toBe(1500);
    const p = computePresence(hops, '2024-05-01', ref);
    for (let k = 0; k < 16; k++) expect(countryDates(p, code(k))).toEqual(['2024-05-01']);
  });

  test.each([
    {
      name: 'untimed hops listed against the chain',
      segments: [
        { id: 'a', from: 'DE', to: 'IT', dep: '2024-05-01' },
        { id: 'b', from: 'FR', to: 'DE', dep: '2024-05-01' },
        { id: 'c', from: 'US', to: 'FR', dep: '2024-05-01' },
      ],
      order: ['c', 'b', 'a'],
    },
    {
      // Nothing lands in US, so c is the head; after US -> FR (c) the next by id is a (DE -> IT), which does not
      // leave FR: the shortest chain FR -> DE is b, then a, then e continues from IT.
      name: 'a longer chain of same-day hops, ids out of order',
      segments: [
        { id: 'a', from: 'DE', to: 'IT', dep: '2024-05-01' },
        { id: 'b', from: 'FR', to: 'DE', dep: '2024-05-01' },
        { id: 'c', from: 'US', to: 'FR', dep: '2024-05-01' },
        { id: 'e', from: 'IT', to: 'GB', dep: '2024-05-01' },
      ],
      order: ['c', 'b', 'a', 'e'],
    },
    {
      // Auckland -> Honolulu leaves on the 2nd and lands on the 1st: it is a candidate of the 1st and bridges
      // NZ -> US before the Honolulu -> Los Angeles hop of the 1st.
      name: 'a date-line flight of the next day joins the chain of the day it lands on',
      segments: [
        { id: 'x', from: 'JP', to: 'NZ', dep: '2024-05-01' },
        { id: 'y', from: 'US', to: 'CA', dep: '2024-05-01' },
        { id: 'z', from: 'NZ', to: 'US', dep: '2024-05-02', arr: '2024-05-01' },
      ],
      order: ['x', 'z', 'y'],
    },
    {
      // After a (US -> FR), d (ES -> GB) is next by id but leaves ES: FR -> IT -> ES (k1, m2) and FR -> DE -> ES (k2,
      // m1) are both shortest; the first step first in compareSegments order wins (k1). What is left (k2, m1)
      // cannot be joined to GB: a gap.
      name: 'two chains of two hops tie: the one whose first step comes first',
      segments: [
        { id: 'a', from: 'US', to: 'FR', dep: '2024-05-01' },
        { id: 'd', from: 'ES', to: 'GB', dep: '2024-05-01' },
        { id: 'k1', from: 'FR', to: 'IT', dep: '2024-05-01' },
        { id: 'k2', from: 'FR', to: 'DE', dep: '2024-05-01' },
        { id: 'm1', from: 'DE', to: 'ES', dep: '2024-05-01' },
        { id: 'm2', from: 'IT', to: 'ES', dep: '2024-05-01' },
      ],
      order: ['a', 'k1', 'm2', 'd', 'k2', 'm1'],
      gaps: 1,
    },
  ] as { name: string; segments: { id: string; from: string; to: string; dep: string; arr?: string }[]; order: string[]; gaps?: number }[])(
    '$name',
    ({ segments, order, gaps }) => {
      const segs = segments.map((s): IdentifiedSegment => ({
        id: s.id,
        departureCountry: s.from,
        arrivalCountry: s.to,
        departureDate: s.dep,
        arrivalDate: s.arr ?? s.dep,
        mode: 'flight',
      }));
      expect(ids(sortSegments(segs))).toEqual(order);
      expect(ids(previousSortSegments(segs))).toEqual(order);
      const warnings = evaluateTravel(segs, { asOf: '2024-05-03' }).warnings;
      expect(warnings).toHaveLength(gaps ?? 0);
      for (const w of warnings) expect(w).toMatch(/^gap: /);
    },
  );
});
