/**
 * The per-user timeline (Firebase-free): every segment of a user as one compact record, kept in a few documents
 * `users/{uid}/timeline/{head|s1|s2...}`, so that a recompute reads 1 document instead of N segments.
 *
 * ## Records
 * One line per segment id, fields separated by tabs (`encodeEntry`):
 * - live, compact: `L ver id src dep delta depCountry arrCountry modeTransit depTime arrTime depAirport arrAirport`
 *   (`dep` = departure date `YYYYMMDD`, `delta` = arrival date minus departure date in days, empty for 0; times
 *   `HHMM`; `modeTransit` = `f t c b y o` for flight, train, car, bus, ferry, other, upper case when `transit: true`,
 *   followed by `0` when `transit: false`; trailing empty fields left out);
 * - live, any other content (a document that breaks the segment schema, kept so that its warning is still given):
 *   `J ver id src json`;
 * - deleted (a tombstone): `D ver id`; refused by the segment cap: `X ver id`.
 * `ver` is the version: the commit time of the write the record reflects, in microseconds since the epoch, base 36;
 * for a tombstone, the commit time of the write the delete removed (the delete's `before.updateTime`).
 * `src` is empty for `manual`, else the base-36 index of the import id in the head's `sources`. Ids of the form
 * `imp-` + 24 hex digits are written `!` + 16 base64url characters; `% ! tab newline CR` in any value are escaped
 * `%XX`. Free text (`notes`, `flightNumber`, `purpose`, `entryPoint`) and bookkeeping (`createdAt`, `updatedAt`) are
 * not kept: they never change a day count.
 *
 * ## Invariants (README.md, data model: `users/{uid}/timeline`)
 * 1. Each segment id has at most one record, in exactly one shard; the head lists the other shards.
 * 2. A record's version is the commit time of the newest write of that segment applied so far. A write is applied
 *    only when its version is newer than the record's (or, for an id with no record, newer than `floor`). A delete is
 *    ordered by what it removed: it applies when the record is not newer than the write it removed (and its
 *    tombstone carries that write's version), so a re-create committed after the delete wins whatever the order the
 *    two events arrive in. A redelivered or out-of-order event is a no-op, and the order events are handled in does
 *    not matter.
 * 3. Therefore, once every write's event has been handled, the live records equal the stored segments (fields above),
 *    except creates refused by the segment cap (`X`).
 * 4. No shard exceeds `MAX_SHARD_BYTES` of records (Firestore's limit is 1 MiB per document).
 *
 * ## Size (README.md, limits)
 * Every record is bounded, so the timeline of a user is too. Segment ids are at most 128 characters `A-Z a-z 0-9 _ -`
 * (`MAX_SEGMENT_ID_LENGTH` in model/documents.ts, enforced by firestore.rules; imports write `imp-` + 24 hex), so a
 * compact live record is at most `MAX_LIVE_RECORD_BYTES` (200 bytes). Tombstones are kept `TOMBSTONE_TTL_MS` and at most `MAX_TOMBSTONES` /
 * `MAX_TOMBSTONE_BYTES` (the oldest dropped first, the floor moved past them); refused creates at most `MAX_REFUSED`
 * / `MAX_REFUSED_BYTES` (later ones not recorded). Records of one user therefore take at most
 * `maxSegmentsPerUser × MAX_LIVE_RECORD_BYTES + MAX_TOMBSTONE_BYTES + MAX_REFUSED_BYTES` (20 000 × 200 B + 150 KB +
 * 150 KB = 4.3 MB, five documents), plus the head's other fields. `J` records (documents that break the segment
 * schema) and ids longer than the rules allow exist only for documents written past the rules (Admin SDK, or
 * before the id rule); the byte caps bound their tombstones and refusals too.
 */
import { isDeepStrictEqual } from 'node:util';
import { daysBetween, addDays } from '@travel-time-tracker/core/dates';
import { COUNTED_FIELDS, FREE_TEXT_FIELDS, isTravelDate } from '@travel-time-tracker/core/segment';
import type { ProfileInputs, SegmentDoc, TimelineHeadDoc, TimelineShardDoc, VisaStatusDoc } from '../model/documents';
import { TimelineHeadDocSchema, TimelineShardDocSchema, isLegacyStatus } from '../model/documents';
import type { StoredSegment } from '../repository/types';

