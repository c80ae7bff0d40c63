/**
 * Audit tables: presence and ordering edge cases (transit chains, accession-date transits, same-day untimed
 * hops, the date line), rule outputs at edges (asOf before planned trips, a stay spanning asOf, planned
 * violations, extreme parameters and dates) and trip plans. Every expected value is derived by hand; the
 * comment on each case shows the count. Plus a property: any continuous itinerary is recovered by
 * sortSegments whatever its ids and (cross-time-zone) local times.
 */
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel, type RuleEvaluation } from '@travel-time-tracker/core/evaluate';
import { expandDays } from '@travel-time-tracker/core/intervals';
import { planTrips, type TripPlanResult } from '@travel-time-tracker/core/planning';
import { computePresence, countryDates } from '@travel-time-tracker/core/presence';
import { regionPresence } from '@travel-time-tracker/core/regionDays';
import { sortSegments } from '@travel-time-tracker/core/sorting';
import { loadReferenceData, type VisaRule } from '@travel-time-tracker/core/referenceData';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { naiveSort } from './naiveReference';
import { dateRange as range, idSeg as s } from './build';

const ref = loadReferenceData();

const T = { transit: true };

interface PresenceCase {
  name: string;
  segments: IdentifiedSegment[];
  asOf: string;
  countries: Record<string, string[]>;
  schengen: string[];
  warnings?: number;
}

