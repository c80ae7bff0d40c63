/**
 * The `travel-days report` command: from flight-history exports (any supported format) or JSON segment files,
 * merged ({@link loadSegments}: the same journey in two files counts once), to days per country and the visa-rule
 * status, using the same import pipeline and core as the Cloud Functions.
 *
 *     travel-days report FILE [FILE…] [--as-of YYYY-MM-DD] [--json] [--layover-hours N] [--euroairport FR|CH]
 *                               [--trips] [--csv FILE] [--html FILE] [--date-order DMY|MDY|YMD]
 *                               [--nationality CC[,CC]] [--residence-permit CC:YYYY-MM-DD:YYYY-MM-DD]...
 *                               [--rule ID]... [--rules all] [--assumed count|exclude]
 *
 * Without `--rule`/`--rules` the report shows the default rules ({@link ReferenceData.rules}: the Schengen rule), in
 * the `rules` array. With them it also evaluates the selected rows of seed/visaRules.json, of any kind
 * ({@link evaluateDefinitions}), as the `ruleResults` array of `--json` (one entry per rule: ruleId, kind, applies,
 * reason and the kind's outputs), and the text report prints those rules instead of the default ones; `rules`
 * stays as it was so that its readers keep working.
 *
 * Exit codes: 0 success; 2 bad arguments; 1 unreadable or malformed input file, or an export that gives no
 * confident answer (the import package's `importFailure`: one clause per reason). Errors are one line on stderr,
 * naming the file in words (never errno text). `--help` ({@link helpText}) describes every option and lists the
 * rule ids of the seed.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ResidencePermitSchema, type ResidencePermit } from '@travel-time-tracker/core/applicability';
import { addDays, isIsoDate } from '@travel-time-tracker/core/dates';
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { evaluatePrepared, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { truncateText } from '@travel-time-tracker/import/text';
import { MAX_TRAVEL_DATE, MIN_TRAVEL_DATE } from '@travel-time-tracker/core/segment';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { loadReferenceData, type ReferenceData } from '@travel-time-tracker/core/referenceData';
import { evaluateDefinitions, resolveRuleIds, UnknownRuleError } from '@travel-time-tracker/core/ruleResults';
import { computeStays } from '@travel-time-tracker/core/stays';
import { evidenceSummary } from '@travel-time-tracker/core/evidence';
import { historyEndsLine } from './render/evidence';
import { outputPathProblem, writeReportFiles } from './render/files';
import { yearTable } from './render/table';
import { renderRollingWindow, renderRuleResult } from './render/rules';
import { renderStays, renderWarningGroups, renderYearTable } from './render/text';
import { groupWarnings, warningFiles } from './render/warnings';
import { renderImport } from './render/imports';
import { CliError } from './cliError';
import { loadSegments } from './load';
import type { ReportArgs, ReportData, ReportOutput } from './reportShapes';
import type { AssumedMode, PresenceEvidence } from '@travel-time-tracker/core/evidence';

export { CliError };

export const USAGE =
  'usage: travel-days report FILE [FILE…] [--as-of YYYY-MM-DD] [--json] [--layover-hours N] [--euroairport FR|CH] [--trips] [--csv FILE] [--html FILE] [--date-order DMY|MDY|YMD] [--nationality CC[,CC]] [--residence-permit CC:FROM:TO]... [--rule ID]... [--rules all] [--assumed count|exclude] (--help describes each)';

/** What `--help` prints: the usage, every option with its meaning and default, and the rule ids of the seed. */
export function helpText(ref: ReferenceData | undefined = reference()): string {
  const options: [string, string][] = [
    [
      'FILE [FILE…]',
      'flight-history exports (myFlightradar24, Flighty, OpenFlights, App in the Air data.txt, or a CSV with date,from,to columns) or JSON segment files; several files are merged, the same journey in two of them counted once',
    ],
    ['--as-of YYYY-MM-DD', 'the day the report is for (default: today); trips after it are planned'],
    ['--json', 'print the whole result as JSON (every warning and skipped row listed) instead of text'],
    ['--layover-hours N', 'longest connection at one airport counted as an airside transit (default 24, at most 72)'],
    ['--euroairport FR|CH', 'the side of Basel-Mulhouse-Freiburg you used (default FR)'],
    ['--trips', 'also list the stays (country, first and last day)'],
    ['--csv FILE', 'write days per country per year to FILE, and the stays beside it (FILE-stays.csv)'],
    ['--html FILE', 'write the report as one self-contained web page'],
    ['--date-order DMY|MDY|YMD', 'the order of dates such as 3/4/2024 when the file does not show it'],
    ['--nationality CC[,CC]', 'your nationalities (ISO codes such as FR,US), for the rules they exempt you from'],
    ['--residence-permit CC:FROM:TO', 'a residence permit (or, with :long-stay-visa, a long-stay visa) of country CC valid FROM to TO; repeatable'],
    ['--rule ID', 'evaluate this rule (repeatable; ids below); default: the Schengen 90/180 rule'],
    ['--rules all', 'evaluate every rule below'],
    ['--assumed count|exclude', 'days without a record count (count, the default: the safe side for a limit) or count nowhere (exclude: a lower bound)'],
    ['-h, --help', 'print this help'],
  ];
  const width = Math.max(...options.map(([o]) => o.length));
  const lines = [USAGE, '', 'Days per country and the status of visa and tax-residence rules, from your travel history.', '', 'Options:'];
  for (const [o, text] of options) lines.push(`  ${o.padEnd(width)}  ${text}`);
  const rules = ref?.definitions ?? [];
  if (rules.length) {
    lines.push('', 'Rule ids (--rule ID):');
    const idWidth = Math.max(...rules.map((r) => r.id.length));
    for (const r of rules) lines.push(`  ${r.id.padEnd(idWidth)}  ${r.name}`);
  }
  lines.push('', 'Exit status: 0 report printed; 1 a file cannot be read or gives no confident answer; 2 bad arguments.');
  return lines.join('\n');
}

