/**
 * The `travel-days report` command: from a flight-history export (any supported format) or a JSON segment file
 * to days per country and the visa-rule status, using the same import pipeline and core as the Cloud Functions.
 *
 *     travel-days report <file> [--as-of YYYY-MM-DD] [--json] [--layover-hours N] [--euroairport FR|CH]
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
 * Exit codes: 0 success; 2 bad arguments; 1 unreadable or malformed input file. Errors are one line on stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { ResidencePermitSchema, type ResidencePermit } from '@travel-time-tracker/core/applicability';
import { addDays, isIsoDate } from '@travel-time-tracker/core/dates';
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { evaluatePrepared, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { DateOrderNeededError, importFile } from '@travel-time-tracker/import';
import { truncateText } from '@travel-time-tracker/import/text';
import { ImportFileError, type ImportResult } from '@travel-time-tracker/import/types';
import { MAX_TRAVEL_DATE, MIN_TRAVEL_DATE, SegmentFileSchema, type IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { ZodError } from 'zod';
import { loadReferenceData, type ReferenceData } from '@travel-time-tracker/core/referenceData';
import { evaluateDefinitions, resolveRuleIds, UnknownRuleError } from '@travel-time-tracker/core/ruleResults';
import { computeStays } from '@travel-time-tracker/core/stays';
import { evidenceSummary } from '@travel-time-tracker/core/evidence';
import { historyEndsLine } from './render/evidence';
import { outputPathProblem, writeReportFiles } from './render/files';
import { yearTable } from './render/table';
import { renderRollingWindow, renderRuleResult } from './render/rules';
import { renderStays, renderWarningGroups, renderYearTable } from './render/text';
import { groupWarnings } from './render/warnings';
import type { ReportArgs, ReportData, ReportOutput } from './reportShapes';
import type { AssumedMode, PresenceEvidence } from '@travel-time-tracker/core/evidence';

/** A user error: printed as one line, exit code `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const USAGE =
  'usage: travel-days report <file> [--as-of YYYY-MM-DD] [--json] [--layover-hours N] [--euroairport FR|CH] [--trips] [--csv FILE] [--html FILE] [--date-order DMY|MDY|YMD] [--nationality CC[,CC]] [--residence-permit CC:FROM:TO]... [--rule ID]... [--rules all] [--assumed count|exclude]';

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
  if (values.help) throw new CliError(USAGE, 0);
  if (positionals[0] !== 'report') throw new CliError(`unknown command "${positionals[0] ?? ''}". ${USAGE}`, 2);
  if (positionals.length !== 2) throw new CliError(`report takes exactly one file. ${USAGE}`, 2);
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
  const file = positionals[1] as string;
  const problem = outputPathProblem(file, values.csv, values.html);
  if (problem) throw new CliError(problem, 2);
  return {
    file,
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

/** Problems shown in a JSON validation error; a file with 20 000 bad segments must not print 20 000 of them. */
const MAX_SHOWN_PROBLEMS = 3;

