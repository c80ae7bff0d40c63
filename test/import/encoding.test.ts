/**
 * Text encodings of real exports: UTF-8 with or without a byte-order mark, UTF-16 little/big endian (Excel's
 * "Unicode text"), and Windows-1252/Latin-1 (older Excel "CSV" in Western Europe). The importer detects the
 * encoding, says in `encoding` which one it used, and warns when it had to assume one; it never stores U+FFFD
 * for bytes it could not read.
 */
import { ImportFileError, importFlights, type ImportResult } from '@travel-time-tracker/import';
import { chunked } from './helpers';

const CSV = 'date,from,to,notes\n2024-01-01,CDG,JFK,Gunnbjørn € Zürich\n2024-01-02,JFK,CDG,😀 ok\n';
const NOTES = ['Gunnbjørn € Zürich', '😀 ok'];

const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => {
  const b = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1]!, b[i]!];
  return b;
};
/** Windows-1252 bytes of ASCII text plus ø (F8), ü (FC), € (80). */
const cp1252 = (s: string) => Buffer.from([...s].map((c) => ({ ø: 0xf8, ü: 0xfc, '€': 0x80 })[c] ?? c.charCodeAt(0)));

const run = (bytes: Buffer, size = 7) => importFlights(chunked(bytes, size), { importDate: '2024-06-01' });

function notes(r: ImportResult): (string | undefined)[] {
  return r.segments.map((s) => s.notes);
}

describe('encodings are detected and named', () => {
  const latin = 'date,from,to,notes\n2024-01-01,CDG,JFK,Gunnbjørn € Zürich\n';
  test.each([
    // [case, bytes, chunk size, encoding, notes, warning pattern or null]
    ['UTF-8 without BOM', Buffer.from(CSV, 'utf8'), 7, 'UTF-8', NOTES, null],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV, 'utf8')]), 7, 'UTF-8', NOTES, null],
    ['UTF-16LE with BOM, code units split across chunks', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(CSV)]), 7, 'UTF-16LE', NOTES, null],
    ['UTF-16BE with BOM, code units split across chunks', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(CSV)]), 7, 'UTF-16BE', NOTES, null],
    ['UTF-16LE with BOM, one chunk', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(CSV)]), 1 << 16, 'UTF-16LE', NOTES, null],
    ['UTF-16LE without BOM', utf16le(CSV), 7, 'UTF-16LE', NOTES, /no byte-order mark.*UTF-16LE/],
    ['Windows-1252 (Latin-1)', cp1252(latin), 7, 'windows-1252', ['Gunnbjørn € Zürich'], /not UTF-8.*line 2.*Windows-1252/],
    [
      'Windows-1252 whose first accent comes after 70 KB of ASCII',
      cp1252(`date,from,to,notes\n${'2024-01-01,CDG,JFK,plain\n'.repeat(2900)}2024-01-02,JFK,CDG,Gunnbjørn\n`),
      4096,
      'windows-1252',
      null,
      /not UTF-8.*line 2902.*Windows-1252/,
    ],
  ])('%s', async (_name, bytes, size, encoding, expectedNotes, warning) => {
    const r = await run(bytes, size);
    expect(r.encoding).toBe(encoding);
    if (expectedNotes) expect(notes(r)).toEqual(expectedNotes);
    expect(JSON.stringify(r)).not.toContain('\ufffd');
    const found = r.warnings.filter((w) => /encoding|UTF|Windows-1252/.test(w));
    if (warning) expect(found).toEqual([expect.stringMatching(warning)]);
    else expect(found).toEqual([]);
  });

  test('the Windows-1252 file after 70 KB keeps its accents and every row', async () => {
    const text = `date,from,to,notes\n${'2024-01-01,CDG,JFK,plain\n'.repeat(2900)}2024-01-02,JFK,CDG,Gunnbjørn\n`;
    const r = await run(cp1252(text), 4096);
    expect(r.rows).toBe(2901);
    expect(r.segments.at(-1)?.notes).toBe('Gunnbjørn');
  });
});

describe('files that cannot be decoded are refused with one clear error', () => {
  test.each([
    [
      'UTF-8 text, then a byte that is not UTF-8',
      Buffer.concat([
        Buffer.from('date,from,to,notes\n2024-01-01,CDG,JFK,Gunnbjørn\n', 'utf8'),
        Buffer.from('2024-01-02,JFK,CDG,'),
        Buffer.from([0xf8]),
        Buffer.from('\n'),
      ]),
      /line 3 .*not UTF-8.*save the file as UTF-8/,
    ],
    [
      'UTF-16LE with a lone surrogate',
      Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('date,from,to\n2024-01-01,CDG,JFK\n'), Buffer.from([0x3d, 0xd8, 0x0a, 0x00])]),
      /not valid UTF-16LE/,
    ],
    [
      'UTF-16LE with an odd number of bytes',
      Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('date,from,to\n2024-01-01,CDG,JFK\n'), Buffer.from([0x41])]),
      /not valid UTF-16LE/,
    ],
    [
      'binary data is still called binary',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00, 0xc3, 0xa9, 0xff, 0xfe, 0x00, 0x00, 0x0a]),
      /binary/,
    ],
  ])('%s', async (_name, bytes, message) => {
    const e = await run(bytes).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportFileError);
    expect((e as Error).message).toMatch(message);
  });
});
