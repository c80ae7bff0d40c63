/** Small builders for the core tests. */
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';

let counter = 0;

/**
 * A segment `from` -> `to`, departing `dep` and arriving `arr` (default: same day). Ids are `s1`, `s2`, ...
 * in creation order unless given.
 */
export function seg(from: string, to: string, dep: string, arr: string = dep, extra: Partial<IdentifiedSegment> = {}): IdentifiedSegment {
  counter += 1;
  return {
    id: `s${String(counter).padStart(4, '0')}`,
    departureCountry: from,
    arrivalCountry: to,
    departureDate: dep,
    arrivalDate: arr,
    mode: 'flight',
    ...extra,
  };
}

/**
 * A round trip home -> country on `entry` and back on `exit` (the usual stamp pair: entry and exit dates).
 */
export function trip(country: string, entry: string, exit: string, home = 'US'): IdentifiedSegment[] {
  return [seg(home, country, entry), seg(country, home, exit)];
}

/** A flight `from` -> `to` with the id given, departing `dep` and arriving `arr` (default: same day). */
export function idSeg(id: string, from: string, to: string, dep: string, arr: string = dep, extra: Partial<IdentifiedSegment> = {}): IdentifiedSegment {
  return { id, departureCountry: from, arrivalCountry: to, departureDate: dep, arrivalDate: arr, mode: 'flight', ...extra };
}

/** Every date from `from` to `to`, both included (`YYYY-MM-DD`). */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = toDayNumber(from); d <= toDayNumber(to); d++) out.push(fromDayNumber(d));
  return out;
}
