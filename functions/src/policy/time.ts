/**
 * Wall-clock arithmetic in the traveller's IANA time zone, for deciding *when* an alert may be pushed.
 *
 * Everything goes through `Intl.DateTimeFormat` (the ICU time-zone database shipped with Node), so DST changes,
 * half-hour zones (Asia/Kolkata, +05:30), 45-minute zones (Asia/Kathmandu) and zones on either side of the
 * International Date Line (Pacific/Kiritimati +14, Pacific/Pago_Pago -11) are handled by the same code.
 * Calendar dates are `YYYY-MM-DD` strings local to the zone (core/dates.ts conventions); times of day are
 * minutes since local midnight (0..1439) or `HH:MM` strings.
 */
import { addDays, type IsoDate } from '@travel-time-tracker/core/dates';
import { localToUtc, utcToLocal } from '@travel-time-tracker/core/timeZones';

/** Minutes in a day. */
const DAY_MINUTES = 1440;

/**
 * The local hours during which an alert may be pushed, `[start, end)` local time, before quiet hours are taken
 * out: a visa reminder is not urgent enough to arrive at dawn or late at night, whatever the quiet-hour setting.
 * 09:00 is the hour the issue asks for ("sending to users whose local time is 09:00").
 */
export const DELIVERY_WINDOW = { start: '09:00', end: '21:00' } as const;

/** Quiet hours as stored on the profile: local `HH:MM`, `start` inclusive, `end` exclusive, may wrap midnight. */
export interface QuietHours {
  start: string;
  end: string;
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
 */
export function localClock(now: Date, timeZone: string): LocalClock {
  const { date, time } = utcToLocal(now.getTime(), timeZone);
  return { date, minutes: parseLocalTime(time) };
}

/**
 * The instant at which the wall clock in `timeZone` shows `minutes` past midnight on local date `date`.
 * When that wall time does not exist (skipped by a DST change) it is shifted forward by the length of the gap
 * (02:30 becomes 03:30, as java.time and Temporal's "compatible" disambiguation do); when it exists twice
 * (clocks set back), the first occurrence is returned (core/timeZones.ts `localToUtc`).
 * @throws RangeError for an unknown zone.
 */
export function zonedInstant(date: IsoDate, minutes: number, timeZone: string): Date {
  return new Date(localToUtc(date, formatLocalTime(minutes), timeZone));
}

/** `HH:MM` to minutes since midnight. */
export function parseLocalTime(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`"${hhmm}" is not a local time written HH:MM (24-hour)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Minutes since midnight to `HH:MM`. */
export function formatLocalTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Half-open minute intervals `[start, end)` of one local day. */
type Intervals = [number, number][];

function quietIntervals(quiet: QuietHours | null): Intervals {
  if (!quiet) return [];
  const s = parseLocalTime(quiet.start);
  const e = parseLocalTime(quiet.end);
  if (s === e) return []; // an empty range, not a whole day: a user who wants no pushes turns alerts off
  return s < e
    ? [[s, e]]
    : [
        [s, DAY_MINUTES],
        [0, e],
      ];
}

function subtract(base: Intervals, cut: Intervals): Intervals {
  let out = base;
  for (const [cs, ce] of cut) {
    const next: Intervals = [];
    for (const [s, e] of out) {
      if (ce <= s || cs >= e) next.push([s, e]);
      else {
        if (s < cs) next.push([s, cs]);
        if (ce < e) next.push([ce, e]);
      }
    }
    out = next;
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Minutes of a local day during which a push may be sent: the delivery window minus quiet hours. When quiet
 * hours swallow the whole window, every minute outside quiet hours qualifies (the user asked for silence at
 * those times, not for no alerts at all).
 */
export function deliverableIntervals(quiet: QuietHours | null): Intervals {
  const quietCut = quietIntervals(quiet);
  const inWindow = subtract([[parseLocalTime(DELIVERY_WINDOW.start), parseLocalTime(DELIVERY_WINDOW.end)]], quietCut);
  return inWindow.length > 0 ? inWindow : subtract([[0, DAY_MINUTES]], quietCut);
}

/** True when local minute `minutes` is inside quiet hours. */
export function inQuietHours(minutes: number, quiet: QuietHours | null): boolean {
  return quietIntervals(quiet).some(([s, e]) => minutes >= s && minutes < e);
}

/** True when a push may be sent at `now` (inside the delivery window, outside quiet hours). */
export function isDeliverable(now: Date, timeZone: string, quiet: QuietHours | null): boolean {
  const { minutes } = localClock(now, timeZone);
  return deliverableIntervals(quiet).some(([s, e]) => minutes >= s && minutes < e);
}

/**
 * The first instant at or after `from` at which a push may be sent in `timeZone` (`from` itself when it
 * qualifies; otherwise the start of the next deliverable interval, e.g. the next local 09:00).
 * @throws RangeError for an unknown zone or a malformed quiet-hours time.
 */
export function nextDeliverableInstant(from: Date, timeZone: string, quiet: QuietHours | null): Date {
  const intervals = deliverableIntervals(quiet);
  const { date, minutes } = localClock(from, timeZone);
  for (let k = 0; k <= 2; k += 1) {
    const day = addDays(date, k);
    for (const [s, e] of intervals) {
      if (k === 0 && minutes >= e) continue;
      if (k === 0 && minutes >= s) return from;
      const at = zonedInstant(day, s, timeZone);
      // A DST gap can push the start of an interval to before `from` on the same local day: skip it.
      if (at.getTime() >= from.getTime()) return at;
    }
  }
  // Unreachable: every day has at least one deliverable interval.
  throw new Error(`no deliverable time found after ${from.toISOString()} in ${timeZone}`);
}
