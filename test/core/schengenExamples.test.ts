/**
 * Published worked examples of the Schengen short-stay rule (90 days in any 180-day period), each with its
 * source. Stays are given as entry/exit stamp pairs (both dates are days of stay, Reg. (EU) 2016/399
 * Art. 6(2)); a stay is modelled as a round trip US -> FR -> US.
 *
 * Not found / not used: the worked examples of the European Commission's calculator user manual (only its
 * introduction could be retrieved, which states the "absence of 90 days allows a new stay of 90 days" rule used
 * below); SEM example 3, whose stamp table is garbled on both the English and German pages.
 */
import { evaluateTravel, type RuleEvaluation } from '@travel-time-tracker/core/evaluate';
import { planTrips } from '@travel-time-tracker/core/planning';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { seg, trip } from './build';

const SEM = 'https://www.sem.admin.ch/sem/en/home/themen/einreise/aufenthaltsrechner';
const MANUAL =
  'European Commission, User manual for the short-stay "Schengen" calculator, introduction: "an absence for an uninterrupted period of 90 days allows for a new stay for up to 90 days"';

interface Example {
  name: string;
  source: string;
  stays: [string, string][];
  asOf: string;
  expect: Partial<RuleEvaluation>;
}

const examples: Example[] = [
  {
    name: 'SEM example 1: 47 days used (entry 15.08.2014, exit 30.09.2014)',
    source: `${SEM}/bsp-1.html`,
    stays: [['2014-08-15', '2014-09-30']],
    asOf: '2014-09-30',
    expect: { daysUsed: 47, daysRemaining: 43, overstayDays: 0, firstViolationDate: null, currentStayStart: '2014-08-15' },
  },
  {
    name: 'SEM example 1: re-entry on 01.01.2015 allows a stay of up to 90 days',
    source: `${SEM}/bsp-1.html`,
    stays: [['2014-08-15', '2014-09-30']],
    asOf: '2015-01-01',
    expect: { latestExitDate: '2015-03-31', nextEntryDate: '2015-01-01', currentStayStart: null },
  },
  {
    name: 'SEM example 2: control on departure 30.11.2014, stay possible until 13.12.2014',
    source: `${SEM}/bsp-2.html`,
    stays: [
      ['2014-08-15', '2014-09-30'],
      ['2014-11-01', '2014-11-30'],
    ],
    asOf: '2014-11-30',
    expect: { daysUsed: 77, daysRemaining: 13, latestExitDate: '2014-12-13', firstViolationDate: null, currentStayStart: '2014-11-01' },
  },
  {
    name: 'SEM example 4: exit 30.01.2014 legal, could have stayed until 31.03.2014 (June/July stay outside the period)',
    source: `${SEM}/bsp-4.html`,
    stays: [
      ['2013-06-01', '2013-07-13'],
      ['2013-08-15', '2013-09-30'],
      ['2014-01-01', '2014-01-30'],
    ],
    asOf: '2014-01-30',
    expect: { daysUsed: 77, overstayDays: 0, latestExitDate: '2014-03-31', firstViolationDate: null },
  },
  {
    name: 'SEM example 5: exit 09.06.2014 with an overstay of 9 days',
    source: `${SEM}/bsp-5.html`,
    stays: [
      ['2013-09-01', '2013-09-30'],
      ['2014-02-21', '2014-04-20'],
      ['2014-05-01', '2014-06-09'],
    ],
    asOf: '2014-06-09',
    // The 91st day in a period is 01.06.2014, so the overstay runs 01.06-09.06 (9 days).
    expect: { daysUsed: 99, daysRemaining: 0, overstayDays: 9, firstViolationDate: '2014-06-01', latestExitDate: null },
  },
  {
    name: 'SEM example 5: re-entry on 30.08.2014 possible for up to 50 days',
    source: `${SEM}/bsp-5.html`,
    stays: [
      ['2013-09-01', '2013-09-30'],
      ['2014-02-21', '2014-04-20'],
      ['2014-05-01', '2014-06-09'],
    ],
    asOf: '2014-08-30',
    expect: { daysUsed: 88, nextEntryDate: '2014-08-30', latestExitDate: '2014-10-18', firstViolationDate: '2014-06-01' },
  },
  {
    // The English page shows only the first stamp pair; the German page's table also lists the entry 19.09.2013
    // (exit at the control), which is what makes the stated 74-day overstay come out.
    name: 'SEM example 6: departure 01.03.2014, overstay of 74 days in the period 03.09.2013-01.03.2014',
    source: `${SEM}/bsp-6.html (and /sem/de/.../bsp-6.html)`,
    stays: [
      ['2013-06-28', '2013-08-09'],
      ['2013-09-19', '2014-03-01'],
    ],
    asOf: '2014-03-01',
    expect: { windowStart: '2013-09-03', windowEnd: '2014-03-01', daysUsed: 164, overstayDays: 74 },
  },
  {
    name: 'classic: a 90-day stay uses the whole allowance (01.01.2024-30.03.2024, leap year)',
    source: MANUAL,
    stays: [['2024-01-01', '2024-03-30']],
    asOf: '2024-03-30',
    expect: { daysUsed: 90, daysRemaining: 0, overstayDays: 0, latestExitDate: '2024-03-30', firstViolationDate: null },
  },
  {
    name: 'classic: after 90 days in, the traveller must stay out 90 days (next entry on the 91st day out)',
    source: MANUAL,
    stays: [['2024-01-01', '2024-03-30']],
    asOf: '2024-03-31',
    expect: { daysUsed: 90, nextEntryDate: '2024-06-29', latestExitDate: null },
  },
  {
    name: 'classic: after 90 days out, a new stay of up to 90 days',
    source: MANUAL,
    stays: [['2024-01-01', '2024-03-30']],
    asOf: '2024-06-29',
    expect: { daysUsed: 89, nextEntryDate: '2024-06-29', latestExitDate: '2024-09-26' },
  },
  {
    name: 'window boundary: a day of stay on D-179 still counts',
    source: 'Reg. (EU) 2016/399 Art. 6(1): the 180-day period preceding each day of stay (the control date and 179 days before it)',
    stays: [['2024-01-01', '2024-01-01']],
    asOf: '2024-06-28',
    expect: { windowStart: '2024-01-01', daysUsed: 1 },
  },
  {
    name: 'window boundary: a day of stay on D-180 no longer counts',
    source: 'Reg. (EU) 2016/399 Art. 6(1)',
    stays: [['2024-01-01', '2024-01-01']],
    asOf: '2024-06-29',
    expect: { windowStart: '2024-01-02', daysUsed: 0 },
  },
];

