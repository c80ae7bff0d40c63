/**
 * When two journeys are the same one, for every merge of histories: the backend across imports (a file uploaded
 * again, the same flights from two apps) and `travel-days report` across the files it is given. Two rules, both
 * here so that the two callers cannot drift apart:
 * - {@link journeyKey}: the pipeline's row check (a row repeating a segment read earlier, or one passed in
 *   `ImportOptions.existing`): local departure date and both airports for a flight; for a crossing without
 *   airports, the countries (or the one airport) and the mode. Departure times, when both rows have one, must
 *   also agree (the pipeline compares them beside the key).
 * - {@link segmentIdFor}: the content id of an imported segment, the same for the same flight in any file or
 *   format (date, time, airports or countries, arrival date, flight number).
 */
import { createHash } from 'node:crypto';

/**
 * Key of the row duplicate check: local departure date and both airports for a flight (a flight's mode is not part
 * of it); for a crossing without airports, the countries (or the one airport) and the mode, so that a train and a
 * car over the same border on one day are two crossings.
 */
export function journeyKey(
  date: string,
  fromAirport: string | undefined,
  toAirport: string | undefined,
  fromCountry: string,
  toCountry: string,
  mode: string,
): string {
  if (fromAirport && toAirport) return `${date}|${fromAirport}|${toAirport}`;
  return `${date}|${fromAirport ?? fromCountry}|${toAirport ?? toCountry}|${mode}`;
}

/** The fields of a segment its content id is computed from. */
export interface JourneyFields {
  departureDate: string;
  departureTime?: string;
  departureAirport?: string;
  arrivalAirport?: string;
  departureCountry: string;
  arrivalCountry: string;
  arrivalDate: string;
  flightNumber?: string;
}

/**
 * Deterministic id of an imported segment: `imp-` + 24 hex characters of SHA-256 over the local departure date
 * and time, the airports (or countries when no airport is known), the arrival date and the flight number. The
 * same flight in two uploads (or two formats) gets the same id.
 */
export function segmentIdFor(s: JourneyFields): string {
  const parts = [
    s.departureDate,
    s.departureTime ?? '',
    s.departureAirport ?? s.departureCountry,
    s.arrivalAirport ?? s.arrivalCountry,
    s.arrivalDate,
    (s.flightNumber ?? '').replace(/\s+/g, '').toUpperCase(),
  ];
  return `imp-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;
}
