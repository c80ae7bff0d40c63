/**
 * Bytes to text for the import: the encoding is detected, never guessed silently.
 *
 * - A byte-order mark decides: `EF BB BF` UTF-8, `FF FE` UTF-16LE, `FE FF` UTF-16BE (Excel's "Unicode text").
 * - Without one, UTF-16 is recognised by its zero bytes (ASCII text in UTF-16 has a zero in every other byte);
 *   the result says it was assumed.
 * - Otherwise the file is UTF-8 if it decodes as UTF-8. If its first non-ASCII byte is not UTF-8, the file is
 *   read as Windows-1252 (the superset of Latin-1 that older Excel writes in Western Europe), and the result
 *   says so: a Latin-1 file is almost never valid UTF-8 (`ø` is the lone byte F8), while a UTF-8 file whose
 *   first accent decoded fine and a later byte does not mixes encodings and is refused.
 *
 * Decoding is fatal: a byte that cannot be read is never turned into U+FFFD.
 */
import { TextDecoder } from 'node:util';
import { ImportFileError, type TextEncodingName } from './types';

/** What `decodeText` found: the encoding and, when it was assumed rather than marked, a sentence saying why. */
export interface DetectedEncoding {
  encoding: TextEncodingName;
  assumption?: string;
}

/** Bytes looked at to recognise UTF-16 without a byte-order mark. */
const SNIFF_BYTES = 512;

/**
 * Decodes a stream of chunks to text chunks. Strings pass through unchanged (already text).
 * @param onDetected called once, before the first text chunk, with the encoding used.
 * @throws ImportFileError when the bytes are not valid in the detected encoding (mixed encodings, a lone
 *   surrogate or an odd byte count in UTF-16); binary data (NUL bytes) is left to the caller's binary check.
 */
export async function* decodeText(source: AsyncIterable<Buffer | Uint8Array | string>, onDetected: (found: DetectedEncoding) => void): AsyncGenerator<string> {
  const it = source[Symbol.asyncIterator]();
  // Gather the first bytes: BOM and UTF-16 detection need a few hundred, and chunks may be tiny.
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  for (;;) {
    if (headLength >= SNIFF_BYTES) break;
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    if (typeof next.value === 'string') {
      // A text source: nothing to detect.
      onDetected({ encoding: 'UTF-8' });
      for (const b of head) yield new TextDecoder('utf-8').decode(b);
      yield next.value;
      for (;;) {
        const more = await it.next();
        if (more.done) return;
        yield typeof more.value === 'string' ? more.value : new TextDecoder('utf-8').decode(more.value);
      }
    }
    const b = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    head.push(b);
    headLength += b.length;
  }
  const first = Buffer.concat(head);
  const found = detect(first);
  onDetected(found);

  const decoder = found.encoding === 'UTF-8' ? new Utf8OrLatin1(onDetected) : new Utf16(found.encoding);
  const out = decoder.push(first);
  if (out) yield out;
  if (!ended) {
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      const text = decoder.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (text) yield text;
    }
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

function detect(b: Buffer): DetectedEncoding & { encoding: 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' } {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'UTF-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'UTF-16LE' };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'UTF-16BE' };
  const pairs = Math.floor(Math.min(b.length, SNIFF_BYTES) / 2);
  if (pairs >= 8) {
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < pairs; i++) {
      if (b[2 * i] === 0) zeroEven++;
      if (b[2 * i + 1] === 0) zeroOdd++;
    }
    const because = (e: string) => `the file has no byte-order mark; read as ${e} because every other byte is zero (how UTF-16 stores plain text)`;
    if (zeroOdd >= 0.9 * pairs && zeroEven <= 0.1 * pairs) return { encoding: 'UTF-16LE', assumption: because('UTF-16LE') };
    if (zeroEven >= 0.9 * pairs && zeroOdd <= 0.1 * pairs) return { encoding: 'UTF-16BE', assumption: because('UTF-16BE') };
  }
  return { encoding: 'UTF-8' };
}

