/**
 * The import job's duplicate checks 2 and 3 and its final status (services/import/duplicates.ts, status.ts), case
 * by case. Check 1 runs in the pipeline and is covered with it (test/import); the handler tests
 * (test/functions/handlers/onImportUploaded.test.ts) and the emulator race suites cover the three together through the trigger.
 */
import type { ImportResult, ImportedSegment, SkippedRow } from '@travel-time-tracker/import/types';
import type { SegmentDoc } from '../../functions/src/model/documents';
import type { StoredSegment, VersionedSegment } from '../../functions/src/repository/types';
import { existingAtWrite, isDuplicateRow, newFlights, pipelineExisting, segmentIdFor } from '../../functions/src/services/import/duplicates';
import { finalReport } from '../../functions/src/services/import/status';
import type { TimelineEntry } from '../../functions/src/timeline/records';

const NOW = new Date('2026-11-23T10:00:00Z');
const IMPORT = 'imp-2026-11-23';

/** A flight the pipeline produced from row `row`. */
function flight(row: number, from: string, to: string, date: string, extra: Partial<ImportedSegment> = {}): ImportedSegment {
  return { departureCountry: from, arrivalCountry: to, departureDate: date, arrivalDate: date, mode: 'flight', row, planned: false, ...extra };
}

/** A stored segment: imported (`source` = an import id, id from its content) or typed by hand. */
function stored(f: ImportedSegment, source: string, id = source === 'manual' ? `manual-${f.row}` : segmentIdFor(f)): StoredSegment {
  const { row: _row, planned: _planned, ...core } = f;
  const data: SegmentDoc = { ...core, source, createdAt: NOW, updatedAt: NOW };
  return { id, data };
}

const CDG_FRA = flight(2, 'FR', 'DE', '2026-06-01', { departureAirport: 'CDG', arrivalAirport: 'FRA', flightNumber: 'LH 1029' });
const FRA_CDG = flight(3, 'DE', 'FR', '2026-06-01', { departureAirport: 'FRA', arrivalAirport: 'CDG' });
const CDG_FRA_LATER = flight(4, 'FR', 'DE', '2026-06-01', { departureAirport: 'CDG', arrivalAirport: 'FRA', departureTime: '18:00' });

describe('check 2: which flights are new', () => {
  test.each([
    { name: 'nothing stored: every flight is new', flights: [CDG_FRA, FRA_CDG], stored: [], fresh: [2, 3], imported: 0, duplicates: 0 },
    {
      name: 'the same flight twice in the file: one is new, one a duplicate',
      flights: [CDG_FRA, { ...CDG_FRA, row: 9 }],
      stored: [],
      fresh: [2],
      imported: 0,
      duplicates: 1,
    },
    {
      name: 'stored by an earlier attempt of this import: imported, not created again',
      flights: [CDG_FRA, FRA_CDG],
      stored: [stored(CDG_FRA, IMPORT)],
      fresh: [3],
      imported: 1,
      duplicates: 0,
    },
    { name: 'stored by another import: a duplicate', flights: [CDG_FRA], stored: [stored(CDG_FRA, 'imp-older')], fresh: [], imported: 0, duplicates: 1 },
    {
      name: 'a trip typed by hand on the same date between the same countries absorbs one flight, not two',
      flights: [CDG_FRA, FRA_CDG, CDG_FRA_LATER],
      stored: [stored(flight(1, 'FR', 'DE', '2026-06-01'), 'manual')],
      fresh: [3, 4],
      imported: 0,
      duplicates: 1,
    },
    {
      name: 'an imported segment of another flight on the same trip absorbs nothing (its id already decides)',
      flights: [CDG_FRA_LATER],
      stored: [stored(CDG_FRA, 'imp-older')],
      fresh: [4],
      imported: 0,
      duplicates: 0,
    },
  ])('$name', ({ flights, stored: s, fresh, imported, duplicates }) => {
    const r = newFlights(flights, s, IMPORT);
    expect({ fresh: r.fresh.map((f) => f.segment.row), imported: r.imported, duplicates: r.duplicates }).toEqual({ fresh, imported, duplicates });
    for (const f of r.fresh) expect(f.id).toBe(segmentIdFor(f.segment));
  });

  test("check 1's input leaves out this import's own segments (they are not duplicates of the file)", () => {
    const mine = stored(CDG_FRA, IMPORT);
    const other = stored(FRA_CDG, 'manual');
    expect(pipelineExisting([mine, other], IMPORT)).toEqual([other.data]);
  });
});

