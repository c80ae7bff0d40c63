/**
 * Layovers: after every row of an import is resolved, which kept flights were only connections (the traveller
 * stayed airside), so that the arrival country of the inbound flight gets no day.
 */
import type { ImportedSegment } from './types';

/** What the layover pass needs about a kept flight. */
export interface FlightMeta {
  segment: ImportedSegment;
  fromKey: string;
  toKey: string;
  departureUtc?: number;
  arrivalUtc?: number;
  tripId?: string;
  transfer?: boolean;
}

/**
 * Layovers. The inbound flight of a connection gets `transit: true` when:
 * 1. the file says so (generic `arrival_transfer` 1/0): the flag wins either way; else
 * 2. both instants are known: the traveller's next flight (by UTC departure) leaves from the same airport
 *    0..layoverHours after this one landed and does not fly straight back to where this one came from (a
 *    there-and-back such as BCN -> IBZ, IBZ -> BCN the next morning is a visit, not a connection); else
 * 3. times are unknown: the next leg of the same trip in the file (Trip/Leg, App in the Air trip, generic
 *    `trip`) leaves from the same airport on the local arrival date (and does not fly back). Without such grouping a same-day
 *    connection is NOT assumed to be a transit: counting a day in a country the traveller only changed planes
 *    in is the safer error for visa rules (an overstay warning rather than a missed one).
 * In cases 2 and 3 a connection is a transit only when it is international on both sides: an inbound flight
 * from the same country (the traveller was already there) or an onward flight to the same country (a domestic
 * flight, boarded after entry; e.g. AUS -> BOI -> SEA) is never airside, so the arrival country keeps its day
 * even when the connection spans midnight.
 * Policy (unchanged, documented): the window is measured, not the traveller's intent, so a 20 h overnight
 * connection between two international flights is a transit even if the traveller left the airport; pass a
 * smaller `layoverHours` or an explicit transfer flag to change that.
 */
export function markLayovers(metas: readonly FlightMeta[], layoverMs: number): void {
  const timed = metas.filter((m) => m.departureUtc !== undefined).sort((a, b) => a.departureUtc! - b.departureUtc! || a.segment.row - b.segment.row);
  const nextTimed = new Map<FlightMeta, FlightMeta>();
  for (let i = 0; i + 1 < timed.length; i++) nextTimed.set(timed[i]!, timed[i + 1]!);
  const nextInTrip = new Map<FlightMeta, FlightMeta>();
  const lastOfTrip = new Map<string, FlightMeta>();
  for (const m of metas) {
    if (!m.tripId) continue;
    const prev = lastOfTrip.get(m.tripId);
    if (prev) nextInTrip.set(prev, m);
    lastOfTrip.set(m.tripId, m);
  }
  // International on both sides: the traveller came from, and flies on to, another country.
  // Only flights connect airside; a crossing by land or sea is always an entry.
  const airside = (m: FlightMeta, next: FlightMeta) =>
    m.segment.mode === 'flight' &&
    next.segment.mode === 'flight' &&
    next.fromKey === m.toKey &&
    next.toKey !== m.fromKey &&
    m.segment.departureCountry !== m.segment.arrivalCountry &&
    next.segment.arrivalCountry !== m.segment.arrivalCountry;
  for (const m of metas) {
    let transit: boolean;
    if (m.transfer !== undefined) transit = m.transfer;
    else {
      const next = nextTimed.get(m);
      if (m.arrivalUtc !== undefined && next?.departureUtc !== undefined) {
        const gap = next.departureUtc - m.arrivalUtc;
        transit = airside(m, next) && gap >= 0 && gap <= layoverMs;
      } else {
        const leg = nextInTrip.get(m);
        transit = !!leg && airside(m, leg) && leg.segment.departureDate === m.segment.arrivalDate;
      }
    }
    if (transit) m.segment.transit = true;
  }
}
