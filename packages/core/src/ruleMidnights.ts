/**
 * Midnight days of a prepared evaluation ({@link prepareEvaluation}): the days the traveller is in a country at the
 * end of the day ({@link midnightPresenceOfParsed}), what a `tax-year-presence` row under the `midnight` convention
 * counts. Derived from the segments `prepareEvaluation` already parsed and ordered, planned stays included.
 */
import { intersectIntervals, mergeIntervals, subtractIntervals, type DayInterval } from './intervals';
import type { PreparedEvaluation } from './evaluate';
import type { RuleDefinition } from './referenceData';
import { midnightPresenceOfParsed } from './rules/midnightPresence';

/** Midnight presence by country ({@link midnightPresenceOfParsed}) of one prepared evaluation, derived once per transit option. */
export type MidnightOf = (transitException: boolean) => ReadonlyMap<string, readonly DayInterval[]>;

/**
 * A {@link MidnightOf} for `prepared` (planned stays included) that derives each transit option at most once.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'back', departureCountry: 'GB', arrivalCountry: 'US', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-03-31', nationalities: ['US'] })
 * // In the United Kingdom at midnight from 2 January to 28 February (left on 1 March):
 * midnightCache(prepared)(true).get('GB') //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-02-28') }]
 */
export function midnightCache(prepared: PreparedEvaluation): MidnightOf {
  const midnight = new Map<boolean, Map<string, DayInterval[]>>();
  return (transitException: boolean) => {
    let m = midnight.get(transitException);
    if (!m) {
      m = midnightPresenceOfParsed(prepared.parsed, prepared.order, prepared.asOfDay, { transitException, extraStays: prepared.extraStays });
      // `--assumed exclude`: no midnight on a day whose presence is assumed ({@link PreparedEvaluation}'s `evidence`).
      if (prepared.assumed === 'exclude' && prepared.evidence)
        for (const [c, x] of prepared.evidence.assumed) if (m.has(c)) m.set(c, subtractIntervals(m.get(c)!, x));
      midnight.set(transitException, m);
    }
    return m;
  };
}

/**
 * Midnight days of a row: the union of its countries' midnights, or for a region row each country's midnights
 * on the dates it is a member; less a permit's days when the row says so. `byCountry` is one transit option of
 * {@link midnightCache}.
 * @example
 * const trip = [
 *   { id: 'out', departureCountry: 'US', arrivalCountry: 'GB', departureDate: '2026-01-01', arrivalDate: '2026-01-02', mode: 'flight' },
 *   { id: 'paris', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-02-10', arrivalDate: '2026-02-10', mode: 'train' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'GB', departureDate: '2026-02-12', arrivalDate: '2026-02-12', mode: 'train' },
 *   { id: 'home', departureCountry: 'GB', arrivalCountry: 'US', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' },
 * ]
 * const prepared = prepareEvaluation(trip, { asOf: '2026-03-31' })
 * // The nights of 10 and 11 February were spent in France:
 * midnightDays(prepared, prepared.reference.definition('uk-srt-183'), midnightCache(prepared)(true))
 * //=> [{ start: toDayNumber('2026-01-02'), end: toDayNumber('2026-02-09') }, { start: toDayNumber('2026-02-12'), end: toDayNumber('2026-02-28') }]
 */
export function midnightDays(prepared: PreparedEvaluation, d: RuleDefinition, byCountry: ReadonlyMap<string, readonly DayInterval[]>): DayInterval[] {
  const excluded = d.residencePermitsExcluded ? prepared.permitCover : undefined;
  const parts: DayInterval[] = [];
  for (const [c, runs] of byCountry) {
    let days: readonly DayInterval[] = runs;
    if (d.region !== undefined) days = intersectIntervals(days, prepared.reference.membershipIntervals(c, d.region));
    else if (!d.countries!.includes(c)) continue;
    const x = excluded?.get(c);
    parts.push(...(x?.length ? subtractIntervals(days, x) : days));
  }
  return mergeIntervals(parts);
}