const presenceCases: PresenceCase[] = [
  {
    // FRA and MUC airside; entry at FRA on 05-02, exit at FRA on 05-06: Schengen 05-02..05-06 = 5 days, DE 0.
    name: 'transit chain JFK -> FRA (t) -> MUC (t) -> PRG and back PRG -> FRA (t) -> JFK: no German day, area days from FRA arrival to FRA departure',
    segments: [
      s('a', 'US', 'DE', '2024-05-01', '2024-05-02', { ...T, departureTime: '18:00' }),
      s('b', 'DE', 'DE', '2024-05-02', '2024-05-02', { ...T, departureTime: '09:00' }),
      s('c', 'DE', 'CZ', '2024-05-02', '2024-05-02', { departureTime: '12:00' }),
      s('d', 'CZ', 'DE', '2024-05-06', '2024-05-06', { ...T, departureTime: '07:00' }),
      s('e', 'DE', 'US', '2024-05-06', '2024-05-06', { departureTime: '10:00' }),
    ],
    asOf: '2024-05-08',
    countries: { US: ['2024-05-01', ...range('2024-05-06', '2024-05-08')], CZ: range('2024-05-02', '2024-05-06') },
    schengen: range('2024-05-02', '2024-05-06'),
    warnings: 0,
  },
  {
    // Airside at FRA from 05-02 to 05-05 between two non-members: no area day, no German day.
    name: 'transit JFK -> FRA (t) -> DEL whose onward flight leaves three days later adds no Schengen day',
    segments: [s('a', 'US', 'DE', '2024-05-01', '2024-05-02', T), s('b', 'DE', 'IN', '2024-05-05', '2024-05-06')],
    asOf: '2024-05-07',
    countries: { US: ['2024-05-01'], IN: range('2024-05-06', '2024-05-07') },
    schengen: [],
    warnings: 0,
  },
  {
    // FR 04-28..05-01 (4) + DE 05-04..05-05 (2); the LHR days 05-01..05-04 are outside the area: 6 days.
    name: 'transit in a non-member (LHR) between two members, onward three days later: only the member days count',
    segments: [s('a', 'US', 'FR', '2024-04-28'), s('b', 'FR', 'GB', '2024-05-01', '2024-05-01', T), s('c', 'GB', 'DE', '2024-05-04')],
    asOf: '2024-05-05',
    countries: { US: ['2024-04-28'], FR: range('2024-04-28', '2024-05-01'), DE: range('2024-05-04', '2024-05-05') },
    schengen: [...range('2024-04-28', '2024-05-01'), ...range('2024-05-04', '2024-05-05')],
    warnings: 0,
  },
  {
    // DE 12-21..12-31 (11) + ZAG airside 12-31..01-01, member only on 01-01 (1): 12 days.
    name: 'transit in Croatia across its accession date: only 2023-01-01 of the airside days counts',
    segments: [
      s('a', 'US', 'DE', '2022-12-20', '2022-12-21'),
      s('b', 'DE', 'HR', '2022-12-31', '2022-12-31', T),
      s('c', 'HR', 'US', '2023-01-01', '2023-01-01'),
    ],
    asOf: '2023-01-02',
    countries: { US: ['2022-12-20', ...range('2023-01-01', '2023-01-02')], DE: range('2022-12-21', '2022-12-31') },
    schengen: range('2022-12-21', '2023-01-01'),
    warnings: 0,
  },
  {
    // Entry at SOF on 2024-03-31 (BG joined that day; 03-30 airside is before): area 03-31..04-02 = 3 days.
    name: 'transit in Bulgaria the day before accession, onward to Austria on 2024-03-31',
    segments: [s('a', 'TR', 'BG', '2024-03-30', '2024-03-30', T), s('b', 'BG', 'AT', '2024-03-31')],
    asOf: '2024-04-02',
    countries: { TR: ['2024-03-30'], AT: range('2024-03-31', '2024-04-02') },
    schengen: range('2024-03-31', '2024-04-02'),
    warnings: 0,
  },
  {
    // True order US -> FR -> DE -> GB (ids sort row-10, row-11, row-9): FR 1, DE 1, GB 05-01..05-05 = 5; area 1 day.
    name: 'untimed same-day hops are put in chain order whatever the ids (row-9 < row-10 numerically, not lexically)',
    segments: [s('row-10', 'FR', 'DE', '2024-05-01'), s('row-9', 'US', 'FR', '2024-05-01'), s('row-11', 'DE', 'GB', '2024-05-01')],
    asOf: '2024-05-05',
    countries: { US: ['2024-05-01'], FR: ['2024-05-01'], DE: ['2024-05-01'], GB: range('2024-05-01', '2024-05-05') },
    schengen: ['2024-05-01'],
    warnings: 0,
  },
  {
    // Known country US from the day before; same-day US -> FR -> DE untimed, ids in reverse: area 05-02..05-04 = 3.
    name: 'untimed same-day hops after a known stay: the chain from the last arrival decides the order',
    segments: [s('z', 'GB', 'US', '2024-05-01'), s('c', 'US', 'FR', '2024-05-02'), s('b', 'FR', 'DE', '2024-05-02'), s('a', 'DE', 'AT', '2024-05-02')],
    asOf: '2024-05-04',
    countries: { GB: ['2024-05-01'], US: range('2024-05-01', '2024-05-02'), FR: ['2024-05-02'], DE: ['2024-05-02'], AT: range('2024-05-02', '2024-05-04') },
    schengen: range('2024-05-02', '2024-05-04'),
    warnings: 0,
  },
  {
    // Local times across zones mislead (DE->CH 08:00 CET looks earlier than a 09:00 departure elsewhere): chain wins.
    name: 'timed hops in different time zones: the chain from the last arrival wins over the clock',
    segments: [
      s('a', 'US', 'GB', '2024-05-01', '2024-05-02'),
      s('b', 'GB', 'DE', '2024-05-02', '2024-05-02', { departureTime: '09:00' }),
      s('c', 'DE', 'CH', '2024-05-02', '2024-05-02', { departureTime: '08:00' }),
    ],
    asOf: '2024-05-03',
    countries: { US: ['2024-05-01'], GB: ['2024-05-02'], DE: ['2024-05-02'], CH: range('2024-05-02', '2024-05-03') },
    schengen: range('2024-05-02', '2024-05-03'),
    warnings: 0,
  },
  {
    // AKL dep 24th 00:30 lands HNL 23rd, HNL -> YVR on the 23rd: NZ 03-20..03-24 (5), US only 03-23, CA 03-23..03-28 (6).
    name: 'date line: Auckland 24th -> Honolulu 23rd followed by a same-day connection is read in flight order',
    segments: [
      s('a', 'AU', 'NZ', '2024-03-20'),
      s('b', 'NZ', 'US', '2024-03-24', '2024-03-23', { departureTime: '00:30', arrivalTime: '10:00' }),
      s('c', 'US', 'CA', '2024-03-23', '2024-03-23', { departureTime: '15:00' }),
    ],
    asOf: '2024-03-28',
    countries: { AU: ['2024-03-20'], NZ: range('2024-03-20', '2024-03-24'), US: ['2024-03-23'], CA: range('2024-03-23', '2024-03-28') },
    schengen: [],
    warnings: 0,
  },
  {
    // Same with HNL airside: no US day at all; CA 03-23..03-25 (3).
    name: 'date line with an airside connection in Honolulu: no US day',
    segments: [s('a', 'AU', 'NZ', '2024-03-20'), s('b', 'NZ', 'US', '2024-03-24', '2024-03-23', T), s('c', 'US', 'CA', '2024-03-23')],
    asOf: '2024-03-25',
    countries: { AU: ['2024-03-20'], NZ: range('2024-03-20', '2024-03-24'), CA: range('2024-03-23', '2024-03-25') },
    schengen: [],
    warnings: 0,
  },
  {
    // Missing segment (nothing goes from FR to GB): order kept, gap warned; FR 05-01..05-03, GB 05-03 -> DE 05-03..05-04.
    name: 'a gap no same-date chain bridges is left in place and warned about',
    segments: [s('a', 'US', 'FR', '2024-05-01'), s('b', 'GB', 'DE', '2024-05-03'), s('c', 'FR', 'IT', '2024-05-04')],
    asOf: '2024-05-05',
    countries: {
      US: ['2024-05-01'],
      FR: range('2024-05-01', '2024-05-04'),
      GB: ['2024-05-03'],
      DE: range('2024-05-03', '2024-05-04'),
      IT: range('2024-05-04', '2024-05-05'),
    },
    schengen: range('2024-05-01', '2024-05-05'),
    warnings: 2,
  },
  {
    // Planned only: US dep day 06-01 and FR 06-01..06-10, all after asOf; nothing up to asOf.
    name: 'asOf before all segments: everything is planned presence',
    segments: [s('a', 'US', 'FR', '2024-06-01'), s('b', 'FR', 'US', '2024-06-10')],
    asOf: '2024-05-01',
    countries: { US: ['2024-06-01', '2024-06-10'], FR: range('2024-06-01', '2024-06-10') },
    schengen: range('2024-06-01', '2024-06-10'),
    warnings: 0,
  },
];

