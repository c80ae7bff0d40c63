/**
 * The arrival-date rule of the import, on top of the core's time-zone conversions ({@link localToUtc}).
 *
 * Instants are epoch milliseconds (UTC). Local dates are `YYYY-MM-DD`, local times `HH:MM` (24-hour).
 */
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { localToUtc } from '@travel-time-tracker/core/timeZones';

/**
 * Local arrival date of a flight known only by its local departure date/time and local arrival time.
 *
 * Rule (never "arrival clock earlier than departure means next day"): convert the departure to UTC; take the
 * arrival time on the day BEFORE the departure date in the arrival zone (a flight eastward over the date line,
 * Auckland -> Honolulu, lands on the previous local date), convert to UTC, and move it forward one calendar day
 * at a time until it is after the departure instant; the first such day is the arrival date. Flights are
 * assumed shorter than 3 days; beyond that `null` is returned. Starting one day back covers every pair of zones
 * at most 24 h apart (all real routes; only UTC+14 -> UTC-11/-12, with no scheduled service, is further), which
 * matches the one-day limit of the core's segment schema (`MAX_DATE_LINE_SHIFT_DAYS`).
 *
 * @returns `{ arrivalDate, departureUtc, arrivalUtc }` or `null` when no candidate is after the departure.
 * @throws RangeError when a zone is unknown.
 */
export function arrivalFromLocalTimes(
  departureDate: string,
  departureTime: string,
  departureZone: string,
  arrivalTime: string,
  arrivalZone: string,
): { arrivalDate: string; departureUtc: number; arrivalUtc: number } | null {
  const departureUtc = localToUtc(departureDate, departureTime, departureZone);
  const day = toDayNumber(departureDate);
  for (let k = -1; k <= 3; k++) {
    const candidate = fromDayNumber(day + k);
    const arrivalUtc = localToUtc(candidate, arrivalTime, arrivalZone);
    if (arrivalUtc > departureUtc) return { arrivalDate: candidate, departureUtc, arrivalUtc };
  }
  return null;
}