function roundTrips(stays: [string, string][]): IdentifiedSegment[] {
  return stays.flatMap(([entry, exit]) => trip('FR', entry, exit));
}

describe('Schengen 90/180 worked examples', () => {
  test.each(examples)('$name', ({ stays, asOf, expect: expected }) => {
    const result = evaluateTravel(roundTrips(stays), { asOf, nationalities: ['US'] });
    const rule = result.rules.find((r) => r.ruleId === 'schengen-90-180');
    expect(rule).toBeDefined();
    expect(rule!.applies).toBe(true);
    expect(rule).toMatchObject(expected);
    expect(result.warnings).toEqual([]);
  });

  test('same-day exit and re-entry counts the day once (FR -> GB -> FR on 10.05.2024)', () => {
    const segments = [
      seg('US', 'FR', '2024-05-01'),
      seg('FR', 'GB', '2024-05-10', '2024-05-10', { departureTime: '08:00' }),
      seg('GB', 'FR', '2024-05-10', '2024-05-10', { departureTime: '18:00' }),
      seg('FR', 'US', '2024-05-20'),
    ];
    const result = evaluateTravel(segments, { asOf: '2024-05-20' });
    expect(result.rules[0]).toMatchObject({ daysUsed: 20, currentStayStart: '2024-05-01' });
    // ...while each country counts the day: FR 20 days, GB 1 day.
    expect(result.countryDays).toMatchObject({ FR: 20, GB: 1 });
  });

  test('moving between two Schengen states on one day counts the day once (FR -> DE)', () => {
    const segments = [seg('US', 'FR', '2024-05-01'), seg('FR', 'DE', '2024-05-05'), seg('DE', 'US', '2024-05-08')];
    const result = evaluateTravel(segments, { asOf: '2024-05-08' });
    expect(result.rules[0]!.daysUsed).toBe(8);
    expect(result.countryDays).toMatchObject({ FR: 5, DE: 4 });
  });

  test('SEM example 1 as a plan: entering on 01.01.2015, latest exit 31.03.2015', () => {
    const [res] = planTrips(roundTrips([['2014-08-15', '2014-09-30']]), [{ country: 'CH', entryDate: '2015-01-01', exitDate: '2015-03-31' }], {
      asOf: '2014-09-30',
    });
    expect(res).toMatchObject({ complies: true, latestExitDate: '2015-03-31', firstViolationDate: null, earliestCompliantEntryDate: '2015-01-01' });
  });
});
