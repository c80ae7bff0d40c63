/**
 * The files people have: semicolon and tab separators (also UTF-16 "Unicode Text"), dates with English month
 * names, two-digit years grouped in one message, JSON recognised by its content.
 */
import { Readable } from 'node:stream';
import { ImportFileError, importFlights } from '@travel-time-tracker/import';
import { chunked } from './helpers';

const opts = { importDate: '2024-06-30' };
const utf16le = (text: string) => Readable.from([Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]);
const utf16be = (text: string) => Readable.from([Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])]);

describe('the separator is detected from the first line', () => {
  test.each([
    ['comma', 'date,from,to,notes\n2024-01-05,CDG,MAD,"a; b"\n'],
    ['semicolon (Excel in French, German, Dutch, Spanish)', 'date;from;to;notes\n2024-01-05;CDG;MAD;"a; b"\n'],
    ['tab', 'date\tfrom\tto\tnotes\n2024-01-05\tCDG\tMAD\t"a; b"\n'],
    ['semicolon, headerless', '2024-01-05;CDG;MAD\n'],
  ])('%s', async (_name, text) => {
    const r = await importFlights(chunked(text), opts);
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => [s.departureAirport, s.arrivalAirport])).toEqual([['CDG', 'MAD']]);
  });

  test.each([
    ['UTF-16LE', utf16le],
    ['UTF-16BE', utf16be],
  ])('tab-separated %s ("Unicode Text" from Excel)', async (_name, encode) => {
    const r = await importFlights(encode('date\tfrom\tto\r\n22 Jan 2023\tCDG\tMAD\r\n2023-01-25\tMAD\tCDG\r\n'), opts);
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => s.departureDate)).toEqual(['2023-01-22', '2023-01-25']);
  });
});

describe('dates with English month names (date-fns parse, explicit formats)', () => {
  test.each([
    ['22 Jan 2023', '2023-01-22'],
    ['22 January 2023', '2023-01-22'],
    ['Jan 22, 2024', '2024-01-22'],
    ['January 22, 2024', '2024-01-22'],
    ['22-jan-2023', '2023-01-22'],
    ['22-JAN-2023', '2023-01-22'],
    ['3 Sep 2023 14:05', '2023-09-03'],
  ])('%s -> %s', async (cell, date) => {
    const r = await importFlights(chunked(`date,from,to\n"${cell}",CDG,MAD\n`), opts);
    expect(r.skipped).toEqual([]);
    expect(r.segments[0]?.departureDate).toBe(date);
  });

  test.each([
    ['31 Feb 2023', /^row 2: date '31 Feb 2023' is not a date \(expected YYYY-MM-DD, or an English month name/],
    ['22 Janvier 2023', /^row 2: date '22 Janvier 2023' is not a date/],
  ])('%s is refused naming the forms accepted', async (cell, reason) => {
    const r = await importFlights(chunked(`date,from,to\n${cell},CDG,MAD\n2023-01-25,MAD,CDG\n`), opts);
    expect(r.skipped[0]?.reason).toMatch(reason);
  });
});

describe('two-digit years', () => {
  test('every row refused, and one grouped warning naming the rows and the fix', async () => {
    const rows = ['3/4/23', '22-Jan-23', '22 Jan 23', 'Jan 22, 23'].map((d) => `"${d}",CDG,MAD`);
    const r = await importFlights(chunked(`date,from,to\n${rows.join('\n')}\n`), opts);
    expect(r.segments).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual([2, 3, 4, 5].map((n) => expect.stringMatching(new RegExp(`^row ${n}: date '.*' has a two-digit year`))));
    const grouped = r.warnings.filter((w) => /two-digit year/.test(w));
    expect(grouped).toEqual([
      '4 rows skipped because their dates have a two-digit year (rows 2, 3, 4, 5): the century is never guessed; write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again',
    ]);
  });
});

describe('JSON is recognised by its content, whatever the name, and refused naming the fix', () => {
  test.each([
    ['UTF-8', Readable.from([Buffer.from('[\n  {"date": "2024-01-05", "from": "CDG"}\n]\n')])],
    ['UTF-16LE', utf16le('{"flights": [{"date": "2024-01-05"}]}\r\n')],
    ['UTF-16BE', utf16be('{"flights": [{"date": "2024-01-05"}]}\r\n')],
    ['UTF-16LE without a byte-order mark', Readable.from([Buffer.from('{"flights": [{"date": "2024-01-05"}]}\r\n', 'utf16le')])],
  ])('%s', async (_name, source) => {
    const error = await importFlights(source, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as Error).message).toMatch(/^the file is JSON, which the import does not read: export your history as CSV/);
    expect((error as Error).message).not.toContain(String.fromCharCode(0));
  });

  test('no error text carries a control character of the file', async () => {
    // One control character is not yet a binary file: the first line is quoted in the refusal.
    const error = await importFlights(chunked('x\u0001y,z\nmore\n'), opts).catch((e: unknown) => e);
    expect((error as Error).message).toContain("the first line 'x\\u0001y,z'");
    expect([...(error as Error).message].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
  });
});
