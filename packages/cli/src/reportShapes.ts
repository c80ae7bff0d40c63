/**
 * The shapes of the `travel-days report` command: its parsed arguments, its `--json` output and the evaluation
 * behind it. Apart from the command itself so that the renderers read them without importing the command.
 */
import type { ResidencePermit } from '@travel-time-tracker/core/applicability';
import type { PreparedEvaluation, TravelEvaluation } from '@travel-time-tracker/core/evaluate';
import type { RuleResult } from '@travel-time-tracker/core/ruleResults';
import type { Stay } from '@travel-time-tracker/core/stays';
import type { AssumedMode, EvidenceSummary } from '@travel-time-tracker/core/evidence';
import type { DateOrder } from '@travel-time-tracker/import';
import type { SkipGroup, SkipKind } from '@travel-time-tracker/import/skipReasons';

/** The command line, parsed (`parseReportArgs`). */
export interface ReportArgs {
  /** The input files, in the order given (at least one); merged, the same journey counted once. */
  files: string[];
  asOf: string;
  json: boolean;
  layoverHours: number;
  euroAirportSide?: 'FR' | 'CH';
  /** `--trips`: list the stays (text) or add `stays` (JSON). */
  trips: boolean;
  /** `--csv FILE`: days per country per year to FILE, stays to its sibling (`FILE-stays.csv`, or `NAME-stays.csv` for `NAME.csv`). */
  csv?: string;
  /** `--html FILE`: one self-contained page. */
  html?: string;
  /** Order of dates written with the year last, for a file whose values do not show it ({@link DateOrder}). */
  dateOrder?: DateOrder;
  /** `--nationality FR,US`: ISO alpha-2 nationalities, for the rules' exemptions by nationality. */
  nationalities: string[];
  /** `--residence-permit FR:2024-01-01:2025-12-31` (repeatable): permits and long-stay visas ({@link ResidencePermit}). */
  residencePermits: ResidencePermit[];
  /** `--assumed count|exclude` (default count): count the days the records do not support, or leave them out ({@link AssumedMode}). */
  assumed?: AssumedMode;
  /**
   * `--rule ID` (repeatable, in the order given, once each) or `--rules all` (every row, file order): the rule
   * ids to evaluate by kind, checked against seed/visaRules.json; undefined without the flags.
   */
  ruleIds?: string[];
}

/** The `--json` output (also what the readable report prints). */
export interface ReportOutput extends Omit<TravelEvaluation, 'rules'> {
  /** With `--trips`: the stays, each a run of consecutive days in one country ({@link Stay}). */
  stays?: Stay[];
  rules: Omit<TravelEvaluation['rules'][number], 'currentStayStart'>[];
  /** With `--rule`/`--rules all`: the selected rules by kind, in the order selected ({@link RuleResult}). */
  ruleResults?: RuleResult[];
  /**
   * What the figures rest on ({@link EvidenceSummary}): first and last recorded date, the country of
   * the last arrival, days since it, and the country-days up to `asOf` by basis.
   */
  evidence?: EvidenceSummary;
  /** One entry per imported export, in the order given (JSON segment files have none). */
  imports?: Omit<ImportSummary, 'warnings'>[];
  /** With one file: its entry of `imports` (the shape readers of one-file reports know). */
  import?: Omit<ImportSummary, 'warnings'>;
}

/** The output and the presence behind it (for the stays and the chart), from one evaluation. */
export interface ReportData {
  output: ReportOutput;
  prepared: PreparedEvaluation;
}

/** One imported file as the report shows it (`--json` `imports[]`). */
export interface ImportSummary {
  /** The file as named on the command line. */
  file: string;
  format: string;
  encoding: string;
  /** Data rows read. */
  rows: number;
  /** Rows that became segments (flights and land or sea crossings): `flights + skipped.length === rows`. */
  flights: number;
  /** How many of those segments are not flights (train, bus, car, ferry, ...). */
  crossings: number;
  /** Every skipped row, with its reason and kind (import package `SkipKind`). */
  skipped: { row: number; reason: string; kind: SkipKind }[];
  /** The skipped rows grouped by kind (count, every row, three examples, the fix). */
  skipGroups: SkipGroup[];
  /** The import's warnings about this file. */
  warnings: string[];
}
