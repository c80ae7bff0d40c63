/**
 * Presence edge cases as a table: each case lists segments, asOf, and the exact dates expected per country and in
 * the Schengen area, plus the warnings expected (matched by pattern, they must name the segment ids).
 */
import fc from 'fast-check';
import { InvalidDateError, fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { expandDays } from '@travel-time-tracker/core/intervals';
import { computePresence, countryDates } from '@travel-time-tracker/core/presence';
import { parseSegments } from '@travel-time-tracker/core/parsedSegments';
import { regionPresence } from '@travel-time-tracker/core/regionDays';
import { sortSegments } from '@travel-time-tracker/core/sorting';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { midnightPresence } from '@travel-time-tracker/core/rules/midnightPresence';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { buildItinerary, stepArb } from './rules/itinerary';

const ref = loadReferenceData();

function s(id: string, from: string, to: string, dep: string, arr: string = dep, extra: Partial<IdentifiedSegment> = {}): IdentifiedSegment {
  return { id, departureCountry: from, arrivalCountry: to, departureDate: dep, arrivalDate: arr, mode: 'flight', ...extra };
}

/** Inclusive list of dates. */
function range(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = fromDayNumber(Math.round(Date.parse(`${d}T00:00:00Z`) / 86_400_000) + 1)) out.push(d);
  return out;
}

