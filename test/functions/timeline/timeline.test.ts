/**
 * The timeline (functions/src/timeline/timeline.ts) on its own: the record format round-trips every value a segment
 * document can hold, documents are split before Firestore's size limit, and the order writes are applied in does not
 * change the result (property test: any order, with repeats, ends in the state of each segment's last write).
 */
import fc from 'fast-check';
import {
  HEAD_ID,
  MAX_REFUSED_BYTES,
  MAX_SHARD_BYTES,
  MAX_TOMBSTONE_BYTES,
  MAX_TOMBSTONES,
  TOMBSTONE_TTL_MS,
  Timeline,
} from '../../../functions/src/timeline/timeline';
import { TimelineCorruptError, decodeEntry, encodeEntry, type TimelineEntry } from '../../../functions/src/timeline/records';
import type { TimelineHeadDoc, TimelineShardDoc } from '../../../functions/src/model/documents';

const NOW = new Date('2026-11-23T10:00:00Z');
const base = { departureCountry: 'US', arrivalCountry: 'FR', departureDate: '2026-03-01', arrivalDate: '2026-03-01', mode: 'flight' };

/**
 * Writes the documents a timeline changed into `store` (as a commit does) and decodes the store again (as the next
 * event's read does).
 */
function roundTrip(tl: Timeline, store = new Map<string, TimelineHeadDoc | TimelineShardDoc>()): Timeline {
  for (const [id, doc] of tl.encode(NOW)) store.set(id, doc);
  const head = store.get(HEAD_ID) as TimelineHeadDoc;
  const shards = new Map([...store].filter(([id]) => id !== HEAD_ID) as [string, TimelineShardDoc][]);
  return Timeline.decode({ head, shards })!;
}

describe('records', () => {
  const sources = ['imp-file-1'];
  const idx = (s: string) => sources.indexOf(s);
  test.each<[string, TimelineEntry]>([
    ['a manual segment', { kind: 'live', id: 'A1B2', version: 1_795_428_000_000_001, source: 'manual', data: { ...base } }],
    [
      'an imported flight with times and airports (id compacted)',
      {
        kind: 'live',
        id: 'imp-0123456789abcdef01234567',
        version: 5,
        source: 'imp-file-1',
        data: { ...base, departureTime: '07:05', arrivalTime: '23:59', departureAirport: 'JFK', arrivalAirport: 'LFPG' },
      },
    ],
    [
      'a date-line arrival the day before, transit true',
      { kind: 'live', id: 'x', version: 6, source: 'manual', data: { ...base, arrivalDate: '2026-02-28', transit: true } },
    ],
    ['transit false is kept apart from no transit', { kind: 'live', id: 'y', version: 7, source: 'manual', data: { ...base, mode: 'train', transit: false } }],
    ['an id with tab, newline, percent and exclamation mark', { kind: 'live', id: '!a\tb\n%c', version: 8, source: 'manual', data: { ...base } }],
    [
      'an invalid document is kept whole (JSON form)',
      { kind: 'live', id: 'bad', version: 9, source: 'manual', data: { ...base, arrivalCountry: 'XX1', extra: { deep: ['\t'] } } },
    ],
    ['a tombstone', { kind: 'deleted', id: 'gone', version: 10 }],
    ['a create refused by the cap', { kind: 'refused', id: 'over', version: 11 }],
  ])('%s round-trips', (_name, entry) => {
    const line = encodeEntry(entry, idx);
    expect(line).not.toMatch(/\n/);
    expect(decodeEntry(line, sources)).toEqual(entry);
  });

  test('an imported flight costs under 80 bytes', () => {
    const e: TimelineEntry = {
      kind: 'live',
      id: 'imp-0123456789abcdef01234567',
      version: 1_795_428_000_000_001,
      source: 'imp-file-1',
      data: { ...base, departureTime: '07:05', arrivalTime: '23:59', departureAirport: 'JFK', arrivalAirport: 'CDG' },
    };
    expect(Buffer.byteLength(encodeEntry(e, idx))).toBeLessThan(80);
  });

  test.each(['Q\t1\tx', 'L\tnot-a-number\tx', 'L\t1\t', 'L\t1\tx\tz'])('%j is not a record', (line) => {
    expect(() => decodeEntry(line, sources)).toThrow(TimelineCorruptError);
  });
});

