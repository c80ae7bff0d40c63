/** Local time <-> UTC through IANA zones, and the arrival-date rule (date line both ways, DST gaps and overlaps). */
import fc from 'fast-check';
import { addDays } from '../../../functions/src/core/dates';
import { arrivalFromLocalTimes, localToUtc, utcToLocal } from '../../../functions/src/core/import';

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

describe('arrival date from local times through both zones', () => {
  test.each([
    // [case, departure date, dep time, dep zone, arr time, arr zone, expected arrival date]
    ['short hop, arrival clock earlier on the same day (CDG 10:00 -> LHR 09:55)', '2024-05-10', '10:00', 'Europe/Paris', '09:55', 'Europe/London', '2024-05-10'],
    ['overnight transatlantic eastbound (SFO 20:10 -> BCN 17:00)', '2022-07-28', '20:10', 'America/Los_Angeles', '17:00', 'Europe/Madrid', '2022-07-29'],
    ['westbound, long, same date (BCN 14:00 -> LAX 18:10)', '2022-07-02', '14:00', 'Europe/Madrid', '18:10', 'America/Los_Angeles', '2022-07-02'],
    ['date line eastbound: lands the day before (AKL 00:30 -> HNL 10:00)', '2024-06-24', '00:30', 'Pacific/Auckland', '10:00', 'Pacific/Honolulu', '2024-06-23'],
    ['date line westbound: skips a day (LAX 23:00 -> SYD 07:00)', '2024-06-10', '23:00', 'America/Los_Angeles', '07:00', 'Australia/Sydney', '2024-06-12'],
    ['arrival clock later but next day (HNL 21:46 -> EWR 12:12)', '2013-01-10', '21:46', 'Pacific/Honolulu', '12:12', 'America/New_York', '2013-01-11'],
    ['midnight arrival the same night (HKG 22:50 -> TPE 00:25)', '2014-08-24', '22:50', 'Asia/Hong_Kong', '00:25', 'Asia/Taipei', '2014-08-25'],
    ['DST starts during the flight (JFK 2019-03-09 23:00 EST -> LHR 11:00)', '2019-03-09', '23:00', 'America/New_York', '11:00', 'Europe/London', '2019-03-10'],
    ['DST ends during a domestic red-eye (LAX 23:30 PDT -> JFK 07:40 EST)', '2024-11-02', '23:30', 'America/Los_Angeles', '07:40', 'America/New_York', '2024-11-03'],
    ['lands in the repeated hour (ORD 00:30 CDT -> JFK 01:40, first 01:40 is after departure)', '2024-11-03', '00:30', 'America/Chicago', '01:40', 'America/New_York', '2024-11-03'],
  ])('%s', (_name, depDate, depTime, depZone, arrTime, arrZone, expected) => {
    const r = arrivalFromLocalTimes(depDate, depTime, depZone, arrTime, arrZone);
    expect(r?.arrivalDate).toBe(expected);
    expect(r!.arrivalUtc).toBeGreaterThan(r!.departureUtc);
  });

  test('the arrival is the FIRST candidate after departure (property)', () => {
    const zones = ['Pacific/Auckland', 'Pacific/Honolulu', 'Europe/London', 'Asia/Tokyo', 'America/Los_Angeles', 'Pacific/Kiritimati', 'America/Anchorage'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3650 }), fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 }), fc.constantFrom(...zones), fc.constantFrom(...zones), (day, dm, am, dz, az) => {
        const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        const dep = addDays('2015-01-01', day);
        const r = arrivalFromLocalTimes(dep, hhmm(dm), dz, hhmm(am), az);
        expect(r).not.toBeNull();
        expect(r!.arrivalUtc).toBeGreaterThan(r!.departureUtc);
        expect(localToUtc(addDays(r!.arrivalDate, -1), hhmm(am), az)).toBeLessThanOrEqual(r!.departureUtc);
      }),
      { numRuns: 300 },
    );
  });
});
