/**
 * services/segmentEvents.ts: the version that orders the writes of one segment, read off a Firestore write event.
 * Versions are microseconds since the epoch; Firestore's commit times have microsecond precision, which `Date`
 * would cut to milliseconds, so two writes in the same millisecond must still come out ordered.
 */
import { rfc3339Micros, segmentWriteOf, type SegmentWrittenEvent, type SnapshotLike } from '../../functions/src/services/segmentEvents';

const T = Date.parse('2026-11-23T10:00:00Z') / 1000; // seconds

const doc = (seconds: number, nanoseconds: number, data: Record<string, unknown> = { departureCountry: 'US' }): SnapshotLike => ({
  exists: true,
  updateTime: { seconds, nanoseconds },
  data: () => data,
});
const absent: SnapshotLike = { exists: false, data: () => undefined };

const event = (time: string, before: SnapshotLike, after: SnapshotLike): SegmentWrittenEvent => ({
  id: 'evt-1',
  time,
  params: { uid: 'u1', segmentId: 's1' },
  data: { before, after },
});

describe('rfc3339Micros', () => {
  test.each([
    ['2026-11-23T10:00:00.123456Z', T * 1e6 + 123_456],
    ['2026-11-23T10:00:00.1Z', T * 1e6 + 100_000],
    ['2026-11-23T10:00:00Z', T * 1e6],
    ['2026-11-23T11:00:00.000001+01:00', T * 1e6 + 1],
    // Digits beyond microseconds are cut, not rounded (never later than the commit).
    ['2026-11-23T10:00:00.9999999Z', T * 1e6 + 999_999],
    ['yesterday', NaN],
  ])('%s -> %d', (time, micros) => {
    expect(rfc3339Micros(time)).toBe(micros);
  });
});

describe('segmentWriteOf', () => {
  test.each([
    {
      name: 'a create: the document update time, to the microsecond',
      e: event('2026-11-23T10:00:00.999999Z', absent, doc(T, 123_456_789)),
      version: T * 1e6 + 123_456,
      beforeExists: false,
    },
    {
      name: 'an update: the after update time, later than the before one',
      e: event('2026-11-23T10:00:01Z', doc(T, 0), doc(T + 1, 0)),
      version: (T + 1) * 1e6,
      beforeExists: true,
    },
    {
      name: 'a delete: the update time of the document it removed, not the event time',
      e: event('2026-11-23T10:00:05.000002Z', doc(T, 250_000_000), absent),
      version: T * 1e6 + 250_000,
      beforeExists: true,
    },
    {
      name: 'a delete whose event clock is behind the removed version: still the removed version',
      e: event('2026-11-23T09:59:59Z', doc(T, 500_000_000), absent),
      version: T * 1e6 + 500_000,
      beforeExists: true,
    },
    {
      name: 'a delete whose before has no update time: the event time',
      e: event('2026-11-23T10:00:05.000002Z', { exists: true, data: () => ({}) }, absent),
      version: (T + 5) * 1e6 + 2,
      beforeExists: true,
    },
    {
      name: 'an after without an update time: the event time',
      e: event('2026-11-23T10:00:02Z', absent, { exists: true, data: () => ({}) }),
      version: (T + 2) * 1e6,
      beforeExists: false,
    },
  ])('$name', ({ e, version, beforeExists }) => {
    const w = segmentWriteOf(e);
    expect(w).toMatchObject({ uid: 'u1', segmentId: 's1', eventId: 'evt-1', version, beforeExists });
    expect(w.after).toEqual(e.data?.after?.exists ? e.data.after.data() : null);
  });

  test('an unreadable event time never makes the write look older than an account deletion', () => {
    const w = segmentWriteOf(event('not a time', absent, doc(T, 0)));
    expect(w.version).toBe(T * 1e6);
    expect(w.eventTime.getTime()).toBe(8.64e15);
  });

  test('a delete with no readable time at all cannot be ordered: it throws, so the event is retried', () => {
    expect(() => segmentWriteOf(event('not a time', absent, absent))).toThrow(/evt-1 has no readable commit time/);
  });
});
