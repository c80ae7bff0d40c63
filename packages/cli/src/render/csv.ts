/**
 * `--csv`: the report for a spreadsheet, in two files (`FILE` and `FILE-stays.csv`), because a spreadsheet opens
 * one table per CSV file:
 * - days per country per year: `country,name,total,<every year with presence, ascending>`, 0 for no days, so
 *   each row adds up to its total without an "earlier" column;
 * - stays: `country,name,from,to,days,counted,note` (one {@link Stay} a row), `counted` is `no` for transit and planned
 *   stays, which are not part of the day counts.
 * RFC 4180 through csv-stringify: CRLF line ends, quoting where needed, a UTF-8 byte-order mark (so that Excel
 * reads names such as "Curaçao" as UTF-8) and spreadsheet formulas defused (a leading = + - @ gets a `'`).
 */
import { stringify } from 'csv-stringify/sync';
import type { ReferenceData } from '@travel-time-tracker/core/referenceData';
import type { Stay } from '@travel-time-tracker/core/stays';
import type { ReportOutput } from '../reportShapes';
import { yearTable } from './table';

const OPTIONS = { bom: true, record_delimiter: 'windows', escape_formulas: true } as const;

/** Days per country per year, every year as its own column. */
export function csvDays(r: Pick<ReportOutput, 'countryDays' | 'countryDaysByYear'>, ref: ReferenceData | undefined): string {
  const t = yearTable(r.countryDays, r.countryDaysByYear, Infinity);
  const rows: (string | number)[][] = [['country', 'name', 'total', ...t.years]];
  for (const row of t.rows) rows.push([row.country, ref?.countryName(row.country) ?? '', row.total, ...row.perYear]);
  return stringify(rows, OPTIONS);
}

/** The stays, in the order of `computeStays`. */
export function csvStays(stays: readonly Stay[], ref: ReferenceData | undefined): string {
  const rows: (string | number)[][] = [['country', 'name', 'from', 'to', 'days', 'counted', 'note']];
  for (const s of stays) {
    const note = s.transit ? 'transit: airside, not counted' : s.planned ? 'planned' : '';
    rows.push([s.country, ref?.countryName(s.country) ?? '', s.from, s.to, s.days, s.transit || s.planned ? 'no' : 'yes', note]);
  }
  return stringify(rows, OPTIONS);
}
