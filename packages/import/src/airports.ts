/**
 * Airport code -> country (ISO 3166-1 alpha-2) and IANA time zone, for the import pipeline only.
 *
 * Source: the `airport-data-js` package (OurAirports-derived, ~18 800 airports, each with `iata`, `icao`,
 * `country_code` and an IANA zone in `time`). Its API is asynchronous and decompresses its whole data set on
 * first use (~130 ms, ~70 MB RSS), so it is loaded lazily, once per process, by `loadAirports()` and indexed
 * into two Maps; `lookupAirport` is then synchronous. Nothing outside the import needs it.
 *
 * The package lacks or gets wrong a few codes a traveller's history contains; `AIRPORT_OVERRIDES` fixes those,
 * each row with the page that justifies it. Overrides win over the package.
 */

/** How a code resolved. `code` is the canonical code stored in segments: IATA when the airport has one, else ICAO. */
export interface AirportInfo {
  code: string;
  iata?: string;
  icao?: string;
  /** ISO 3166-1 alpha-2 country of the airport (for EuroAirport: the side chosen, see `euroAirportSide`). */
  country: string;
  /** IANA time zone of the airport, e.g. `Europe/Paris`; `null` when the data has no usable zone. */
  timeZone: string | null;
  name: string;
  /** WGS 84 degrees; absent for city codes (several airports). */
  latitude?: number;
  longitude?: number;
  /** True for a EuroAirport Basel-Mulhouse-Freiburg code (BSL/MLH/EAP/LFSB). */
  euroAirport?: boolean;
  /** True for an IATA metropolitan-area code (LON, NYC, ...): the country is certain, the airport is not. */
  cityCode?: boolean;
}

/**
 * Which sector of EuroAirport Basel-Mulhouse-Freiburg the traveller used.
 *
 * The airport lies entirely on French soil (Franco-Swiss convention of 4 July 1949) and has a French and a Swiss
 * customs sector; a passenger leaving through the Swiss sector enters Switzerland directly by the customs road.
 * Default `'FR'`: the territory is French and the code alone cannot tell the sector; both countries are in the
 * Schengen area, so only the per-country count (never the Schengen 90/180 count) depends on this choice. The
 * import result warns whenever it assumed the default.
 * Source: https://en.wikipedia.org/wiki/EuroAirport_Basel_Mulhouse_Freiburg
 */
export type EuroAirportSide = 'FR' | 'CH';

export interface LookupOptions {
  euroAirportSide?: EuroAirportSide;
}

interface OverrideRow {
  iata?: string;
  icao?: string;
  country: string;
  timeZone: string;
  name: string;
  latitude?: number;
  longitude?: number;
  cityCode?: boolean;
  /** Official or reference page that justifies the row. */
  source: string;
}

const IATA_CITY_CODES = 'https://www.iata.org/en/publications/directories/code-search/';

/**
 * Codes the package lacks (retired airports, IATA metropolitan-area codes) or maps wrongly.
 * Country and zone are those of the airport/city; `source` is the page the row was checked against.
 */
