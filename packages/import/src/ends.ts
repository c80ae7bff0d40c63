/**
 * The two ends of a row as places: a place name resolved to one gazetteer place with the help of the row's other
 * facts (its country columns, the other end, the mode and the days it took), the speed a mode can average, and
 * land and sea rows kept on their continent ({@link EndResolver} puts them together for the import). Each
 * function returns a value or the reason the row is refused (naming the candidates and the column that would
 * settle it); nothing here guesses.
 */
import { toDayNumber } from '@travel-time-tracker/core/dates';
import type { TravelMode } from '@travel-time-tracker/core/segment';
import { airportContinent, countryContinent, lookupAirport, type AirportInfo } from './airports';
import { choosePlace, describePlace, findPlaces, placeDistanceKm, type Place } from './places';
import { quote } from './text';
import type { FlightRecord } from './types';

/**
 * The highest average speed (km/h, great circle) a mode reaches over a leg, beyond which the row is flagged: a
 * flight 1 100 (an airliner's cruising speed with the tailwind of a jet stream); a train 200 (the best
 * high-speed lines average about that between end stations); a bus or a car 150 over the day; a ferry 100
 * (fast craft reach 40 knots). `other` has the flight's limit.
 */
export const MAX_AVERAGE_KMH: Readonly<Record<TravelMode, number>> = { flight: 1100, train: 200, bus: 150, car: 150, ferry: 100, other: 1100 };

/** Modes that travel on land or water, which an airport code of another continent never silently serves. */
export const SURFACE_MODES: ReadonlySet<TravelMode> = new Set(['train', 'bus', 'car', 'ferry']);

/** One end of a row once resolved: an airport, a place, or a country alone. */
export interface End {
  airport?: AirportInfo;
  place?: Place;
  country: string;
}

/** One end as the row gives it, before place names are resolved. */
export interface EndInput {
  /** `From` or `To`, as messages name the end. */
  label: string;
  /** The country column of that end: `from_country` or `to_country`. */
  column: string;
  /** A place name (not a code) to resolve. */
  place?: string;
  /** The country the row's column gives, if any. */
  country?: string;
  /** The end when already known (an airport code or a country alone). */
  known?: End;
}

const located = (e: End): Place | AirportInfo | undefined =>
  e.place ?? (e.airport?.latitude !== undefined && e.airport.longitude !== undefined ? e.airport : undefined);

/** How an end is named in messages: `LIM`, `Lima (PE)`, `PE`. */
export function endName(e: End): string {
  return e.airport ? `${e.airport.code} (${e.airport.country})` : e.place ? `${e.place.name} (${e.place.country})` : e.country;
}

/**
 * Inhabitants from which a place name is taken on its own (when it names one country, see {@link choosePlace}); a
 * smaller place must be confirmed by the row's other end. GeoNames lists thousands of small towns whose names are
 * also famous places elsewhere (its only `Goa` is in the Philippines, its `Rhodes` in Australia).
 */
export const CONFIDENT_POPULATION = 100_000;

/** One end's place name, its candidates (in its country column's country when given) and its own choice. */
interface PlaceEnd {
  name: string;
  candidates: readonly Place[];
  /** The place the name means on its own (dominant and at least CONFIDENT_POPULATION), if any. */
  confident?: Place;
}

/**
 * Resolves the place names of a row's two ends.
 * - A place with a country column is that country (its gazetteer place, when it has one of that name there, gives
 *   coordinates).
 * - Without one, its candidates are narrowed to those within `maxKm` of the other end (an airport, or the other
 *   place's confident choice, else its candidates), and must then name one country ({@link choosePlace}).
 * - The place chosen counts only if it has CONFIDENT_POPULATION inhabitants, or the other end confirms it: a
 *   known point (an airport, a confident place) within reach by land or sea, or the same country as the other
 *   end's country.
 * @param maxKm the farthest the mode can go in the days the row spans (MAX_AVERAGE_KMH times the hours).
 * @returns both ends, or the reason to refuse the row (naming the candidates and the column to fill; the caller
 *   prefixes the row). Depends only on its arguments: the import reuses it for rows that repeat them.
 */
