/**
 * The alert policy, as tables: which alerts are due (thresholds, overstays, planned trips, exemptions, settings),
 * when a push may be sent (delivery window, quiet hours, zones on both sides of the date line, DST), and when the
 * run should look at the traveller next. A simulation checks that waking travellers only at `nextAlertAt` sends
 * exactly what a daily check would.
 */
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import type { NotificationSettings, VisaStatusDoc } from '../../../functions/src/model/documents';
import { alertId, computeNextAlertAt, evaluateAlerts } from '../../../functions/src/policy/alerts';
import { localClock, zonedInstant } from '@travel-time-tracker/core/timeZones';
import { isDeliverable, nextDeliverableInstant } from '../../../functions/src/policy/time';
import { RULE, profile, status } from './fixtures';

const TODAY = '2026-07-01';
/** 2026-07-01 09:30 in Berlin (CEST, UTC+2). */
const BERLIN_0930 = new Date('2026-07-01T07:30:00Z');

describe('evaluateAlerts: which alerts are due', () => {
  const cases: {
    name: string;
    s: VisaStatusDoc[];
    settings?: Partial<NotificationSettings>;
    nationalities?: string[];
    expected: string[];
  }[] = [
    {
      name: 'present, 7 days remaining: threshold 7',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      expected: [`${RULE}_threshold-7_2026-05-10`],
    },
    {
      name: 'present, 5 remaining: lowest threshold reached is 7 (not 30 or 14)',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 5 })],
      expected: [`${RULE}_threshold-7_2026-05-10`],
    },
    {
      name: 'present, 30 remaining: threshold 30 (boundary inclusive)',
      s: [status(TODAY, { stay: '2026-06-01', daysRemaining: 30 })],
      expected: [`${RULE}_threshold-30_2026-06-01`],
    },
    { name: 'present, 31 remaining: nothing', s: [status(TODAY, { stay: '2026-06-01', daysRemaining: 31 })], expected: [] },
    {
      name: 'present, 0 remaining (last allowed day): threshold 1',
      s: [status(TODAY, { stay: '2026-04-02', daysRemaining: 0 })],
      expected: [`${RULE}_threshold-1_2026-04-02`],
    },
    {
      name: 'custom thresholds [10]: 12 remaining is nothing',
      settings: { thresholds: [10] },
      s: [status(TODAY, { stay: '2026-05-01', daysRemaining: 12 })],
      expected: [],
    },
    {
      name: 'custom thresholds [10]: 10 remaining',
      settings: { thresholds: [10] },
      s: [status(TODAY, { stay: '2026-05-01', daysRemaining: 10 })],
      expected: [`${RULE}_threshold-10_2026-05-01`],
    },
    {
      name: 'custom threshold 0 is honoured on the last day',
      settings: { thresholds: [0, 5] },
      s: [status(TODAY, { stay: '2026-04-02', daysRemaining: 0 })],
      expected: [`${RULE}_threshold-0_2026-04-02`],
    },
    {
      name: 'no thresholds configured: no threshold alert',
      settings: { thresholds: [] },
      s: [status(TODAY, { stay: '2026-04-02', daysRemaining: 3 })],
      expected: [],
    },
    { name: 'away from the region, 5 remaining: no threshold alert', s: [status(TODAY, { stay: null, daysRemaining: 5 })], expected: [] },
    {
      name: 'overstay while present: overstay alert only',
      s: [status(TODAY, { stay: '2026-03-01', daysRemaining: 0, overstayDays: 3 })],
      expected: [`${RULE}_overstay_2026-03-01`],
    },
    {
      name: 'overstay alerts off: nothing (no fallback to a threshold)',
      settings: { overstay: false },
      s: [status(TODAY, { stay: '2026-03-01', daysRemaining: 0, overstayDays: 3 })],
      expected: [],
    },
    {
      name: 'past overstay, already left: nothing',
      s: [status(TODAY, { stay: null, daysRemaining: 0, overstayDays: 2, firstViolationDate: '2026-06-20' })],
      expected: [],
    },
    {
      name: 'planned trip breaks the rule: planned violation',
      s: [status(TODAY, { stay: null, daysRemaining: 60, firstViolationDate: '2026-09-14' })],
      expected: [`${RULE}_planned_2026-09-14`],
    },
    {
      name: 'planned-trip alerts off: nothing',
      settings: { plannedTrips: false },
      s: [status(TODAY, { stay: null, daysRemaining: 60, firstViolationDate: '2026-09-14' })],
      expected: [],
    },
    {
      name: 'present at 3 remaining with a violating planned trip: both, threshold first',
      s: [status(TODAY, { stay: '2026-05-01', daysRemaining: 3, firstViolationDate: '2026-10-01' })],
      expected: [`${RULE}_threshold-3_2026-05-01`, `${RULE}_planned_2026-10-01`],
    },
    {
      name: 'EU national (rule does not apply): no Schengen alert at all',
      nationalities: ['FR'],
      s: [status(TODAY, { applies: false, stay: '2026-05-01', daysRemaining: 0, overstayDays: 9, firstViolationDate: '2026-06-22' })],
      expected: [],
    },
    {
      name: 'Swiss national (rule does not apply): nothing',
      nationalities: ['CH'],
      s: [status(TODAY, { applies: false, stay: '2026-05-01', daysRemaining: 2 })],
      expected: [],
    },
    {
      name: 'notifications disabled: nothing',
      settings: { enabled: false },
      s: [status(TODAY, { stay: '2026-05-01', daysRemaining: 1, firstViolationDate: '2026-10-01' })],
      expected: [],
    },
  ];

  test.each(cases)('$name', ({ s, settings, nationalities, expected }) => {
    const p = profile({ notifications: settings ?? {}, nationalities: nationalities ?? ['US'] });
    const ev = evaluateAlerts(p, s, BERLIN_0930, [RULE]);
    expect(ev.candidates.map((c) => c.alertId)).toEqual(expected);
    expect(ev.staleRuleIds).toEqual([]);
  });

  test('the candidate carries kind, threshold and stay for the alert record', () => {
    const ev = evaluateAlerts(profile(), [status(TODAY, { stay: '2026-05-10', daysRemaining: 14 })], BERLIN_0930);
    expect(ev.candidates).toEqual([expect.objectContaining({ ruleId: RULE, kind: 'threshold', threshold: 14, stayStart: '2026-05-10' })]);
  });

  test('alert ids are deterministic and valid Firestore ids', () => {
    expect(alertId('a/b', 'overstay', { date: '2026-01-02' })).toBe('a_b_overstay_2026-01-02');
    expect(alertId(RULE, 'threshold', { threshold: 3, date: '2026-01-02' })).toBe(alertId(RULE, 'threshold', { threshold: 3, date: '2026-01-02' }));
  });
});

