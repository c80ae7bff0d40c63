/**
 * Stays: the list a tax office or a visa officer asks for ("country, from, to, days"), read off presence
 * ({@link Presence}) rather than counted again, so that it can never disagree with the day counts.
 *
 * A stay is a maximal run of consecutive local dates of presence in one country ({@link Presence} `byCountry`).
 * Because the day of a border crossing counts in both countries (Reg. (EU) 2016/399 Art. 6(2)), consecutive
 * stays in different countries share their travel day; two visits to one country that touch on a date (out
 * and back the same day) are one stay. Transit stays (airside at a connecting airport,
 * {@link TransitStay}) are listed and marked, but are not presence in that country.
 */
import { fromDayNumber } from './dates';
import type { Presence } from './presence';

/** One stay. Dates are local calendar dates at the place, `YYYY-MM-DD`, both included. */
export interface Stay {
  /** ISO 3166-1 alpha-2. */
  country: string;
  from: string;
  to: string;
  /** Dates from `from` through `to`, both included. */
  days: number;
  /** Airside at a connecting airport: no entry, not part of `countryDays` (it may count for a region's rule). */
  transit: boolean;
  /** Begins after the evaluation date (`from > asOf`): a planned trip, not part of `countryDays`. */
  planned: boolean;
}

/**
 * The stays of `presence`, ordered by `from`, then `to`, then country (deterministic). Presence runs that
 * include `presence.asOf` and continue after it are split there: the part up to `asOf` and the planned rest.
 * (Presence does not say whether a stay ending on `asOf` ends with a departure that day or is still going on.)
 * Invariant (tested): for each country, the `days` of its stays that are neither `transit` nor `planned` add up to
 * its `countryDays` ({@link computeCountryDays}).
 * @example
 * const segments = [
 *   { id: 'out', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-01', mode: 'train' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'GB', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 * ]
 * const stays = computeStays(computePresence(segments, '2026-01-31', loadReferenceData()))
 * stays.map((s) => `${s.country} ${s.from} to ${s.to}: ${s.days}`)
 * //=> ['GB 2026-01-01 to 2026-01-01: 1', 'FR 2026-01-01 to 2026-01-10: 10', 'GB 2026-01-10 to 2026-01-31: 22']
 */
export function computeStays(presence: Presence): Stay[] {
  const asOf = presence.asOf;
  const out: (Stay & { start: number; end: number })[] = [];
  const push = (country: string, start: number, end: number, transit: boolean) => {
    out.push({
      country,
      from: fromDayNumber(start),
      to: fromDayNumber(end),
      days: end - start + 1,
      transit,
      planned: start > asOf,
      start,
      end,
    });
  };
  for (const [country, runs] of presence.byCountry) {
    for (const run of runs) {
      if (run.start <= asOf && run.end > asOf) {
        push(country, run.start, asOf, false);
        push(country, asOf + 1, run.end, false);
      } else push(country, run.start, run.end, false);
    }
  }
  for (const t of presence.transits) push(t.country, t.start, t.end, true);
  out.sort((a, b) => a.start - b.start || a.end - b.end || (a.country < b.country ? -1 : a.country > b.country ? 1 : 0));
  return out.map(({ start: _s, end: _e, ...stay }) => stay);
}
