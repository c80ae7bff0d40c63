/**
 * The input of `travel-days report`: one or more files (flight-history exports in any supported format, or JSON
 * segment files) read into one list of segments. Each export goes through the import pipeline with the segments
 * of the files before it as `existing`, so that the same journey in two files counts once by the rule the backend
 * applies across imports (the import package's `journeyKey`, then {@link segmentIdFor}).
 *
 * An export that gives no confident answer ({@link importFailure}: no row imported while some were refused, or more
 * than half refused) stops the command with one message per reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ZodError } from 'zod';
import { SegmentFileSchema, type IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { DateOrderNeededError, importFile } from '@travel-time-tracker/import';
import { segmentIdFor } from '@travel-time-tracker/import/journeys';
import { groupSkipped, importFailure, skipKind } from '@travel-time-tracker/import/skipReasons';
import { ImportFileError, type ImportResult, type SkippedRow } from '@travel-time-tracker/import/types';
import { CliError } from './cliError';
import type { ImportSummary, ReportArgs } from './reportShapes';

/** Problems shown in a JSON validation error; a file with 20 000 bad segments must not print 20 000 of them. */
const MAX_SHOWN_PROBLEMS = 3;

/** `describeZodError` over the first few issues, then how many more there are: one short line. */
function shortZodError(error: ZodError): string {
  const shown = describeZodError(new ZodError(error.issues.slice(0, MAX_SHOWN_PROBLEMS)));
  const more = error.issues.length - MAX_SHOWN_PROBLEMS;
  return more > 0 ? `${shown}; and ${more} more problems` : shown;
}

/** A plain sentence for a file that cannot be opened (never the raw errno text). */
function unreadable(file: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : 'the file cannot be opened';
  return new CliError(`cannot read ${file}: ${why}`, 1);
}

/** A JSON segment file (`{ "segments": [...] }`); ids `segment-N` where none is given. */
function readSegmentFile(file: string, label: string): IdentifiedSegment[] {
  let data: unknown;
  try {
    // A byte-order mark is how Windows editors mark UTF-8; JSON.parse does not skip it.
    data = JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw unreadable(file, e);
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`, 1);
  }
  const parsed = SegmentFileSchema.safeParse(data);
  if (!parsed.success) throw new CliError(`${file}: ${shortZodError(parsed.error)}`, 1);
  return parsed.data.segments.map((s, i) => ({ ...s, id: s.id ?? `${label}segment-${i + 1}` }));
}

async function importOne(file: string, args: ReportArgs, existing: readonly IdentifiedSegment[]): Promise<ImportResult> {
  try {
    return await importFile(file, {
      importDate: args.asOf,
      layoverHours: args.layoverHours,
      euroAirportSide: args.euroAirportSide,
      dateOrder: args.dateOrder,
      existing,
    });
  } catch (e) {
    if (e instanceof DateOrderNeededError) {
      throw new CliError(
        `${file}: ${DateOrderNeededError.explain(e.example)}: run again with --date-order DMY (day first) or --date-order MDY (month first)`,
        1,
      );
    }
    // The pipeline's messages name its option `dateOrder`; here it is the flag.
    if (e instanceof ImportFileError) throw new CliError(`${file}: ${e.message.replace(/\bdateOrder\b/g, '--date-order')}`, 1);
    throw e;
  }
}

/** The pipeline calls a repeat of an `existing` segment "already imported"; here those are the earlier files. */
const acrossFiles = (reason: string): string => reason.replace(/^(row \d+: )already imported \(/, '$1the same journey as in an earlier file (');

/**
 * Reads every file of `args.files`, in order. Segment ids name the row (`row 12`), and the file too when there are
 * several (`b.csv row 12`), so that warnings about a segment say where it comes from.
 * @throws CliError (exit 1) naming the file: unreadable, malformed, or giving no confident answer.
 */
export async function loadSegments(args: ReportArgs): Promise<{ segments: IdentifiedSegment[]; imports: ImportSummary[] }> {
  const several = args.files.length > 1;
  const segments: IdentifiedSegment[] = [];
  const imports: ImportSummary[] = [];
  const seenIds = new Map<string, string>();
  for (const file of args.files) {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch (e) {
      throw unreadable(file, e);
    }
    if (!stat.isFile()) throw new CliError(`cannot read ${file}: it is not a file`, 1);
    const label = several ? `${path.basename(file)} ` : '';
    if (path.extname(file).toLowerCase() === '.json') {
      for (const s of readSegmentFile(file, label)) segments.push(s);
      continue;
    }
    const result = await importOne(file, args, segments);
    const refused = importFailure(result);
    if (refused) throw new CliError(`${file}: ${refused.message}`, 1);
    const skipped: SkippedRow[] = [...result.skipped];
    let kept = 0;
    let crossings = 0;
    for (const { row, planned: _planned, ...s } of result.segments) {
      // The backend's second check across imports: the same content id is the same journey.
      const id = segmentIdFor(s);
      const first = seenIds.get(id);
      if (first !== undefined) {
        skipped.push({ row, reason: `row ${row}: the same journey as ${first}`, kind: 'duplicate', duplicate: true });
        continue;
      }
      seenIds.set(id, `${path.basename(file)} row ${row}`);
      segments.push({ ...s, id: `${label}row ${row}` });
      kept++;
      if (s.mode !== 'flight') crossings++;
    }
    skipped.sort((a, b) => a.row - b.row);
    imports.push({
      file,
      format: result.format,
      encoding: result.encoding,
      rows: result.rows,
      flights: kept,
      crossings,
      // The reason already names the row ("row 18: cancelled flight"); a duplicate says so ("duplicate of row 3").
      skipped: skipped.map((s) => ({ row: s.row, reason: acrossFiles(s.reason), kind: s.kind ?? skipKind(s.reason, s.duplicate === true) })),
      skipGroups: groupSkipped(skipped),
      warnings: result.warnings,
    });
  }
  return { segments, imports };
}