/**
 * Parses the command line (without `node` and the script). `--as-of` defaults to today's date in the time zone of
 * the machine running the command.
 * @throws CliError (exit code 2) naming the bad argument.
 */
export function parseReportArgs(argv: readonly string[], now: Date = new Date()): ReportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'as-of': { type: 'string' },
        json: { type: 'boolean', default: false },
        'layover-hours': { type: 'string' },
        euroairport: { type: 'string' },
        trips: { type: 'boolean', default: false },
        csv: { type: 'string' },
        html: { type: 'string' },
        'date-order': { type: 'string' },
        nationality: { type: 'string', multiple: true },
        'residence-permit': { type: 'string', multiple: true },
        rule: { type: 'string', multiple: true },
        rules: { type: 'string' },
        assumed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message.split('\n')[0]}. ${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new CliError(helpText(), 0);
  if (positionals[0] !== 'report') throw new CliError(`unknown command "${positionals[0] ?? ''}". ${USAGE}`, 2);
  if (positionals.length < 2) throw new CliError(`report needs at least one file. ${USAGE}`, 2);
  const asOf = values['as-of'] ?? todayIn(Intl.DateTimeFormat().resolvedOptions().timeZone, now);
  if (!isIsoDate(asOf)) throw new CliError(`--as-of "${values['as-of']}" is not a calendar date written YYYY-MM-DD`, 2);
  const range = asOfRange();
  if (asOf < range.from || asOf > range.to) {
    throw new CliError(
      `--as-of "${asOf}" must be between ${range.from} and ${range.to}, so that every date of the report ` +
        `(the ${range.periodDays}-day period before it, the next entry date after it) lies within ${MIN_TRAVEL_DATE}..${MAX_TRAVEL_DATE}`,
      2,
    );
  }
  let layoverHours = 24;
  if (values['layover-hours'] !== undefined) {
    layoverHours = Number(values['layover-hours']);
    if (!/^\d+(\.\d+)?$/.test(values['layover-hours']) || layoverHours <= 0 || layoverHours > 72) {
      throw new CliError(`--layover-hours "${values['layover-hours']}" must be a number of hours above 0 and at most 72`, 2);
    }
  }
  const side = values.euroairport?.toUpperCase();
  if (side !== undefined && side !== 'FR' && side !== 'CH') {
    throw new CliError(`--euroairport "${values.euroairport}" must be FR or CH`, 2);
  }
  const order = values['date-order']?.toUpperCase();
  if (order !== undefined && order !== 'DMY' && order !== 'MDY' && order !== 'YMD') {
    throw new CliError(`--date-order "${values['date-order']}" must be DMY, MDY or YMD (day/month/year, month/day/year, year/month/day)`, 2);
  }
  const nationalities = (values.nationality ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toUpperCase())
    .filter(Boolean);
  for (const n of nationalities) {
    if (!/^[A-Z]{2}$/.test(n)) throw new CliError(`--nationality "${n}" must be an ISO 3166-1 alpha-2 code such as FR or US`, 2);
    if (!loadReferenceData().countryExists(n)) throw new CliError(`--nationality "${n}" is not an ISO 3166-1 alpha-2 country code (no such country)`, 2);
  }
  const residencePermits = (values['residence-permit'] ?? []).map(parsePermitArg);
  if (values.rules !== undefined && values.rules !== 'all') {
    throw new CliError(`--rules "${values.rules}" must be "all" (or name rules one by one with --rule ID)`, 2);
  }
  let ruleIds: string[] | undefined;
  if (values.rules === 'all' || values.rule !== undefined) {
    try {
      ruleIds = resolveRuleIds(loadReferenceData(), values.rules === 'all' ? 'all' : values.rule!).map((d) => d.id);
    } catch (e) {
      if (e instanceof UnknownRuleError) throw new CliError(e.message, 2);
      throw e;
    }
  }
  const assumed = values.assumed?.toLowerCase();
  if (assumed !== undefined && assumed !== 'count' && assumed !== 'exclude') {
    throw new CliError(`--assumed "${values.assumed}" must be count (days without a record count, the default) or exclude (they count nowhere)`, 2);
  }
  const files = positionals.slice(1);
  for (const file of files) {
    const problem = outputPathProblem(file, values.csv, values.html);
    if (problem) throw new CliError(problem, 2);
  }
  return {
    files,
    asOf,
    json: values.json ?? false,
    layoverHours,
    euroAirportSide: side,
    trips: values.trips ?? false,
    csv: values.csv,
    html: values.html,
    dateOrder: order,
    nationalities,
    residencePermits,
    ...(ruleIds ? { ruleIds } : {}),
    ...(assumed ? { assumed } : {}),
  };
}

