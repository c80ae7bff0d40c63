/**
 * Warnings of the report grouped by kind: a count, the first few examples in short words and what to do about
 * them, instead of one long line per warning ("22 warnings, 20 of them gap lines").
 *
 * The core and the import pipeline word their warnings as sentences (the core's gaps, overlaps and
 * impossible segments; the import's skipped rows and guesses); the kinds below recognise those sentences. The
 * CLI's warnings test produces each kind through the real core and import, so a change of wording there fails
 * that test instead of silently moving warnings to "other". A warning no kind recognises is kept, whole, under "other".
 */
import * as path from 'node:path';

/** One kind of warning as the report shows it. */
export interface WarningGroup {
  /** Stable id of the kind (`gap`, `overlap`, ..., `other`). */
  kind: string;
  /** How many warnings of this kind (including any the import counted but did not list). */
  count: number;
  /** "20 gaps: a flight or crossing is missing between two segments" */
  title: string;
  /** The first `maxExamples` warnings of the kind, shortened to what tells them apart. */
  examples: string[];
  /** What the traveller can do; empty for "other". */
  fix: string;
}

interface Kind {
  kind: string;
  /** Singular and plural noun, and what the kind means. */
  one: string;
  many: string;
  meaning: string;
  fix: string;
  /** Returns the short example when the warning is of this kind, undefined otherwise. */
  match(w: string): string | undefined;
}

// `segment "id" (FR 2024-01-05 -> US 2024-01-05)`: how the core names a segment in its warnings.
const SEG = String.raw`segment "(.*?)" \(([A-Z0-9]{2}) (\d{4}-\d\d-\d\d) -> ([A-Z0-9]{2}) (\d{4}-\d\d-\d\d)\)`;
const GAP = new RegExp(String.raw`^gap: ${SEG} departs from [A-Z0-9]{2}, but the previous ${SEG} arrived in [A-Z0-9]{2}$`);
const OVERLAP = new RegExp(String.raw`^overlap: ${SEG} departs before the previous ${SEG} arrived$`);
const EARLY = new RegExp(String.raw`^${SEG} arrives more than one day before it departs`);
const LONE_TRANSIT = new RegExp(String.raw`^${SEG} is marked as a transit but no onward segment follows`);
const ROW = /^row (\d+): (.*)$/s;

/** The text of a row warning (`row 12: ...`) when it matches `re`. */
function rowWarning(w: string, re: RegExp): string | undefined {
  const m = ROW.exec(w);
  return m && re.test(m[2]!) ? `row ${m[1]}: ${m[2]}` : undefined;
}

/** Kinds in the order the report lists them: problems that change day counts first, then import notes. */
const KINDS: readonly Kind[] = [
  {
    kind: 'gap',
    one: 'gap',
    many: 'gaps',
    meaning: 'a segment departs from a country other than where the previous one arrived, so a trip is missing',
    fix: 'add the missing flight, or a land/sea segment if you crossed the border another way',
    match(w) {
      const m = GAP.exec(w);
      if (!m) return undefined;
      const [, nextId, nextFrom, nextDep, , , prevId, , , prevTo, prevArr] = m;
      return `missing between ${prevTo} (arrived ${prevArr}, "${prevId}") and ${nextFrom} (departs ${nextDep}, "${nextId}")`;
    },
  },
  {
    kind: 'overlap',
    one: 'overlap',
    many: 'overlaps',
    meaning: 'a segment departs before the previous one arrived',
    fix: 'check the dates and times of both segments; delete one if it is a duplicate',
    match(w) {
      const m = OVERLAP.exec(w);
      if (!m) return undefined;
      const [, nextId, nextFrom, nextDep, nextTo, , prevId, prevFrom, , prevTo, prevArr] = m;
      return `"${nextId}" ${nextFrom} -> ${nextTo} departs ${nextDep}, before "${prevId}" ${prevFrom} -> ${prevTo} arrived ${prevArr}`;
    },
  },
  {
    kind: 'arrival-before-departure',
    one: 'impossible arrival date',
    many: 'impossible arrival dates',
    meaning: 'a segment arrives more than one day before it departs, which not even the date line allows',
    fix: 'correct the arrival or the departure date',
    match(w) {
      const m = EARLY.exec(w);
      return m ? `"${m[1]}" ${m[2]} ${m[3]} -> ${m[4]} ${m[5]}` : undefined;
    },
  },
  {
    kind: 'transit-without-onward',
    one: 'transit without an onward segment',
    many: 'transits without an onward segment',
    meaning: 'marked as a connection but nothing leaves from there, so it is counted as a stay',
    fix: 'add the onward flight, or remove the transit mark if you entered the country',
    match(w) {
      const m = LONE_TRANSIT.exec(w);
      return m ? `"${m[1]}" ${m[2]} ${m[3]} -> ${m[4]} ${m[5]}` : undefined;
    },
  },
  {
    kind: 'unknown-country',
    one: 'unknown country code',
    many: 'unknown country codes',
    meaning: 'not an ISO 3166-1 alpha-2 code the reference data knows; its days count for no visa rule',
    fix: 'correct the code (two letters, e.g. DE for Germany)',
    match(w) {
      return /unknown country code [A-Z0-9]{2}\b/.test(w) ? w : undefined;
    },
  },
  {
    kind: 'assumed-arrival',
    one: 'group of flights with an assumed arrival date',
    many: 'groups of flights with an assumed arrival date',
    meaning: 'long-haul flights without an arrival time',
    fix: 'add arrival times (or dates) to these rows of the file',
    match(w) {
      const m = /^no arrival time for long-haul flights \((.*?)\)/.exec(w);
      return m ? m[1] : undefined;
    },
  },
  {
    kind: 'euroairport',
    one: 'EuroAirport note',
    many: 'EuroAirport notes',
    meaning: 'Basel-Mulhouse-Freiburg counted as France',
    fix: 'run again with --euroairport CH if you used the Swiss sector',
    match(w) {
      const m = /^EuroAirport Basel-Mulhouse-Freiburg \((.*?)\)/.exec(w);
      return m ? m[1] : undefined;
    },
  },
  {
    kind: 'times',
    one: 'row with doubtful times',
    many: 'rows with doubtful times',
    meaning: 'the times do not fit the flight once time zones are applied, or a time zone is unknown',
    fix: 'check the dates and times of these rows in the file',
    match: (w) => rowWarning(w, /once time zones are applied|^time zone of .* unknown/),
  },
  {
    kind: 'not-stored',
    one: 'value not stored',
    many: 'values not stored',
    meaning: 'a flight number or note that looks like a spreadsheet formula; the flight itself was imported',
    fix: 'nothing to do unless you need the value: then re-type it in the file without a leading = + - @',
    match: (w) => rowWarning(w, /was not stored/),
  },
  {
    kind: 'row',
    one: 'note on an imported row',
    many: 'notes on imported rows',
    meaning: 'the row was imported as described',
    fix: 'check these rows if the description is not what you expect',
    match: (w) => rowWarning(w, /./),
  },
];

