/**
 * The backend stores what `travel-days report` keeps: the flight numbers and free text of an export go through the
 * same rules on both paths (the import package's storedText.ts: which flight numbers are stored, which cells start
 * like a spreadsheet formula and are refused, how long text is cut). One export with a row per case runs through the
 * CLI's import (`importFile` with the report's options, and the report's warnings) and through `onImportUploaded`
 * (in-memory repository, local storage); each row's stored segment must carry exactly the text the CLI kept.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { fft, setUpEnv, tearDownEnv, type TestEnv, uploadEvent } from './helpers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importFile } from '@travel-time-tracker/import';
import { buildReport, parseReportArgs } from '@travel-time-tracker/cli/report';
import { onImportUploaded } from '../../../functions/src/triggers/onImportUploaded';

const wrapped = fft.wrap(onImportUploaded);
const UID = 'carol';

/** Text fields of a stored or imported segment that come from the file's cells. */
type Text = { flightNumber?: string; notes?: string; purpose?: string; entryPoint?: string };

/** One row per case: the cells written, what both paths keep (absent: nothing stored), and whether the CLI warns. */
const CASES: { name: string; cells: Partial<Record<'flight_number' | 'notes' | 'purpose' | 'entry_point', string>>; kept: Text; refused: boolean }[] = [
  {
    name: 'a flight number with an inner hyphen (the docstring example)',
    cells: { flight_number: 'T3-7107' },
    kept: { flightNumber: 'T3-7107' },
    refused: false,
  },
  { name: 'a flight number with letters after the digits', cells: { flight_number: 'EZY1234AB' }, kept: { flightNumber: 'EZY1234AB' }, refused: false },
  { name: 'a flight number with a space, lower case', cells: { flight_number: 'lh 400' }, kept: { flightNumber: 'LH400' }, refused: false },
  { name: 'a flight number of 12 characters', cells: { flight_number: 'ABCDEFGHIJ12' }, kept: { flightNumber: 'ABCDEFGHIJ12' }, refused: false },
  { name: 'a flight number of 13 characters', cells: { flight_number: 'ABCDEFGHIJ123' }, kept: {}, refused: true },
  { name: 'a flight number with two hyphens', cells: { flight_number: 'AB-12-3' }, kept: {}, refused: true },
  { name: 'a flight number that is a formula', cells: { flight_number: '=1+2' }, kept: {}, refused: true },
  { name: 'a flight number starting with +', cells: { flight_number: '+33612' }, kept: {}, refused: true },
  { name: 'a flight number starting with -', cells: { flight_number: '-LH400' }, kept: {}, refused: true },
  { name: 'a note', cells: { notes: 'window seat' }, kept: { notes: 'window seat' }, refused: false },
  { name: 'a note starting with @', cells: { notes: '@SUM(A1)' }, kept: {}, refused: true },
  { name: 'a note longer than 500 characters', cells: { notes: 'n'.repeat(600) }, kept: { notes: `${'n'.repeat(499)}…` }, refused: false },
  { name: 'a purpose and an entry point', cells: { purpose: 'work', entry_point: 'Dover' }, kept: { purpose: 'work', entryPoint: 'Dover' }, refused: false },
  { name: 'a purpose that is a formula', cells: { purpose: '=cmd' }, kept: {}, refused: true },
];

const COLUMNS = ['flight_number', 'notes', 'purpose', 'entry_point'] as const;
/** Row k departs on its own date, so that each case is one segment and both paths can be matched by date. */
const dateOf = (k: number) => `2026-03-${String(k + 1).padStart(2, '0')}`;
const CSV = [
  `date,from,to,${COLUMNS.join(',')}`,
  ...CASES.map((c, k) => [dateOf(k), k % 2 ? 'CDG' : 'JFK', k % 2 ? 'JFK' : 'CDG', ...COLUMNS.map((col) => c.cells[col] ?? '')].join(',')),
].join('\n');

const textOf = (s: Text): Text => Object.fromEntries(Object.entries(s).filter(([k]) => ['flightNumber', 'notes', 'purpose', 'entryPoint'].includes(k)));

let env: TestEnv;
let file: string;
beforeAll(() => {
  env = setUpEnv();
  file = path.join(env.dir, 'cases.csv');
  fs.writeFileSync(file, CSV);
});
afterAll(() => tearDownEnv(env));

/** What the CLI keeps per departure date, and its report's warnings. */
async function cliPath(): Promise<{ byDate: Map<string, Text>; warnings: string[] }> {
  const args = parseReportArgs(['report', file, '--as-of', '2026-11-23', '--json']);
  const imported = await importFile(file, { importDate: args.asOf, layoverHours: args.layoverHours });
  const report = await buildReport(args);
  return { byDate: new Map(imported.segments.map((s) => [s.departureDate, textOf(s)])), warnings: report.warnings };
}

/** What the backend stores per departure date, after the upload event. */
async function backendPath(): Promise<Map<string, Text>> {
  const objectName = `users/${UID}/imports/cases.csv`;
  await wrapped(await uploadEvent(env, objectName, CSV, { eventId: 'evt-imported-text' }));
  const segments = Object.values(env.repo.snapshot().users[UID]?.segments ?? {});
  return new Map(segments.map((s) => [s.departureDate, textOf(s)]));
}

let cli: Awaited<ReturnType<typeof cliPath>>;
let stored: Map<string, Text>;
beforeAll(async () => {
  cli = await cliPath();
  stored = await backendPath();
});

test('every row became a segment on both paths (a refused cell drops the value, never the flight)', () => {
  expect(cli.byDate.size).toBe(CASES.length);
  expect(stored.size).toBe(CASES.length);
});

test.each(CASES.map((c, k) => ({ ...c, date: dateOf(k) })))('$name: the CLI keeps it and the backend stores the same', ({ date, kept }) => {
  expect(cli.byDate.get(date)).toEqual(kept);
  expect(stored.get(date)).toEqual(kept);
});

test.each(CASES.map((c, k) => ({ ...c, row: k + 2 })))('$name: the report warns that the value was not stored: $refused', ({ row, refused }) => {
  const warned = cli.warnings.some((w) => w.startsWith(`row ${row}: `) && w.includes('was not stored'));
  expect(warned).toBe(refused);
});