describe('check 3: a segment found at the write', () => {
  const id = 'imp-abc';
  const live = (source: string): TimelineEntry => ({ kind: 'live', id, version: 5, source, data: {} });
  const read = (source: string): Map<string, VersionedSegment> => new Map([[id, { id, version: 5, data: { ...stored(CDG_FRA, source).data } }]]);
  test.each([
    { name: 'not in the timeline, not read: created', entry: undefined, read: undefined, expected: null },
    { name: 'a tombstone (deleted earlier): created again', entry: { kind: 'deleted', id, version: 4 } as TimelineEntry, read: undefined, expected: null },
    { name: 'live, written by this import: own', entry: live(IMPORT), read: undefined, expected: 'own' },
    { name: 'live, written otherwise: other', entry: live('manual'), read: undefined, expected: 'other' },
    { name: 'refused over the cap: other', entry: { kind: 'refused', id, version: 4 } as TimelineEntry, read: undefined, expected: 'other' },
    { name: 'not in the timeline yet but read (written meanwhile) by this import: own', entry: undefined, read: read(IMPORT), expected: 'own' },
    { name: 'not in the timeline yet but read, written by the app: other', entry: undefined, read: read('manual'), expected: 'other' },
  ])('$name', ({ entry, read: r, expected }) => {
    expect(existingAtWrite(id, entry, r, IMPORT)).toBe(expected);
  });
});

describe('final status and counts', () => {
  const result = (rows: number, flights: number, skipped: SkippedRow[]): ImportResult => ({
    format: 'generic',
    encoding: 'UTF-8',
    rows,
    flights,
    segments: [],
    skipped,
    warnings: [],
  });
  const dup: SkippedRow = { row: 5, reason: 'row 5: already imported (row 2)', duplicate: true };
  const bad: SkippedRow = { row: 4, reason: "row 4: unknown airport code 'ZZZ' in From" };
  const capped: SkippedRow = { row: 3, reason: 'not imported: your travel history has reached the limit of 2 segments' };

  test.each([
    {
      name: 'duplicates are not errors: succeeded',
      r: result(3, 2, [dup]),
      capped: [],
      imported: 1,
      dups: 1,
      status: 'succeeded',
      counts: { rows: 3, flights: 2, imported: 1, duplicates: 2, skipped: 0 },
    },
    {
      name: 'an error row among flights: partial',
      r: result(3, 2, [bad]),
      capped: [],
      imported: 2,
      dups: 0,
      status: 'partial',
      counts: { rows: 3, flights: 2, imported: 2, duplicates: 0, skipped: 1 },
    },
    {
      name: 'rows over the segment cap are skipped rows: partial',
      r: result(2, 2, []),
      capped: [capped],
      imported: 1,
      dups: 0,
      status: 'partial',
      counts: { rows: 2, flights: 2, imported: 1, duplicates: 0, skipped: 1 },
    },
    {
      name: 'no row a flight: failed',
      r: result(1, 0, [bad]),
      capped: [],
      imported: 0,
      dups: 0,
      status: 'failed',
      counts: { rows: 1, flights: 0, imported: 0, duplicates: 0, skipped: 1 },
    },
    {
      name: 'no data rows: failed',
      r: result(0, 0, []),
      capped: [],
      imported: 0,
      dups: 0,
      status: 'failed',
      counts: { rows: 0, flights: 0, imported: 0, duplicates: 0, skipped: 0 },
    },
  ])('$name', ({ r, capped: c, imported, dups, status, counts }) => {
    const report = finalReport(r, c, imported, dups);
    expect(report.status).toBe(status);
    expect(report.counts).toEqual(counts);
    // The invariant the app relies on.
    expect(counts.imported + counts.duplicates + counts.skipped).toBe(counts.rows);
  });

  test('stored rows: sorted by row, without the repeated "row N: ", duplicates marked; the error names the first problem', () => {
    expect(finalReport(result(3, 2, [dup, bad]), [capped], 1, 0).skipped).toEqual([
      { row: 3, reason: capped.reason },
      { row: 4, reason: "unknown airport code 'ZZZ' in From" },
      { row: 5, reason: 'already imported (row 2)', duplicate: true },
    ]);
    expect(finalReport(result(1, 0, [bad]), [], 0, 0).error).toBe(
      '1 of 1 rows skipped: airports are unknown or missing (row 4): check the codes (IATA such as CDG, ICAO such as LFPG), or give the countries in from_country and to_country',
    );
  });

  test('a reason quoting a cell that starts like a spreadsheet formula is neutralised', () => {
    const formula: SkippedRow = { row: 2, reason: 'row 2: =HYPERLINK("x") is not a date' };
    expect(finalReport(result(1, 0, [formula]), [], 0, 0).skipped[0]!.reason).toBe('\'=HYPERLINK("x") is not a date');
    expect(isDuplicateRow(formula)).toBe(false);
  });
});