const MORE_ROWS = /^(?:.+: )?… and (\d+) more row warnings$/;

/** The file names import warnings start with when the report merges several files, else none. */
export function warningFiles(r: { imports?: readonly { file: string }[] }): string[] {
  const imports = r.imports ?? [];
  return imports.length > 1 ? imports.map((i) => path.basename(i.file)) : [];
}

/**
 * Groups `warnings` by kind, in the order of the kinds table (problems that change day counts first), then
 * "other" (each unrecognised warning whole). The import's "… and N more row warnings" adds N to the count of
 * the last row kind seen (their kinds are unknown: they were never listed).
 */
export function groupWarnings(warnings: readonly string[], maxExamples = 3, files: readonly string[] = []): WarningGroup[] {
  const found = new Map<Kind | 'other', { count: number; examples: string[] }>();
  const entry = (k: Kind | 'other') => {
    let e = found.get(k);
    if (!e) found.set(k, (e = { count: 0, examples: [] }));
    return e;
  };
  let unlisted = 0;
  for (const w of warnings) {
    const more = MORE_ROWS.exec(w);
    if (more) {
      unlisted += Number(more[1]);
      continue;
    }
    let matched = false;
    // With several files, an import warning starts with its file's name ("b.csv: row 12: ..."); the example keeps it.
    const file = files.find((f) => w.startsWith(`${f}: `));
    const text = file === undefined ? w : w.slice(file.length + 2);
    for (const k of KINDS) {
      const example = k.match(text);
      if (example === undefined) continue;
      const e = entry(k);
      e.count++;
      if (e.examples.length < maxExamples) e.examples.push(file === undefined ? example : `${file}: ${example}`);
      matched = true;
      break;
    }
    if (!matched) {
      const e = entry('other');
      e.count++;
      e.examples.push(w);
    }
  }
  const groups: WarningGroup[] = [];
  for (const k of KINDS) {
    const e = found.get(k);
    if (e) groups.push({ kind: k.kind, count: e.count, title: `${e.count} ${e.count === 1 ? k.one : k.many}: ${k.meaning}`, examples: e.examples, fix: k.fix });
  }
  if (unlisted) {
    groups.push({
      kind: 'unlisted',
      count: unlisted,
      title: `${unlisted} more notes on imported rows, not listed by the import`,
      examples: [],
      fix: 'fix the rows listed above and import again to see the rest',
    });
  }
  const other = found.get('other');
  if (other) {
    groups.push({
      kind: 'other',
      count: other.count,
      title: `${other.count} other ${other.count === 1 ? 'warning' : 'warnings'}`,
      examples: other.examples,
      fix: '',
    });
  }
  return groups;
}