describe('audit: presence edge cases', () => {
  test.each(presenceCases)('$name', ({ segments, asOf, countries, schengen, warnings }) => {
    for (const input of [segments, [...segments].reverse()]) {
      const p = computePresence(input, asOf, ref);
      const got: Record<string, string[]> = {};
      for (const c of p.byCountry.keys()) got[c] = countryDates(p, c);
      expect(got).toEqual(countries);
      expect(expandDays(regionPresence(p, 'SCHENGEN', ref)).map(fromDayNumber)).toEqual(schengen);
      if (warnings !== undefined) expect(p.warnings).toHaveLength(warnings);
    }
  });

  test('empty history: no presence, full allowance from asOf (latest exit 2024-01-01 + 89 = 2024-03-30)', () => {
    const r = evaluateTravel([], { asOf: '2024-01-01' });
    expect(r.countryDays).toEqual({});
    expect(r.rules[0]).toMatchObject({
      daysUsed: 0,
      daysRemaining: 90,
      latestExitDate: '2024-03-30',
      nextEntryDate: '2024-01-01',
      currentStayStart: null,
      firstViolationDate: null,
    });
  });
});

interface RuleCase {
  name: string;
  segments: IdentifiedSegment[];
  asOf: string;
  rule?: { maxDays: number; periodDays: number };
  expect: Partial<RuleEvaluation>;
  countryDaysByYear?: Record<string, Record<string, number>>;
}

function customRule(maxDays: number, periodDays: number): VisaRule {
  return {
    id: `audit-${maxDays}-${periodDays}`,
    name: 'audit rule',
    description: 'audit',
    kind: 'rolling-window',
    params: { maxDays, periodDays },
    region: 'SCHENGEN',
    exemptNationalityRegions: ['EU', 'EEA'],
    exemptNationalities: ['CH'],
    implementation: 'core/rules/rollingWindow',
    source: 'audit',
  };
}