export function resolveEnds(mode: TravelMode, maxKm: number, ends: [EndInput, EndInput]): [End, End] | string {
  const places = ends.map((e): PlaceEnd | undefined => {
    if (e.place === undefined) return undefined;
    const all = findPlaces(e.place);
    const candidates = e.country ? all.filter((p) => p.country === e.country) : all;
    const chosen = choosePlace(candidates);
    return { name: e.place, candidates, ...(chosen && chosen.population >= CONFIDENT_POPULATION ? { confident: chosen } : {}) };
  });
  const out: End[] = [];
  for (const i of [0, 1]) {
    const e = ends[i]!;
    const self = places[i];
    if (e.known || !self) {
      out.push(e.known!);
      continue;
    }
    if (e.country) {
      const place = self.candidates[0];
      out.push(place ? { place, country: e.country } : { country: e.country });
      continue;
    }
    const all = self.candidates;
    if (all.length === 0) return unknownPlace(e);
    const other = ends[1 - i]!;
    const otherPlace = places[1 - i];
    // Points the other end stands for, and whether they are certain (an airport, a confident place).
    const otherAirport = other.known ? located(other.known) : undefined;
    const otherPoints: readonly (Place | AirportInfo)[] = otherAirport
      ? [otherAirport]
      : otherPlace?.confident
        ? [otherPlace.confident]
        : (otherPlace?.candidates ?? []);
    const anchored = otherAirport !== undefined || otherPlace?.confident !== undefined;
    const reachable = otherPoints.length ? all.filter((p) => otherPoints.some((o) => (placeDistanceKm(p, o) ?? 0) <= maxKm)) : all;
    if (reachable.length === 0) {
      return (
        `no place named ${quote(self.name)} (${list(all)}) is within ${Math.round(maxKm)} km, the most a ${mode} covers in ` +
        `those days, of ${otherName(other)}; add the country in ${e.column}, or check the mode and the dates`
      );
    }
    const chosen = choosePlace(reachable);
    if (!chosen) {
      return `${e.label} ${quote(self.name)} names places in several countries (${list(reachable)}); add the country in ${e.column}`;
    }
    const otherCountry = other.known?.country ?? other.country;
    const confirmed = chosen.country === otherCountry || (anchored && SURFACE_MODES.has(mode));
    if (chosen.population < CONFIDENT_POPULATION && !confirmed) {
      return (
        `${e.label} ${quote(self.name)} is only known as ${list(reachable)}, a small place the row's other end does not ` +
        `confirm; add the country in ${e.column}`
      );
    }
    out.push({ place: chosen, country: chosen.country });
  }
  return [out[0]!, out[1]!];
}

function unknownPlace(e: EndInput): string {
  const name = e.place ?? '';
  const asCode = /^[A-Za-z0-9]{3,4}$/.test(name) && lookupAirport(name.toUpperCase());
  const hint = asCode ? `write the code in capitals (${quote(name.toUpperCase())}, ${asCode.name}) if it is that airport, or ` : '';
  return (
    `${e.label} ${quote(name)} is not an airport code (codes are written in capitals: 'CDG', 'LFPG') ` +
    `and no place of that name is known; ${hint}add the country in ${e.column}`
  );
}

function otherName(e: EndInput): string {
  if (e.known) return endName(e.known);
  return `${quote(e.place ?? '')}${e.country ? ` (${e.country})` : ''}`;
}

function list(places: readonly Place[]): string {
  const shown = places.slice(0, 5).map(describePlace).join(', ');
  return places.length > 5 ? `${shown} and ${places.length - 5} more` : shown;
}

/**
 * Refuses a land or sea row one of whose ends is an airport code on another continent than the other end (a
 * `train` from `GOA`, Genoa, to Mumbai): a code there is most likely a town's name taken for a code.
 * @returns the reason, or `undefined` when the row is not such a row.
 */
