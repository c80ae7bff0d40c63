/**
 * Country cells of the generic template (`from_country`, `to_country`): an ISO 3166-1 alpha-2 or alpha-3 code, or
 * an English name. Names are matched after folding case, accents and punctuation (`Côte d'Ivoire`, `cote divoire`),
 * against the seed's English short names (seed/countries.json, CLDR) and the common other names below. Nothing is
 * guessed: an unknown name is a bad cell naming the value.
 */
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { quote } from './text';
import { FieldError, optionalCell } from './values';

/**
 * Other names people write, by ISO alpha-2 code: former and ISO-style names, and the constituent countries of the
 * United Kingdom (day counts and visa rules are per sovereign state, so England is GB).
 */
const OTHER_NAMES: Record<string, readonly string[]> = {
  AE: ['UAE'],
  BN: ['Brunei Darussalam'],
  BO: ['Bolivia, Plurinational State of'],
  BS: ['The Bahamas'],
  CD: ['Democratic Republic of the Congo', 'DR Congo', 'DRC', 'Congo, The Democratic Republic of the'],
  CG: ['Republic of the Congo', 'Congo'],
  CI: ['Ivory Coast'],
  CV: ['Cabo Verde'],
  CZ: ['Czech Republic'],
  FM: ['Micronesia, Federated States of'],
  GB: ['UK', 'U.K.', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland', 'United Kingdom of Great Britain and Northern Ireland'],
  GM: ['The Gambia'],
  IE: ['Republic of Ireland', 'Eire'],
  IR: ['Iran, Islamic Republic of'],
  KP: ["Korea, Democratic People's Republic of"],
  KR: ['Korea, Republic of', 'Republic of Korea'],
  LA: ["Lao People's Democratic Republic"],
  MD: ['Moldova, Republic of'],
  MK: ['Macedonia'],
  MO: ['Macau'],
  NL: ['Holland'],
  PS: ['Palestine', 'Palestine, State of'],
  RU: ['Russian Federation'],
  SY: ['Syrian Arab Republic'],
  SZ: ['Swaziland'],
  TL: ['East Timor'],
  TR: ['Turkey'],
  TW: ['Taiwan, Province of China'],
  TZ: ['Tanzania, United Republic of'],
  US: ['USA', 'U.S.A.', 'U.S.', 'United States of America'],
  VA: ['Holy See', 'Vatican'],
  VE: ['Venezuela, Bolivarian Republic of'],
  VN: ['Viet Nam'],
};

/** Folds a name: no accents, lower case, `&` as `and`, `saint` as `st`, punctuation dropped, no leading `the`. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(/^the /, '')
    .replace(/\bsaint\b/g, 'st');
}

let index: Map<string, string> | undefined;

function countryIndex(): Map<string, string> {
  if (index) return index;
  const map = new Map<string, string>();
  const add = (name: string, code: string) => {
    const key = foldName(name);
    if (key && !map.has(key)) map.set(key, code);
  };
  const countries = loadReferenceData().countries;
  for (const c of countries.values()) {
    add(c.name, c.iso2);
    // "Myanmar (Burma)": also "Myanmar" and "Burma"; "Hong Kong SAR China": also "Hong Kong".
    const paren = /^(.*?)\s*\((.*)\)$/.exec(c.name);
    if (paren) {
      add(paren[1]!, c.iso2);
      add(paren[2]!, c.iso2);
    }
    add(c.name.replace(/ SAR China$/, ''), c.iso2);
  }
  for (const [code, names] of Object.entries(OTHER_NAMES)) for (const n of names) add(n, code);
  index = map;
  return map;
}

/**
 * The ISO 3166-1 alpha-2 code of a country cell, or `undefined` for an empty cell or a null token.
 * @param field the column, for the message (`from_country`).
 * @throws FieldError when the value is no known code or name.
 */
export function parseCountryCell(raw: string | undefined, field: string): string | undefined {
  const v = optionalCell(raw);
  if (v === undefined) return undefined;
  const countries = loadReferenceData().countries;
  const upper = v.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper) && countries.has(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper)) {
    for (const c of countries.values()) if (c.iso3 === upper) return c.iso2;
  }
  const code = countryIndex().get(foldName(v));
  if (code) return code;
  throw new FieldError(`${field} ${quote(v)} is not a country (an ISO 3166-1 code such as 'FR' or an English name such as 'France')`);
}