/** Id of the head document. */
export const HEAD_ID = 'head';
/** Most bytes of records one document holds (Firestore's document limit is 1 MiB; the head's other fields fit in the rest). */
export const MAX_SHARD_BYTES = 900_000;
/**
 * Most bytes of one compact live record (`L`, newline included) with an id of `MAX_SEGMENT_ID_LENGTH` characters:
 * kind 1, version 11, id 128, source index 4, date 8, date delta 2, countries 2 + 2, mode 2, times 4 + 4, airports
 * 4 + 4, 12 tabs, newline 1 = 189, rounded up.
 */
export const MAX_LIVE_RECORD_BYTES = 200;
/** Tombstones older than this are dropped (the floor moves past them): far longer than any event is delivered late. */
export const TOMBSTONE_TTL_MS = 7 * 86_400_000;
/**
 * At most this many tombstones, and this many bytes of them, are kept: beyond either the oldest are dropped first
 * and the floor moves past them (`dropOldTombstones`). 1 000 tombstones of the longest id the rules allow fit in
 * the bytes; ids longer than that (written past the rules) are bounded by the bytes.
 */
export const MAX_TOMBSTONES = 1_000;
export const MAX_TOMBSTONE_BYTES = 150_000;
/** At most this many refused (over the cap) ids, and this many bytes of them, are remembered; later ones are not recorded at all. */
export const MAX_REFUSED = 1_000;
export const MAX_REFUSED_BYTES = 150_000;
const MANUAL = 'manual';

/** Fields of a segment document a record leaves out: bookkeeping and free text (core/segment.ts FREE_TEXT_FIELDS). */
const LEFT_OUT = new Set(['source', 'createdAt', 'updatedAt', ...FREE_TEXT_FIELDS]);

export type TimelineEntry =
  { kind: 'live'; id: string; version: number; source: string; data: Record<string, unknown> } | { kind: 'deleted' | 'refused'; id: string; version: number };

/** A timeline that cannot be read (bad schema, a listed shard missing, an id twice): rebuild it (`repairTimeline`). */
export class TimelineCorruptError extends Error {
  constructor(message: string) {
    super(`the timeline is unreadable: ${message}`);
    this.name = 'TimelineCorruptError';
  }
}

/** What the head holds besides records (everything the recompute needs that is not a segment). */
export interface TimelineMeta {
  floor: number;
  profile: ProfileInputs | null;
  statuses: VisaStatusDoc[];
  summaryKey: string | null;
  alertAt: Date | null;
  nextRecomputeAt: Date | null;
  daily: { failures: number; lastError: string | null; evalMs: number };
  imports: { date: string; ids: string[] };
}

/** The documents of a timeline as read: the head (null when absent) and the other shards by id. */
export interface TimelineDocs {
  head: TimelineHeadDoc | null;
  shards: ReadonlyMap<string, TimelineShardDoc>;
}

/** Microseconds since the epoch of a Date (versions and floors are in microseconds). */
export function micros(d: Date): number {
  return d.getTime() * 1000;
}

// ---- encoding ----

const ESCAPED = /[%!\t\n\r]/g;
const ESCAPED_TEST = /[%!\t\n\r]/;
function esc(s: string): string {
  return ESCAPED_TEST.test(s) ? s.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : s;
}
function unesc(s: string): string {
  return s.includes('%') ? s.replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;
}

const IMPORT_ID = /^imp-[0-9a-f]{24}$/;
function encodeId(id: string): string {
  return IMPORT_ID.test(id) ? `!${Buffer.from(id.slice(4), 'hex').toString('base64url')}` : esc(id);
}
function decodeId(s: string): string {
  return s.startsWith('!') ? `imp-${Buffer.from(s.slice(1), 'base64url').toString('hex')}` : unesc(s);
}

const MODE_CODE: Record<string, string> = { flight: 'f', train: 't', car: 'c', bus: 'b', ferry: 'y', other: 'o' };
const CODE_MODE: Record<string, string> = Object.fromEntries(Object.entries(MODE_CODE).map(([m, c]) => [c, m]));
const COUNTRY = /^[A-Z]{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const AIRPORT = /^[A-Z0-9]{3,4}$/;

/** The kept fields of a segment document (those that can change a day count, core/segment.ts COUNTED_FIELDS); unknown fields are kept too (they make it invalid). */
export function timelineFieldsOf(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!LEFT_OUT.has(k) && v !== undefined) out[k] = v;
  return out;
}