describe('evaluateAlerts: local date, staleness and when a push may go out', () => {
  const cases: {
    name: string;
    now: string;
    timeZone: string;
    quiet?: { start: string; end: string } | null;
    localDate: string;
    localTime: string;
    deliverable: boolean;
  }[] = [
    { name: 'Berlin 09:00 CEST', now: '2026-07-01T07:00:00Z', timeZone: 'Europe/Berlin', localDate: '2026-07-01', localTime: '09:00', deliverable: true },
    {
      name: 'Berlin 08:59: before the window',
      now: '2026-07-01T06:59:00Z',
      timeZone: 'Europe/Berlin',
      localDate: '2026-07-01',
      localTime: '08:59',
      deliverable: false,
    },
    {
      name: 'Berlin 21:00: window closed',
      now: '2026-07-01T19:00:00Z',
      timeZone: 'Europe/Berlin',
      localDate: '2026-07-01',
      localTime: '21:00',
      deliverable: false,
    },
    {
      name: 'Kiritimati (UTC+14, west of the date line): already the 2nd',
      now: '2026-07-01T19:00:00Z',
      timeZone: 'Pacific/Kiritimati',
      localDate: '2026-07-02',
      localTime: '09:00',
      deliverable: true,
    },
    {
      name: 'Pago Pago (UTC-11, east of the date line): still the 1st',
      now: '2026-07-01T20:00:00Z',
      timeZone: 'Pacific/Pago_Pago',
      localDate: '2026-07-01',
      localTime: '09:00',
      deliverable: true,
    },
    { name: 'Kathmandu (UTC+05:45)', now: '2026-07-01T03:15:00Z', timeZone: 'Asia/Kathmandu', localDate: '2026-07-01', localTime: '09:00', deliverable: true },
    {
      name: 'quiet hours 08:00-10:00 hold back 09:30',
      now: '2026-07-01T07:30:00Z',
      timeZone: 'Europe/Berlin',
      quiet: { start: '08:00', end: '10:00' },
      localDate: '2026-07-01',
      localTime: '09:30',
      deliverable: false,
    },
    {
      name: 'quiet hours end is exclusive: 10:00 may send',
      now: '2026-07-01T08:00:00Z',
      timeZone: 'Europe/Berlin',
      quiet: { start: '08:00', end: '10:00' },
      localDate: '2026-07-01',
      localTime: '10:00',
      deliverable: true,
    },
    {
      name: 'quiet hours over midnight 20:00-09:30 hold back 09:15',
      now: '2026-07-01T07:15:00Z',
      timeZone: 'Europe/Berlin',
      quiet: { start: '20:00', end: '09:30' },
      localDate: '2026-07-01',
      localTime: '09:15',
      deliverable: false,
    },
    {
      name: 'quiet hours covering the whole window: outside them is allowed (22:30)',
      now: '2026-07-01T20:30:00Z',
      timeZone: 'Europe/Berlin',
      quiet: { start: '08:00', end: '22:00' },
      localDate: '2026-07-01',
      localTime: '22:30',
      deliverable: true,
    },
    {
      name: 'no quiet hours: 20:59 still in the window',
      now: '2026-07-01T18:59:00Z',
      timeZone: 'Europe/Berlin',
      quiet: null,
      localDate: '2026-07-01',
      localTime: '20:59',
      deliverable: true,
    },
    {
      name: 'unknown zone falls back to UTC',
      now: '2026-07-01T09:00:00Z',
      timeZone: 'Mars/Olympus_Mons',
      localDate: '2026-07-01',
      localTime: '09:00',
      deliverable: true,
    },
  ];

  test.each(cases)('$name', ({ now, timeZone, quiet, localDate, localTime, deliverable }) => {
    const p = profile({ timeZone, notifications: quiet === undefined ? {} : { quietHours: quiet } });
    const ev = evaluateAlerts(p, [], new Date(now));
    expect([ev.localDate, ev.localTime, ev.deliverableNow]).toEqual([localDate, localTime, deliverable]);
    expect(ev.timeZoneInvalid).toBe(timeZone.startsWith('Mars'));
  });

  test('one instant is a different local date on each side of the date line: the status is stale on one side only', () => {
    const now = new Date('2026-07-01T20:00:00Z');
    const s = [status('2026-07-01', { stay: '2026-06-20', daysRemaining: 5 })];
    expect(evaluateAlerts(profile({ timeZone: 'Pacific/Pago_Pago' }), s, now, [RULE]).staleRuleIds).toEqual([]);
    expect(evaluateAlerts(profile({ timeZone: 'Pacific/Kiritimati' }), s, now, [RULE]).staleRuleIds).toEqual([RULE]);
  });

  test('a rule without a cached status is stale', () => {
    expect(evaluateAlerts(profile(), [], BERLIN_0930, [RULE]).staleRuleIds).toEqual([RULE]);
  });
});