interface Case {
  name: string;
  segments: IdentifiedSegment[];
  asOf: string;
  countries: Record<string, string[]>;
  schengen: string[];
  eu?: string[];
  warnings?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'first departure day counts in the departure country only; stay continues through asOf',
    segments: [s('a', 'US', 'FR', '2024-05-01', '2024-05-02')],
    asOf: '2024-05-04',
    countries: { US: ['2024-05-01'], FR: range('2024-05-02', '2024-05-04') },
    schengen: range('2024-05-02', '2024-05-04'),
  },
  {
    name: 'same-day exit and re-entry: the day counts in both countries and once for the area',
    segments: [
      s('a', 'US', 'FR', '2024-05-01'),
      s('b', 'FR', 'GB', '2024-05-03', '2024-05-03', { departureTime: '08:00' }),
      s('c', 'GB', 'FR', '2024-05-03', '2024-05-03', { departureTime: '19:00' }),
      s('d', 'FR', 'US', '2024-05-05'),
    ],
    asOf: '2024-05-05',
    countries: { US: ['2024-05-01', '2024-05-05'], FR: range('2024-05-01', '2024-05-05'), GB: ['2024-05-03'] },
    schengen: range('2024-05-01', '2024-05-05'),
  },
  {
    name: 'transit New York -> Frankfurt -> Prague: entry into the area at Frankfurt on arrival day, no German presence',
    segments: [s('a', 'US', 'DE', '2024-05-01', '2024-05-02', { transit: true }), s('b', 'DE', 'CZ', '2024-05-02'), s('c', 'CZ', 'US', '2024-05-04')],
    asOf: '2024-05-10',
    countries: { US: ['2024-05-01', ...range('2024-05-04', '2024-05-10')], CZ: range('2024-05-02', '2024-05-04') },
    schengen: range('2024-05-02', '2024-05-04'),
  },
  {
    name: 'transit Prague -> Frankfurt (overnight airside) -> New York: exit on the day of departure from Frankfurt',
    segments: [s('a', 'US', 'CZ', '2024-05-01'), s('b', 'CZ', 'DE', '2024-05-03', '2024-05-03', { transit: true }), s('c', 'DE', 'US', '2024-05-04')],
    asOf: '2024-05-10',
    countries: { US: ['2024-05-01', ...range('2024-05-04', '2024-05-10')], CZ: range('2024-05-01', '2024-05-03') },
    schengen: range('2024-05-01', '2024-05-04'),
  },
  {
    name: 'transit New York -> Frankfurt -> Delhi adds no Schengen day',
    segments: [s('a', 'US', 'DE', '2024-05-01', '2024-05-02', { transit: true }), s('b', 'DE', 'IN', '2024-05-02', '2024-05-03')],
    asOf: '2024-05-04',
    countries: { US: ['2024-05-01'], IN: range('2024-05-03', '2024-05-04') },
    schengen: [],
  },
  {
    name: 'transit in a non-member country between two Schengen states counts nothing for that country',
    segments: [s('a', 'FR', 'GB', '2024-05-01', '2024-05-01', { transit: true }), s('b', 'GB', 'DE', '2024-05-02')],
    asOf: '2024-05-03',
    countries: { FR: ['2024-05-01'], DE: range('2024-05-02', '2024-05-03') },
    schengen: ['2024-05-01', '2024-05-02', '2024-05-03'],
  },
  {
    name: 'membership is per date: Croatia joined Schengen on 2023-01-01 (stay 2022-12-30 to 2023-01-02)',
    segments: [s('a', 'US', 'HR', '2022-12-30'), s('b', 'HR', 'US', '2023-01-02')],
    asOf: '2023-01-05',
    countries: { US: ['2022-12-30', ...range('2023-01-02', '2023-01-05')], HR: range('2022-12-30', '2023-01-02') },
    schengen: ['2023-01-01', '2023-01-02'],
    eu: range('2022-12-30', '2023-01-02'),
  },
  {
    name: 'Bulgaria joined on 2024-03-31; Ireland and Cyprus never; Monaco counts, Andorra does not',
    segments: [
      s('a', 'US', 'BG', '2024-03-29'),
      s('b', 'BG', 'IE', '2024-04-01'),
      s('c', 'IE', 'CY', '2024-04-03'),
      s('d', 'CY', 'MC', '2024-04-05'),
      s('e', 'MC', 'AD', '2024-04-06'),
      s('f', 'AD', 'US', '2024-04-08'),
    ],
    asOf: '2024-04-08',
    countries: {
      US: ['2024-03-29', '2024-04-08'],
      BG: range('2024-03-29', '2024-04-01'),
      IE: range('2024-04-01', '2024-04-03'),
      CY: range('2024-04-03', '2024-04-05'),
      MC: range('2024-04-05', '2024-04-06'),
      AD: range('2024-04-06', '2024-04-08'),
    },
    schengen: ['2024-03-31', '2024-04-01', '2024-04-05', '2024-04-06'],
  },
  {
    name: 'date line: arrival on the local day before departure (Auckland -> Honolulu)',
    segments: [s('a', 'US', 'NZ', '2024-03-20', '2024-03-21'), s('b', 'NZ', 'US', '2024-03-24', '2024-03-23')],
    asOf: '2024-03-25',
    countries: { US: ['2024-03-20', ...range('2024-03-23', '2024-03-25')], NZ: range('2024-03-21', '2024-03-24') },
    schengen: [],
  },
  {
    name: 'gap: departure from another country than the last arrival is warned about; presence stays literal',
    segments: [s('a', 'US', 'FR', '2024-05-01'), s('b', 'DE', 'US', '2024-05-04')],
    asOf: '2024-05-05',
    countries: { US: ['2024-05-01', '2024-05-04', '2024-05-05'], FR: range('2024-05-01', '2024-05-04'), DE: ['2024-05-04'] },
    schengen: range('2024-05-01', '2024-05-04'),
    warnings: [/gap: segment "b" \(DE 2024-05-04 -> US 2024-05-04\).*segment "a"/],
  },
  {
    name: 'overlap: a segment departing before the previous one arrived is warned about',
    segments: [s('a', 'US', 'FR', '2024-05-01', '2024-05-03'), s('b', 'FR', 'US', '2024-05-02')],
    asOf: '2024-05-02',
    // Literal rule: the departure date of "b" counts in FR, the arrival date of "a" too.
    countries: { US: range('2024-05-01', '2024-05-02'), FR: ['2024-05-02', '2024-05-03'] },
    schengen: ['2024-05-02', '2024-05-03'],
    warnings: [/overlap: segment "b".*segment "a"/],
  },
  {
    name: 'same-date overlap detected from local times',
    segments: [
      s('a', 'US', 'FR', '2024-05-01', '2024-05-01', { departureTime: '06:00', arrivalTime: '10:00' }),
      s('b', 'FR', 'DE', '2024-05-01', '2024-05-01', { departureTime: '09:00' }),
    ],
    asOf: '2024-05-01',
    countries: { US: ['2024-05-01'], FR: ['2024-05-01'], DE: ['2024-05-01'] },
    schengen: ['2024-05-01'],
    warnings: [/overlap: segment "b"/],
  },
  {
    name: 'arrival two days before departure is warned about, not a crash',
    segments: [s('a', 'US', 'FR', '2024-05-05', '2024-05-03')],
    asOf: '2024-05-06',
    countries: { US: ['2024-05-05'], FR: range('2024-05-03', '2024-05-06') },
    schengen: range('2024-05-03', '2024-05-06'),
    warnings: [/segment "a".*more than one day before/],
  },
  {
    name: 'unknown country code is warned about and kept as its own country',
    segments: [s('a', 'US', 'ZZ', '2024-05-01'), s('b', 'ZZ', 'US', '2024-05-02')],
    asOf: '2024-05-02',
    countries: { US: ['2024-05-01', '2024-05-02'], ZZ: ['2024-05-01', '2024-05-02'] },
    schengen: [],
    warnings: [/unknown country code ZZ in segment\(s\) "a" \(2024-05-01\), "b" \(2024-05-02\)/],
  },
  {
    name: 'transit with no onward segment is warned about and counted as a stay',
    segments: [s('a', 'US', 'DE', '2024-05-01', '2024-05-02', { transit: true })],
    asOf: '2024-05-03',
    countries: { US: ['2024-05-01'], DE: range('2024-05-02', '2024-05-03') },
    schengen: range('2024-05-02', '2024-05-03'),
    warnings: [/segment "a".*transit but no onward segment/],
  },
  {
    name: 'planned trip after asOf: stays between future segments are presence, the last arrival only its day',
    segments: [s('a', 'US', 'FR', '2024-07-01'), s('b', 'FR', 'US', '2024-07-05')],
    asOf: '2024-06-01',
    countries: { US: ['2024-07-01', '2024-07-05'], FR: range('2024-07-01', '2024-07-05') },
    schengen: range('2024-07-01', '2024-07-05'),
  },
];