export function surfaceAcrossContinents(row: number, mode: TravelMode, from: End, to: End): string | undefined {
  if (!SURFACE_MODES.has(mode) || (!from.airport && !to.airport)) return undefined;
  const continent = (e: End) => (e.airport ? airportContinent(e.airport) : countryContinent(e.country));
  const [a, b] = [continent(from), continent(to)];
  if (!a || !b || a === b) return undefined;
  const code = from.airport ?? to.airport!;
  return (
    `row ${row}: a ${mode} from ${endName(from)} (${a}) to ${endName(to)} (${b}) crosses continents through the airport code ${code.code} ` +
    `(${code.name}, ${code.country}); for land and sea travel write the town's name or the countries (from_country, to_country)`
  );
}

/**
 * A warning when the ends of a leg are farther apart than its mode can travel in `hours` (at MAX_AVERAGE_KMH).
 * @returns the warning (without the row prefix), or `undefined`.
 */
export function tooFast(mode: TravelMode, from: End, to: End, hours: number, exact: boolean): string | undefined {
  const [a, b] = [located(from), located(to)];
  if (!a || !b || hours <= 0) return undefined;
  const km = placeDistanceKm(a, b);
  const limit = MAX_AVERAGE_KMH[mode];
  if (km === null || km / hours <= limit) return undefined;
  return (
    `${endName(from)} → ${endName(to)} by ${mode} is ${Math.round(km)} km in ${exact ? '' : 'at most '}${Math.round(hours)} h ` +
    `(${Math.round(km / hours)} km/h on average, more than the ${limit} km/h a ${mode} can average); check the places, the mode and the dates`
  );
}

/** Distinct place-name rows whose resolution is remembered within one import. */
export const MAX_RESOLVED_ENDS = 10_000;

/** The ends of the rows of one import, each distinct question answered once (a log repeats its journeys). */
export class EndResolver {
  private readonly answered = new Map<string, [End, End] | string>();

  /**
   * Both ends of a row: its place names resolved ({@link resolveEnds}) within the distance its mode covers in its
   * days, and a land or sea row refused when an airport code puts it on another continent
   * ({@link surfaceAcrossContinents}).
   * @param fromKnown the departure end when it is an airport code or a country (undefined for a place name).
   * @returns both ends, or the reason to skip the row (with its row prefix).
   */
  resolve(r: FlightRecord, mode: TravelMode, fromKnown: End | undefined, toKnown: End | undefined): [End, End] | string {
    let ends: [End, End];
    if (r.fromPlace === undefined && r.toPlace === undefined) ends = [fromKnown!, toKnown!];
    else {
      const days = spanDays(r.departureDate, r.arrivalDate ?? r.departureDate);
      const key = JSON.stringify([r.fromPlace, r.toPlace, r.fromCountry, r.toCountry, fromKnown, toKnown, mode, days]);
      let resolved = this.answered.get(key);
      if (!resolved) {
        resolved = resolveEnds(mode, MAX_AVERAGE_KMH[mode] * 24 * days, [
          { label: 'From', column: 'from_country', place: r.fromPlace, country: r.fromCountry, known: fromKnown },
          { label: 'To', column: 'to_country', place: r.toPlace, country: r.toCountry, known: toKnown },
        ]);
        if (this.answered.size < MAX_RESOLVED_ENDS) this.answered.set(key, resolved);
      }
      if (typeof resolved === 'string') return `row ${r.row}: ${resolved}`;
      ends = resolved;
    }
    return surfaceAcrossContinents(r.row, mode, ends[0], ends[1]) ?? ends;
  }
}

/** Calendar days a leg spans, both ends included (1 for a leg on one date). */
export function spanDays(departureDate: string, arrivalDate: string): number {
  return Math.max(1, toDayNumber(arrivalDate) - toDayNumber(departureDate) + 1);
}