/**
 * One `--residence-permit CC:FROM:TO[:long-stay-visa]` value: issuing state, first and last day of validity.
 * @throws CliError (exit 2) naming the value and what is wrong.
 */
function parsePermitArg(value: string): ResidencePermit {
  const [country = '', validFrom = '', validTo = '', kind = 'residence-permit', ...rest] = value.split(':');
  const candidate = { country: country.toUpperCase(), validFrom, validTo, kind };
  const r = ResidencePermitSchema.safeParse(candidate);
  if (rest.length > 0 || !r.success) {
    const why = r.success ? 'has too many parts' : describeZodError(r.error);
    throw new CliError(
      `--residence-permit "${value}" must be CC:YYYY-MM-DD:YYYY-MM-DD (issuing state, first and last day of validity; optionally :long-stay-visa): ${why}`,
      2,
    );
  }
  return r.data;
}

/**
 * The evaluation dates the report accepts: the longest rule period (Schengen: 180 days) ending on `--as-of` must
 * start on or after MIN_TRAVEL_DATE, and the dates after it (latest exit, at most `maxDays` later; next entry,
 * at most one period later) must end on or before MAX_TRAVEL_DATE. Outside, the report would print dates such
 * as `0000-07-06` or `10000-03-31`.
 */
export function asOfRange(): { from: string; to: string; periodDays: number } {
  const periods = reference()?.definitions.flatMap((r) => (r.kind === 'rolling-window' ? [r.params.periodDays] : [])) ?? [];
  const periodDays = Math.max(180, ...periods);
  return { from: addDays(MIN_TRAVEL_DATE, periodDays - 1), to: addDays(MAX_TRAVEL_DATE, -periodDays), periodDays };
}

/** Runs the report and returns its output object. @throws CliError */
export async function buildReport(args: ReportArgs): Promise<ReportOutput> {
  return (await buildReportData(args)).output;
}