describe('computeNextAlertAt', () => {
  const cases: {
    name: string;
    now: string;
    timeZone?: string;
    settings?: Partial<NotificationSettings>;
    s: VisaStatusDoc[];
    sent?: string[];
    pushedToday?: boolean;
    expected: string | null;
  }[] = [
    {
      name: 'notifications disabled: never',
      now: '2026-07-01T05:00:00Z',
      settings: { enabled: false },
      s: [status(TODAY, { stay: '2026-05-01', daysRemaining: 3 })],
      expected: null,
    },
    { name: 'no status yet: never (the recompute sets it)', now: '2026-07-01T05:00:00Z', s: [], expected: null },
    {
      name: 'rule does not apply (EU national): never',
      now: '2026-07-01T05:00:00Z',
      s: [status(TODAY, { applies: false, stay: '2026-05-01', daysRemaining: 3 })],
      expected: null,
    },
    {
      name: 'away with 90 remaining: 30 threshold reachable in 60 days at the earliest',
      now: '2026-07-01T05:00:00Z',
      s: [status(TODAY)],
      expected: '2026-08-30T07:00:00.000Z',
    },
    {
      name: 'present with 80 remaining: 50 days until 30 remain',
      now: '2026-07-01T05:00:00Z',
      s: [status(TODAY, { stay: '2026-06-22', daysRemaining: 80 })],
      expected: '2026-08-20T07:00:00.000Z',
    },
    {
      name: 'an unsent alert is due now, held until 09:00 local',
      now: '2026-07-01T05:00:00Z',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      expected: '2026-07-01T07:00:00.000Z',
    },
    {
      name: 'an unsent alert inside the window: now',
      now: '2026-07-01T10:17:00Z',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      expected: '2026-07-01T10:17:00.000Z',
    },
    {
      name: 'sent already: next is a possible new stay the day after tomorrow',
      now: '2026-07-01T07:00:00Z',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      sent: [`${RULE}_threshold-7_2026-05-10`],
      expected: '2026-07-03T07:00:00.000Z',
    },
    {
      name: 'pushed in this run: the other due alert waits for tomorrow 09:00',
      now: '2026-07-01T07:00:00Z',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7, firstViolationDate: '2026-12-01' })],
      sent: [`${RULE}_threshold-7_2026-05-10`],
      pushedToday: true,
      expected: '2026-07-02T07:00:00.000Z',
    },
    {
      name: 'quiet hours 08:00-10:30 move 09:00 to 10:30',
      now: '2026-07-01T05:00:00Z',
      settings: { quietHours: { start: '08:00', end: '10:30' } },
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      expected: '2026-07-01T08:30:00.000Z',
    },
    {
      name: 'after the window closes: next morning',
      now: '2026-07-01T19:30:00Z',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      expected: '2026-07-02T07:00:00.000Z',
    },
    {
      name: 'Kiritimati UTC+14: 09:00 on its 2nd is 19:00Z on the 1st',
      now: '2026-07-01T10:00:00Z',
      timeZone: 'Pacific/Kiritimati',
      s: [status('2026-07-02', { stay: '2026-06-01', daysRemaining: 7 })],
      expected: '2026-07-01T19:00:00.000Z',
    },
    {
      name: 'Pago Pago UTC-11 at 23:00 on the 30th: 09:00 on the 1st is 20:00Z',
      now: '2026-07-01T10:00:00Z',
      timeZone: 'Pacific/Pago_Pago',
      s: [status('2026-06-30', { stay: '2026-06-01', daysRemaining: 7 })],
      expected: '2026-07-01T20:00:00.000Z',
    },
    {
      name: 'New York, due on the spring-forward day: 09:00 EDT',
      now: '2026-01-07T15:00:00Z',
      timeZone: 'America/New_York',
      s: [status('2026-01-07')],
      expected: '2026-03-08T13:00:00.000Z',
    },
    {
      name: 'planned violation not yet announced: now',
      now: '2026-07-01T12:00:00Z',
      s: [status(TODAY, { firstViolationDate: '2026-09-30', daysRemaining: 70 })],
      expected: '2026-07-01T12:00:00.000Z',
    },
    {
      name: 'stale status (asOf last week) with an unsent alert: today',
      now: '2026-07-01T12:00:00Z',
      s: [status('2026-06-24', { stay: '2026-05-01', daysRemaining: 10 })],
      expected: '2026-07-01T12:00:00.000Z',
    },
    {
      name: 'overstay already announced: a new stay could start in two days',
      now: '2026-07-01T12:00:00Z',
      s: [status(TODAY, { stay: '2026-03-01', daysRemaining: 0, overstayDays: 4 })],
      sent: [`${RULE}_overstay_2026-03-01`],
      expected: '2026-07-03T07:00:00.000Z',
    },
    {
      name: 'only overstay alerts, 40 remaining while present: first possible overstay in 41 days',
      now: '2026-07-01T05:00:00Z',
      settings: { thresholds: [], plannedTrips: false },
      s: [status(TODAY, { stay: '2026-06-01', daysRemaining: 40 })],
      expected: '2026-08-11T07:00:00.000Z',
    },
    {
      name: 'unknown zone: UTC hours',
      now: '2026-07-01T05:00:00Z',
      timeZone: 'Nowhere/Atlantis',
      s: [status(TODAY, { stay: '2026-05-10', daysRemaining: 7 })],
      expected: '2026-07-01T09:00:00.000Z',
    },
  ];

  test.each(cases)('$name', ({ now, timeZone, settings, s, sent, pushedToday, expected }) => {
    const p = profile({ timeZone: timeZone ?? 'Europe/Berlin', notifications: settings ?? {} });
    const at = computeNextAlertAt(p, s, new Date(now), { sentAlertIds: new Set(sent ?? []), pushedToday });
    expect(at?.toISOString() ?? null).toBe(expected);
  });

  test('never before now, always deliverable (random zones and instants)', () => {
    const zones = ['Europe/Berlin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kathmandu', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.integer({ min: 0, max: 90 }),
        fc.boolean(),
        fc.option(fc.record({ start: fc.integer({ min: 0, max: 1439 }), end: fc.integer({ min: 0, max: 1439 }) })),
        (timeZone, ms, d, present, q) => {
          const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          const quietHours = q ? { start: hhmm(q.start), end: hhmm(q.end) } : null;
          const now = new Date(ms);
          const today = localClock(now, timeZone).date;
          const p = profile({ timeZone, notifications: { quietHours } });
          const at = computeNextAlertAt(p, [status(today, { stay: present ? addDays(today, -3) : null, daysRemaining: d })], now);
          expect(at).not.toBeNull();
          expect(at!.getTime()).toBeGreaterThanOrEqual(now.getTime());
          expect(isDeliverable(at!, timeZone, quietHours)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('time helpers', () => {
  test.each([
    ['2026-03-29', 9 * 60, 'Europe/Berlin', '2026-03-29T07:00:00.000Z'], // DST starts 02:00 -> 03:00
    ['2026-10-25', 9 * 60, 'Europe/Berlin', '2026-10-25T08:00:00.000Z'], // DST ends
    ['2026-03-29', 2 * 60 + 30, 'Europe/Berlin', '2026-03-29T01:30:00.000Z'], // skipped 02:30: shifted by the gap to 03:30 CEST
    ['2026-10-25', 2 * 60 + 30, 'Europe/Berlin', '2026-10-25T00:30:00.000Z'], // repeated 02:30: first occurrence
    ['2026-07-02', 0, 'Pacific/Kiritimati', '2026-07-01T10:00:00.000Z'],
    ['2026-07-01', 9 * 60, 'Asia/Kolkata', '2026-07-01T03:30:00.000Z'],
  ])('zonedInstant(%s, %i min, %s) = %s', (date, minutes, tz, iso) => {
    expect(zonedInstant(date, minutes, tz).toISOString()).toBe(iso);
  });

  test('nextDeliverableInstant from inside the window is the same instant', () => {
    const t = new Date('2026-07-01T10:00:00Z');
    expect(nextDeliverableInstant(t, 'Europe/Berlin', null)).toEqual(t);
  });
});

/**
 * Simulation: a traveller's presence is a random set of days; the status of each day is computed naively
 * (days in the 180-day window ending that day). Checking every day at 09:00 (the reference) must send the same
 * alerts as waking only at `nextAlertAt` (what the scheduled run does).
 */
describe('waking only at nextAlertAt misses nothing (simulation against a daily check)', () => {
  const start = toDayNumber('2026-01-01');
  const DAYS = 420;

  function statusOn(present: ReadonlySet<number>, day: number): VisaStatusDoc {
    let used = 0;
    for (let k = day - 179; k <= day; k += 1) if (present.has(k)) used += 1;
    let stay: number | null = null;
    if (present.has(day)) {
      stay = day;
      while (present.has(stay - 1)) stay -= 1;
    }
    return status(fromDayNumber(day), {
      daysRemaining: Math.max(0, 90 - used),
      overstayDays: Math.max(0, used - 90),
      stay: stay === null ? null : fromDayNumber(stay),
    });
  }

  function run(present: ReadonlySet<number>, settings: Partial<NotificationSettings>, wakeOnlyWhenDue: boolean): string[] {
    const p = profile({ timeZone: 'Europe/Berlin', notifications: settings });
    const sent = new Set<string>();
    const log: string[] = [];
    let nextAt: Date | null = new Date(0);
    for (let day = start; day < start + DAYS; day += 1) {
      const now = zonedInstant(fromDayNumber(day), 9 * 60, 'Europe/Berlin');
      const s = [statusOn(present, day)];
      if (wakeOnlyWhenDue && (nextAt === null || nextAt.getTime() > now.getTime())) continue;
      const ev = evaluateAlerts(p, s, now);
      let pushed = false;
      const seenRules = new Set<string>();
      for (const c of ev.candidates) {
        if (seenRules.has(c.ruleId)) continue;
        if (sent.has(c.alertId)) continue;
        sent.add(c.alertId);
        seenRules.add(c.ruleId);
        pushed = true;
        log.push(`${fromDayNumber(day)} ${c.alertId}`);
      }
      nextAt = computeNextAlertAt(p, s, now, { sentAlertIds: sent, pushedToday: pushed });
    }
    return log;
  }

  test('random itineraries, default and custom thresholds', () => {
    const trip = fc.record({ gap: fc.integer({ min: 1, max: 60 }), length: fc.integer({ min: 1, max: 120 }) });
    fc.assert(
      fc.property(
        fc.array(trip, { minLength: 1, maxLength: 8 }),
        fc.constantFrom([30, 14, 7, 3, 1], [10], [45, 2, 0], []),
        fc.boolean(),
        (trips, thresholds, overstay) => {
          const present = new Set<number>();
          let day = start - 200;
          for (const t of trips) {
            day += t.gap;
            for (let k = 0; k < t.length; k += 1) present.add(day + k);
            day += t.length;
          }
          const settings = { thresholds: [...thresholds], overstay, quietHours: null };
          const daily = run(present, settings, false);
          const woken = run(present, settings, true);
          expect(woken).toEqual(daily);
        },
      ),
      { numRuns: 60 },
    );
  });
});
