/**
 * Local wall-clock time <-> UTC instant through IANA time zones, with `Intl.DateTimeFormat` only (the runtime's
 * ICU tz database; no extra package). Shared by the import (arrival dates, layovers), the evaluation date (the
 * traveller's local today: `todayIn`) and the alerts (the traveller's local hour). Calendar dates without a time
 * zone, and their arithmetic, are {@link IsoDate} and its day numbers ({@link toDayNumber}).
 *
 * Instants are epoch milliseconds (UTC). Local dates are `YYYY-MM-DD`, local times `HH:MM` (24-hour).
 */
import { fromDayNumber, toDayNumber, type IsoDate } from './dates';

const MS_PER_MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Wall clock in `timeZone` at instant `ms`, as the UTC-based number of ms of that wall clock. Reads the digits of
 * `format` ("M/D/YYYY, HH:MM:SS" in en-US with h23): a third of the cost of `formatToParts`, which builds an
 * object per part.
 */
function wallClockMs(ms: number, timeZone: string): number {
  const text = formatter(timeZone).format(ms);
  // month, day, year, hour, minute, second
  let mo = 0,
    d = 0,
    y = 0,
    h = 0,
    mi = 0,
    s = 0;
  let field = -1;
  let inNumber = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) {
      inNumber = false;
      continue;
    }
    if (!inNumber) {
      inNumber = true;
      field++;
    }
    switch (field) {
      case 0:
        mo = mo * 10 + c;
        break;
      case 1:
        d = d * 10 + c;
        break;
      case 2:
        y = y * 10 + c;
        break;
      case 3:
        h = h * 10 + c;
        break;
      case 4:
        mi = mi * 10 + c;
        break;
      case 5:
        s = s * 10 + c;
        break;
      default:
        break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function exactOffsetMinutes(ms: number, timeZone: string): number {
  const truncated = Math.floor(ms / 1000) * 1000;
  return Math.round((wallClockMs(truncated, timeZone) - truncated) / MS_PER_MINUTE);
}

const DAY = 86_400_000;
/** zone -> UTC day number -> exact offset at that day's 00:00 UTC. */
const midnightOffsets = new Map<string, Map<number, number>>();
let cachedMidnights = 0;
const MAX_CACHED_MIDNIGHTS = 200_000;

function midnightOffset(day: number, timeZone: string): number {
  let zone = midnightOffsets.get(timeZone);
  if (!zone) midnightOffsets.set(timeZone, (zone = new Map<number, number>()));
  let offset = zone.get(day);
  if (offset === undefined) {
    offset = exactOffsetMinutes(day * DAY, timeZone);
    if (cachedMidnights >= MAX_CACHED_MIDNIGHTS) {
      for (const m of midnightOffsets.values()) m.clear();
      cachedMidnights = 0;
    }
    zone.set(day, offset);
    cachedMidnights++;
  }
  return offset;
}

/**
 * UTC offset of `timeZone` at instant `ms`, in minutes (east positive: Paris in summer = 120).
 * `Intl` formatting is the import's hot spot, so offsets are cached per zone at each UTC midnight: when the
 * offsets at the midnights that open and close the UTC day of `ms` agree, that is the offset all day (no zone
 * changes its offset and back within one day); days containing a change are computed exactly every time.
 * Adjacent days share their midnight, so a run of dates costs about one `Intl` call per day and zone.
 * @example
 * offsetMinutes(Date.parse('2024-07-01T12:00:00Z'), 'Europe/Paris') //=> 120
 * offsetMinutes(Date.parse('2024-01-15T12:00:00Z'), 'Europe/Paris') //=> 60
 * offsetMinutes(Date.parse('2024-01-15T12:00:00Z'), 'America/New_York') //=> -300
 */
export function offsetMinutes(ms: number, timeZone: string): number {
  const day = Math.floor(ms / DAY);
  const start = midnightOffset(day, timeZone);
  return start === midnightOffset(day + 1, timeZone) ? start : exactOffsetMinutes(ms, timeZone);
}

/**
 * UTC instant of local date `date` and time `time` (`HH:MM`) in `timeZone`.
 * In a DST gap (a local time that does not exist, e.g. 02:30 on the spring-forward night) the result is the
 * instant the clock would show had it not jumped (the offset before the change), i.e. one hour later on the
 * new clock. In a DST overlap (the hour that repeats) the earlier instant is returned.
 * @throws RangeError when `timeZone` is unknown to the runtime.
 * @example
 * localToUtc('2024-07-01', '09:00', 'Europe/Paris') //=> Date.parse('2024-07-01T07:00:00Z')
 * // 02:30 does not exist on 31 March 2024 in Paris (02:00 became 03:00): 03:30 on the new clock
 * localToUtc('2024-03-31', '02:30', 'Europe/Paris') //=> Date.parse('2024-03-31T01:30:00Z')
 * // 02:30 happens twice on 27 October 2024 (03:00 became 02:00): the first one
 * localToUtc('2024-10-27', '02:30', 'Europe/Paris') //=> Date.parse('2024-10-27T00:30:00Z')
 */
export function localToUtc(date: string, time: string, timeZone: string): number {
  const naive = toDayNumber(date) * 86_400_000 + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * MS_PER_MINUTE;
  // Offsets a day either side of the wall clock: they differ only when a DST change falls in between.
  const before = offsetMinutes(naive - 86_400_000, timeZone);
  const after = offsetMinutes(naive + 86_400_000, timeZone);
  const early = naive - before * MS_PER_MINUTE;
  const late = naive - after * MS_PER_MINUTE;
  const earlyOk = early + offsetMinutes(early, timeZone) * MS_PER_MINUTE === naive;
  const lateOk = late === early ? earlyOk : late + offsetMinutes(late, timeZone) * MS_PER_MINUTE === naive;
  // Overlap: two candidates, take the earlier; gap: none, keep the offset in force before the change.
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  return naive - before * MS_PER_MINUTE;
}

/**
 * Local `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` in `timeZone` at instant `ms`.
 * @example
 * utcToLocal(Date.parse('2024-07-01T07:00:00Z'), 'Europe/Paris') //=> { date: '2024-07-01', time: '09:00' }
 * utcToLocal(Date.parse('2024-07-01T07:00:00Z'), 'America/Los_Angeles') //=> { date: '2024-07-01', time: '00:00' }
 */
export function utcToLocal(ms: number, timeZone: string): { date: string; time: string } {
  const whole = Math.floor(ms / MS_PER_MINUTE) * MS_PER_MINUTE;
  const iso = new Date(whole + offsetMinutes(whole, timeZone) * MS_PER_MINUTE).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/**
 * Today's calendar date in an IANA time zone (default UTC) at instant `now` (injectable for tests), e.g. the
 * evaluation date for a traveller in `Europe/Paris`: the date the wall clock there shows, to the second (read
 * from the zone's formatter, not through `offsetMinutes`' whole minutes). For instants from year 100 on.
 * @throws RangeError when `timeZone` is not a known IANA zone or `now` is an invalid Date.
 * @example
 * const now = new Date('2024-07-01T20:00:00Z')
 * todayIn('UTC', now) //=> '2024-07-01'
 * // 08:00 the next morning in New Zealand:
 * todayIn('Pacific/Auckland', now) //=> '2024-07-02'
 */
export function todayIn(timeZone = 'UTC', now: Date = new Date()): IsoDate {
  return fromDayNumber(Math.floor(wallClockMs(now.getTime(), timeZone) / DAY));
}

/**
 * True when the runtime knows the IANA zone.
 * @example
 * isTimeZone('Europe/Paris') //=> true
 * isTimeZone('Europe/Atlantis') //=> false
 */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Local calendar date and time of day of an instant in a zone. */
export interface LocalClock {
  /** `YYYY-MM-DD`, local to the zone. */
  date: IsoDate;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
}

/**
 * Local date and minute of day of `now` in `timeZone`.
 * @throws RangeError when `timeZone` is not a known IANA zone.
 * @example
 * localClock(new Date('2024-07-01T10:30:00Z'), 'Europe/Paris') //=> { date: '2024-07-01', minutes: 750 }
 * localClock(new Date('2024-07-01T10:30:00Z'), 'Pacific/Pago_Pago') //=> { date: '2024-06-30', minutes: 1410 }
 */
export function localClock(now: Date, timeZone: string): LocalClock {
  const { date, time } = utcToLocal(now.getTime(), timeZone);
  return { date, minutes: parseLocalTime(time) };
}

/**
 * The instant at which the wall clock in `timeZone` shows `minutes` past midnight on local date `date`.
 * When that wall time does not exist (skipped by a DST change) it is shifted forward by the length of the gap
 * (02:30 becomes 03:30, as java.time and Temporal's "compatible" disambiguation do); when it exists twice
 * (clocks set back), the first occurrence is returned ({@link localToUtc}).
 * @throws RangeError for an unknown zone.
 * @example
 * zonedInstant('2024-07-01', 9 * 60, 'Europe/Paris').toISOString() //=> '2024-07-01T07:00:00.000Z'
 * zonedInstant('2024-03-31', 150, 'Europe/Paris').toISOString() //=> '2024-03-31T01:30:00.000Z'
 */
export function zonedInstant(date: IsoDate, minutes: number, timeZone: string): Date {
  return new Date(localToUtc(date, formatLocalTime(minutes), timeZone));
}

/**
 * `HH:MM` (24-hour) to minutes since midnight.
 * @throws RangeError when `hhmm` is not a time written `HH:MM`.
 * @example
 * parseLocalTime('09:30') //=> 570
 * parseLocalTime('9:30') //=> throws RangeError
 */
export function parseLocalTime(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`"${hhmm}" is not a local time written HH:MM (24-hour)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Minutes since midnight to `HH:MM`.
 * @example
 * formatLocalTime(570) //=> '09:30'
 */
export function formatLocalTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
