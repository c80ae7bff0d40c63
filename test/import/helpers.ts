/** Helpers shared by the import tests. */
import * as path from 'node:path';
import type { ImportedSegment } from '@travel-time-tracker/import';

export const FIXTURES = path.resolve(__dirname, '../fixtures/import');

/** The text as a stream of small Buffer chunks, so that line endings and UTF-8 sequences straddle chunks. */
export async function* chunked(text: string | Buffer, size = 7): AsyncGenerator<Buffer> {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

/** `row -> segment` for readable assertions. */
export function byRow(segments: readonly ImportedSegment[]): Map<number, ImportedSegment> {
  return new Map(segments.map((s) => [s.row, s]));
}
