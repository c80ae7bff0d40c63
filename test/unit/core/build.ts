/** Small builders for the core tests. */
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
