/**
 * The timeline head's fields (TimelineHead): changed only through its methods, and `changed` true exactly when one of
 * them moved since the head was read (what decides whether the head document is written again).
 */
import { Timeline } from '../../../functions/src/timeline/timeline';

const NOW = new Date('2026-11-23T10:00:00Z');

/** A stored timeline read back (head written once, nothing changed since). */
function stored(): Timeline {
  const docs = Timeline.empty().encode(NOW);
  return Timeline.decode({ head: docs.get('head') as never, shards: new Map() })!;
}

test('a head read back and left alone is not written again', () => {
  const tl = stored();
  expect(tl.head.changed).toBe(false);
  expect(tl.encode(NOW).size).toBe(0);
});

test.each<[string, (tl: Timeline) => void]>([
  [
    'setProfile',
    (tl) =>
      tl.head.setProfile({ nationalities: ['FR'], homeCountry: null, timeZone: 'UTC', notifications: {} as never, residencePermits: [], trackedRules: null }),
  ],
  ['setAlertAt', (tl) => tl.head.setAlertAt(NOW)],
  ['setNextRecomputeAt', (tl) => tl.head.setNextRecomputeAt(NOW)],
  ['recordWritten (summary)', (tl) => tl.head.recordWritten({ rewritten: [], summaryKey: 'k' })],
  ['recordDailyRun', (tl) => tl.head.recordDailyRun(5)],
  ['countImport', (tl) => tl.head.countImport('2026-11-23', 'i1', 5)],
  ['raiseFloor', (tl) => tl.head.raiseFloor(10)],
])('%s changes the head, which is written again', (_name, change) => {
  const tl = stored();
  change(tl);
  expect(tl.head.changed).toBe(true);
  expect(tl.encode(NOW).has('head')).toBe(true);
});

test('countImport counts an import once per day and refuses one over the cap, changing nothing', () => {
  const tl = stored();
  expect(tl.head.countImport('2026-11-23', 'i1', 2)).toBeNull();
  expect(tl.head.countImport('2026-11-23', 'i1', 2)).toBeNull();
  expect(tl.head.countImport('2026-11-23', 'i2', 2)).toBeNull();
  expect(tl.head.countImport('2026-11-23', 'i3', 2)).toBe(2);
  expect(tl.meta.imports).toEqual({ date: '2026-11-23', ids: ['i1', 'i2'] });
  // A new local day starts a new count.
  expect(tl.head.countImport('2026-11-24', 'i3', 2)).toBeNull();
  expect(tl.meta.imports).toEqual({ date: '2026-11-24', ids: ['i3'] });
});

test('recordDailyRun records the duration (ms, rounded) and clears the failures', () => {
  const tl = stored();
  tl.head.recordDailyRun(12.6);
  expect(tl.meta.daily).toEqual({ failures: 0, lastError: null, evalMs: 13 });
});

test('raiseFloor never lowers the floor', () => {
  const tl = stored();
  tl.head.raiseFloor(10);
  tl.head.raiseFloor(5);
  expect(tl.meta.floor).toBe(10);
});