const ruleCases: RuleCase[] = [
  {
    // Planned 01-01..03-30 (31+29+30 = 90); 03-30's period starts 2023-10-03, so any day added from there on pushes
    // it over -> no latest exit; next entry when 89 remain in the period: 2024-01-02 + 179 = 2024-06-29.
    name: 'asOf before a planned 90-day stay: nothing used, no day free before the stay, next entry after it',
    segments: [s('a', 'US', 'FR', '2024-01-01'), s('b', 'FR', 'US', '2024-03-30')],
    asOf: '2023-12-01',
    expect: { daysUsed: 0, daysRemaining: 90, latestExitDate: null, nextEntryDate: '2024-06-29', firstViolationDate: null, currentStayStart: null },
  },
  {
    // Used 03-01..03-20 = 20; staying on: 03-01 + 89 = 05-29; the planned exit 04-09 is in P so next entry 04-10 (41 <= 90).
    name: 'a stay spanning asOf with a planned exit: only days up to asOf are used',
    segments: [s('a', 'US', 'FR', '2024-03-01'), s('b', 'FR', 'US', '2024-04-09')],
    asOf: '2024-03-20',
    expect: {
      daysUsed: 20,
      daysRemaining: 70,
      latestExitDate: '2024-05-29',
      nextEntryDate: '2024-04-10',
      firstViolationDate: null,
      currentStayStart: '2024-03-01',
    },
  },
  {
    // Recorded 01-01..02-29 = 60; planned 04-01..05-15: 60 + 31 = 91 on 05-01 (first violation). 04-30 is tight (90),
    // so no latest exit from 03-10; next entry needs <= 44 recorded days + 45 planned: period from 01-17, 01-17 + 179 = 07-14.
    name: 'planned trips do not count in daysUsed but do give firstViolationDate',
    segments: [s('a', 'US', 'FR', '2024-01-01'), s('b', 'FR', 'US', '2024-02-29'), s('c', 'US', 'FR', '2024-04-01'), s('d', 'FR', 'US', '2024-05-15')],
    asOf: '2024-03-10',
    expect: {
      daysUsed: 60,
      daysRemaining: 30,
      overstayDays: 0,
      latestExitDate: null,
      nextEntryDate: '2024-07-14',
      firstViolationDate: '2024-05-01',
      currentStayStart: null,
    },
  },
  {
    // 01-01..04-05 = 31+29+31+5 = 96: overstay 6, 91st day 03-31; next entry once 7 days dropped: 01-08 + 179 = 07-05.
    name: 'an ongoing overstay: 96 days used, first violation on the 91st day',
    segments: [s('a', 'US', 'FR', '2024-01-01')],
    asOf: '2024-04-05',
    expect: {
      daysUsed: 96,
      daysRemaining: 0,
      overstayDays: 6,
      latestExitDate: null,
      nextEntryDate: '2024-07-05',
      firstViolationDate: '2024-03-31',
      currentStayStart: '2024-01-01',
    },
  },
  {
    // 364/365: 2023-01-01..12-30 = 364 days; 12-31's period 2023-01-01..12-31 would hold 365; 2024-01-01's holds 363 + 1.
    name: 'maxDays one below periodDays (364/365): one day out, then re-entry',
    segments: [s('a', 'US', 'FR', '2023-01-01'), s('b', 'FR', 'US', '2023-12-30')],
    asOf: '2023-12-30',
    rule: { maxDays: 364, periodDays: 365 },
    expect: { daysUsed: 364, daysRemaining: 0, latestExitDate: '2023-12-30', nextEntryDate: '2024-01-01', firstViolationDate: null },
  },
  {
    // Schengen did not exist in 1900: only the 2100 stay counts, 02-27..03-01 (2100 not leap) = 3; latest exit
    // 02-27 + 89 = 05-27 (2 + 31 + 30 + 27). Country days per year, 1900 not leap either: FR 02-25..03-01 = 5,
    // US 02-25 + 03-01..12-31 (306) = 307; 2100: US 01-01..02-27 (58) + 03-01 = 59, FR 3.
    name: 'dates in 1900 and 2100 (century non-leap years), a 200-year gap, a period before the area existed',
    segments: [s('a', 'US', 'FR', '1900-02-25'), s('b', 'FR', 'US', '1900-03-01'), s('c', 'US', 'FR', '2100-02-27'), s('d', 'FR', 'US', '2100-03-01')],
    asOf: '2100-03-01',
    expect: { daysUsed: 3, daysRemaining: 87, latestExitDate: '2100-05-27', firstViolationDate: null, currentStayStart: '2100-02-27' },
    countryDaysByYear: { '1900': { US: 307, FR: 5 }, '2100': { US: 59, FR: 3 } },
  },
];

describe('audit: rule outputs at the edges', () => {
  test.each(ruleCases)('$name', ({ segments, asOf, rule, expect: expected, countryDaysByYear }) => {
    const r = evaluateTravel(segments, { asOf, ...(rule ? { rules: [customRule(rule.maxDays, rule.periodDays)] } : {}) });
    expect(r.rules[0]).toMatchObject(expected);
    for (const [year, row] of Object.entries(countryDaysByYear ?? {})) expect(r.countryDaysByYear[year]).toEqual(row);
  });
});