describe('documents', () => {
  test('records are split into documents of at most MAX_SHARD_BYTES; the head lists them; decoding restores all', () => {
    const tl = Timeline.empty();
    const id = (i: number) => `segment-with-a-long-id-${String(i).padStart(6, '0')}-${'x'.repeat(60)}`;
    const n = Math.ceil((2.5 * MAX_SHARD_BYTES) / 120);
    for (let i = 0; i < n; i++) tl.apply(id(i), 1000 + i, { ...base, source: 'manual' });
    const docs = tl.encode(NOW);
    expect([...docs.keys()]).toEqual([HEAD_ID, 's1', 's2']);
    for (const d of docs.values()) expect(Buffer.byteLength(d.records)).toBeLessThanOrEqual(MAX_SHARD_BYTES);
    expect((docs.get(HEAD_ID) as TimelineHeadDoc).shards).toEqual(['s1', 's2']);
    const back = roundTrip(tl);
    expect(back.liveCount).toBe(n);
    expect(back.liveSegments().map((s) => s.id)).toEqual(tl.liveSegments().map((s) => s.id));
    // Changing one record rewrites only its document (and not the head, whose fields did not change).
    back.apply(id(n - 1), 10_000_000, { ...base, arrivalCountry: 'DE', source: 'manual' });
    expect([...back.encode(NOW).keys()]).toEqual(['s2']);
  });

  test('a head listing a missing shard, or an id in two documents, is unreadable', () => {
    const tl = Timeline.empty();
    tl.apply('a', 1, { ...base });
    const head = tl.encode(NOW).get(HEAD_ID) as TimelineHeadDoc;
    expect(() => Timeline.decode({ head: { ...head, shards: ['s1'] }, shards: new Map() })).toThrow(/shard s1 is listed by the head but missing/);
    expect(() => Timeline.decode({ head: { ...head, shards: ['s1'] }, shards: new Map([['s1', { v: 1, records: head.records }]]) })).toThrow(
      /segment a has two records/,
    );
  });
});

