/**
 * The uploaded object as the import job sees it: which object names are imports, which content types and custom
 * metadata an upload may carry, and how its bytes are read. Pure, except `peekFile`, which pulls one chunk.
 */
import type { DateOrder } from '@travel-time-tracker/import';
import { truncateText } from '@travel-time-tracker/import/text';

/** Custom metadata key of an upload stating the order of its dates (`DMY`, `MDY` or `YMD`; {@link DateOrder}). */
export const DATE_ORDER_METADATA_KEY = 'dateOrder';
const isDateOrder = (v: string): v is DateOrder => v === 'DMY' || v === 'MDY' || v === 'YMD';

/** Custom metadata key/value the backend sets on objects it writes itself; such objects are never imported. */
export const BACKEND_MARKER_KEY = 'tttWrittenBy';
export const BACKEND_MARKER_VALUE = 'backend';

/** Object names the trigger imports: `users/{uid}/imports/{importId}.{ext}`. */
const IMPORT_PATH = /^users\/([^/]{1,128})\/imports\/([A-Za-z0-9_-]{1,128})\.([A-Za-z0-9]{1,8})$/;
export const ACCEPTED_EXTENSIONS = ['csv', 'txt'] as const;

/**
 * Content types accepted for an upload. Spreadsheet exports arrive as `text/csv`, `text/plain`,
 * `application/vnd.ms-excel` (Windows' CSV type) or `application/octet-stream` (no type known); the content is
 * then checked by the importer, which rejects binary data.
 */
export function acceptedContentType(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const t = contentType.split(';')[0]!.trim().toLowerCase();
  return t.startsWith('text/') || t === 'application/csv' || t === 'application/vnd.ms-excel' || t === 'application/octet-stream';
}

export interface ImportPath {
  uid: string;
  importId: string;
  extension: string;
}

/** Parses an object name; null when it is not `users/{uid}/imports/{importId}.{ext}` (not an import upload). */
export function parseImportPath(objectName: string): ImportPath | null {
  const m = IMPORT_PATH.exec(objectName);
  if (!m) return null;
  return { uid: m[1]!, importId: m[2]!, extension: m[3]!.toLowerCase() };
}

/**
 * The date order the upload's custom metadata `dateOrder` states (any case, spaces around ignored): undefined when
 * it states none, or a sentence for the import document when the value is not DMY, MDY or YMD.
 */
export function dateOrderOf(metadata: Record<string, string> | undefined): { dateOrder: DateOrder | undefined } | { error: string } {
  const raw = metadata?.[DATE_ORDER_METADATA_KEY];
  const order = raw?.trim().toUpperCase();
  if (order === undefined) return { dateOrder: undefined };
  if (isDateOrder(order)) return { dateOrder: order };
  return { error: `the upload's custom metadata ${DATE_ORDER_METADATA_KEY} '${truncateText(raw!, 20)}' must be DMY (day first), MDY (month first) or YMD` };
}

/** A byte count for the user, in MiB with one decimal and exact: one byte over the limit still reads as over it. */
export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB (${bytes} bytes)`;
}

/**
 * Pulls the first chunk of a file; null when it does not exist. Returns a stream that yields that chunk and then
 * the rest (the object is read once).
 */
export async function peekFile(source: AsyncIterable<Buffer>): Promise<AsyncIterable<Buffer> | null> {
  const it = source[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await it.next();
  } catch (e) {
    if (e instanceof Error && e.name === 'FileNotFoundError') return null;
    throw e;
  }
  return (async function* () {
    if (!first.done) yield first.value;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })();
}
