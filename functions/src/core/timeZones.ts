/**
 * Local wall-clock time <-> UTC instant through IANA time zones, with `Intl.DateTimeFormat` only (the runtime's
 * ICU tz database; no extra package). Shared by the import (arrival dates, layovers) and the alerts (the
 * traveller's local hour).
 *
 * Instants are epoch milliseconds (UTC). Local dates are `YYYY-MM-DD`, local times `HH:MM` (24-hour).
 */
import { toDayNumber } from './dates';

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

/** Wall clock in `timeZone` at instant `ms`, as the UTC-based number of ms of that wall clock. */
function wallClockMs(ms: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': s = Number(p.value); break;
      default: break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function exactOffsetMinutes(ms: number, timeZone: string): number {
  const truncated = Math.floor(ms / 1000) * 1000;
  return Math.round((wallClockMs(truncated, timeZone) - truncated) / MS_PER_MINUTE);
}

const DAY = 86_400_000;
/** zone|day -> offset valid for the whole UTC day (both ends agree), or null when a change falls inside it. */
const dayOffsets = new Map<string, number | null>();
const MAX_CACHED_DAYS = 200_000;

/**
 * UTC offset of `timeZone` at instant `ms`, in minutes (east positive: Paris in summer = 120).
 * `Intl` formatting is the import's hot spot, so offsets are cached per zone and UTC day when the offset is
 * the same at both ends of that day (no zone changes its offset and back within one day); days containing a
 * change are computed exactly every time.
 */
export function offsetMinutes(ms: number, timeZone: string): number {
  const day = Math.floor(ms / DAY);
  const key = `${timeZone}|${day}`;
  let cached = dayOffsets.get(key);
  if (cached === undefined) {
    const start = exactOffsetMinutes(day * DAY, timeZone);
    const end = exactOffsetMinutes((day + 1) * DAY - 1000, timeZone);
    cached = start === end ? start : null;
    if (dayOffsets.size >= MAX_CACHED_DAYS) dayOffsets.clear();
    dayOffsets.set(key, cached);
  }
  return cached ?? exactOffsetMinutes(ms, timeZone);
}

/**
 * UTC instant of local date `date` and time `time` (`HH:MM`) in `timeZone`.
 * In a DST gap (a local time that does not exist, e.g. 02:30 on the spring-forward night) the result is the
 * instant the clock would show had it not jumped (the offset before the change), i.e. one hour later on the
 * new clock. In a DST overlap (the hour that repeats) the earlier instant is returned.
 * @throws RangeError when `timeZone` is unknown to the runtime.
 */
export function localToUtc(date: string, time: string, timeZone: string): number {
  const naive = toDayNumber(date) * 86_400_000 + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * MS_PER_MINUTE;
  // Offsets a day either side of the wall clock: they differ only when a DST change falls in between.
  const before = offsetMinutes(naive - 86_400_000, timeZone);
  const after = offsetMinutes(naive + 86_400_000, timeZone);
  const candidates = [naive - before * MS_PER_MINUTE, naive - after * MS_PER_MINUTE]
    .filter((ms) => ms + offsetMinutes(ms, timeZone) * MS_PER_MINUTE === naive)
    .sort((a, b) => a - b);
  // Overlap: two candidates, take the earlier; gap: none, keep the offset in force before the change.
  return candidates[0] ?? naive - before * MS_PER_MINUTE;
}

/** Local `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` in `timeZone` at instant `ms`. */
export function utcToLocal(ms: number, timeZone: string): { date: string; time: string } {
  const whole = Math.floor(ms / MS_PER_MINUTE) * MS_PER_MINUTE;
  const iso = new Date(whole + offsetMinutes(whole, timeZone) * MS_PER_MINUTE).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** True when the runtime knows the IANA zone. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}