describe('computePresence', () => {
  test.each(cases)('$name', ({ segments, asOf, countries, schengen, eu, warnings }) => {
    // Input order must not matter.
    for (const input of [segments, [...segments].reverse()]) {
      const p = computePresence(input, asOf, ref);
      const got: Record<string, string[]> = {};
      for (const c of p.byCountry.keys()) got[c] = countryDates(p, c);
      expect(got).toEqual(countries);
      expect(expandDays(regionPresence(p, 'SCHENGEN', ref)).map(fromDayNumber)).toEqual(schengen);
      if (eu) expect(expandDays(regionPresence(p, 'EU', ref)).map(fromDayNumber)).toEqual(eu);
      expect(p.warnings).toHaveLength(warnings?.length ?? 0);
      for (const w of warnings ?? []) expect(p.warnings.some((x) => w.test(x))).toBe(true);
    }
  });

  test('transit stays are reported with both segment ids', () => {
    const p = computePresence([s('in', 'US', 'DE', '2024-05-01', '2024-05-02', { transit: true }), s('out', 'DE', 'CZ', '2024-05-03')], '2024-05-03', ref);
    expect(p.transits).toEqual([expect.objectContaining({ segmentId: 'in', onwardSegmentId: 'out', country: 'DE', start: p.asOf - 1, end: p.asOf })]);
  });

  test('extra (planned) stays add presence on each of their dates', () => {
    const p = computePresence([s('a', 'US', 'FR', '2024-05-01'), s('b', 'FR', 'US', '2024-05-02')], '2024-05-02', ref, [
      { country: 'IT', entryDate: '2024-06-01', exitDate: '2024-06-03' },
    ]);
    expect(countryDates(p, 'IT')).toEqual(range('2024-06-01', '2024-06-03'));
  });
});

/** `parseSegments`' output as plain arrays, to compare two parses. */
function plain(segments: readonly IdentifiedSegment[], validate: boolean) {
  const p = parseSegments(segments, { validate });
  return { dep: Array.from(p.dep), arr: Array.from(p.arr), depC: Array.from(p.depC), arrC: Array.from(p.arrC), transit: Array.from(p.transit), codes: p.codes };
}

