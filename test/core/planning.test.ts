/** planTrips: hypothetical stays on top of recorded (and already planned) segments. */
import { planTrips, type PlannedStay, type TripPlanResult } from '@travel-time-tracker/core/planning';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { ValidationError } from '@travel-time-tracker/core/validation';
import { trip } from './build';

interface Case {
  name: string;
  segments: IdentifiedSegment[];
  asOf: string;
  stays: PlannedStay[];
  nationalities?: string[];
  expect: Partial<TripPlanResult>;
}

const cases: Case[] = [
  {
    name: 'a 90-day plan with no history complies and may last exactly 90 days',
    segments: [],
    asOf: '2024-12-01',
    stays: [{ country: 'FR', entryDate: '2025-01-01', exitDate: '2025-03-31' }],
    expect: { applies: true, reason: null, complies: true, latestExitDate: '2025-03-31', firstViolationDate: null, earliestCompliantEntryDate: '2025-01-01' },
  },
  {
    name: 'a 91-day plan never complies, wherever it is moved',
    segments: [],
    asOf: '2024-12-01',
    stays: [{ country: 'FR', entryDate: '2025-01-01', exitDate: '2025-04-01' }],
    expect: { complies: false, latestExitDate: '2025-03-31', firstViolationDate: '2025-04-01', earliestCompliantEntryDate: null },
  },
  {
    name: 'after a full 90-day stay the plan must wait until the 91st day out',
    segments: trip('FR', '2024-10-01', '2024-12-29'),
    asOf: '2025-01-05',
    stays: [{ country: 'IT', entryDate: '2025-01-10', exitDate: '2025-01-20' }],
    expect: { complies: false, latestExitDate: null, firstViolationDate: '2025-01-10', earliestCompliantEntryDate: '2025-03-30' },
  },
  {
    name: 'a plan that pushes an already planned stay over the limit is blamed on the first pushed day',
    segments: trip('ES', '2025-06-01', '2025-07-30'), // planned: 60 days after asOf
    asOf: '2025-03-01',
    stays: [{ country: 'FR', entryDate: '2025-04-01', exitDate: '2025-05-15' }],
    // 45 planned + 60 already planned days: the 91st day in a period is 16 July; entering on 1 April, the
    // traveller may stay 30 days (to 30 April) without breaking the later stay.
    expect: { complies: false, firstViolationDate: '2025-07-16', latestExitDate: '2025-04-30' },
  },
  {
    name: 'period edge: a planned day pushes over the stay day whose period it just enters (day + 179)',
    segments: trip('ES', '2025-05-30', '2025-08-27'), // 90 already planned days ending 179 days after 1 March
    asOf: '2025-01-01',
    stays: [{ country: 'FR', entryDate: '2025-03-01', exitDate: '2025-03-01' }],
    // Every day moved forward stays inside that 180-day period until it falls on a day already counted.
    expect: { complies: false, firstViolationDate: '2025-08-27', latestExitDate: null, earliestCompliantEntryDate: '2025-05-30' },
  },
  {
    name: 'period edge: one day earlier the planned day is outside that period',
    segments: trip('ES', '2025-05-30', '2025-08-27'),
    asOf: '2025-01-01',
    stays: [{ country: 'FR', entryDate: '2025-02-28', exitDate: '2025-02-28' }],
    expect: { complies: true, firstViolationDate: null, latestExitDate: '2025-02-28', earliestCompliantEntryDate: '2025-02-28' },
  },
  {
    name: 'a plan outside the region always complies and has no latest exit',
    segments: trip('FR', '2024-10-01', '2024-12-29'),
    asOf: '2025-01-05',
    stays: [{ country: 'GB', entryDate: '2025-01-10', exitDate: '2025-06-20' }],
    expect: { complies: true, latestExitDate: null, firstViolationDate: null, earliestCompliantEntryDate: '2025-01-10' },
  },
  {
    name: 'membership is per date: Croatia before 2023-01-01 is outside the area',
    segments: trip('FR', '2022-07-01', '2022-09-28'),
    asOf: '2022-10-01',
    stays: [{ country: 'HR', entryDate: '2022-12-01', exitDate: '2022-12-31' }],
    expect: { complies: true, latestExitDate: null, earliestCompliantEntryDate: '2022-12-01' },
  },
  {
    name: 'two stays: the latest exit of the first respects the second; both shift together',
    segments: [],
    asOf: '2025-01-01',
    stays: [
      { country: 'FR', entryDate: '2025-02-01', exitDate: '2025-03-17' }, // 45 days
      { country: 'DE', entryDate: '2025-04-01', exitDate: '2025-05-20' }, // 50 days
    ],
    // Window of 20 May holds all 95 days; the 91st falls on 16 May. The first stay may last 40 days (to 12 March).
    expect: { complies: false, firstViolationDate: '2025-05-16', latestExitDate: '2025-03-12', earliestCompliantEntryDate: null },
  },
  {
    name: 'an EU national: the rule does not apply, the numbers are still given',
    segments: [],
    asOf: '2024-12-01',
    nationalities: ['DE'],
    stays: [{ country: 'FR', entryDate: '2025-01-01', exitDate: '2025-04-01' }],
    expect: { applies: false, complies: false, firstViolationDate: '2025-04-01' },
  },
];

describe('planTrips', () => {
  test.each(cases)('$name', ({ segments, asOf, stays, nationalities, expect: expected }) => {
    const results = planTrips(segments, stays, { asOf, nationalities });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ruleId: 'schengen-90-180', ...expected });
  });

  test('the earliest compliant entry date really complies, and the day before does not', () => {
    const segments = trip('FR', '2024-10-01', '2024-12-29');
    const stays = [{ country: 'IT', entryDate: '2025-01-10', exitDate: '2025-01-20' }];
    const [r] = planTrips(segments, stays, { asOf: '2025-01-05' });
    const shifted = (entry: string, exit: string) => planTrips(segments, [{ country: 'IT', entryDate: entry, exitDate: exit }], { asOf: '2025-01-05' })[0]!;
    expect(r!.earliestCompliantEntryDate).toBe('2025-03-30');
    expect(shifted('2025-03-30', '2025-04-09').complies).toBe(true);
    expect(shifted('2025-03-29', '2025-04-08').complies).toBe(false);
  });

  test.each([
    { stays: [], error: /^stays: must contain at least one stay$/ },
    { stays: [{ country: 'France', entryDate: '2025-01-01', exitDate: '2025-01-02' }], error: /^stays: \[0\]\.country must be an ISO 3166-1 alpha-2/ },
    { stays: [{ country: 'FR', entryDate: '2025-01-03', exitDate: '2025-01-02' }], error: /^stays: \[0\]\.exitDate must not be before entryDate$/ },
    {
      stays: [{ country: 'FR', entryDate: '2025-01-03', exitDate: '2205-01-02' }],
      error: /^stays: \[0\]\.exitDate must be a date between 1900-01-01 and 2199-12-31$/,
    },
  ])('rejects bad stays: $error', ({ stays, error }) => {
    expect(() => planTrips([], stays, { asOf: '2025-01-01' })).toThrow(ValidationError);
    expect(() => planTrips([], stays, { asOf: '2025-01-01' })).toThrow(error);
  });
});
