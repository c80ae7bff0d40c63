/**
 * The core's fast path must agree with the definition it shortcuts: quickSegmentCheck against the zod schema (it
 * may only ever accept what the schema accepts). The day-number fast path is checked against `Date` in
 * dates.test.ts.
 */
import fc from 'fast-check';
import { fromDayNumber as fromDay, isIsoDate, toDayNumber } from '@travel-time-tracker/core/dates';
import { IdentifiedSegmentSchema, quickSegmentCheck } from '@travel-time-tracker/core/segment';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('quickSegmentCheck', () => {
  const valid = {
    id: 'a',
    departureCountry: 'FR',
    arrivalCountry: 'US',
    departureDate: '2024-05-01',
    arrivalDate: '2024-05-01',
    mode: 'flight',
  };
  const field = fc.constantFrom(
    'id',
    'departureCountry',
    'arrivalCountry',
    'departureDate',
    'arrivalDate',
    'departureTime',
    'arrivalTime',
    'departureAirport',
    'arrivalAirport',
    'mode',
    'transit',
    'flightNumber',
    'notes',
    'extra',
  );
  // Dates around and beyond the travel-date range 1900-01-01 .. 2199-12-31 (a typo year 0219 for 2019).
  const date = fc.oneof(
    fc.constantFrom('1899-12-31', '1900-01-01', '2199-12-31', '2200-01-01', '0219-05-01', '0001-01-01', '9999-12-31'),
    fc
      .tuple(fc.constantFrom(1, 219, 1899, 1900, 2024, 2199, 2200, 9999), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  );
  const value = fc.oneof(
    fc.constantFrom(
      'FR',
      'fr',
      'FRA',
      '',
      '2024-05-01',
      '2024-04-29',
      '2024-05-02',
      '2023-02-29',
      '10:30',
      '24:00',
      '9:30',
      'JFK',
      'EDDF',
      'jfk',
      'air',
      'rail',
      'train',
      'car',
      'bus',
      'ferry',
      'boat',
      'x'.repeat(13),
      'x'.repeat(501),
      'x'.repeat(1501),
    ),
    date,
    fc.constantFrom(undefined, null, true, false, 0, 1, [], {}),
    fc.string({ maxLength: 12 }),
  );

  test('gives the zod schema answer on 3000 randomly edited segments', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(field, value), { maxLength: 4 }), (edits) => {
        const seg: Record<string, unknown> = { ...valid };
        for (const [k, v] of edits) seg[k] = v;
        const zodOk = IdentifiedSegmentSchema.safeParse(seg).success;
        // Accepting more than zod would be a bug; accepting less would only cost speed, but it agrees exactly.
        expect(quickSegmentCheck(seg)).toBe(zodOk);
        if (zodOk) accepted++;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  test('gives the zod schema answer when both dates move together (in and out of the travel-date range)', () => {
    const outcomes = new Set<boolean>();
    fc.assert(
      fc.property(date, fc.integer({ min: -2, max: 2 }), (dep, shift) => {
        // Same date, or a nearby one, so that only the range decides (not the arrival-before-departure check).
        const arr = isIsoDate(dep) ? fromDay(toDayNumber(dep) + shift) : dep;
        const seg = { ...valid, departureDate: dep, arrivalDate: arr };
        const zodOk = IdentifiedSegmentSchema.safeParse(seg).success;
        outcomes.add(zodOk);
        expect(quickSegmentCheck(seg)).toBe(zodOk);
      }),
      { numRuns: 2000 },
    );
    expect(outcomes).toEqual(new Set([true, false]));
  });

  test.each([
    ['1899-12-31', '1899-12-31', false],
    ['1899-12-31', '1900-01-01', false],
    ['1900-01-01', '1899-12-31', false],
    ['1900-01-01', '1900-01-01', true],
    ['2199-12-31', '2199-12-31', true],
    ['2199-12-31', '2200-01-01', false],
    ['2200-01-01', '2200-01-01', false],
    ['0219-05-01', '0219-05-01', false],
  ])('travel-date range: %s -> %s is %p for zod and the fast path', (departureDate, arrivalDate, ok) => {
    const seg = { ...valid, departureDate, arrivalDate };
    expect(IdentifiedSegmentSchema.safeParse(seg).success).toBe(ok);
    expect(quickSegmentCheck(seg)).toBe(ok);
  });

  test.each([null, [], 'x', 5, Object.create({ inherited: 1 })])('rejects %p', (v) => {
    expect(quickSegmentCheck(v)).toBe(false);
  });
});