function compactable(d: Record<string, unknown>): boolean {
  for (const k of Object.keys(d)) if (!COUNTED_FIELDS.has(k)) return false;
  const str = (v: unknown, re: RegExp) => typeof v === 'string' && re.test(v);
  const opt = (v: unknown, re: RegExp) => v === undefined || str(v, re);
  return (
    str(d.departureCountry, COUNTRY) &&
    str(d.arrivalCountry, COUNTRY) &&
    isTravelDate(d.departureDate) &&
    isTravelDate(d.arrivalDate) &&
    typeof d.mode === 'string' &&
    MODE_CODE[d.mode] !== undefined &&
    (d.transit === undefined || typeof d.transit === 'boolean') &&
    opt(d.departureTime, TIME) &&
    opt(d.arrivalTime, TIME) &&
    opt(d.departureAirport, AIRPORT) &&
    opt(d.arrivalAirport, AIRPORT)
  );
}

function trimTrailing(fields: string[]): string[] {
  let n = fields.length;
  while (n > 0 && fields[n - 1] === '') n -= 1;
  return fields.slice(0, n);
}

/** One record line (no newline). `sourceIndex` maps an import id to its index in the head's `sources`. */
export function encodeEntry(e: TimelineEntry, sourceIndex: (source: string) => number): string {
  const ver = e.version.toString(36);
  const id = encodeId(e.id);
  if (e.kind !== 'live') return `${e.kind === 'deleted' ? 'D' : 'X'}\t${ver}\t${id}`;
  const src = e.source === MANUAL ? '' : sourceIndex(e.source).toString(36);
  const d = e.data;
  if (!compactable(d)) return `J\t${ver}\t${id}\t${src}\t${esc(JSON.stringify(d))}`;
  const dep = d.departureDate as string;
  const delta = daysBetween(dep, d.arrivalDate as string);
  const mode = MODE_CODE[d.mode as string] as string;
  const mt = d.transit === true ? mode.toUpperCase() : d.transit === false ? `${mode}0` : mode;
  const hhmm = (t: unknown) => (typeof t === 'string' ? t.slice(0, 2) + t.slice(3) : '');
  return trimTrailing([
    'L',
    ver,
    id,
    src,
    dep.slice(0, 4) + dep.slice(5, 7) + dep.slice(8),
    delta === 0 ? '' : String(delta),
    d.departureCountry as string,
    d.arrivalCountry as string,
    mt,
    hhmm(d.departureTime),
    hhmm(d.arrivalTime),
    (d.departureAirport as string | undefined) ?? '',
    (d.arrivalAirport as string | undefined) ?? '',
  ]).join('\t');
}