/** `buildReport` with the prepared evaluation. @throws CliError */
export async function buildReportData(args: ReportArgs): Promise<ReportData> {
  const { segments, imports } = await loadSegments(args);
  const prepared = prepareEvaluation(segments, {
    asOf: args.asOf,
    nationalities: args.nationalities,
    residencePermits: args.residencePermits,
    assumed: args.assumed ?? 'count',
    evidence: true,
  });
  const evaluation = evaluatePrepared(prepared);
  const ruleResults = args.ruleIds ? evaluateDefinitions(prepared, resolveRuleIds(prepared.reference, args.ruleIds)) : undefined;
  // --as-of is bounded (asOfRange), but planned trips late in 2199 can still push a rule date past the range.
  // (The other kinds' dates stay within a few years of --as-of or of a travel date: always 4-digit years.)
  const rolling = (ruleResults ?? []).flatMap((r) => (r.kind === 'rolling-window' ? [r] : []));
  for (const rule of [...evaluation.rules, ...rolling]) {
    for (const [name, date] of [
      ['window start', rule.windowStart],
      ['latest exit date', rule.latestExitDate],
      ['next entry date', rule.nextEntryDate],
      ['first violation date', rule.firstViolationDate],
    ] as const) {
      if (date !== null && (date < MIN_TRAVEL_DATE || date > MAX_TRAVEL_DATE)) {
        throw new CliError(
          `the ${name} of ${rule.ruleId} would be ${date < MIN_TRAVEL_DATE ? `before ${MIN_TRAVEL_DATE}` : `after ${MAX_TRAVEL_DATE}`}, outside the dates the report handles; check the dates of planned trips and of the last segments`,
          1,
        );
      }
    }
  }
  const out: ReportOutput = {
    asOf: evaluation.asOf,
    countryDays: evaluation.countryDays,
    countryDaysByYear: evaluation.countryDaysByYear,
    assumedCountryDays: evaluation.assumedCountryDays ?? {},
    assumedCountryDaysByYear: evaluation.assumedCountryDaysByYear ?? {},
    evidence: evidenceSummary(prepared.evidence!),
    rules: evaluation.rules.map(({ currentStayStart: _c, ...r }) => r),
    // With several files, each import warning names its file ("b.csv: row 12: ...").
    warnings: [
      ...imports.flatMap((i) => (args.files.length > 1 ? i.warnings.map((w) => `${path.basename(i.file)}: ${w}`) : i.warnings)),
      ...evaluation.warnings,
    ],
  };
  if (ruleResults) out.ruleResults = ruleResults;
  if (imports.length) {
    out.imports = imports.map(({ warnings: _w, ...i }) => i);
    if (args.files.length === 1) out.import = out.imports[0];
  }
  if (args.trips) out.stays = computeStays(prepared.presence);
  return { output: out, prepared };
}

/** The report prints names from the seed; a broken seed must not hide the numbers, so it falls back to codes. */
function reference(): ReferenceData | undefined {
  try {
    return loadReferenceData();
  } catch {
    return undefined;
  }
}

/** The readable report: rule status, days per country per year, warnings, import summary. */
export function formatReport(r: ReportOutput, files: readonly string[], evidence: PresenceEvidence | null = null, assumed: AssumedMode = 'count'): string {
  const ref = reference();
  const lines: string[] = [];
  const ends = evidence ? historyEndsLine(evidence, assumed, ref) : null;
  if (ends) lines.push(ends);
  lines.push(`Travel report for ${files.map((f) => path.basename(f)).join(', ')} as of ${r.asOf}`);
  // The selected rules (--rule, --rules all) replace the default ones in the text.
  if (r.ruleResults) for (const rule of r.ruleResults) lines.push('', ...renderRuleResult(rule, ref?.definition(rule.ruleId), r.asOf, ref));
  else for (const rule of r.rules) lines.push('', ...renderRollingWindow(rule, ref?.rule(rule.ruleId), r.asOf));
  lines.push('');
  const name = (c: string) => `${c} ${ref?.countryName(c) ?? ''}`.trimEnd();
  lines.push(...renderYearTable(yearTable(r.countryDays, r.countryDaysByYear), r.asOf, name));
  if (r.stays) lines.push('', ...renderStays(r.stays, r.asOf, name));
  const warnings = renderWarningGroups(groupWarnings(r.warnings, 3, warningFiles(r)));
  if (warnings.length) lines.push('', ...warnings);
  for (const i of r.imports ?? []) lines.push('', ...renderImport(i, (r.imports ?? []).length > 1));
  return lines.join('\n');
}

/** Where `main` writes: process.stdout/stderr, or a capture in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/** Longest error line printed (characters); messages quoting input must not flood the terminal. */
const MAX_ERROR_LINE = 1000;

/** The first line of an error message, cut on a grapheme boundary. */
function oneLine(message: string): string {
  return truncateText(message.split('\n')[0] ?? '', MAX_ERROR_LINE);
}

/** Entry point of the `travel-days` executable (the package's `bin`); returns the process exit code. */
export async function main(argv: readonly string[], out: TextSink = process.stdout, err: TextSink = process.stderr): Promise<number> {
  try {
    const args = parseReportArgs(argv);
    const data = await buildReportData(args);
    const report = data.output;
    for (const note of writeReportFiles(args, data, reference())) err.write(`travel-days: ${note}\n`);
    out.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, args.files, data.prepared.evidence, args.assumed ?? 'count')}\n`);
    return 0;
  } catch (e) {
    if (e instanceof CliError) {
      const message = e.exitCode === 0 ? e.message : oneLine(e.message);
      (e.exitCode === 0 ? out : err).write(`${e.exitCode === 0 ? '' : 'travel-days: '}${message}\n`);
      return e.exitCode;
    }
    err.write(`travel-days: ${oneLine((e as Error).message)}\n`);
    return 1;
  }
}