export const AIRPORT_OVERRIDES: readonly OverrideRow[] = [
  // Retired Berlin airports: still in every pre-2020 history. SXF's ICAO EDDB passed to BER, so only IATA here.
  {
    iata: 'SXF',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    name: 'Berlin Schönefeld (closed 2020)',
    latitude: 52.38,
    longitude: 13.52,
    source: 'https://en.wikipedia.org/wiki/Berlin_Sch%C3%B6nefeld_Airport',
  },
  {
    iata: 'THF',
    icao: 'EDDI',
    country: 'DE',
    timeZone: 'Europe/Berlin',
    name: 'Berlin Tempelhof (closed 2008)',
    latitude: 52.47,
    longitude: 13.4,
    source: 'https://en.wikipedia.org/wiki/Berlin_Tempelhof_Airport',
  },
  // EuroAirport: the package has BSL/LFSB only (French sector); MLH and EAP are the same airport. Country is
  // replaced by the chosen side in lookupAirport.
  {
    iata: 'BSL',
    icao: 'LFSB',
    country: 'FR',
    timeZone: 'Europe/Paris',
    name: 'EuroAirport Basel-Mulhouse-Freiburg',
    latitude: 47.59,
    longitude: 7.53,
    source: 'https://en.wikipedia.org/wiki/EuroAirport_Basel_Mulhouse_Freiburg',
  },
  {
    iata: 'MLH',
    country: 'FR',
    timeZone: 'Europe/Paris',
    name: 'EuroAirport Basel-Mulhouse-Freiburg',
    latitude: 47.59,
    longitude: 7.53,
    source: 'https://en.wikipedia.org/wiki/EuroAirport_Basel_Mulhouse_Freiburg',
  },
  {
    iata: 'EAP',
    country: 'FR',
    timeZone: 'Europe/Paris',
    name: 'EuroAirport Basel-Mulhouse-Freiburg',
    latitude: 47.59,
    longitude: 7.53,
    source: 'https://en.wikipedia.org/wiki/EuroAirport_Basel_Mulhouse_Freiburg',
  },
  // Phnom Penh Techo International opened 9 Sep 2025 with KTI/VDTI, codes the package still gives to Kratie.
  {
    iata: 'KTI',
    icao: 'VDTI',
    country: 'KH',
    timeZone: 'Asia/Phnom_Penh',
    name: 'Techo International Airport, Phnom Penh',
    latitude: 11.35,
    longitude: 104.92,
    source: 'https://en.wikipedia.org/wiki/Techo_International_Airport',
  },
  // IATA metropolitan-area (city) codes: the package lacks most and maps PAR to a small airfield.
  { iata: 'LON', country: 'GB', timeZone: 'Europe/London', name: 'London (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'NYC', country: 'US', timeZone: 'America/New_York', name: 'New York (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'PAR', country: 'FR', timeZone: 'Europe/Paris', name: 'Paris (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'TYO', country: 'JP', timeZone: 'Asia/Tokyo', name: 'Tokyo (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'OSA', country: 'JP', timeZone: 'Asia/Tokyo', name: 'Osaka (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'MIL', country: 'IT', timeZone: 'Europe/Rome', name: 'Milan (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'ROM', country: 'IT', timeZone: 'Europe/Rome', name: 'Rome (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'STO', country: 'SE', timeZone: 'Europe/Stockholm', name: 'Stockholm (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'MOW', country: 'RU', timeZone: 'Europe/Moscow', name: 'Moscow (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'BUH', country: 'RO', timeZone: 'Europe/Bucharest', name: 'Bucharest (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'WAS', country: 'US', timeZone: 'America/New_York', name: 'Washington (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'CHI', country: 'US', timeZone: 'America/Chicago', name: 'Chicago (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'YTO', country: 'CA', timeZone: 'America/Toronto', name: 'Toronto (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'YMQ', country: 'CA', timeZone: 'America/Toronto', name: 'Montreal (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'SAO', country: 'BR', timeZone: 'America/Sao_Paulo', name: 'São Paulo (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'RIO', country: 'BR', timeZone: 'America/Sao_Paulo', name: 'Rio de Janeiro (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'BJS', country: 'CN', timeZone: 'Asia/Shanghai', name: 'Beijing (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'SEL', country: 'KR', timeZone: 'Asia/Seoul', name: 'Seoul (all airports)', cityCode: true, source: IATA_CITY_CODES },
  { iata: 'JKT', country: 'ID', timeZone: 'Asia/Jakarta', name: 'Jakarta (all airports)', cityCode: true, source: IATA_CITY_CODES },
];

const EURO_AIRPORT_CODES = new Set(['BSL', 'MLH', 'EAP', 'LFSB']);

/**
 * Codes that never name an airport although the package resolves them: `ZZZZ` is the ICAO flight-plan
 * placeholder for "no location indicator" (ICAO Doc 4444, Appendix 2, item 13/16), which the package gives to a
 * French airfield. Source: https://en.wikipedia.org/wiki/ICAO_airport_code#Pseudo_ICAO-codes
 */
const PLACEHOLDER_CODES = new Set(['ZZZZ']);

/** One airport of the table, as loaded: what a lookup returns, before its canonical code and EuroAirport side. */
type Entry = Omit<AirportInfo, 'code' | 'euroAirport'>;

let byIata: Map<string, Entry> | null = null;
let byIcao: Map<string, Entry> | null = null;
let loading: Promise<void> | null = null;

const overrideByIata = new Map<string, OverrideRow>();
const overrideByIcao = new Map<string, OverrideRow>();
for (const o of AIRPORT_OVERRIDES) {
  if (o.iata) overrideByIata.set(o.iata, o);
  if (o.icao) overrideByIcao.set(o.icao, o);
}

const zoneValid = new Map<string, string | null>();
/** The package has a few malformed zones (`Asia/ Bangkok`, `Vermillion Bay`): repair spaces, else drop. */
function validZone(raw: string | undefined): string | null {
  if (!raw) return null;
  const cached = zoneValid.get(raw);
  if (cached !== undefined) return cached;
  let result: string | null = null;
  for (const candidate of [raw, raw.replace(/\s+/g, '')]) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: candidate });
      result = candidate;
      break;
    } catch {
      // not a zone this runtime knows
    }
  }
  zoneValid.set(raw, result);
  return result;
}

/**
 * Loads and indexes the airport data set once per process (later calls return the same promise).
 * @throws Error when the airport-data-js package cannot be loaded.
 */
export function loadAirports(): Promise<void> {
  if (byIata) return Promise.resolve();
  loading ??= (async () => {
    // Required lazily so that importing this module costs nothing until an import runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('airport-data-js') as typeof import('airport-data-js');
    const all = await lib.findAirports({});
    const iata = new Map<string, Entry>();
    const icao = new Map<string, Entry>();
    for (const a of all) {
      const e: Entry = {
        country: a.country_code,
        timeZone: validZone(a.time),
        name: a.airport,
        latitude: a.latitude,
        longitude: a.longitude,
      };
      if (a.iata && /^[A-Z]{3}$/.test(a.iata)) e.iata = a.iata;
      if (a.icao && /^[A-Z0-9]{4}$/.test(a.icao)) e.icao = a.icao;
      if (e.iata) iata.set(e.iata, e);
      if (e.icao) icao.set(e.icao, e);
    }
    byIata = iata;
    byIcao = icao;
  })();
  return loading;
}

let areaByCountry: Map<string, string> | null = null;

/**
 * The continent of an airport as its IANA zone's area says (`Europe`, `Asia`, `Africa`, `America`, `Australia`),
 * or `null` for ocean areas (`Atlantic/Canary`, `Indian/Maldives`, `Pacific/...`) and unknown zones.
 */
export function airportContinent(a: AirportInfo): string | null {
  return zoneContinent(a.timeZone);
}

function zoneContinent(zone: string | null | undefined): string | null {
  const area = zone?.split('/')[0];
  return area && ['Europe', 'Asia', 'Africa', 'America', 'Australia'].includes(area) ? area : null;
}

/**
 * The continent of a country: the zone area most of its airports have (Spain: Europe, though the Canaries are
 * `Atlantic/Canary`), or `null` when its airports have none of the continental areas.
 * @throws Error before `loadAirports()` resolved.
 */
export function countryContinent(country: string): string | null {
  if (!areaByCountry) {
    if (!byIata || !byIcao) throw new Error('countryContinent: call and await loadAirports() first');
    const counts = new Map<string, Map<string, number>>();
    for (const e of byIcao.values()) {
      const area = zoneContinent(e.timeZone);
      if (!area) continue;
      const c = counts.get(e.country) ?? new Map<string, number>();
      c.set(area, (c.get(area) ?? 0) + 1);
      counts.set(e.country, c);
    }
    areaByCountry = new Map([...counts].map(([country, c]) => [country, [...c].sort((x, y) => y[1] - x[1])[0]![0]]));
  }
  return areaByCountry.get(country) ?? null;
}

/** True once `loadAirports()` has finished. */
export function airportsLoaded(): boolean {
  return byIata !== null;
}

/**
 * Resolves an IATA (3 letters, looked up first) or ICAO (4 characters) airport code, case-insensitive.
 * Overrides (`AIRPORT_OVERRIDES`) win over the package; placeholder codes (`ZZZZ`) are unknown. EuroAirport codes get the country of
 * `options.euroAirportSide` (default `'FR'`, see `EuroAirportSide`) and `euroAirport: true`.
 *
 * @returns the airport, or `null` when the code is unknown (callers report it; a code is never guessed).
 * @throws Error when called before `loadAirports()` resolved for a code that is not an override.
 */
export function lookupAirport(code: string, options: LookupOptions = {}): AirportInfo | null {
  const c = code.trim().toUpperCase();
  if (PLACEHOLDER_CODES.has(c)) return null;
  let entry: Entry | undefined;
  if (/^[A-Z]{3}$/.test(c)) entry = overrideByIata.get(c);
  else if (/^[A-Z0-9]{4}$/.test(c)) entry = overrideByIcao.get(c);
  else return null;
  if (!entry) {
    if (!byIata || !byIcao) throw new Error('lookupAirport: call and await loadAirports() first');
    entry = c.length === 3 ? (byIata.get(c) ?? byIcao.get(c)) : byIcao.get(c);
  }
  if (!entry) return null;
  const info: AirportInfo = {
    code: entry.iata ?? entry.icao ?? c,
    country: entry.country,
    timeZone: entry.timeZone,
    name: entry.name,
  };
  if (entry.iata) info.iata = entry.iata;
  if (entry.icao) info.icao = entry.icao;
  if (entry.latitude !== undefined) info.latitude = entry.latitude;
  if (entry.longitude !== undefined) info.longitude = entry.longitude;
  if (entry.cityCode) info.cityCode = true;
  if (EURO_AIRPORT_CODES.has(c)) {
    info.euroAirport = true;
    const side = options.euroAirportSide ?? 'FR';
    info.country = side;
    info.timeZone = side === 'CH' ? 'Europe/Zurich' : 'Europe/Paris';
  }
  return info;
}

/** Great-circle distance in km between two airports with coordinates (haversine); `null` when one lacks them. */
export function distanceKm(a: AirportInfo, b: AirportInfo): number | null {
  if (a.latitude === undefined || a.longitude === undefined || b.latitude === undefined || b.longitude === undefined) {
    return null;
  }
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
