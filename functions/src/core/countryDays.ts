/**
 * Days per country: distinct local calendar dates of presence (presence.ts) up to the evaluation date.
 * Planned days (after `asOf`) and transit days (airside, no entry) are not counted. A day with an exit from one
 * country and an entry into another counts once in each (Reg. (EU) 2016/399 Art. 6(2) counting).
 */
import { dayFromCivil } from './dayNumbers';
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

function yearOf(day: number): number {
  // An estimate from the mean Gregorian year, corrected against exact year starts (at most one step).
  let y = 1970 + Math.floor(day / 365.2425);
  while (yearStart(y) > day) y--;
  while (yearStart(y + 1) <= day) y++;
  return y;
}

/** Counts the presence days of each country up to and including `presence.asOf`. */
export function computeCountryDays(presence: Presence): CountryDays {
  return countryDaysFrom(presence.byCountry, presence.asOf);
}

/** Same as `computeCountryDays`, from a country -> sorted disjoint intervals map and an `asOf` day number. */
export function countryDaysFrom(byCountry: ReadonlyMap<string, readonly DayInterval[]>, asOf: number): CountryDays {
  const countryDays: Record<string, number> = {};
  const countryDaysByYear: Record<string, Record<string, number>> = {};
  const countries = [...byCountry.keys()].sort();
  for (const country of countries) {
    let total = 0;
    for (const iv of byCountry.get(country)!) {
      const end = Math.min(iv.end, asOf);
      if (end < iv.start) continue;
      total += end - iv.start + 1;
      for (let y = yearOf(iv.start); ; y++) {
        const a = Math.max(iv.start, yearStart(y));
        const b = Math.min(end, yearStart(y + 1) - 1);
        if (a > end) break;
        if (b >= a) {
          const key = String(y).padStart(4, '0');
          const row = (countryDaysByYear[key] ??= {});
          row[country] = (row[country] ?? 0) + (b - a + 1);
        }
      }
    }
    if (total > 0) countryDays[country] = total;
  }
  return { countryDays, countryDaysByYear };
}
