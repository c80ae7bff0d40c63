/**
 * The import's three duplicate checks, in the order they run. A duplicate is never an error: it does not make an
 * import `partial`, and a file uploaded again `succeeds` with every row counted as a duplicate. Segments written by
 * an earlier attempt of the same import (a retried event) are not duplicates: they are this file's own flights,
 * counted as imported. Invariant of the counts: rows == imported + duplicates + skipped.
 *
 * 1. Against stored segments, row by row, in the pipeline (the import package's `journeyKey`, the same check as
 *    the `report` command's within one file and across the files it merges): a row repeating a stored segment (key: local date, airports or countries, and the departure
 *    time when both have one) is skipped with `duplicate: true`. The stored segments come from the timeline read
 *    when the import started (its records keep dates, times, airports and countries), so no segment is read:
 *    `pipelineExisting` chooses them, `isDuplicateRow` counts the rows it skipped.
 * 2. Among the flights the pipeline kept, before any write (`newFlights`): the same flight twice in the file (same
 *    content id, `segmentIdFor`), a flight whose id is already stored, and a trip typed by hand on the same dates
 *    between the same countries (`tripKey`; hand-typed segments often have no airports to compare).
 * 3. At the write, inside each chunk's transaction (`existingAtWrite`): a segment stored meanwhile (by the app, or a
 *    concurrent attempt of this import) is left alone, and counted by who wrote it.
 */
import { segmentIdFor } from '@travel-time-tracker/import/journeys';
import type { ImportedSegment, SkippedRow } from '@travel-time-tracker/import/types';
import type { SegmentDoc } from '../../model/documents';
import type { StoredSegment, VersionedSegment } from '../../repository/types';
import type { TimelineEntry } from '../../timeline/records';

/** The content id of an imported segment, shared with the CLI's merge of several files ({@link segmentIdFor}). */
export { segmentIdFor };

/** Looser key: a stored segment (e.g. entered by hand) on the same dates between the same countries is the same trip. */
function tripKey(s: { departureDate: string; arrivalDate: string; departureCountry: string; arrivalCountry: string }): string {
  return `${s.departureDate}|${s.departureCountry}|${s.arrivalCountry}|${s.arrivalDate}`;
}

/** Check 1's input: the stored segments the pipeline compares rows with (not this import's own earlier writes). */
export function pipelineExisting(stored: readonly StoredSegment[], importId: string): SegmentDoc[] {
  return stored.filter((s) => s.data.source !== importId).map((s) => s.data);
}

/** Check 1's outcome: a row the pipeline skipped as a repeat (of a row of the file, or of a stored segment). */
export function isDuplicateRow(r: SkippedRow): boolean {
  return r.duplicate === true;
}

/** Result of check 2. */
export interface NewFlights {
  /** Flights to create, with their ids, in file order. */
  fresh: { id: string; segment: ImportedSegment }[];
  /** Flights already stored by an earlier attempt of this import: imported. */
  imported: number;
  duplicates: number;
}

/** Check 2: which of the pipeline's flights are new, given the segments stored when the import started. */
export function newFlights(segments: readonly ImportedSegment[], stored: readonly StoredSegment[], importId: string): NewFlights {
  const storedIds = new Map(stored.map((s) => [s.id, s.data.source]));
  // A multiset: each hand-typed trip stands for one flight, so it absorbs at most one imported flight. (Two
  // flights on the same day between the same countries, e.g. FR->DE, DE->FR, FR->DE, are all real.)
  const storedTrips = new Map<string, number>();
  for (const s of stored) {
    if (s.id.startsWith('imp-')) continue;
    const k = tripKey(s.data);
    storedTrips.set(k, (storedTrips.get(k) ?? 0) + 1);
  }
  const out: NewFlights = { fresh: [], imported: 0, duplicates: 0 };
  const seen = new Set<string>();
  for (const s of segments) {
    const id = segmentIdFor(s);
    if (seen.has(id)) {
      out.duplicates += 1; // the same flight twice in the file
      continue;
    }
    seen.add(id);
    const storedSource = storedIds.get(id);
    if (storedSource !== undefined) {
      // Created by an earlier attempt of this same import (a retried event): it still counts as imported.
      if (storedSource === importId) out.imported += 1;
      else out.duplicates += 1;
      continue;
    }
    const trip = tripKey(s);
    const left = storedTrips.get(trip) ?? 0;
    if (left > 0) {
      storedTrips.set(trip, left - 1);
      out.duplicates += 1;
      continue;
    }
    out.fresh.push({ id, segment: s });
  }
  return out;
}

/**
 * Check 3, for one segment about to be created in a chunk's transaction: `own` when it is already stored by this
 * import (an earlier attempt), `other` when stored otherwise (written meanwhile; also a create the timeline refused
 * over the cap), null when it may be created. `entry` is the timeline's record of the id; `read` the segments the
 * transaction read (after a create found one existing, the chunk is redone reading them).
 */
export function existingAtWrite(
  id: string,
  entry: TimelineEntry | undefined,
  read: ReadonlyMap<string, VersionedSegment> | undefined,
  importId: string,
): 'own' | 'other' | null {
  if (entry?.kind !== 'live' && entry?.kind !== 'refused' && !read?.has(id)) return null;
  const storedSource = entry?.kind === 'live' ? entry.source : read?.get(id)?.data.source;
  return storedSource === importId ? 'own' : 'other';
}