/** Parses one record line; throws TimelineCorruptError for a line that is not a record. */
export function decodeEntry(line: string, sources: readonly string[]): TimelineEntry {
  const f = line.split('\t');
  const kind = f[0];
  const version = /^[0-9a-z]{1,11}$/.test(f[1] ?? '') ? parseInt(f[1]!, 36) : NaN;
  const rawId = f[2];
  const minFields = kind === 'L' ? 9 : kind === 'J' ? 5 : 3;
  if (!Number.isSafeInteger(version) || rawId === undefined || rawId === '' || f.length < minFields) {
    throw new TimelineCorruptError(`bad record "${line.slice(0, 80)}"`);
  }
  const id = decodeId(rawId);
  if (kind === 'D') return { kind: 'deleted', id, version };
  if (kind === 'X') return { kind: 'refused', id, version };
  const srcField = f[3] ?? '';
  let source = MANUAL;
  if (srcField !== '') {
    const s = sources[parseInt(srcField, 36)];
    if (s === undefined) throw new TimelineCorruptError(`record of ${id} names source ${srcField}, not in the head's sources`);
    source = s;
  }
  if (kind === 'J') {
    const data = JSON.parse(unesc(f[4] ?? '{}')) as Record<string, unknown>;
    return { kind: 'live', id, version, source, data };
  }
  if (kind !== 'L') throw new TimelineCorruptError(`bad record kind in "${line.slice(0, 80)}"`);
  const dep8 = f[4] ?? '';
  const departureDate = `${dep8.slice(0, 4)}-${dep8.slice(4, 6)}-${dep8.slice(6, 8)}`;
  const delta = f[5] ? Number(f[5]) : 0;
  const mt = f[8] ?? '';
  const modeChar = (mt[0] ?? '').toLowerCase();
  const data: Record<string, unknown> = {
    departureCountry: f[6],
    arrivalCountry: f[7],
    departureDate,
    arrivalDate: delta === 0 ? departureDate : addDays(departureDate, delta),
    mode: CODE_MODE[modeChar],
  };
  if (mt.length === 2) data.transit = false;
  else if (mt[0] !== undefined && mt[0] !== modeChar) data.transit = true;
  const time = (t: string | undefined) => (t ? `${t.slice(0, 2)}:${t.slice(2)}` : undefined);
  if (f[9]) data.departureTime = time(f[9]);
  if (f[10]) data.arrivalTime = time(f[10]);
  if (f[11]) data.departureAirport = f[11];
  if (f[12]) data.arrivalAirport = f[12];
  return { kind: 'live', id, version, source, data };
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function emptyMeta(): TimelineMeta {
  return {
    floor: 0,
    profile: null,
    statuses: [],
    summaryKey: null,
    alertAt: null,
    nextRecomputeAt: null,
    daily: { failures: 0, lastError: null, evalMs: 0 },
    imports: { date: '', ids: [] },
  };
}

/** What applying one write did. */
export type ApplyOutcome =
  /** Not newer than what the timeline holds for that id: nothing changed (redelivered or out-of-order event). */
  | 'stale'
  /** Newer, and the counted segments changed (an evaluation is needed). */
  | 'changed'
  /** Newer, but only the version (or a refused or deleted record) changed: no evaluation needed. */
  | 'version-only';

/**
 * A decoded timeline: entries by id, which shard holds each, and the head's other fields. Mutations mark the shards
 * they touch; `encode()` returns the documents to write. Not thread-safe, synchronous, no I/O.
 */
export class Timeline {
  readonly meta: TimelineMeta;
  private readonly entries = new Map<string, TimelineEntry>();
  private readonly lines = new Map<string, string>();
  private readonly shardOf = new Map<string, string>();
  private readonly shardBytes = new Map<string, number>([[HEAD_ID, 0]]);
  private readonly shardIds: string[] = [HEAD_ID];
  private readonly dirty = new Set<string>();
  private readonly tombstones = new Set<string>();
  private sources: string[] = [];
  private sourceIdx = new Map<string, number>();
  private live = 0;
  private refused = 0;
  private refusedBytes = 0;
  private tombstoneBytes = 0;
  private readonly metaAtLoad: string;
  /**
   * Ids of the head's statuses written before issue 12 (no `kind`; `meta.statuses` has them with their kind): the
   * recompute writes their documents again, then deletes the id here; until then the head keeps them as they were.
   */
  legacyStatusIds: Set<string> = new Set();
  private legacyAtLoad = 0;
  private readonly existed: boolean;
  private loadedShards = 1;
  private loadedSources = 0;

  private constructor(meta: TimelineMeta, existed: boolean) {
    this.meta = meta;
    this.existed = existed;
    this.metaAtLoad = existed ? JSON.stringify(meta) : '';
  }

  /** A new, empty timeline (no document yet). */
  static empty(): Timeline {
    return new Timeline(emptyMeta(), false);
  }

  /**
   * Decodes the documents read. Returns null when there is no head (the timeline was never built: repair it).
   * @throws TimelineCorruptError when a document breaks its schema, a listed shard is missing, or an id is twice.
   */
  static decode(docs: TimelineDocs): Timeline | null {
    if (!docs.head) return null;
    const headParsed = TimelineHeadDocSchema.safeParse(docs.head);
    if (!headParsed.success) throw new TimelineCorruptError(`head: ${headParsed.error.issues[0]?.message ?? 'invalid'}`);
    const h = headParsed.data;
    const meta: TimelineMeta = {
      floor: h.floor,
      profile: h.profile,
      statuses: h.statuses,
      summaryKey: h.summaryKey,
      alertAt: h.alertAt,
      nextRecomputeAt: h.nextRecomputeAt,
      daily: h.daily,
      imports: h.imports,
    };
    const tl = new Timeline(meta, true);
    // Statuses written before issue 12 (no `kind`) are read as rolling-window ones; the next evaluation writes them
    // again, with their kind, although their numbers did not change.
    const raw = (docs.head as { statuses?: unknown }).statuses;
    tl.legacyStatusIds = new Set(Array.isArray(raw) ? raw.filter(isLegacyStatus).map((s) => String((s as { ruleId?: unknown }).ruleId)) : []);
    tl.legacyAtLoad = tl.legacyStatusIds.size;
    tl.sources = [...h.sources];
    tl.sources.forEach((s, i) => tl.sourceIdx.set(s, i));
    tl.load(HEAD_ID, h.records);
    for (const id of h.shards) {
      const doc = docs.shards.get(id);
      if (!doc) throw new TimelineCorruptError(`shard ${id} is listed by the head but missing`);
      const parsed = TimelineShardDocSchema.safeParse(doc);
      if (!parsed.success) throw new TimelineCorruptError(`shard ${id}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      tl.shardIds.push(id);
      tl.shardBytes.set(id, 0);
      tl.load(id, parsed.data.records);
    }
    tl.loadedShards = tl.shardIds.length;
    tl.loadedSources = tl.sources.length;
    return tl;
  }

  private load(shard: string, records: string): void {
    if (records === '') return;
    let bytes = 0;
    for (const line of records.split('\n')) {
      const e = decodeEntry(line, this.sources);
      if (this.entries.has(e.id)) throw new TimelineCorruptError(`segment ${e.id} has two records`);
      this.entries.set(e.id, e);
      this.lines.set(e.id, line);
      this.shardOf.set(e.id, shard);
      this.count(e, byteLength(line) + 1, 1);
      bytes += byteLength(line) + 1;
    }
    this.shardBytes.set(shard, bytes);
  }

  /** Keeps the counts by kind up to date; `bytes` is the record's line with its newline. */
  private count(e: TimelineEntry, bytes: number, sign: 1 | -1): void {
    if (e.kind === 'live') this.live += sign;
    else if (e.kind === 'refused') {
      this.refused += sign;
      this.refusedBytes += sign * bytes;
    } else {
      this.tombstoneBytes += sign * bytes;
      if (sign === 1) this.tombstones.add(e.id);
      else this.tombstones.delete(e.id);
    }
  }

  /** True when the timeline has no document yet (it is being built). */
  get isNew(): boolean {
    return !this.existed;
  }

  /** Segments that count (live records). */
  get liveCount(): number {
    return this.live;
  }

  /** Creates refused by the segment cap that are remembered (`refusedIds()`). */
  get refusedCount(): number {
    return this.refused;
  }

  /** Number of documents (head included). */
  get shardCount(): number {
    return this.shardIds.length;
  }

  get(id: string): TimelineEntry | undefined {
    return this.entries.get(id);
  }

  /** Ids refused by the segment cap, in id order. */
  refusedIds(): string[] {
    return [...this.entries.values()]
      .filter((e) => e.kind === 'refused')
      .map((e) => e.id)
      .sort(cmp);
  }

  /** The live segments as stored segments (id order, as a listing of the segments collection returns them). */
  liveSegments(): StoredSegment[] {
    const out: StoredSegment[] = [];
    for (const e of this.entries.values()) {
      if (e.kind === 'live') out.push({ id: e.id, data: { ...e.data, source: e.source } as unknown as SegmentDoc });
    }
    return out.sort((a, b) => cmp(a.id, b.id));
  }

  /** Whether a write of `id` at `version` is newer than what the timeline reflects (else its event is stale). */
  isNewer(id: string, version: number): boolean {
    const cur = this.entries.get(id);
    return cur ? version > cur.version : version > this.meta.floor;
  }

  /**
   * Applies one write: `after` is the document after the write, null for a delete. A write (`after` set) at
   * `version` is applied only when newer than what the timeline holds for that id. A delete's `version` is the
   * version of the write it removed (its `before.updateTime`): it applies when the record is not newer than that
   * (a live or refused record of that write or an older one, a tombstone of an older removed write, or no record
   * above the floor), and leaves a tombstone of that version, or no record at all when the version is not above the
   * floor (no event older than the floor is applied anyway). Invariant 2.
   */
  apply(id: string, version: number, after: Record<string, unknown> | null): ApplyOutcome {
    const cur = this.entries.get(id);
    if (after === null) {
      const removes = cur ? (cur.kind === 'deleted' ? version > cur.version : version >= cur.version) : version > this.meta.floor;
      if (!removes) return 'stale';
      if (version > this.meta.floor) this.set({ kind: 'deleted', id, version });
      else this.remove(id);
      return cur?.kind === 'live' ? 'changed' : 'version-only';
    }
    if (!this.isNewer(id, version)) return 'stale';
    const source = typeof after.source === 'string' ? after.source : MANUAL;
    const data = timelineFieldsOf(after);
    this.set({ kind: 'live', id, version, source, data });
    return cur?.kind === 'live' && isDeepStrictEqual(cur.data, data) ? 'version-only' : 'changed';
  }

  /**
   * Records a create refused by the segment cap. Only the first MAX_REFUSED (and MAX_REFUSED_BYTES) are remembered:
   * a later one is not recorded (its segment is not counted either way; only the warning naming it is lost).
   */
  refuse(id: string, version: number): ApplyOutcome {
    if (!this.isNewer(id, version)) return 'stale';
    const cur = this.entries.get(id);
    if (cur?.kind !== 'refused') {
      const bytes = byteLength(encodeEntry({ kind: 'refused', id, version }, () => 0)) + 1;
      if (this.refused >= MAX_REFUSED || this.refusedBytes + bytes > MAX_REFUSED_BYTES) return 'stale';
    }
    this.set({ kind: 'refused', id, version });
    return cur?.kind === 'live' ? 'changed' : 'version-only';
  }

  /**
   * Merges a listing of the segments collection read at `readTime` (microseconds): the repair path. Listed segments
   * newer than their record replace it; a live record of an id not listed whose version is not after `readTime` was
   * deleted before the listing and becomes a tombstone at `readTime`; records newer than the listing are kept. The
   * floor moves to `readTime`: an id unknown after the merge did not exist at `readTime`.
   */
  mergeListing(listed: readonly { id: string; version: number; data: Record<string, unknown> }[], readTime: number): number {
    let changed = 0;
    const seen = new Set<string>();
    for (const s of listed) {
      seen.add(s.id);
      const cur = this.entries.get(s.id);
      if (cur && cur.version >= s.version) {
        // Already reflected, unless the record is a refused create the listing shows stored: keep it refused.
        continue;
      }
      const source = typeof s.data.source === 'string' ? s.data.source : MANUAL;
      this.set({ kind: 'live', id: s.id, version: s.version, source, data: timelineFieldsOf(s.data) });
      changed += 1;
    }
    for (const e of [...this.entries.values()]) {
      if (seen.has(e.id) || e.version > readTime) continue;
      if (e.kind === 'live' || e.kind === 'refused') {
        this.set({ kind: 'deleted', id: e.id, version: readTime });
        changed += 1;
      }
    }
    if (readTime > this.meta.floor) this.meta.floor = readTime;
    return changed;
  }

  /**
   * Drops the tombstones older than TOMBSTONE_TTL_MS before `now`, then, while more than MAX_TOMBSTONES or
   * MAX_TOMBSTONE_BYTES remain, the oldest (lowest version) first; the floor moves to the newest dropped version. A
   * late event of a dropped id is then stale (not above the floor), as it was against its tombstone. The cost: an
   * event of ANOTHER id with no record, older than the new floor, is stale too; the caps are far above the deletes a
   * traveller makes within the few seconds an event is normally late.
   */
  dropOldTombstones(now: Date): void {
    const limit = micros(now) - TOMBSTONE_TTL_MS * 1000;
    const drop = (e: TimelineEntry) => {
      this.remove(e.id);
      if (e.version > this.meta.floor) this.meta.floor = e.version;
    };
    for (const id of [...this.tombstones]) {
      const e = this.entries.get(id)!;
      if (e.version < limit) drop(e);
    }
    if (this.tombstones.size <= MAX_TOMBSTONES && this.tombstoneBytes <= MAX_TOMBSTONE_BYTES) return;
    const oldestFirst = [...this.tombstones].map((id) => this.entries.get(id)!).sort((a, b) => a.version - b.version);
    for (const e of oldestFirst) {
      if (this.tombstones.size <= MAX_TOMBSTONES && this.tombstoneBytes <= MAX_TOMBSTONE_BYTES) break;
      drop(e);
    }
  }

  private sourceIndex(source: string): number {
    let i = this.sourceIdx.get(source);
    if (i === undefined) {
      i = this.sources.length;
      this.sources.push(source);
      this.sourceIdx.set(source, i);
    }
    return i;
  }

  private remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    const shard = this.shardOf.get(id)!;
    this.shardBytes.set(shard, (this.shardBytes.get(shard) ?? 0) - (byteLength(this.lines.get(id)!) + 1));
    this.dirty.add(shard);
    this.count(e, byteLength(this.lines.get(id)!) + 1, -1);
    this.entries.delete(id);
    this.lines.delete(id);
    this.shardOf.delete(id);
  }

  private set(e: TimelineEntry): void {
    const line = encodeEntry(e, (s) => this.sourceIndex(s));
    const bytes = byteLength(line) + 1;
    const prev = this.shardOf.get(e.id);
    this.remove(e.id);
    const fits = (shard: string) => (this.shardBytes.get(shard) ?? 0) + bytes <= MAX_SHARD_BYTES;
    let shard = prev !== undefined && fits(prev) ? prev : this.shardIds.find(fits);
    if (shard === undefined) {
      shard = `s${this.shardIds.length}`;
      this.shardIds.push(shard);
      this.shardBytes.set(shard, 0);
    }
    this.entries.set(e.id, e);
    this.lines.set(e.id, line);
    this.shardOf.set(e.id, shard);
    this.shardBytes.set(shard, (this.shardBytes.get(shard) ?? 0) + bytes);
    this.count(e, bytes, 1);
    this.dirty.add(shard);
  }

  /**
   * The documents to write: every shard whose records changed, and the head when its records or any of its other
   * fields changed (or it is new). Empty when nothing changed.
   */
  encode(now: Date): Map<string, TimelineHeadDoc | TimelineShardDoc> {
    const out = new Map<string, TimelineHeadDoc | TimelineShardDoc>();
    const shardList = this.shardIds.slice(1);
    const headMetaChanged =
      !this.existed ||
      JSON.stringify(this.meta) !== this.metaAtLoad ||
      this.dirty.has(HEAD_ID) ||
      this.shardIds.length !== this.loadedShards ||
      this.sources.length !== this.loadedSources ||
      this.legacyStatusIds.size !== this.legacyAtLoad;
    if (!headMetaChanged && this.dirty.size === 0) return out;
    const grouped = new Map<string, string[]>();
    for (const s of this.dirty) grouped.set(s, []);
    if (headMetaChanged) grouped.set(HEAD_ID, []);
    for (const [id, shard] of this.shardOf) grouped.get(shard)?.push(this.lines.get(id)!);
    for (const [shard, lines] of grouped) {
      const records = lines.join('\n');
      if (shard !== HEAD_ID) {
        out.set(shard, { v: 1, records });
        continue;
      }
      out.set(HEAD_ID, {
        v: 1,
        records,
        shards: shardList,
        sources: this.sources,
        floor: this.meta.floor,
        profile: this.meta.profile,
        // A status whose document still predates issue 12 stays without `kind` here, so it is rewritten next time.
        statuses: this.meta.statuses.map((s) => {
          if (!this.legacyStatusIds.has(s.ruleId)) return s;
          const { kind: _kind, ...legacy } = s;
          return legacy as VisaStatusDoc;
        }),
        summaryKey: this.meta.summaryKey,
        alertAt: this.meta.alertAt,
        nextRecomputeAt: this.meta.nextRecomputeAt,
        daily: this.meta.daily,
        imports: this.meta.imports,
        segments: this.live,
        updatedAt: now,
      });
    }
    return out;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