describe('versions', () => {
  test('a write not newer than the record, or for an unknown id not newer than the floor, is stale', () => {
    const tl = Timeline.empty();
    expect(tl.apply('a', 10, { ...base })).toBe('changed');
    expect(tl.apply('a', 10, { ...base, arrivalCountry: 'DE' })).toBe('stale');
    expect(tl.apply('a', 9, null)).toBe('stale');
    expect(tl.apply('a', 11, { ...base, notes: 'only a note' })).toBe('version-only');
    expect(tl.apply('a', 12, null)).toBe('changed');
    tl.head.raiseFloor(100);
    expect(tl.apply('b', 100, { ...base })).toBe('stale');
    expect(tl.apply('b', 101, { ...base })).toBe('changed');
  });

  test('tombstones older than the TTL are dropped and the floor moves past them', () => {
    const tl = Timeline.empty();
    const old = NOW.getTime() * 1000 - TOMBSTONE_TTL_MS * 1000 - 1;
    tl.apply('a', old, { ...base });
    tl.apply('a', old, null);
    tl.dropOldTombstones(NOW);
    expect(tl.get('a')).toBeUndefined();
    expect(tl.meta.floor).toBe(old);
    // A very late event of the deleted segment's create is still stale.
    expect(tl.apply('a', old - 5, { ...base })).toBe('stale');
    expect(tl.apply('a', old, null)).toBe('stale');
  });

  test('a delete is ordered by the write it removed: a re-create committed after it wins in either order', () => {
    for (const order of ['delete first', 're-create first'] as const) {
      const tl = Timeline.empty();
      tl.apply('a', 10, { ...base });
      // The delete removed the write of version 10; the re-create committed after the delete (version 12).
      const steps = [() => tl.apply('a', 10, null), () => tl.apply('a', 12, { ...base, arrivalCountry: 'DE' })];
      for (const step of order === 'delete first' ? steps : [...steps].reverse()) step();
      expect(tl.get('a')).toMatchObject({ kind: 'live', version: 12, data: { arrivalCountry: 'DE' } });
      expect(tl.apply('a', 10, null)).toBe('stale');
    }
    // A delete whose removed write was not applied yet leaves a tombstone of that write's version: its event is stale.
    const tl = Timeline.empty();
    tl.apply('b', 20, { ...base });
    expect(tl.apply('b', 25, null)).toBe('changed');
    expect(tl.get('b')).toEqual({ kind: 'deleted', id: 'b', version: 25 });
    expect(tl.apply('b', 25, { ...base })).toBe('stale');
    // Deleting a record at or below the floor leaves no record: every event of it is below the floor.
    tl.apply('c', 30, { ...base });
    tl.head.raiseFloor(40);
    expect(tl.apply('c', 30, null)).toBe('changed');
    expect(tl.get('c')).toBeUndefined();
    expect(tl.apply('c', 30, { ...base })).toBe('stale');
  });

  test('tombstones beyond MAX_TOMBSTONES or MAX_TOMBSTONE_BYTES: the oldest are dropped, the floor moves past them, their late events stay stale', () => {
    const start = NOW.getTime() * 1000;
    const cases = [
      { name: 'count', n: MAX_TOMBSTONES + 5, id: (i: number) => `s${i}` },
      { name: 'bytes (ids of 1 500 characters, written past the rules)', n: 120, id: (i: number) => `${String(i).padStart(3, '0')}${'x'.repeat(1497)}` },
    ];
    for (const { n, id } of cases) {
      const tl = Timeline.empty();
      for (let i = 0; i < n; i++) tl.apply(id(i), start + i, { ...base });
      for (let i = 0; i < n; i++) tl.apply(id(i), start + i, null);
      tl.dropOldTombstones(NOW);
      const docs = tl.encode(NOW);
      expect([...docs.keys()]).toEqual([HEAD_ID]);
      const { records } = docs.get(HEAD_ID) as TimelineHeadDoc;
      const kept = records.split('\n');
      expect(kept.length).toBeLessThanOrEqual(MAX_TOMBSTONES);
      expect(Buffer.byteLength(records) + 1).toBeLessThanOrEqual(MAX_TOMBSTONE_BYTES);
      const back = roundTrip(tl);
      const dropped = n - kept.length;
      expect(dropped).toBeGreaterThan(0);
      expect(back.get(id(dropped - 1))).toBeUndefined();
      expect(back.get(id(dropped))).toEqual({ kind: 'deleted', id: id(dropped), version: start + dropped });
      expect(back.meta.floor).toBe(start + dropped - 1);
      for (let i = 0; i < n; i++) {
        expect(back.apply(id(i), start + i, { ...base })).toBe('stale');
        expect(back.apply(id(i), start + i, null)).toBe('stale');
      }
    }
  });

  test('refused creates beyond MAX_REFUSED_BYTES are not recorded', () => {
    const tl = Timeline.empty();
    const id = (i: number) => `${String(i).padStart(3, '0')}${'x'.repeat(1497)}`;
    const outcomes = Array.from({ length: 120 }, (_, i) => tl.refuse(id(i), 100 + i));
    const recorded = outcomes.filter((o) => o === 'version-only').length;
    expect(recorded).toBe(Math.floor(MAX_REFUSED_BYTES / (Buffer.byteLength(encodeEntry({ kind: 'refused', id: id(0), version: 100 }, () => 0)) + 1)));
    expect(outcomes.slice(recorded).every((o) => o === 'stale')).toBe(true);
    expect(tl.refusedCount).toBe(recorded);
  });

  test('mergeListing (repair): listed segments newer than their record win; unlisted older records become tombstones', () => {
    const tl = Timeline.empty();
    tl.apply('kept-newer', 500, { ...base, arrivalCountry: 'DE' });
    tl.apply('gone', 50, { ...base });
    tl.apply('stale', 40, { ...base });
    tl.mergeListing(
      [
        { id: 'kept-newer', version: 300, data: { ...base } },
        { id: 'stale', version: 60, data: { ...base, arrivalCountry: 'IT' } },
        { id: 'new', version: 70, data: { ...base } },
      ],
      400,
    );
    expect(tl.get('kept-newer')).toMatchObject({ kind: 'live', version: 500, data: { arrivalCountry: 'DE' } });
    expect(tl.get('stale')).toMatchObject({ kind: 'live', version: 60, data: { arrivalCountry: 'IT' } });
    expect(tl.get('gone')).toEqual({ kind: 'deleted', id: 'gone', version: 400 });
    expect(tl.get('new')).toMatchObject({ kind: 'live', version: 70 });
    expect(tl.meta.floor).toBe(400);
  });

  test("property: writes applied in any order, any of them repeated, end in each segment's last write", () => {
    const write = fc.record({
      id: fc.constantFrom('a', 'b', 'c'),
      op: fc.oneof(
        fc.constant(null),
        fc.constantFrom('FR', 'DE', 'IT').map((c) => ({ ...base, arrivalCountry: c })),
      ),
    });
    fc.assert(
      fc.property(fc.array(write, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (writes, picks) => {
        // Versions in write order, as commit times are; a delete carries the version of the write it removed, and
        // deleting a missing segment is no write (no event).
        const events: { id: string; op: (typeof writes)[number]['op']; version: number }[] = [];
        const last = new Map<string, { version: number; exists: boolean }>();
        writes.forEach((w, i) => {
          const prev = last.get(w.id);
          if (w.op === null && !prev?.exists) return;
          events.push({ ...w, version: w.op === null ? prev!.version : 1000 + i });
          last.set(w.id, { version: 1000 + i, exists: w.op !== null });
        });
        fc.pre(events.length > 0);
        const expected = new Map<string, string | null>();
        for (const e of events) expected.set(e.id, e.op ? e.op.arrivalCountry : null);
        // Deliver in a shuffled order derived from `picks`, with repeats, then every event once more.
        const order = picks.map((p) => events[p % events.length]!).concat([...events].reverse());
        let tl = Timeline.empty();
        const store = new Map<string, TimelineHeadDoc | TimelineShardDoc>();
        for (const e of order) {
          tl.apply(e.id, e.version, e.op);
          tl = roundTrip(tl, store);
        }
        const live = new Map(tl.liveSegments().map((s) => [s.id, s.data.arrivalCountry]));
        for (const [id, country] of expected) expect(live.get(id) ?? null).toBe(country);
        expect(live.size).toBe([...expected.values()].filter((c) => c !== null).length);
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});
