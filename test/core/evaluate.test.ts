/** evaluateTravel: validation errors, exemptions, country days, planned presence, scale. */
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { seg, trip } from './build';

const base = (): IdentifiedSegment => ({
  id: 'row-1',
  departureCountry: 'US',
  arrivalCountry: 'FR',
  departureDate: '2024-05-01',
  arrivalDate: '2024-05-02',
  mode: 'flight',
});

describe('validation', () => {
  test.each([
    { name: 'bad asOf', segments: [base()], options: { asOf: '2024-02-30' }, error: /^asOf: must be a real calendar date written YYYY-MM-DD$/ },
    {
      name: 'bad segment date, naming index and id',
      segments: [base(), { ...base(), id: 'abc', arrivalDate: '2024-13-01' }],
      options: { asOf: '2024-06-01' },
      error: /^segments\[1\] \(id "abc"\): arrivalDate must be a real calendar date/,
    },
    {
      name: 'arrival two days before departure',
      segments: [{ ...base(), arrivalDate: '2024-04-29' }],
      options: { asOf: '2024-06-01' },
      error: /segments\[0\] \(id "row-1"\): arrivalDate must not be before departureDate/,
    },
    {
      name: 'unknown field',
      segments: [{ ...base(), seat: '12A' } as IdentifiedSegment],
      options: { asOf: '2024-06-01' },
      error: /segments\[0\] \(id "row-1"\): has unknown field\(s\) "seat"/,
    },
    {
      name: 'missing id',
      segments: [{ ...base(), id: undefined } as unknown as IdentifiedSegment],
      options: { asOf: '2024-06-01' },
      error: /^segments\[0\]: id /,
    },
    {
      name: 'bad nationality',
      segments: [base()],
      options: { asOf: '2024-06-01', nationalities: ['fr'] },
      error: /^nationalities: \[0\] must be an ISO 3166-1/,
    },
    {
      name: 'planned stay exit before entry',
      segments: [base()],
      options: { asOf: '2024-06-01', extraStays: [{ country: 'FR', entryDate: '2024-07-02', exitDate: '2024-07-01' }] },
      error: /^extraStays: \[0\]\.exitDate must not be before entryDate$/,
    },
    {
      name: 'segment with a typo year 0219 on both dates',
      segments: [{ ...base(), departureDate: '0219-05-01', arrivalDate: '0219-05-01' }],
      options: { asOf: '2024-06-01' },
      error: /^segments\[0\] \(id "row-1"\): departureDate must be a date between 1900-01-01 and 2199-12-31/,
    },
  ])('$name', ({ segments, options, error }) => {
    expect(() => evaluateTravel(segments, options)).toThrow(ValidationError);
    expect(() => evaluateTravel(segments, options)).toThrow(error);
  });
});

describe('exemptions (rule still computed)', () => {
  const segments = trip('FR', '2024-05-01', '2024-05-10');
  test.each([
    { nationalities: [], asOf: '2024-06-01', applies: true },
    { nationalities: ['US'], asOf: '2024-06-01', applies: true },
    { nationalities: ['FR'], asOf: '2024-06-01', applies: false },
    { nationalities: ['US', 'IE'], asOf: '2024-06-01', applies: false }, // EU, though not Schengen
    { nationalities: ['NO'], asOf: '2024-06-01', applies: false }, // EEA
    { nationalities: ['LI'], asOf: '2024-06-01', applies: false }, // EEA
    { nationalities: ['CH'], asOf: '2024-06-01', applies: false }, // EU-Swiss free movement
    { nationalities: ['GB'], asOf: '2024-06-01', applies: true }, // left the EU on 2020-01-31
    { nationalities: ['GB'], asOf: '2020-01-31', applies: false },
    { nationalities: ['HR'], asOf: '2013-06-30', applies: true }, // EU from 2013-07-01
    { nationalities: ['HR'], asOf: '2013-07-01', applies: false },
  ])('$nationalities on $asOf -> applies $applies', ({ nationalities, asOf, applies }) => {
    const [r] = evaluateTravel(segments, { asOf, nationalities }).rules;
    expect(r!.applies).toBe(applies);
    // Every day of the stay is used, or left out as a day on which the traveller was exempt (none counted then).
    const days = asOf >= '2024-05-10' ? 10 : 0;
    expect([r!.daysUsed, r!.exemptDaysExcluded]).toEqual(applies ? [days, 0] : [0, days]);
  });
});

describe('country days', () => {
  test('split per calendar year; planned and transit days excluded', () => {
    const segments = [
      seg('US', 'FR', '2023-12-30'),
      seg('FR', 'DE', '2024-01-02', '2024-01-02', { transit: true }),
      seg('DE', 'JP', '2024-01-02', '2024-01-03'),
      seg('JP', 'US', '2024-01-10', '2024-01-10'),
      seg('US', 'IT', '2024-03-01'), // planned (after asOf)
      seg('IT', 'US', '2024-03-05'),
    ];
    const res = evaluateTravel(segments, { asOf: '2024-01-12' });
    expect(res.countryDays).toEqual({ US: 4, FR: 4, JP: 8 });
    expect(res.countryDaysByYear).toEqual({ '2023': { US: 1, FR: 2 }, '2024': { US: 3, FR: 2, JP: 8 } });
    // Planned IT days count for the rule's firstViolation horizon but not for daysUsed.
    expect(res.rules[0]).toMatchObject({ daysUsed: 4, currentStayStart: null });
    expect(res.warnings).toEqual([]);
  });

  test('extra stays are planned presence: they can create a future violation without changing daysUsed', () => {
    const segments = trip('FR', '2024-01-01', '2024-03-01'); // 61 days
    const res = evaluateTravel(segments, {
      asOf: '2024-03-10',
      extraStays: [{ country: 'ES', entryDate: '2024-04-01', exitDate: '2024-05-15' }],
    });
    expect(res.rules[0]).toMatchObject({ daysUsed: 61, firstViolationDate: '2024-04-30' });
    expect(res.countryDays.ES).toBeUndefined();
  });

  test('warnings are passed through and name the segment', () => {
    const res = evaluateTravel([seg('US', 'FR', '2024-05-01'), { ...seg('DE', 'US', '2024-05-04'), id: 'gap-here' }], { asOf: '2024-05-05' });
    expect(res.warnings).toEqual([expect.stringMatching(/^gap: segment "gap-here"/)]);
  });
});

describe('scale', () => {
  // Outcomes only: how long this takes is measured by `npm run bench` (a timed assertion failed on a loaded machine).
  test('10 000 segments over 55 years evaluate without warnings', () => {
    const countries = ['FR', 'US', 'DE', 'GB', 'HR', 'IE', 'ES', 'TR'];
    const segments: IdentifiedSegment[] = [];
    let day = toDayNumber('1995-01-01');
    let cur = 'US';
    for (let i = 0; i < 10_000; i++) {
      const c = countries[(i * 7 + 3) % countries.length]!;
      const to = c === cur ? 'JP' : c;
      segments.push({
        id: `s${i}`,
        departureCountry: cur,
        arrivalCountry: to,
        departureDate: fromDayNumber(day),
        arrivalDate: fromDayNumber(day + (i % 3 === 0 ? 1 : 0)),
        mode: 'flight',
        departureTime: '10:00',
        ...(i % 17 === 0 ? { transit: true } : {}),
      });
      cur = to;
      day += 1 + (i % 3);
    }
    const res = evaluateTravel(segments, { asOf: '2026-01-01' });
    expect(res.warnings).toEqual([]);
    expect(Object.values(res.countryDays).reduce((a, b) => a + b, 0)).toBeGreaterThan(11_000);
  });
});
