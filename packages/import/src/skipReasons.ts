/**
 * Skipped rows by reason: each skip gets a `kind` when it is recorded ({@link skipKind}), and the skips of an import
 * are grouped by kind ({@link groupSkipped}) so that a person reads one line per reason (how many rows, three
 * examples, the fix) instead of one line per row: a 50 MB file with a two-digit year in every row says so once.
 *
 * {@link importFailure} is the one rule deciding that an import gives no answer: no row became a segment while some
 * were refused, or more than half the rows were refused. The `travel-days report` command exits 1 on it and the
 * backend import ends `failed` with its message, so both refuse the same files with the same words.
 */
import type { ImportResult, SkipKind, SkippedRow } from './types';

export type { SkipKind };

interface KindInfo {
  kind: SkipKind;
  /** Matches the reason without its `row N: ` prefix. */
  test: RegExp;
  /** What the rows have in common, after "N rows skipped: " (plural). */
  what: string;
  /** What the traveller can do. */
  fix: string;
}

/** In order of test: the first that matches names the kind; `invalid` takes the rest. */
const KINDS: readonly KindInfo[] = [
  {
    kind: 'two-digit-year',
    test: /two-digit year/,
    what: 'dates have two-digit years',
    fix: 'write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again',
  },
  {
    kind: 'ambiguous-date',
    test: /could be day\/month\/year or month\/day\/year/,
    what: 'dates could be day/month or month/day',
    fix: 'state the order of the dates (--date-order DMY or MDY; the upload metadata dateOrder)',
  },
  { kind: 'not-a-date', test: /is not a (valid )?date|date is missing/, what: 'dates cannot be read', fix: 'write dates as YYYY-MM-DD' },
  { kind: 'not-a-time', test: /is not a (12-hour |valid )?time/, what: 'times cannot be read', fix: 'write times as HH:MM (24-hour) or h:MM AM/PM' },
  {
    kind: 'unknown-airport',
    test: /airport code|airport is missing/,
    what: 'airports are unknown or missing',
    fix: 'check the codes (IATA such as CDG, ICAO such as LFPG), or give the countries in from_country and to_country',
  },
  {
    kind: 'place',
    test: /names places in several countries|place name|not a place|crosses continents|no place/,
    what: 'place names do not resolve to one country',
    fix: 'add the countries in the from_country and to_country columns',
  },
  {
    kind: 'country',
    test: /is not a country|does not match airport|unknown country/,
    what: 'countries are unknown or do not match the airport',
    fix: 'write countries as ISO codes (FR) or English names (France), matching the airports',
  },
  {
    kind: 'mode',
    test: /is not a mode of transport/,
    what: 'modes of transport are not known',
    fix: 'use flight, train, bus, car, ferry, ship, walk or other',
  },
  { kind: 'columns', test: /columns, expected|fields, expected|too few|missing/, what: 'rows have missing cells or columns', fix: 'complete these rows' },
  { kind: 'cancelled', test: /^cancelled flight/, what: 'flights are marked cancelled', fix: 'nothing to do: a cancelled flight is not travel' },
  { kind: 'not-mine', test: /someone else's flight/, what: "flights are marked as someone else's", fix: "nothing to do: someone else's flights are not yours" },
];

const INVALID: KindInfo = { kind: 'invalid', test: /./, what: 'rows are not valid journeys', fix: 'correct these rows as each reason says' };
const DUPLICATE: KindInfo = {
  kind: 'duplicate',
  test: /./,
  what: 'rows repeat a journey already read',
  fix: 'nothing to do: each journey counts once',
};

const ROW_PREFIX = /^row \d+: /;

/** The kind of a skip from its reason (the sentence the pipeline wrote). `duplicate` when the row is a repeat. */
export function skipKind(reason: string, duplicate = false): SkipKind {
  if (duplicate) return 'duplicate';
  const text = reason.replace(ROW_PREFIX, '');
  return (KINDS.find((k) => k.test.test(text)) ?? INVALID).kind;
}

function info(kind: SkipKind): KindInfo {
  return kind === 'duplicate' ? DUPLICATE : (KINDS.find((k) => k.kind === kind) ?? INVALID);
}

/** The skipped rows of one kind, for a person (text, HTML) and a program (`--json`, the import document). */
export interface SkipGroup {
  kind: SkipKind;
  /** Rows skipped for this reason. */
  count: number;
  /** Every row of the kind (1-based line numbers), in file order. */
  rows: number[];
  /** The distinct departure dates of those rows where the row had one, ascending. */
  dates: string[];
  /** The distinct countries the rows named, ascending. */
  countries: string[];
  /** "300 rows skipped: dates have two-digit years (rows 2, 3, 4 and 297 more): write years with four digits …" */
  message: string;
  /** The first three reasons, as written (each names its row). */
  examples: string[];
  /** What to do about it. */
  fix: string;
}

/** "rows 2, 3, 4 and 297 more" (the first `shown`). */
export function listRowNumbers(rows: readonly number[], shown = 3): string {
  const head = rows.slice(0, shown).join(', ');
  return `row${rows.length > 1 ? 's' : ''} ${head}${rows.length > shown ? ` and ${rows.length - shown} more` : ''}`;
}

/**
 * Groups skipped rows by kind: kinds in the order of their first row, errors before duplicates. Rows without a
 * `kind` (from an older result) are classified from their reason.
 */
export function groupSkipped(skipped: readonly SkippedRow[]): SkipGroup[] {
  const byKind = new Map<SkipKind, { rows: number[]; dates: Set<string>; countries: Set<string>; examples: string[] }>();
  for (const s of skipped) {
    const kind = s.kind ?? skipKind(s.reason, s.duplicate === true);
    let g = byKind.get(kind);
    if (!g) byKind.set(kind, (g = { rows: [], dates: new Set(), countries: new Set(), examples: [] }));
    g.rows.push(s.row);
    if (s.date) g.dates.add(s.date);
    for (const c of s.countries ?? []) g.countries.add(c);
    if (g.examples.length < 3) g.examples.push(ROW_PREFIX.test(s.reason) ? s.reason : `row ${s.row}: ${s.reason}`);
  }
  const groups: SkipGroup[] = [];
  for (const [kind, g] of byKind) {
    const k = info(kind);
    const n = g.rows.length;
    groups.push({
      kind,
      count: n,
      rows: g.rows,
      dates: [...g.dates].sort(),
      countries: [...g.countries].sort(),
      message: `${n} ${n === 1 ? 'row' : 'rows'} skipped: ${k.what} (${listRowNumbers(g.rows)}): ${k.fix}`,
      examples: g.examples,
      fix: k.fix,
    });
  }
  return groups.sort((a, b) => Number(a.kind === 'duplicate') - Number(b.kind === 'duplicate'));
}

/**
 * Why an import gives no confident answer, or null when it does: no row became a segment while some were refused,
 * or more than half the rows were refused. Duplicates are not refusals (a file imported twice is fine). The message
 * is one sentence: "300 of 300 rows skipped: dates have two-digit years (rows 2, 3, 4 and 297 more): write years
 * with four digits …; 1 row skipped: …".
 */
export function importFailure(result: Pick<ImportResult, 'rows' | 'flights' | 'skipped'>): { message: string; groups: SkipGroup[] } | null {
  const errors = result.skipped.filter((s) => s.duplicate !== true);
  if (errors.length === 0) return null;
  if (result.flights > 0 && errors.length * 2 <= result.rows) return null;
  const groups = groupSkipped(errors);
  const parts = groups.map((g) => `${g.count === errors.length ? '' : `${g.count}: `}${info(g.kind).what} (${listRowNumbers(g.rows)}): ${g.fix}`);
  return { message: `${errors.length} of ${result.rows} rows skipped: ${parts.join('; ')}`, groups };
}
