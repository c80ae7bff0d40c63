/**
 * Skipped rows by reason (the import package's skipReasons.ts): every skip has a kind, groups count them with every
 * row, their dates and countries, three examples and the fix, and `importFailure` is the one rule by which the CLI
 * exits 1 and the backend import ends `failed` (no row imported while some were refused, or more than half refused;
 * duplicates never count).
 */
import { Readable } from 'node:stream';
import { importFlights, type ImportOptions } from '@travel-time-tracker/import';
import { groupSkipped, importFailure, skipKind } from '@travel-time-tracker/import/skipReasons';

const importCsv = (text: string, existing?: ImportOptions['existing']) =>
  importFlights(Readable.from([Buffer.from(text)]), { importDate: '2026-06-01', ...(existing ? { existing } : {}) });

const rows = (n: number, row: (i: number) => string) => Array.from({ length: n }, (_, i) => row(i)).join('\n');

describe('each skipped row gets the kind of its reason', () => {
  test.each([
    ['a two-digit year', '1/3/26,JFK,CDG', 'two-digit-year'],
    ['an impossible date', '2026-02-30,JFK,CDG', 'not-a-date'],
    ['a word for a date', 'yesterday,JFK,CDG', 'not-a-date'],
    ['an unknown airport code', '2026-03-01,JFK,ZZZ', 'unknown-airport'],
    ['a cancelled flight', '2026-03-01,JFK,CDG,yes', 'cancelled'],
  ])('%s -> %s', async (_name, row, kind) => {
    const r = await importCsv(`date,from,to,cancelled\n2026-01-01,CDG,JFK,no\n${row}\n`);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]!.kind).toBe(kind);
    expect(skipKind(r.skipped[0]!.reason)).toBe(kind);
  });

  test('a repeat of an earlier row is a duplicate', async () => {
    const r = await importCsv('date,from,to\n2026-03-01,JFK,CDG\n2026-03-01,JFK,CDG\n');
    expect(r.skipped).toEqual([expect.objectContaining({ row: 3, kind: 'duplicate', duplicate: true, date: '2026-03-01' })]);
  });
});

describe('groups: one per kind, every row, three examples, the fix', () => {
  test('300 rows with two-digit years: one group naming four rows in its message and listing all 300', async () => {
    const r = await importCsv(`date,from,to\n${rows(300, (i) => `${(i % 28) + 1}/3/26,JFK,CDG`)}\n`);
    const groups = groupSkipped(r.skipped);
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    expect(g).toMatchObject({ kind: 'two-digit-year', count: 300 });
    expect(g.rows).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(g.examples).toHaveLength(3);
    expect(g.examples[0]).toMatch(/^row 2: date '1\/3\/26' has a two-digit year/);
    expect(g.message).toBe(
      '300 rows skipped: dates have two-digit years (rows 2, 3, 4 and 297 more): write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again',
    );
  });

  test('dates and countries of refused rows that were read', async () => {
    const csv = 'date,from_country,to_country,mode,cancelled\n2026-03-01,FR,DE,train,yes\n2026-03-05,DE,AT,bus,yes\n2026-03-07,AT,FR,train,no\n';
    const [g] = groupSkipped((await importCsv(csv)).skipped);
    expect(g).toMatchObject({ kind: 'cancelled', count: 2, rows: [2, 3], dates: ['2026-03-01', '2026-03-05'], countries: ['AT', 'DE', 'FR'] });
  });

  test('errors first, duplicates last', async () => {
    const r = await importCsv('date,from,to\n2026-03-01,JFK,CDG\n2026-03-01,JFK,CDG\n2026-03-02,JFK,ZZZ\n');
    expect(groupSkipped(r.skipped).map((g) => g.kind)).toEqual(['unknown-airport', 'duplicate']);
  });
});

describe('importFailure: no confident answer from nothing', () => {
  const good = (i: number) => `2026-03-${String(i + 1).padStart(2, '0')},${i % 2 ? 'CDG,JFK' : 'JFK,CDG'}`;
  test.each([
    { name: 'every row refused', csv: rows(3, (i) => `${i + 1}/3/26,JFK,CDG`), fails: true },
    { name: 'three of four refused', csv: `${good(0)}\n${rows(3, (i) => `${i + 1}/3/26,JFK,CDG`)}`, fails: true },
    { name: 'exactly half refused', csv: `${rows(2, good)}\n${rows(2, (i) => `${i + 1}/3/26,JFK,CDG`)}`, fails: false },
    { name: 'one of four refused', csv: `${rows(3, good)}\n2026-03-09,JFK,ZZZ`, fails: false },
    { name: 'nothing refused', csv: rows(4, good), fails: false },
  ])('$name -> fails: $fails', async ({ csv, fails }) => {
    const r = await importCsv(`date,from,to\n${csv}\n`);
    expect(importFailure(r) !== null).toBe(fails);
  });

  test('a file imported again (every row a duplicate of a stored segment) is not a failure', async () => {
    const csv = 'date,from,to\n2026-03-01,JFK,CDG\n2026-03-10,CDG,JFK\n';
    const first = await importCsv(csv);
    const again = await importCsv(csv, first.segments);
    expect(again.flights).toBe(0);
    expect(again.skipped.every((s) => s.kind === 'duplicate')).toBe(true);
    expect(importFailure(again)).toBeNull();
  });

  test('the message: how many of how many, then one clause per reason with its count, rows and fix', async () => {
    const r = await importCsv('date,from,to\n1/3/26,JFK,CDG\n2/3/26,CDG,JFK\n2026-03-04,CDG,ZZZ\n2026-03-05,CDG,JFK\n');
    expect(importFailure(r)!.message).toBe(
      '3 of 4 rows skipped: 2: dates have two-digit years (rows 2, 3): write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again; ' +
        '1: airports are unknown or missing (row 4): check the codes (IATA such as CDG, ICAO such as LFPG), or give the countries in from_country and to_country',
    );
  });
});
