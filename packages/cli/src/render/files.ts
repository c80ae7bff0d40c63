/**
 * The files `--csv` and `--html` write. Checked before anything is read (never overwrite the input, never write
 * two outputs to one path); written after the report is computed, so a failed import writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReferenceData } from '@travel-time-tracker/core/referenceData';
import type { ReportArgs, ReportData } from '../reportShapes';
import { csvDays, csvStays } from './csv';
import { renderHtml } from './html';
import { computeStays } from '@travel-time-tracker/core/stays';

/**
 * Where `--csv FILE` writes: FILE gets the days per country per year, and its sibling the stays:
 * `days.csv` -> `days-stays.csv`; a name without `.csv` gets `-stays.csv` appended (`days` -> `days-stays.csv`).
 */
export function csvPaths(file: string): { days: string; stays: string } {
  const ext = path.extname(file);
  const stays = ext.toLowerCase() === '.csv' ? `${file.slice(0, -ext.length)}-stays${ext}` : `${file}-stays.csv`;
  return { days: file, stays };
}

/** A sentence naming the problem when an output path is the input file or two outputs share a path; else undefined. */
export function outputPathProblem(input: string, csv: string | undefined, html: string | undefined): string | undefined {
  const outputs: [string, string][] = [];
  if (csv !== undefined) {
    const p = csvPaths(csv);
    outputs.push(['--csv', p.days], ['--csv (stays)', p.stays]);
  }
  if (html !== undefined) outputs.push(['--html', html]);
  const seen = new Map<string, string>([[path.resolve(input), 'the input file']]);
  for (const [option, file] of outputs) {
    if (file === '') return `${option} needs a file name`;
    const other = seen.get(path.resolve(file));
    if (other) return `${option} "${file}" is ${other === 'the input file' ? 'the input file' : `also the file of ${other}`}; choose another name`;
    seen.set(path.resolve(file), option);
  }
  return undefined;
}

/**
 * Writes the `--csv` and `--html` files of `args` and returns one note per file written ("wrote x.csv (...)").
 * @throws Error "cannot write FILE: reason" (exit code 1 in `main`).
 */
export function writeReportFiles(args: ReportArgs, data: ReportData, ref: ReferenceData | undefined): string[] {
  const files: [string, string, string][] = [];
  if (args.csv !== undefined || args.html !== undefined) {
    const stays = data.output.stays ?? computeStays(data.prepared.presence);
    if (args.csv !== undefined) {
      const p = csvPaths(args.csv);
      files.push([p.days, csvDays(data.output, ref), 'days per country per year']);
      files.push([p.stays, csvStays(stays, ref), 'stays']);
    }
    if (args.html !== undefined)
      files.push([args.html, renderHtml({ report: data.output, prepared: data.prepared, stays, files: args.files, reference: ref }), 'report page']);
  }
  const notes: string[] = [];
  for (const [file, content, what] of files) {
    try {
      fs.writeFileSync(file, content);
    } catch (e) {
      throw new Error(`cannot write ${file}: ${writeProblem((e as NodeJS.ErrnoException).code)}`, { cause: e });
    }
    notes.push(`wrote ${file} (${what})`);
  }
  return notes;
}

/** Why a file cannot be written, in words (never the errno code). */
function writeProblem(code: string | undefined): string {
  if (code === 'ENOENT') return 'its folder does not exist';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOSPC') return 'the disk is full';
  return 'the file cannot be written';
}
