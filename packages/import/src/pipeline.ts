/**
 * The import pipeline: a stream of bytes (a flight-history export) in, validated segments out.
 *
 * bytes -> text (streaming decoder; UTF-8, UTF-16 or Windows-1252, detected: {@link decodeText}) -> format detection on
 * the first lines -> numbered lines -> records (csv-parse's streaming parser with stray-quote recovery;
 * or the line readers of App in the Air `data.txt` and whitespace logs) -> rows read with the
 * file's day/month order (rows wait while it is unknown: {@link DateOrderResolver}) -> per-row resolution (airports or
 * countries, local dates through time zones, cancellations, duplicates, zod) -> a pass over the kept segments
 * for layovers and planned trips. Memory holds the output and one small entry per kept segment, never the file
 * (plus, in a file whose first dates are ambiguous, the rows up to the first date that shows the order).
 *
 * Every data row ends either as a segment or in `skipped` with its 1-based line number and a reason
 * (`flights + skipped.length === rows`). A file that cannot be read at all raises one `ImportFileError`.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { parseOrThrow } from '@travel-time-tracker/core/validation';
import { loadAirports } from './airports';
import { isBlankLine } from './csvRecords';
import { DateOrderResolver } from './dateOrder';
import { decodeText, type DetectedEncoding } from './encoding';
import { detect } from './formats/detect';
import { HEAD_BYTES, checkHead, readHead, replay, rowsOf, settleDates } from './lines';
import { ExistingSchema, OptionsSchema, type ImportOptions } from './options';
import { Collector } from './resolution';
import { ImportFileError, type ImportResult } from './types';
import { quote } from './text';

/** Source of an import: any async iterable of chunks (a Node readable stream, a Storage download stream, ...). */
export type ImportSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;

/**
 * Imports one flight-history export.
 *
 * @param source the file's bytes as a stream: UTF-8, UTF-16 or Windows-1252, detected (see {@link decodeText}; the
 *   result names it). Read once, never whole into memory.
 * @param options see `ImportOptions`.
 * @returns the segments (in file order) and the skipped rows; `format` is the detected format.
 * @throws ImportFileError when the file is empty, binary, of no supported format, has no data rows, exceeds
 *   `maxRows`, mixes text encodings, writes dates in two day/month orders (or in an order `dateOrder`
 *   contradicts), or is not well-formed CSV (a quote that never closes before lines that are not rows);
 *   `DateOrderNeededError` (a subclass) when every date is ambiguous and `dateOrder` is absent. Nothing is
 *   returned then.
 * @throws ValidationError when `options` are invalid.
 */
export async function importFlights(source: ImportSource, options: ImportOptions = {}): Promise<ImportResult> {
  const opts = parseOrThrow(OptionsSchema, options, 'import options');
  const existing = options.existing ? parseOrThrow(z.array(ExistingSchema), options.existing, 'existing') : [];
  await loadAirports();

  let encoding: DetectedEncoding = { encoding: 'UTF-8' };
  const text = decodeText(source as AsyncIterable<Buffer | Uint8Array | string>, (found) => (encoding = found))[Symbol.asyncIterator]();
  const head = await readHead(text);
  checkHead(head.text, head.ended);
  const firstLines = head.text.split(/\r\n|\r|\n/).slice(0, 30);
  if (!head.ended) firstLines.pop(); // the last piece may be a partial line
  if (firstLines.length === 0) {
    throw new ImportFileError(`no line break in the first ${HEAD_BYTES / 1024} KB: not a flight-history export`);
  }
  const opening = head.text.replace(/^\ufeff/, '').trimStart()[0];
  if (opening === '{' || opening === '[') {
    throw new ImportFileError(
      'the file is JSON, which the import does not read: export your history as CSV (myFlightradar24, Flighty and OpenFlights ' +
        "have a CSV export; App in the Air's is data.txt) or copy it into the generic CSV template (columns date,from,to)",
    );
  }
  const detection = detect(firstLines);
  if (!detection) {
    const firstLine = firstLines.find((l) => !isBlankLine(l)) ?? '';
    throw new ImportFileError(
      `unrecognised file format: the first line ${quote(firstLine)} is not the header or a data row of a supported export ` +
        '(OpenFlights, myFlightradar24, Flighty, App in the Air data.txt, or a CSV with date,from,to columns): ' +
        'export the history from the app as it is, or give the file a header line naming its date, from and to columns',
    );
  }
  // The encoding can still change after detection (Windows-1252 is recognised at the first accented byte).
  const collector = new Collector(detection.format, opts, existing, () => encoding);
  const chunks = replay(head.text, text);
  const dates = new DateOrderResolver(opts.dateOrder);
  const rows = rowsOf(detection, chunks, (m) => collector.fileWarning(m), dates);
  for await (const parsed of settleDates(rows, dates, opts.maxRows)) collector.add(parsed);
  return collector.finish();
}

/**
 * Imports the file at `path` (streamed, see `importFlights`).
 * @throws ImportFileError as `importFlights`, and when the file cannot be opened.
 */
export async function importFile(path: string, options: ImportOptions = {}): Promise<ImportResult> {
  let stream: fs.ReadStream;
  try {
    await fs.promises.access(path, fs.constants.R_OK);
    stream = fs.createReadStream(path, { highWaterMark: 64 * 1024 });
  } catch (e) {
    // A sentence, never the raw errno text ("ENOENT: no such file or directory, access ...").
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : 'the file cannot be opened';
    throw new ImportFileError(`cannot open '${path}': ${why}`);
  }
  try {
    return await importFlights(stream, options);
  } finally {
    stream.destroy();
  }
}
