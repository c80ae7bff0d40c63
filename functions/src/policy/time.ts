/**
 * When an alert may be pushed, in the traveller's local time: the delivery window less the quiet hours, and the
 * next instant a push may go out. The time-zone arithmetic itself (local clock, local time to instant) is the
 * core's ({@link localClock}, {@link zonedInstant}), so DST changes, half-hour and 45-minute zones and zones either
 * side of the date line are handled in one place. Times of day are minutes since local midnight (0..1439) or `HH:MM`.
 */
import { addDays } from '@travel-time-tracker/core/dates';
import { localClock, parseLocalTime, zonedInstant } from '@travel-time-tracker/core/timeZones';

/** Minutes in a day. */
const DAY_MINUTES = 1440;

/**
 * The local hours during which an alert may be pushed, `[start, end)` local time, before quiet hours are taken
 * out: a visa reminder is not urgent enough to arrive at dawn or late at night, whatever the quiet-hour setting.
 * It opens at 09:00 because the product asks for alerts sent when the traveller's local time is 09:00.
 */
export const DELIVERY_WINDOW = { start: '09:00', end: '21:00' } as const;

/** Quiet hours as stored on the profile: local `HH:MM`, `start` inclusive, `end` exclusive, may wrap midnight. */
export interface QuietHours {
  start: string;
  end: string;
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
