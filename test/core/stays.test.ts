/**
 * computeStays: the list of stays (country, first and last local date, days) derived from presence. Worked
 * cases in a table, then the invariant that ties it to the day counts: for every country, the days of its
 * counted stays (not transit, not planned) add up to its `countryDays`, on random itineraries.
 */
import fc from 'fast-check';
import { addDays } from '@travel-time-tracker/core/dates';
import { evaluateTravel, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { computeStays, type Stay } from '@travel-time-tracker/core/stays';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { seg } from './build';

function stays(segments: IdentifiedSegment[], asOf: string): Stay[] {
  return computeStays(prepareEvaluation(segments, { asOf }).presence);
}

/** A row of the table: [country, from, to, days, flags]; flags among 'transit', 'planned'. */
type Row = [string, string, string, number, string?];
const row = (s: Stay): Row => {
  const flags = [s.transit && 'transit', s.planned && 'planned'].filter(Boolean).join(',');
  return flags ? [s.country, s.from, s.to, s.days, flags] : [s.country, s.from, s.to, s.days];
};

describe('computeStays: worked cases', () => {
  test.each<{ name: string; segments: () => IdentifiedSegment[]; asOf: string; want: Row[] }>([
    {
      name: 'a round trip: the travel days count in both countries (Reg. (EU) 2016/399 Art. 6(2))',
      segments: () => [seg('US', 'FR', '2026-03-01', '2026-03-02'), seg('FR', 'US', '2026-03-11')],
      asOf: '2026-03-20',
      want: [
        ['US', '2026-03-01', '2026-03-01', 1],
        ['FR', '2026-03-02', '2026-03-11', 10],
        ['US', '2026-03-11', '2026-03-20', 10],
      ],
    },
    {
      name: 'a connection airside in Germany: a transit stay, not counted',
      segments: () => [seg('US', 'DE', '2026-03-01', '2026-03-02', { transit: true }), seg('DE', 'GR', '2026-03-02'), seg('GR', 'US', '2026-03-09')],
      asOf: '2026-03-09',
      want: [
        ['US', '2026-03-01', '2026-03-01', 1],
        ['DE', '2026-03-02', '2026-03-02', 1, 'transit'],
        ['GR', '2026-03-02', '2026-03-09', 8],
        ['US', '2026-03-09', '2026-03-09', 1],
      ],
    },
    {
      name: 'a trip after asOf is planned; the stay that includes asOf is split at asOf',
      segments: () => [seg('US', 'ES', '2026-05-01'), seg('ES', 'US', '2026-05-20'), seg('US', 'IT', '2026-07-01'), seg('IT', 'US', '2026-07-05')],
      asOf: '2026-05-10',
      want: [
        ['US', '2026-05-01', '2026-05-01', 1],
        ['ES', '2026-05-01', '2026-05-10', 10],
        ['ES', '2026-05-11', '2026-05-20', 10, 'planned'],
        ['US', '2026-05-20', '2026-07-01', 43, 'planned'],
        ['IT', '2026-07-01', '2026-07-05', 5, 'planned'],
        ['US', '2026-07-05', '2026-07-05', 1, 'planned'],
      ],
    },
    {
      name: 'a same-day return to the same country is one stay there (its days are distinct dates)',
      segments: () => [
        seg('US', 'FR', '2026-01-10', '2026-01-10', { departureTime: '08:00' }),
        seg('FR', 'CH', '2026-01-15', '2026-01-15', { departureTime: '09:00' }),
        seg('CH', 'FR', '2026-01-15', '2026-01-15', { departureTime: '18:00' }),
        seg('FR', 'US', '2026-01-20'),
      ],
      asOf: '2026-01-31',
      want: [
        ['US', '2026-01-10', '2026-01-10', 1],
        ['FR', '2026-01-10', '2026-01-20', 11],
        ['CH', '2026-01-15', '2026-01-15', 1],
        ['US', '2026-01-20', '2026-01-31', 12],
      ],
    },
    {
      name: 'a stay ending with a departure on asOf; a year boundary does not split a stay',
      segments: () => [seg('GB', 'PT', '2025-12-20'), seg('PT', 'GB', '2026-01-04')],
      asOf: '2026-01-04',
      want: [
        ['GB', '2025-12-20', '2025-12-20', 1],
        ['PT', '2025-12-20', '2026-01-04', 16],
        ['GB', '2026-01-04', '2026-01-04', 1],
      ],
    },
    { name: 'no segments: no stays', segments: () => [], asOf: '2026-01-04', want: [] },
  ])('$name', ({ segments, asOf, want }) => {
    expect(stays(segments(), asOf).map(row)).toEqual(want);
  });
});

describe('computeStays agrees with the day counts', () => {
  const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'HR', 'ZZ'];
  const stepArb = fc.record({
    gap: fc.integer({ min: 0, max: 40 }),
    dur: fc.constantFrom(-1, 0, 0, 1),
    to: fc.constantFrom(...COUNTRIES),
    from: fc.option(fc.constantFrom(...COUNTRIES), { freq: 8 }),
    transit: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  });

  test('sum of counted stay days per country == countryDays; stays are sorted, days == span', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: -20, max: 600 }), (steps, asOfOffset) => {
        let day = '2022-12-01';
        let cur = 'US';
        const segments: IdentifiedSegment[] = steps.map((st, i) => {
          day = addDays(day, st.gap);
          const s: IdentifiedSegment = {
            id: `s${String(i).padStart(3, '0')}`,
            departureCountry: st.from ?? cur,
            arrivalCountry: st.to,
            departureDate: day,
            arrivalDate: addDays(day, st.dur),
            mode: 'flight',
            ...(st.transit ? { transit: true } : {}),
          };
          cur = st.to;
          day = addDays(day, Math.max(0, st.dur));
          return s;
        });
        const asOf = addDays('2022-12-01', asOfOffset);
        const got = stays(segments, asOf);
        const sums: Record<string, number> = {};
        for (const s of got) {
          expect(s.days).toBe((Date.parse(s.to) - Date.parse(s.from)) / 86_400_000 + 1);
          expect(s.planned).toBe(s.from > asOf);
          if (!s.planned && !s.transit) {
            expect(s.to <= asOf).toBe(true);
            sums[s.country] = (sums[s.country] ?? 0) + s.days;
          }
        }
        const sorted = [...got].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
        expect(got.map((s) => s.from)).toEqual(sorted.map((s) => s.from));
        expect(sums).toEqual(evaluateTravel(segments, { asOf }).countryDays);
      }),
      { numRuns: 200 },
    );
  });
});
