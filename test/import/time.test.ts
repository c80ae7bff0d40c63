/**
 * Local time <-> UTC through IANA zones (core/timeZones.ts: localToUtc, utcToLocal, todayIn), and the import's
 * arrival-date rule (date line both ways, DST gaps and overlaps).
 */
import fc from 'fast-check';
import { addDays } from '@travel-time-tracker/core/dates';
import { arrivalFromLocalTimes } from '@travel-time-tracker/import';
import { localToUtc, todayIn, utcToLocal } from '@travel-time-tracker/core/timeZones';

describe('localToUtc', () => {
  test.each([
    ['2024-07-01', '12:00', 'Europe/Paris', '2024-07-01T10:00:00.000Z'],
    ['2024-01-15', '12:00', 'Europe/Paris', '2024-01-15T11:00:00.000Z'],
    ['2024-03-31', '02:30', 'Europe/Paris', '2024-03-31T01:30:00.000Z'], // gap: offset before the change (+1)
    ['2024-11-03', '01:30', 'America/New_York', '2024-11-03T05:30:00.000Z'], // overlap: the earlier (EDT) instant
    ['2024-06-24', '00:30', 'Pacific/Auckland', '2024-06-23T12:30:00.000Z'],
    ['2024-06-23', '10:00', 'Pacific/Honolulu', '2024-06-23T20:00:00.000Z'],
    ['2024-02-29', '23:59', 'Asia/Kolkata', '2024-02-29T18:29:00.000Z'],
    ['2024-10-06', '02:30', 'Australia/Sydney', '2024-10-05T16:30:00.000Z'], // gap in the southern spring: offset before (+10)
  ])('%s %s in %s is %s', (date, time, zone, iso) => {
    expect(new Date(localToUtc(date, time, zone)).toISOString()).toBe(iso);
  });

  test('utcToLocal inverts localToUtc outside DST gaps (property)', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Pacific/Auckland', 'Asia/Kathmandu', 'America/St_Johns', 'UTC', 'Pacific/Kiritimati'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 0, max: 1439 }), fc.constantFrom(...zones), (day, minute, zone) => {
        const date = addDays('1990-01-01', day);
        const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        const back = utcToLocal(localToUtc(date, time, zone), zone);
        const gapShift = back.date !== date || back.time !== time;
        // Only a wall clock inside a DST gap may come back different, and then by exactly the gap (later).
        if (gapShift) expect(localToUtc(back.date, back.time, zone)).toBe(localToUtc(date, time, zone));
        else expect(back).toEqual({ date, time });
      }),
      { numRuns: 500 },
    );
  });
});

