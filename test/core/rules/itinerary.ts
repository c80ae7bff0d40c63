/**
 * Random itineraries for the rule kinds' property tests: flights in time order with gaps, overnight flights, a
 * date-line arrival the day before (dur -1), airside transits and the occasional departure from elsewhere (a gap
 * in the history).
 */
import fc from 'fast-check';
import { fromDayNumber } from '@travel-time-tracker/core/dates';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';

const TIMES = ['06:00', '12:00', '18:00', '23:00'];

export interface Step {
  gap: number;
  dur: number;
  to: string;
  transit: boolean;
  from: string | null;
}

/** One step: days since the previous segment (up to `maxGap`), its destination, transit in `transitPercent`% of steps. */
export function stepArb(countries: readonly string[], maxGap: number, transitPercent: number): fc.Arbitrary<Step> {
  return fc.record({
    gap: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: maxGap })),
    dur: fc.constantFrom(-1, 0, 0, 0, 1),
    to: fc.constantFrom(...countries),
    transit: fc.integer({ min: 0, max: 99 }).map((n) => n < transitPercent),
    from: fc.option(fc.constantFrom(...countries), { freq: 10 }),
  });
}

/** Segments in time order from day number `start`, starting in FR; same-date departures get increasing times. */
export function buildItinerary(start: number, steps: readonly Step[]): IdentifiedSegment[] {
  const out: IdentifiedSegment[] = [];
  let cur = 'FR';
  let prev = start;
  let same = 0;
  steps.forEach((st, i) => {
    let dep = i === 0 ? start : prev + st.gap;
    same = i > 0 && dep === prev ? same + 1 : 0;
    if (same >= TIMES.length) {
      dep += 1;
      same = 0;
    }
    out.push({
      id: `p${String(i).padStart(3, '0')}`,
      departureCountry: st.from ?? cur,
      arrivalCountry: st.to,
      departureDate: fromDayNumber(dep),
      arrivalDate: fromDayNumber(dep + st.dur),
      departureTime: TIMES[same],
      mode: 'flight',
      ...(st.transit ? { transit: true } : {}),
    });
    cur = st.to;
    prev = Math.max(dep, dep + st.dur);
  });
  return out;
}
