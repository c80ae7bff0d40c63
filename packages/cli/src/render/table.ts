/**
 * The days-per-country-per-year table shared by the text and HTML reports: the latest years as columns and one
 * `earlier` column holding the days of every older year, so that each row adds up to its total (a country
 * visited only long ago shows its days under `earlier` instead of a total over blank years).
 */

/** One country's row. `perYear[i]` belongs to `YearTable.years[i]`; `earlier + sum(perYear) == total`. */
export interface YearRow {
  /** ISO 3166-1 alpha-2. */
  country: string;
  total: number;
  earlier: number;
  perYear: number[];
}

export interface YearTable {
  /** The latest years with presence (`YYYY`, ascending), at most `maxYears`. */
  years: string[];
  /** First and last year summed in `earlier`; null when there are no older years. */
  earlier: { from: string; to: string } | null;
  /** By total, largest first, then by code. */
  rows: YearRow[];
}

/**
 * Builds the table from the report's `countryDays` and `countryDaysByYear` (years without presence have no key,
 * so the shown years are the latest years with any presence; a year left out holds zero days).
 */
export function yearTable(
  countryDays: Readonly<Record<string, number>>,
  countryDaysByYear: Readonly<Record<string, Readonly<Record<string, number>>>>,
  maxYears = 6,
): YearTable {
  const all = Object.keys(countryDaysByYear).sort();
  const years = all.slice(-maxYears);
  const older = all.slice(0, all.length - years.length);
  const rows = Object.keys(countryDays)
    .sort((a, b) => (countryDays[b] ?? 0) - (countryDays[a] ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
    .map((country) => ({
      country,
      total: countryDays[country] ?? 0,
      // Summed from the older years themselves (not total minus the shown years), so the tests' "adds up"
      // check compares two independent numbers.
      earlier: older.reduce((n, y) => n + (countryDaysByYear[y]?.[country] ?? 0), 0),
      perYear: years.map((y) => countryDaysByYear[y]?.[country] ?? 0),
    }));
  return { years, earlier: older.length ? { from: older[0]!, to: older[older.length - 1]! } : null, rows };
}
