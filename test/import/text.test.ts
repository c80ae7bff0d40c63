/**
 * Text the import stores or prints: notes and skip reasons are cut on grapheme boundaries (never inside an emoji,
 * never a lone surrogate that Firestore or a JSON encoder turns into U+FFFD), and messages stay short whatever
 * the cell holds.
 */
import { ImportFileError, importFlights } from '@travel-time-tracker/import';
import { MAX_MESSAGE_LENGTH, truncateText } from '@travel-time-tracker/import/text';
import { chunked } from './helpers';

const run = (text: string) => importFlights(chunked(text), { importDate: '2024-06-01' });

/** Every grapheme of `cut` (without its ellipsis) is the grapheme at the same place in `original`. */
function expectGraphemePrefix(cut: string, original: string): void {
  const seg = new Intl.Segmenter('en', { granularity: 'grapheme' });
  const body = cut.endsWith('…') ? cut.slice(0, -1) : cut;
  const a = [...seg.segment(body)].map((s) => s.segment);
  const b = [...seg.segment(original)].map((s) => s.segment).slice(0, a.length);
  expect(a).toEqual(b);
}

/** No lone surrogate (what `String.prototype.isWellFormed` checks; ES2024, above this project's lib). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectClean(s: string, original: string): void {
  expect(LONE_SURROGATE.test(s)).toBe(false);
  expect(s.includes('\ufffd')).toBe(original.includes('\ufffd'));
}

const FAMILY = '👨‍👩‍👧‍👦'; // 11 UTF-16 code units, one grapheme
const THUMB = '👍🏽'; // 4 code units, one grapheme
const FLAG = '🇫🇷'; // 4 code units, one grapheme

describe('truncateText', () => {
  test.each([
    ['short text unchanged', 'hello', 10, 'hello'],
    ['ASCII cut with an ellipsis', 'abcdefghij', 5, 'abcd…'],
    ['exactly the limit unchanged', 'abcde', 5, 'abcde'],
    ['a flag is not split', `ab${FLAG}cd`, 5, 'ab…'],
    ['a skin-tone emoji is not split', `a${THUMB}${THUMB}`, 7, `a${THUMB}…`],
    ['a ZWJ family is kept whole or dropped whole', `${FAMILY}${FAMILY}`, 13, `${FAMILY}…`],
    ['an accent built from a combining mark stays on its letter', 'cafe\u0301s', 5, 'caf…'],
  ])('%s', (_name, text, max, expected) => {
    const cut = truncateText(text, max);
    expect(cut).toBe(expected);
    expect(cut.length).toBeLessThanOrEqual(max);
    expectClean(cut, text);
  });
});

describe('notes are cut to 500 UTF-16 units on a grapheme boundary', () => {
  test.each([
    ['skin-tone thumbs straddling 500', `${'a'.repeat(497)}${THUMB.repeat(10)}`],
    ['flags only', FLAG.repeat(200)],
    ['families', FAMILY.repeat(60)],
    ['a real U+FFFD in the file is kept', `\ufffd${THUMB.repeat(200)}`],
  ])('%s', async (_name, note) => {
    const r = await run(`date,from,to,notes\n2024-01-01,CDG,JFK,${note}\n`);
    const stored = r.segments[0]!.notes!;
    expect(stored.length).toBeLessThanOrEqual(500);
    expect(stored.endsWith('…')).toBe(true);
    expectClean(stored, note);
    expectGraphemePrefix(stored, note);
  });
});

describe('skip reasons and warnings stay short and well-formed', () => {
  test.each([
    ['a 50 000-character date cell', `${'9'.repeat(50_000)},CDG,JFK,,`],
    ['a date cell of emoji', `${THUMB.repeat(5_000)},CDG,JFK,,`],
    ['a 50 000-character airport cell', `2024-01-01,${'X'.repeat(50_000)},JFK,,`],
    ['an emoji airport cell', `2024-01-01,${FAMILY.repeat(100)},JFK,,`],
    ['a time cell of emoji', `2024-01-01,CDG,JFK,${FLAG.repeat(1000)},`],
    ['a transfer flag of emoji', `2024-01-01,CDG,JFK,,${THUMB.repeat(1000)}`],
  ])('%s', async (_name, row) => {
    const r = await run(`date,from,to,departure_time,arrival_transfer\n${row}\n`);
    expect(r.skipped).toHaveLength(1);
    const reason = r.skipped[0]!.reason;
    expect(reason.startsWith('row 2: ')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expectClean(reason, row);
  });

  test.each([
    ['a flight number of emoji', `2024-01-01,CDG,JFK,${THUMB.repeat(30)},`],
    ['a formula note of emoji', `2024-01-01,CDG,JFK,,=x${THUMB.repeat(20)}`],
  ])('%s: the warning is well-formed', async (_name, row) => {
    const r = await run(`date,from,to,flight_number,notes\n${row}\n`);
    const w = r.warnings.find((x) => x.startsWith('row 2: '));
    expect(w).toBeDefined();
    expect(w!.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expectClean(w!, row);
  });

  test('an unrecognised first line is quoted without splitting an emoji', async () => {
    const first = `${'n'.repeat(79)}${FAMILY}${'x'.repeat(200)}`;
    const e = await run(`${first}\nsomething\n`).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportFileError);
    const message = (e as Error).message;
    expect(message).toMatch(/unrecognised file format/);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expectClean(message, first);
  });
});
