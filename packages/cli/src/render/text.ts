/**
 * Sections of the readable (text) report: the per-year table, the warnings grouped by kind and the stays.
 * Each returns lines without a trailing blank line; the command's `formatReport` puts the sections together.
 */
import type { Stay } from '@travel-time-tracker/core/stays';
import type { YearTable } from './table';
import type { WarningGroup } from './warnings';

/** Country code and English name (seed), cut to `width`; just the code when the name is unknown. */
export type CountryLabel = (code: string) => string;

const NAME_WIDTH = 28;

function label(name: CountryLabel, code: string): string {
  // Array.from cuts on code points, not in the middle of a surrogate pair.
  return Array.from(name(code)).slice(0, NAME_WIDTH).join('').padEnd(NAME_WIDTH);
}

const cell = (n: number, width: number) => (n ? String(n) : '').padStart(width);

/** "Days per country" with `total`, `earlier` (when there are older years) and one column per recent year. */
export function renderYearTable(t: YearTable, asOf: string, name: CountryLabel): string[] {
  const lines = [`Days per country (${t.rows.length} ${t.rows.length === 1 ? 'country' : 'countries'}, up to ${asOf})`];
  const earlierHead = t.earlier ? 'earlier'.padStart(8) : '';
  lines.push(`  ${'country'.padEnd(NAME_WIDTH)} ${'total'.padStart(6)}${earlierHead}${t.years.map((y) => y.padStart(6)).join('')}`);
  for (const r of t.rows) {
    const earlier = t.earlier ? cell(r.earlier, 8) : '';
    lines.push(`  ${label(name, r.country)} ${String(r.total).padStart(6)}${earlier}${r.perYear.map((n) => cell(n, 6)).join('')}`.trimEnd());
  }
  if (t.earlier) lines.push(`  (earlier: ${t.earlier.from === t.earlier.to ? t.earlier.from : `${t.earlier.from} to ${t.earlier.to}`})`);
  return lines;
}

/** "Warnings (N, K kinds)": per kind its title, the first examples, how many more, and the fix. */
export function renderWarningGroups(groups: readonly WarningGroup[]): string[] {
  if (!groups.length) return [];
  const total = groups.reduce((n, g) => n + g.count, 0);
  const lines = [`Warnings (${total}, ${groups.length} ${groups.length === 1 ? 'kind' : 'kinds'}; --json lists every one)`];
  for (const g of groups) {
    lines.push(`  ${g.title}`);
    for (const e of g.examples) lines.push(`     ${e}`);
    if (g.kind !== 'unlisted' && g.count > g.examples.length) lines.push(`     … and ${g.count - g.examples.length} more`);
    if (g.fix) lines.push(`     fix: ${g.fix}`);
  }
  return lines;
}

/** Counts of stays by what they are, for titles. */
export function stayCounts(stays: readonly Stay[]): { counted: number; transit: number; planned: number } {
  let transit = 0;
  let planned = 0;
  for (const s of stays) {
    if (s.transit) transit++;
    else if (s.planned) planned++;
  }
  return { counted: stays.length - transit - planned, transit, planned };
}

/** "Stays": country, first and last date, days; transit and planned stays marked (they are not in the day counts). */
export function renderStays(stays: readonly Stay[], asOf: string, name: CountryLabel): string[] {
  const c = stayCounts(stays);
  const parts = [`${c.counted} up to ${asOf}`, ...(c.transit ? [`${c.transit} transit`] : []), ...(c.planned ? [`${c.planned} planned`] : [])];
  const lines = [`Stays (${stays.length}: ${parts.join(', ')}; the day of a border crossing counts in both countries)`];
  lines.push(`  ${'country'.padEnd(NAME_WIDTH)} ${'from'.padEnd(10)}  ${'to'.padEnd(10)}  ${'days'.padStart(5)}`);
  for (const s of stays) {
    const note = s.transit ? '  transit: airside, not counted' : s.planned ? '  planned' : '';
    lines.push(`  ${label(name, s.country)} ${s.from}  ${s.to}  ${String(s.days).padStart(5)}${note}`);
  }
  return lines;
}