/** `describeZodError` over the first few issues, then how many more there are: one short line. */
function shortZodError(error: ZodError): string {
  const shown = describeZodError(new ZodError(error.issues.slice(0, MAX_SHOWN_PROBLEMS)));
  const more = error.issues.length - MAX_SHOWN_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more problems` : shown;
}

async function loadSegments(args: ReportArgs): Promise<{ segments: IdentifiedSegment[]; imported?: ImportResult }> {
  let stat;
  try {
    stat = fs.statSync(args.file);
  } catch {
    throw new CliError(`cannot read ${args.file}: no such file`, 1);
  }
  if (!stat.isFile()) throw new CliError(`cannot read ${args.file}: not a file`, 1);
  if (path.extname(args.file).toLowerCase() === '.json') {
    let data: unknown;
    try {
      // A byte-order mark is how Windows editors mark UTF-8; JSON.parse does not skip it.
      data = JSON.parse(fs.readFileSync(args.file, 'utf8').replace(/^\ufeff/, ''));
    } catch (e) {
      throw new CliError(`${args.file} is not valid JSON: ${(e as Error).message}`, 1);
    }
    const parsed = SegmentFileSchema.safeParse(data);
    if (!parsed.success) throw new CliError(`${args.file}: ${shortZodError(parsed.error)}`, 1);
    return { segments: parsed.data.segments.map((s, i) => ({ ...s, id: s.id ?? `segment-${i + 1}` })) };
  }
  try {
    const imported = await importFile(args.file, {
      importDate: args.asOf,
      layoverHours: args.layoverHours,
      euroAirportSide: args.euroAirportSide,
      dateOrder: args.dateOrder,
    });
    const segments = imported.segments.map(({ row, planned: _planned, ...s }) => ({ ...s, id: `row-${row}` }));
    return { segments, imported };
  } catch (e) {
    if (e instanceof DateOrderNeededError) {
      throw new CliError(
        `${args.file}: ${DateOrderNeededError.explain(e.example)}: run again with --date-order DMY (day first) or --date-order MDY (month first)`,
        1,
      );
    }
    // The pipeline's messages name its option `dateOrder`; here it is the flag.
    if (e instanceof ImportFileError) throw new CliError(`${args.file}: ${e.message.replace(/\bdateOrder\b/g, '--date-order')}`, 1);
    throw e;
  }
}

/** Runs the report and returns its output object. @throws CliError */
export async function buildReport(args: ReportArgs): Promise<ReportOutput> {
  return (await buildReportData(args)).output;
}

/** `buildReport` with the prepared evaluation. @throws CliError */
export async function buildReportData(args: ReportArgs): Promise<ReportData> {
  const { segments, imported } = await loadSegments(args);
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
    warnings: [...(imported?.warnings ?? []), ...evaluation.warnings],
  };
  if (ruleResults) out.ruleResults = ruleResults;
  if (imported) {
    // The documented shape is `{ row, reason }`; a duplicate says so in its reason ("duplicate of row 3").
    const skipped = imported.skipped.map(({ row, reason }) => ({ row, reason }));
    out.import = { format: imported.format, encoding: imported.encoding, rows: imported.rows, flights: imported.flights, skipped };
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
export function formatReport(r: ReportOutput, file: string, evidence: PresenceEvidence | null = null, assumed: AssumedMode = 'count'): string {
  const ref = reference();
  const lines: string[] = [];
  const ends = evidence ? historyEndsLine(evidence, assumed, ref) : null;
  if (ends) lines.push(ends);
  lines.push(`Travel report for ${path.basename(file)} as of ${r.asOf}`);
  // The selected rules (--rule, --rules all) replace the default ones in the text.
  if (r.ruleResults) for (const rule of r.ruleResults) lines.push('', ...renderRuleResult(rule, ref?.definition(rule.ruleId), r.asOf, ref));
  else for (const rule of r.rules) lines.push('', ...renderRollingWindow(rule, ref?.rule(rule.ruleId), r.asOf));
  lines.push('');
  const name = (c: string) => `${c} ${ref?.countryName(c) ?? ''}`.trimEnd();
  lines.push(...renderYearTable(yearTable(r.countryDays, r.countryDaysByYear), r.asOf, name));
  if (r.stays) lines.push('', ...renderStays(r.stays, r.asOf, name));
  const warnings = renderWarningGroups(groupWarnings(r.warnings));
  if (warnings.length) lines.push('', ...warnings);
  if (r.import) {
    lines.push('');
    lines.push(
      `Import: format ${r.import.format}, encoding ${r.import.encoding}, ${r.import.rows} rows, ${r.import.flights} flights, ${r.import.skipped.length} skipped`,
    );
    // Reasons already start with their row ("row 18: cancelled flight"); print them as they are.
    for (const s of r.import.skipped) lines.push(`  ${s.reason.startsWith(`row ${s.row}: `) ? s.reason : `row ${s.row}: ${s.reason}`}`);
  }
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
    out.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, args.file, data.prepared.evidence, args.assumed ?? 'count')}\n`);
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