class Utf16 {
  private readonly decoder: TextDecoder;
  constructor(private readonly encoding: 'UTF-16LE' | 'UTF-16BE') {
    this.decoder = new TextDecoder(encoding === 'UTF-16LE' ? 'utf-16le' : 'utf-16be', { fatal: true });
  }
  push(b: Buffer): string {
    return this.run(() => this.decoder.decode(b, { stream: true }));
  }
  end(): string {
    return this.run(() => this.decoder.decode());
  }
  private run(fn: () => string): string {
    try {
      return fn();
    } catch {
      throw new ImportFileError(`the file is not valid ${this.encoding} text (a lone surrogate or an odd number of bytes); save it again as UTF-8`);
    }
  }
}

/**
 * UTF-8, switching to Windows-1252 when the first non-ASCII byte of the file is not UTF-8. Chunks are split at
 * the last complete UTF-8 sequence so that every decode call sees whole characters and the first bad byte's
 * position is known.
 */
class Utf8OrLatin1 {
  private latin1 = false;
  private sawNonAscii = false;
  private carry: Buffer = Buffer.alloc(0);
  private lines = 0;
  // ignoreBOM: each call is a separate decode; only the file's first character may be a byte-order mark.
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly cp1252 = new TextDecoder('windows-1252');
  private first = true;

  constructor(private readonly onDetected: (found: DetectedEncoding) => void) {}

  push(chunk: Buffer): string {
    let b = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (this.latin1) return this.cp1252.decode(b);
    const cut = completeLength(b);
    this.carry = Buffer.from(b.subarray(cut));
    b = b.subarray(0, cut);
    return this.decode(b);
  }

  end(): string {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    if (this.latin1) return this.cp1252.decode(rest);
    return rest.length ? this.decode(rest) : '';
  }

  private decode(b: Buffer): string {
    const bad = firstInvalidUtf8(b);
    if (bad < 0) {
      let text = this.utf8.decode(b);
      if (this.first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = this.first && b.length === 0;
      if (!this.sawNonAscii && b.some((x) => x >= 0x80)) this.sawNonAscii = true;
      this.lines += countLineBreaks(text);
      return text;
    }
    const ascii = b.findIndex((x) => x >= 0x80);
    const line = this.lines + countLineBreaks(b.subarray(0, bad).toString('latin1')) + 1;
    if (!this.sawNonAscii && ascii === bad) {
      this.latin1 = true;
      this.onDetected({
        encoding: 'windows-1252',
        assumption:
          `the file is not UTF-8: its first accented character (line ${line}) is not UTF-8, so the file was read as ` +
          'Windows-1252 (Latin-1, what older Excel writes); check that names with accents look right, or save the file as UTF-8',
      });
      return this.cp1252.decode(b);
    }
    if (b.includes(0)) throw new ImportFileError('the file is binary, not a text export (CSV or App in the Air data.txt)');
    throw new ImportFileError(
      `line ${line} has a byte that is not UTF-8 (0x${b[bad]!.toString(16).toUpperCase()}) while earlier text is UTF-8: the file mixes ` +
        'encodings; save the file as UTF-8',
    );
  }
}

function countLineBreaks(s: string): number {
  return s.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** Length of the prefix of `b` that does not end inside a multi-byte UTF-8 sequence. */
function completeLength(b: Buffer): number {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const x = b[b.length - back]!;
    if (x < 0x80) return b.length; // ASCII: nothing pending
    if (x >= 0xc0) {
      // A lead byte `back` bytes from the end: complete only if its sequence length fits.
      const need = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : 2;
      return need > back ? b.length - back : b.length;
    }
  }
  return b.length;
}

/**
 * Index of the first byte that makes `b` invalid UTF-8 (WHATWG decoder rules: no overlong forms, no surrogates,
 * nothing above U+10FFFF), or -1 when `b` is valid. A sequence cut off by the end of `b` is invalid.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const x = b[i]!;
    if (x < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (x >= 0xc2 && x <= 0xdf) n = 1;
    else if (x >= 0xe0 && x <= 0xef) {
      n = 2;
      if (x === 0xe0) lo = 0xa0;
      if (x === 0xed) hi = 0x9f;
    } else if (x >= 0xf0 && x <= 0xf4) {
      n = 3;
      if (x === 0xf0) lo = 0x90;
      if (x === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const y = b[i + k];
      if (y === undefined || y < (k === 1 ? lo : 0x80) || y > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}
