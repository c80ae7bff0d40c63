/**
 * The import section of the readable report, one per imported file: what was read ("12 rows: 10 segments (8
 * flights, 2 crossings), 2 skipped") and the skipped rows grouped by reason (count, three examples, the fix), never
 * one line per row: `--json` lists every one.
 */
import * as path from 'node:path';
import type { ImportSummary } from '../reportShapes';

/** "1 flight", "2 flights". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "10 segments (8 flights, 2 crossings)", "3 flights", "2 crossings" (land or sea rows are not flights). */
export function segmentsRead(i: Pick<ImportSummary, 'flights' | 'crossings'>): string {
  const flights = i.flights - i.crossings;
  if (i.crossings === 0) return plural(flights, 'flight');
  if (flights === 0) return plural(i.crossings, 'crossing');
  return `${plural(i.flights, 'segment')} (${plural(flights, 'flight')}, ${plural(i.crossings, 'crossing')})`;
}

/** "Import: format generic, encoding UTF-8, 12 rows: …, 2 skipped", then the skip groups. */
export function renderImport(i: ImportSummary | Omit<ImportSummary, 'warnings'>, nameFile: boolean): string[] {
  const file = nameFile ? ` ${path.basename(i.file)}:` : '';
  const lines = [`Import:${file} format ${i.format}, encoding ${i.encoding}, ${plural(i.rows, 'row')}: ${segmentsRead(i)}, ${i.skipped.length} skipped`];
  for (const g of i.skipGroups) {
    lines.push(`  ${g.message}`);
    for (const e of g.examples) lines.push(`     ${e}`);
    if (g.count > g.examples.length) lines.push(`     … and ${g.count - g.examples.length} more (--json lists every one)`);
  }
  return lines;
}