interface PlanCase {
  name: string;
  segments: IdentifiedSegment[];
  stays: { country: string; entryDate: string; exitDate: string }[];
  asOf: string;
  expect: Partial<TripPlanResult>;
}

const planCases: PlanCase[] = [
  {
    // 07-01..09-28 = 31 + 31 + 28 = 90; latest exit 07-01 + 89 = 09-28.
    name: 'a 90-day plan with no history complies as it is',
    segments: [],
    stays: [{ country: 'FR', entryDate: '2024-07-01', exitDate: '2024-09-28' }],
    asOf: '2024-05-01',
    expect: { complies: true, latestExitDate: '2024-09-28', firstViolationDate: null, earliestCompliantEntryDate: '2024-07-01' },
  },
  {
    // 90 days used 01-01..03-30; 06-01's period (from 2023-12-05) holds all 90 -> 91st; earliest start 01-02 + 179 = 06-29.
    name: 'after a full 90-day stay a 10-day plan must wait until the 91st day out',
    segments: [s('a', 'US', 'FR', '2024-01-01'), s('b', 'FR', 'US', '2024-03-30')],
    stays: [{ country: 'FR', entryDate: '2024-06-01', exitDate: '2024-06-10' }],
    asOf: '2024-05-01',
    expect: { complies: false, latestExitDate: null, firstViolationDate: '2024-06-01', earliestCompliantEntryDate: '2024-06-29' },
  },
  {
    // Plan in Cyprus and Ireland only: no area day, complies, no latest exit.
    name: 'a plan outside the area (CY, IE) always complies',
    segments: [s('a', 'US', 'FR', '2024-01-01'), s('b', 'FR', 'US', '2024-03-30')],
    stays: [
      { country: 'CY', entryDate: '2024-04-01', exitDate: '2024-04-20' },
      { country: 'IE', entryDate: '2024-04-21', exitDate: '2024-05-01' },
    ],
    asOf: '2024-03-31',
    expect: { complies: true, latestExitDate: null, firstViolationDate: null, earliestCompliantEntryDate: '2024-04-01' },
  },
];

describe('audit: trip plans', () => {
  test.each(planCases)('$name', ({ segments, stays, asOf, expect: expected }) => {
    const [r] = planTrips(segments, stays, { asOf });
    expect(r).toMatchObject(expected);
  });
});

describe('audit: sortSegments recovers any continuous itinerary', () => {
  // Days with 1-4 hops through distinct countries (so the chain is unambiguous), random ids, random or no local
  // times (times of different places are not comparable); the order must come back exactly, with no warning.
  const POOL = ['US', 'FR', 'DE', 'GB', 'CH', 'IT', 'ES', 'TR', 'AE', 'JP'];
  const arb = fc.record({
    start: fc.integer({ min: 0, max: 2000 }),
    days: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 20 }), hops: fc.shuffledSubarray(POOL, { minLength: 1, maxLength: 4 }) }), {
      minLength: 1,
      maxLength: 8,
    }),
    ids: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 40, maxLength: 40 }),
    times: fc.array(fc.option(fc.constantFrom('06:00', '09:30', '13:00', '22:15'), { nil: undefined }), { minLength: 40, maxLength: 40 }),
  });
  test('200 itineraries', () => {
    fc.assert(
      fc.property(arb, ({ start, days, ids, times }) => {
        const chain: IdentifiedSegment[] = [];
        let cur = 'BR';
        let day = toDayNumber('2020-01-01') + start;
        for (const d of days) {
          day += d.gap;
          const date = fromDayNumber(day);
          for (const to of d.hops.filter((c) => c !== cur)) {
            const k = chain.length;
            chain.push(s(ids[k]!, cur, to, date, date, times[k] ? { departureTime: times[k] } : {}));
            cur = to;
          }
        }
        if (chain.length === 0) return;
        const want = chain.map((x) => x.id);
        expect(sortSegments([...chain].reverse()).map((x) => x.id)).toEqual(want);
        expect(naiveSort([...chain].reverse()).map((x) => x.id)).toEqual(want);
        expect(computePresence(chain, addDays(chain[chain.length - 1]!.departureDate, 1), ref).warnings).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
