/**
 * The per-user timeline (Firebase-free): every segment of a user as one compact record, kept in a few documents
 * `users/{uid}/timeline/{head|s1|s2...}`, so that a recompute reads 1 document instead of N segments. The records
 * (one line per segment id) are encoded by `encodeEntry` and decoded by `decodeEntry`.
 *
 * ## The head has one owner
 * The head's fields other than records (the floor, the profile's rule inputs, the statuses and summary last written,
 * the schedules, the daily run's record, the imports of the day) are a {@link TimelineHead}: changed only through its
 * methods (`timeline.head`), read through `timeline.meta`, which is read-only.
 *
 * ## Invariants (docs/data-model.md, `users/{uid}/timeline/{shardId}`)
 * 1. Each segment id has at most one record, in exactly one shard; the head lists the other shards.
 * 2. A record's version is the commit time of the newest write of that segment applied so far. A write is applied
 *    only when its version is newer than the record's (or, for an id with no record, newer than `floor`). A delete is
 *    ordered by what it removed: it applies when the record is not newer than the write it removed (and its
 *    tombstone carries that write's version), so a re-create committed after the delete wins whatever the order the
 *    two events arrive in. A redelivered or out-of-order event is a no-op, and the order events are handled in does
 *    not matter.
 * 3. Therefore, once every write's event has been handled, the live records equal the stored segments (the fields
 *    a record keeps, `timelineFieldsOf`), except creates refused by the segment cap (`X`).
 * 4. No shard exceeds `MAX_SHARD_BYTES` of records (Firestore's limit is 1 MiB per document).
 *
 * ## Size (docs/data-model.md, invariant 7 and Limits the rules cannot enforce)
 * Every record is bounded, so the timeline of a user is too. Segment ids are at most 128 characters `A-Z a-z 0-9 _ -`
 * (`MAX_SEGMENT_ID_LENGTH` of the document schemas, enforced by firestore.rules; imports write `imp-` + 24 hex), so a
 * compact live record is at most `MAX_LIVE_RECORD_BYTES` (200 bytes). Tombstones are kept `TOMBSTONE_TTL_MS` and at most `MAX_TOMBSTONES` /
 * `MAX_TOMBSTONE_BYTES` (the oldest dropped first, the floor moved past them); refused creates at most `MAX_REFUSED`
 * / `MAX_REFUSED_BYTES` (later ones not recorded). Records of one user therefore take at most
 * `maxSegmentsPerUser × MAX_LIVE_RECORD_BYTES + MAX_TOMBSTONE_BYTES + MAX_REFUSED_BYTES` (20 000 × 200 B + 150 KB +
 * 150 KB = 4.3 MB, five documents), plus the head's other fields. `J` records (documents that break the segment
 * schema) and ids longer than the rules allow exist only for documents written past the rules (Admin SDK, or
 * before the id rule); the byte caps bound their tombstones and refusals too.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SegmentDoc, TimelineHeadDoc, TimelineShardDoc } from '../model/documents';
import { TimelineHeadDocSchema, TimelineShardDocSchema } from '../model/documents';
import type { StoredSegment, TimelineDocs } from '../repository/types';
import { TimelineHead, type TimelineMeta } from './head';
import { MANUAL_SOURCE, TimelineCorruptError, decodeEntry, encodeEntry, timelineFieldsOf, type TimelineEntry } from './records';

/** Id of the head document. */
export const HEAD_ID = 'head';
/** Most bytes of records one document holds (Firestore's document limit is 1 MiB; the head's other fields fit in the rest). */
export const MAX_SHARD_BYTES = 900_000;
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
const MANUAL = MANUAL_SOURCE;

/** Microseconds since the epoch of a Date (versions and floors are in microseconds). */
export function micros(d: Date): number {
  return d.getTime() * 1000;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
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
  /** The head's fields other than records: the one way to change them. */
  readonly head: TimelineHead;
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
  private readonly existed: boolean;
  private loadedShards = 1;
  private loadedSources = 0;

  private constructor(head: TimelineHead, existed: boolean) {
    this.head = head;
    this.existed = existed;
  }

  /** A new, empty timeline (no document yet). */
  static empty(): Timeline {
    return new Timeline(TimelineHead.empty(), false);
  }

  /**
   * Decodes the documents read. Returns null when there is no head (the timeline was never built: repair it).
   * @throws TimelineCorruptError when a document breaks its schema, a listed shard is missing, or an id is twice.
   */
  static decode(docs: Pick<TimelineDocs, 'head' | 'shards'>): Timeline | null {
    if (!docs.head) return null;
    const headParsed = TimelineHeadDocSchema.safeParse(docs.head);
    if (!headParsed.success) throw new TimelineCorruptError(`head: ${headParsed.error.issues[0]?.message ?? 'invalid'}`);
    const h = headParsed.data;
    const tl = new Timeline(TimelineHead.read(h, docs.head), true);
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

  /** The head's fields other than records, read-only (change them through `head`). */
  get meta(): Readonly<TimelineMeta> {
    return this.head.meta;
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
    this.head.raiseFloor(readTime);
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
      this.head.raiseFloor(e.version);
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
      !this.existed || this.head.changed || this.dirty.has(HEAD_ID) || this.shardIds.length !== this.loadedShards || this.sources.length !== this.loadedSources;
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
      const meta = this.head.meta;
      out.set(HEAD_ID, {
        v: 1,
        records,
        shards: shardList,
        sources: this.sources,
        floor: meta.floor,
        profile: meta.profile,
        statuses: this.head.storedStatuses(),
        summaryKey: meta.summaryKey,
        alertAt: meta.alertAt,
        nextRecomputeAt: meta.nextRecomputeAt,
        daily: meta.daily,
        imports: meta.imports,
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