/** The oracle: the local date as `Intl`'s own parts give it (how todayIn computed it before it moved here). */
function partsDate(zone: string, now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

describe('todayIn', () => {
  test.each([
    ['2024-06-30T22:30:00Z', 'Europe/Paris', '2024-07-01'],
    ['2024-06-30T22:30:00Z', 'UTC', '2024-06-30'],
    ['2024-06-30T10:30:00Z', 'Pacific/Kiritimati', '2024-07-01'], // UTC+14
    ['2024-06-30T10:30:00Z', 'Pacific/Pago_Pago', '2024-06-29'], // UTC-11
    ['2024-06-30T18:14:59Z', 'Asia/Kathmandu', '2024-06-30'], // +05:45: 23:59:59
    ['2024-06-30T18:15:00Z', 'Asia/Kathmandu', '2024-07-01'],
    ['2024-03-10T04:59:59Z', 'America/New_York', '2024-03-09'], // the spring-forward night, 23:59:59 EST
    ['2024-03-10T05:00:00Z', 'America/New_York', '2024-03-10'],
    // Monrovia kept -00:44:30 until 1972: a date read through whole-minute offsets would be a day off here.
    ['1960-01-01T00:44:29Z', 'Africa/Monrovia', '1959-12-31'],
    ['1960-01-01T00:44:30Z', 'Africa/Monrovia', '1960-01-01'],
  ])('%s in %s is %s', (iso, zone, want) => {
    expect(todayIn(zone, new Date(iso))).toBe(want);
    expect(partsDate(zone, new Date(iso))).toBe(want);
  });

  test('defaults to UTC', () => {
    expect(todayIn(undefined, new Date('2024-12-31T23:59:59Z'))).toBe('2024-12-31');
  });

  test('an unknown zone is a RangeError', () => {
    expect(() => todayIn('Mars/Olympus_Mons', new Date())).toThrow(RangeError);
  });

  test('the date Intl gives, for any second of 1900-2100 in zones either side of UTC and of the date line (property)', () => {
    const zones = [
      'Europe/Paris',
      'America/New_York',
      'Pacific/Auckland',
      'Asia/Kathmandu',
      'America/St_Johns',
      'UTC',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Africa/Monrovia',
    ];
    const from = Date.UTC(1900, 0, 1) / 1000;
    const to = Date.UTC(2100, 0, 1) / 1000;
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.constantFrom(...zones), (s, zone) => {
        expect(todayIn(zone, new Date(s * 1000))).toBe(partsDate(zone, new Date(s * 1000)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('arrival date from local times through both zones', () => {
  test.each([
    // [case, departure date, dep time, dep zone, arr time, arr zone, expected arrival date]
    [
      'short hop, arrival clock earlier on the same day (CDG 10:00 -> LHR 09:55)',
      '2024-05-10',
      '10:00',
      'Europe/Paris',
      '09:55',
      'Europe/London',
      '2024-05-10',
    ],
    ['overnight transatlantic eastbound (SFO 20:10 -> BCN 17:00)', '2022-07-28', '20:10', 'America/Los_Angeles', '17:00', 'Europe/Madrid', '2022-07-29'],
    ['westbound, long, same date (BCN 14:00 -> LAX 18:10)', '2022-07-02', '14:00', 'Europe/Madrid', '18:10', 'America/Los_Angeles', '2022-07-02'],
    [
      'date line eastbound: lands the day before (AKL 00:30 -> HNL 10:00)',
      '2024-06-24',
      '00:30',
      'Pacific/Auckland',
      '10:00',
      'Pacific/Honolulu',
      '2024-06-23',
    ],
    ['date line westbound: skips a day (LAX 23:00 -> SYD 07:00)', '2024-06-10', '23:00', 'America/Los_Angeles', '07:00', 'Australia/Sydney', '2024-06-12'],
    ['arrival clock later but next day (HNL 21:46 -> EWR 12:12)', '2013-01-10', '21:46', 'Pacific/Honolulu', '12:12', 'America/New_York', '2013-01-11'],
    ['midnight arrival the same night (HKG 22:50 -> TPE 00:25)', '2014-08-24', '22:50', 'Asia/Hong_Kong', '00:25', 'Asia/Taipei', '2014-08-25'],
    ['DST starts during the flight (JFK 2019-03-09 23:00 EST -> LHR 11:00)', '2019-03-09', '23:00', 'America/New_York', '11:00', 'Europe/London', '2019-03-10'],
    [
      'DST ends during a domestic red-eye (LAX 23:30 PDT -> JFK 07:40 EST)',
      '2024-11-02',
      '23:30',
      'America/Los_Angeles',
      '07:40',
      'America/New_York',
      '2024-11-03',
    ],
    [
      'lands in the repeated hour (ORD 00:30 CDT -> JFK 01:40, first 01:40 is after departure)',
      '2024-11-03',
      '00:30',
      'America/Chicago',
      '01:40',
      'America/New_York',
      '2024-11-03',
    ],
  ])('%s', (_name, depDate, depTime, depZone, arrTime, arrZone, expected) => {
    const r = arrivalFromLocalTimes(depDate, depTime, depZone, arrTime, arrZone);
    expect(r?.arrivalDate).toBe(expected);
    expect(r!.arrivalUtc).toBeGreaterThan(r!.departureUtc);
  });

  test('the arrival is the FIRST candidate after departure (property)', () => {
    const zones = ['Pacific/Auckland', 'Pacific/Honolulu', 'Europe/London', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati', 'America/Anchorage'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.constantFrom(...zones),
        fc.constantFrom(...zones),
        (day, dm, am, dz, az) => {
          const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
          const dep = addDays('2015-01-01', day);
          const r = arrivalFromLocalTimes(dep, hhmm(dm), dz, hhmm(am), az);
          expect(r).not.toBeNull();
          expect(r!.arrivalUtc).toBeGreaterThan(r!.departureUtc);
          expect(localToUtc(addDays(r!.arrivalDate, -1), hhmm(am), az)).toBeLessThanOrEqual(r!.departureUtc);
        },
      ),
      { numRuns: 300 },
    );
  });
});
