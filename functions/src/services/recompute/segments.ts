/**
 * Stored segments as the recompute reads them: a stored segment turned into the core's segment (`toCoreSegment`),
 * the ones the core can evaluate with a warning for each left out (`coreSegmentsOf`), and the fingerprint of the
 * segments an evaluation reads (`segmentsHash`, over `canonicalJson`). Firebase-free.
 */
import { createHash } from 'node:crypto';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { COUNTED_FIELDS, IdentifiedSegmentSchema, quickSegmentCheck, type IdentifiedSegment } from '@travel-time-tracker/core/segment';
import type { StoredSegment } from '../../repository/types';

/** The core fields of a stored segment, as the day-counting core takes them. */
export function toCoreSegment(s: StoredSegment): IdentifiedSegment {
  const { source: _source, createdAt: _c, updatedAt: _u, ...core } = s.data;
  return { ...core, id: s.id };
}

/**
 * The stored segments the core can evaluate, and one warning per segment left out. A stored document that breaks
 * the segment schema (written before a rule change, or by a buggy client) must not stop the whole user's status
 * from being computed, nor make the trigger retry forever; it is left out and named in the summary's warnings,
 * which the app shows, so the traveller can fix it.
 */
export function coreSegmentsOf(stored: readonly StoredSegment[]): { segments: IdentifiedSegment[]; warnings: string[] } {
  const segments: IdentifiedSegment[] = [];
  const warnings: string[] = [];
  for (const s of stored) {
    const core = toCoreSegment(s);
    // The engine's fast path first (it never accepts what the schema refuses; about 10x cheaper than zod per
    // segment); zod decides, and words the warning, only for what it refuses.
    if (quickSegmentCheck(core)) {
      segments.push(core);
      continue;
    }
    const r = IdentifiedSegmentSchema.safeParse(core);
    if (r.success) segments.push(core);
    else warnings.push(`segment "${s.id}" was left out of the count because it is invalid: ${describeZodError(r.error)}`);
  }
  return { segments, warnings };
}

/** Segment fields that can change an evaluation ({@link COUNTED_FIELDS}), in schema order for the fingerprint. */
const CORE_KEYS = [...COUNTED_FIELDS];

/**
 * Fingerprint of the segments an evaluation reads: SHA-256 (hex, first 32 characters) over the ids and the
 * fields that influence day counting, in id order. Free-text fields (notes, flight number, purpose, entry point)
 * are left out so that editing a note does not count as a change.
 */
export function segmentsHash(segments: readonly StoredSegment[]): string {
  const h = createHash('sha256');
  const sorted = [...segments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const s of sorted) {
    h.update(s.id);
    for (const k of CORE_KEYS) {
      const v = (s.data as Record<string, unknown>)[k];
      // Scalars as they always were (stored hashes stay valid); anything else by its content, never "[object Object]".
      const text = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : v === undefined || v === null ? '' : canonicalJson(v);
      h.update(`\u0000${text}`);
    }
    h.update('\u0001');
  }
  return h.digest('hex').slice(0, 32);
}

/** JSON with object keys sorted at every depth (Firestore does not preserve map key order). */
export function canonicalJson(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