describe('parseSegments: one parser, validating or not', () => {
  test('valid segments parse the same with and without validation (random itineraries)', () => {
    fc.assert(
      fc.property(fc.array(stepArb(['FR', 'DE', 'US', 'GB', 'JP', 'TR'], 40, 20), { minLength: 1, maxLength: 30 }), (steps) => {
        const segments = buildItinerary(toDayNumber('2020-01-01'), steps);
        const validated = plain(segments, true);
        expect(validated).toEqual(plain(segments, false));
        // Day numbers and codes mean what the segments say.
        expect(validated.dep.map(fromDayNumber)).toEqual(segments.map((x) => x.departureDate));
        expect(validated.arrC.map((c) => validated.codes[c])).toEqual(segments.map((x) => x.arrivalCountry));
      }),
      { numRuns: 200 },
    );
  });

  test('countries get ids in order of first appearance, codes and (unvalidated) other strings alike', () => {
    const segments = [s('a', 'US', 'France', '2024-05-01'), s('b', 'France', 'FR', '2024-05-02'), s('c', 'FR', 'US', '2024-05-03')];
    expect(plain(segments, false)).toMatchObject({ depC: [0, 1, 2], arrC: [1, 2, 0], codes: ['US', 'France', 'FR'] });
    expect(() => parseSegments(segments, { validate: true })).toThrow(/^segments\[0\] \(id "a"\): arrivalCountry must be an ISO 3166-1 alpha-2/);
  });

  test.each([
    [true, 1],
    [false, 0],
    [undefined, 0],
    ['yes', 2],
  ])('transit %p is %d unvalidated', (transit, want) => {
    const seg = { ...s('a', 'US', 'DE', '2024-05-01'), transit } as IdentifiedSegment;
    expect(plain([seg], false).transit).toEqual([want]);
    if (want !== 2) expect(plain([seg], true).transit).toEqual([want]);
    else expect(() => parseSegments([seg], { validate: true })).toThrow(ValidationError);
  });

  test('a field set to undefined (which zod accepts and the fast path leaves to zod) parses like the field absent', () => {
    const seg = { ...s('a', 'US', 'DE', '2024-05-01', '2024-05-02'), notes: undefined };
    expect(plain([seg], true)).toEqual(plain([s('a', 'US', 'DE', '2024-05-01', '2024-05-02')], true));
  });

  const leapless = [s('a', 'US', 'FR', '2023-03-01'), s('b', 'FR', 'US', '2023-02-29', '2023-03-02')];
  test.each([
    { what: 'not an array', input: { length: 1 }, validate: true, type: ValidationError, message: /^segments must be an array$/ },
    {
      what: 'a bad date, validating',
      input: leapless,
      validate: true,
      type: ValidationError,
      message: /^segments\[1\] \(id "b"\): departureDate must be a real calendar date/,
    },
    {
      what: 'a bad date, not validating',
      input: leapless,
      validate: false,
      type: InvalidDateError,
      message: /^segment "b" departureDate: "2023-02-29" is not a calendar date/,
    },
  ])('$what: $type.name', ({ input, validate, type, message }) => {
    expect(() => parseSegments(input as IdentifiedSegment[], { validate })).toThrow(type);
    expect(() => parseSegments(input as IdentifiedSegment[], { validate })).toThrow(message);
  });

  test('unvalidated, the error names the first bad date in reading order, not in input order', () => {
    const input = [s('late', 'FR', 'US', '2024-13-01'), s('early', 'US', 'FR', '2024-01-01', '2024-01-32')];
    expect(() => parseSegments(input, { validate: false })).toThrow('segment "early" arrivalDate: "2024-01-32"');
  });

  test('midnightPresence reads every date through the parser: a bad departure date of the first segment is an error too', () => {
    // Before the parsers were folded, midnightPresence parsed dates as it needed them and never read this one.
    expect(() => midnightPresence([s('a', 'US', 'GB', '2024-02-30', '2024-03-01')], '2024-06-01')).toThrow('segment "a" departureDate');
  });
});

describe('sortSegments', () => {
  test.each([
    {
      name: 'by departure date, then timed before untimed, then arrival date, then id',
      input: [
        s('z', 'FR', 'DE', '2024-05-02'),
        s('y', 'FR', 'DE', '2024-05-02', '2024-05-02', { departureTime: '23:00' }),
        s('x', 'FR', 'DE', '2024-05-02', '2024-05-02', { departureTime: '07:00' }),
        s('w', 'FR', 'DE', '2024-05-01', '2024-05-02'),
        s('v', 'FR', 'DE', '2024-05-01', '2024-05-01'),
        s('b', 'FR', 'DE', '2024-05-03'),
        s('a', 'FR', 'DE', '2024-05-03'),
      ],
      order: ['v', 'w', 'x', 'y', 'z', 'a', 'b'],
    },
  ])('$name', ({ input, order }) => {
    expect(sortSegments(input).map((x) => x.id)).toEqual(order);
    expect(sortSegments([...input].reverse()).map((x) => x.id)).toEqual(order);
  });
});
