/**
 * Days per country: distinct local calendar dates of presence ({@link Presence}) up to the evaluation date.
 * Planned days (after `asOf`) and transit days (airside, no entry) are not counted. A day with an exit from one
 * country and an entry into another counts once in each (Reg. (EU) 2016/399 Art. 6(2) counting).
 */
import { civilFromDays, dayFromCivil } from './dates';
import type { DayInterval } from './intervals';
import type { Presence } from './presence';

/** Days per country in total and per calendar year. Countries with zero days up to `asOf` are omitted. */
export interface CountryDays {
  /** ISO 3166-1 alpha-2 -> number of distinct presence dates on or before `asOf`. */
  countryDays: Record<string, number>;
  /** `YYYY` (calendar year of the local date) -> ISO alpha-2 -> days in that year, on or before `asOf`. */
  countryDaysByYear: Record<string, Record<string, number>>;
}

function yearStart(year: number): number {
  return dayFromCivil(year, 1, 1);
}

/**
 * Counts the presence days of each country up to and including `presence.asOf`.
 * @example
 * const segments = [
 *   { id: 'out', departureCountry: 'GB', arrivalCountry: 'FR', departureDate: '2026-01-01', arrivalDate: '2026-01-01', mode: 'train' },
 *   { id: 'back', departureCountry: 'FR', arrivalCountry: 'GB', departureDate: '2026-01-10', arrivalDate: '2026-01-10', mode: 'train' },
 * ]
 * // The travel days (1 and 10 January) count in both countries:
 * computeCountryDays(computePresence(segments, '2026-01-31', loadReferenceData()))
 * //=> { countryDays: { FR: 10, GB: 23 }, countryDaysByYear: { '2026': { FR: 10, GB: 23 } } }
 */
export function computeCountryDays(presence: Presence): CountryDays {
  return countryDaysFrom(presence.byCountry, presence.asOf);
}

/** `YYYY` keys of years, made once per year rather than per interval. */
const yearKeys = new Map<number, string>();
function yearKey(y: number): string {
  let k = yearKeys.get(y);
  if (k === undefined) yearKeys.set(y, (k = String(y).padStart(4, '0')));
  return k;
}

/**
 * Same as {@link computeCountryDays}, from a country -> sorted disjoint intervals map and an `asOf` day number.
 * @example
 * const byCountry = new Map([['FR', [{ start: toDayNumber('2025-12-30'), end: toDayNumber('2026-01-05') }]]])
 * countryDaysFrom(byCountry, toDayNumber('2026-01-01'))
 * //=> { countryDays: { FR: 3 }, countryDaysByYear: { '2025': { FR: 2 }, '2026': { FR: 1 } } }
 */
export function countryDaysFrom(byCountry: ReadonlyMap<string, readonly DayInterval[]>, asOf: number): CountryDays {
  const countryDays: Record<string, number> = {};
  const countries = [...byCountry.keys()].sort();
  // Year -> [country, days, country, days, ...]: countries in order, years in order of first appearance; the
  // result's rows are built from it in one go (cheaper than growing every row country by country).
  const perYear = new Map<number, (string | number)[]>();
  for (const country of countries) {
    const total = countCountry(byCountry.get(country)!, asOf, country, perYear);
    if (total > 0) countryDays[country] = total;
  }
  const countryDaysByYear: Record<string, Record<string, number>> = {};
  for (const [year, cells] of perYear) {
    const row: Record<string, number> = {};
    for (let k = 0; k < cells.length; k += 2) row[cells[k] as string] = (row[cells[k] as string] ?? 0) + (cells[k + 1] as number);
    countryDaysByYear[yearKey(year)] = row;
  }
  return { countryDays, countryDaysByYear };
}

/**
 * Days of one country's sorted disjoint intervals up to `asOf`; appends its days per year to `perYear`. (Its own
 * function, called once per country, so that the engine optimises the loop once rather than on every call.)
 */
function countCountry(list: readonly DayInterval[], asOf: number, country: string, perYear: Map<number, (string | number)[]>): number {
  let total = 0;
  // The year being counted, its bounds and its days so far (intervals ascend, so years are met in order).
  let y = 0;
  let yStart = 1;
  let yEnd = 0;
  let yDays = 0;
  for (let k = 0; k < list.length; k++) {
    const iv = list[k]!;
    const end = iv.end < asOf ? iv.end : asOf;
    let a = iv.start;
    if (end < a) continue;
    total += end - a + 1;
    for (;;) {
      if (a < yStart || a > yEnd) {
        if (yDays > 0) yearRow(perYear, y).push(country, yDays);
        yDays = 0;
        y = civilFromDays(a).y;
        yStart = yearStart(y);
        yEnd = yearStart(y + 1) - 1;
      }
      if (end <= yEnd) {
        yDays += end - a + 1;
        break;
      }
      yDays += yEnd - a + 1;
      a = yEnd + 1;
    }
  }
  if (yDays > 0) yearRow(perYear, y).push(country, yDays);
  return total;
}

function yearRow(perYear: Map<number, (string | number)[]>, year: number): (string | number)[] {
  let cells = perYear.get(year);
  if (!cells) perYear.set(year, (cells = []));
  return cells;
}
