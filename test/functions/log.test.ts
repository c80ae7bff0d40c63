/**
 * functions/src/log.ts: the functions' log events. Each event function writes one entry with the event's stable
 * name, its severity, the job's ids and scalars only; the production sink is firebase-functions/logger, whose JSON
 * line Cloud Logging turns into a structured entry. The table covers every event name once, so an event added to
 * the list without a function (or a function writing another event's name) fails here.
 */
import { LOG_EVENT_NAMES, logEventsTo, type LogEntry, type LogEvents } from '../../functions/src/log';

function capture(): { events: LogEvents; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { events: logEventsTo((e) => void entries.push(e)), entries };
}

const ids = { uid: 'u1', importId: 'i1', eventId: 'e1' };
const boom = new Error('permission denied\n    at Firestore.write (internal.js:1:1)');

const cases: { call: (l: LogEvents) => void; entry: LogEntry }[] = [
  {
    call: (l) => l.segmentEventSkipped({ uid: 'u1', eventId: 'e1', segmentId: 's1', reason: 'imported-create' }),
    entry: { severity: 'DEBUG', message: 'segment.event.skipped', uid: 'u1', eventId: 'e1', segmentId: 's1', reason: 'imported-create' },
  },
  {
    call: (l) => l.segmentRefused({ uid: 'u1', eventId: 'e1', segmentId: 's1', maxSegments: 20000 }),
    entry: { severity: 'WARNING', message: 'segment.refused', uid: 'u1', eventId: 'e1', segmentId: 's1', maxSegments: 20000 },
  },
  {
    call: (l) => l.recomputeDone({ uid: 'u1', eventId: 'e1', asOf: '2025-03-01', segments: 4, rules: 2, changed: true }),
    entry: { severity: 'INFO', message: 'recompute.done', uid: 'u1', eventId: 'e1', asOf: '2025-03-01', segments: 4, rules: 2, changed: true },
  },
  {
    call: (l) => l.timelineCorrupt({ uid: 'u1', error: new Error('shard 3 unreadable') }),
    entry: { severity: 'ERROR', message: 'timeline.corrupt', uid: 'u1', reason: 'Error: shard 3 unreadable' },
  },
  {
    call: (l) => l.timelineRepaired({ uid: 'u1', eventId: 'e1', merged: 2, segments: 40 }),
    entry: { severity: 'INFO', message: 'timeline.repaired', uid: 'u1', eventId: 'e1', merged: 2, segments: 40 },
  },
  {
    call: (l) => l.accountStrayWritesErased({ uid: 'u1', eventId: 'e1' }),
    entry: { severity: 'INFO', message: 'account.strayWritesErased', uid: 'u1', eventId: 'e1' },
  },
  {
    call: (l) => l.profileEventSkipped({ uid: 'u1', eventId: 'e1', reason: 'account-deleted' }),
    entry: { severity: 'INFO', message: 'profile.event.skipped', uid: 'u1', eventId: 'e1', reason: 'account-deleted' },
  },
  {
    // Field names joined, never the values.
    call: (l) => l.profileChanged({ uid: 'u1', eventId: 'e1', cause: 'edited', fields: ['nationalities', 'timeZone'] }),
    entry: { severity: 'INFO', message: 'profile.changed', uid: 'u1', eventId: 'e1', cause: 'edited', fields: 'nationalities,timeZone' },
  },
  {
    call: (l) => l.importRejected({ eventId: 'e1', reason: 'not an import path' }),
    entry: { severity: 'INFO', message: 'import.rejected', eventId: 'e1', reason: 'not an import path' },
  },
  {
    call: (l) => l.importFailed({ ...ids, reason: 'the file is empty' }),
    entry: { severity: 'WARNING', message: 'import.failed', ...ids, reason: 'the file is empty' },
  },
  {
    call: (l) => l.importCapped({ ...ids, cap: 'segments', limit: 20000, rows: 12 }),
    entry: { severity: 'WARNING', message: 'import.capped', ...ids, cap: 'segments', limit: 20000, rows: 12 },
  },
  {
    call: (l) => l.importStarted({ ...ids, bytes: 2048 }),
    entry: { severity: 'INFO', message: 'import.started', ...ids, bytes: 2048 },
  },
  {
    call: (l) => l.importFinished({ ...ids, status: 'done', format: 'flightradar24', counts: { rows: 10, imported: 9, skipped: 1 }, warnings: 0 }),
    entry: { severity: 'INFO', message: 'import.finished', ...ids, status: 'done', format: 'flightradar24', rows: 10, imported: 9, skipped: 1, warnings: 0 },
  },
  {
    call: (l) => l.accountProfileCreated({ uid: 'u1', eventId: 'e1', created: true }),
    entry: { severity: 'INFO', message: 'account.profileCreated', uid: 'u1', eventId: 'e1', created: true },
  },
  {
    call: (l) => l.accountDeleted({ uid: 'u1', storageFilesDeleted: 3 }),
    entry: { severity: 'INFO', message: 'account.deleted', uid: 'u1', storageFilesDeleted: 3 },
  },
  {
    call: (l) => l.accountErasedAfterAuthDeletion({ uid: 'u1', eventId: 'e1', storageFilesDeleted: 0 }),
    entry: { severity: 'INFO', message: 'account.erasedAfterAuthDeletion', uid: 'u1', eventId: 'e1', storageFilesDeleted: 0 },
  },
  {
    call: (l) => l.planEvaluated({ uid: 'u1', trips: 2, segments: 30, rules: 1 }),
    entry: { severity: 'INFO', message: 'plan.evaluated', uid: 'u1', trips: 2, segments: 30, rules: 1 },
  },
  {
    call: (l) => l.recomputeDailyPage({ users: 500, done: 480 }),
    entry: { severity: 'INFO', message: 'recomputeDaily.page', users: 500, done: 480 },
  },
  {
    call: (l) => l.recomputeDailyDone({ users: 3, changed: 1, failed: 0, deferred: 0, migrated: 0, truncated: false }),
    entry: { severity: 'INFO', message: 'recomputeDaily.done', users: 3, changed: 1, failed: 0, deferred: 0, migrated: 0, truncated: false },
  },
  {
    call: (l) => l.recomputeDailyUserFailed({ uid: 'u1', error: boom, failures: 2, backoffMs: 7200000 }),
    entry: { severity: 'ERROR', message: 'recomputeDaily.userFailed', uid: 'u1', failures: 2, backoffMs: 7200000, reason: 'Error: permission denied' },
  },
  {
    call: (l) => l.recomputeDailyUserDeferred({ uid: 'u1', cause: 'too-slow', reason: 'its last evaluation took 9000 ms', evalMs: 9000 }),
    entry: {
      severity: 'WARNING',
      message: 'recomputeDaily.userDeferred',
      uid: 'u1',
      cause: 'too-slow',
      reason: 'its last evaluation took 9000 ms',
      evalMs: 9000,
    },
  },
  {
    call: (l) => l.recomputeDailyPageFailed({ error: boom, attempt: 2, after: 'u1' }),
    entry: { severity: 'ERROR', message: 'recomputeDaily.pageFailed', attempt: 2, after: 'u1', reason: 'Error: permission denied' },
  },
  {
    call: (l) =>
      l.recomputeDailyScheduled({ runAt: '2025-03-01T00:00:00.000Z', pages: 2, users: 700, enqueued: 2, duplicates: 0, migrated: 0, truncated: false }),
    entry: {
      severity: 'INFO',
      message: 'recomputeDaily.scheduled',
      runAt: '2025-03-01T00:00:00.000Z',
      pages: 2,
      users: 700,
      enqueued: 2,
      duplicates: 0,
      migrated: 0,
      truncated: false,
    },
  },
  {
    call: (l) => l.recomputeDailyBatchDone({ runAt: '2025-03-01T00:00:00.000Z', users: 2, evaluated: 1, changed: 1, notDue: 1, deferred: 0, failed: 0 }),
    entry: {
      severity: 'INFO',
      message: 'recomputeDaily.batch.done',
      runAt: '2025-03-01T00:00:00.000Z',
      users: 2,
      evaluated: 1,
      changed: 1,
      notDue: 1,
      deferred: 0,
      failed: 0,
    },
  },
  {
    call: (l) => l.recomputeDailyTaskInvalid({ reason: 'recomputeBatch task: uids: too small' }),
    entry: { severity: 'ERROR', message: 'recomputeDaily.task.invalid', reason: 'recomputeBatch task: uids: too small' },
  },
  {
    call: (l) => l.alertsScheduled({ runAt: '2025-03-01T09:00:00.000Z', pages: 1, users: 3, enqueued: 1, duplicates: 0, truncated: false }),
    entry: {
      severity: 'INFO',
      message: 'alerts.scheduled',
      runAt: '2025-03-01T09:00:00.000Z',
      pages: 1,
      users: 3,
      enqueued: 1,
      duplicates: 0,
      truncated: false,
    },
  },
  {
    call: (l) => l.alertsBatchDone({ runAt: '2025-03-01T09:00:00.000Z', users: 3, sent: 2 }),
    entry: { severity: 'INFO', message: 'alerts.batch.done', runAt: '2025-03-01T09:00:00.000Z', users: 3, sent: 2 },
  },
  {
    call: (l) => l.alertsTaskInvalid({ reason: 'sendAlertBatch task: uids is missing' }),
    entry: { severity: 'ERROR', message: 'alerts.task.invalid', reason: 'sendAlertBatch task: uids is missing' },
  },
  {
    call: (l) => l.alertsUserError({ uid: 'u1', error: 'not an Error' }),
    entry: { severity: 'ERROR', message: 'alerts.user.error', uid: 'u1', reason: 'not an Error' },
  },
  {
    call: (l) => l.alertsUserTimeZoneInvalid({ uid: 'u1', timeZone: 'Mars/Olympus' }),
    entry: { severity: 'WARNING', message: 'alerts.user.timeZoneInvalid', uid: 'u1', timeZone: 'Mars/Olympus' },
  },
  {
    call: (l) => l.alertsDevicesCapped({ uid: 'u1', maxDevices: 10 }),
    entry: { severity: 'INFO', message: 'alerts.devices.capped', uid: 'u1', maxDevices: 10 },
  },
  {
    call: (l) => l.alertsDeviceRemoved({ uid: 'u1', deviceId: 'd1' }),
    entry: { severity: 'INFO', message: 'alerts.device.removed', uid: 'u1', deviceId: 'd1' },
  },
  {
    call: (l) => l.alertsSendFailed({ uid: 'u1', deviceId: 'd1', alertId: 'a1', code: 'messaging/internal-error', reason: 'x'.repeat(500) }),
    entry: {
      severity: 'WARNING',
      message: 'alerts.send.failed',
      uid: 'u1',
      deviceId: 'd1',
      alertId: 'a1',
      code: 'messaging/internal-error',
      reason: 'x'.repeat(200),
    },
  },
  {
    // The cause's first line only: no stack, no internals beyond the message.
    call: (l) => l.handlerError({ uid: 'u1', step: 'planTrip', error: boom }),
    entry: { severity: 'ERROR', message: 'handler.error', uid: 'u1', step: 'planTrip', reason: 'Error: permission denied' },
  },
];

describe('log events', () => {
  it.each(cases.map((c) => ({ ...c, name: c.entry.message })))('$name', ({ call, entry }) => {
    const { events, entries } = capture();
    call(events);
    expect(entries).toEqual([entry]);
  });

  it('the table covers every event name, each with one function', () => {
    const written = cases.map((c) => c.entry.message).sort();
    expect(written).toEqual([...LOG_EVENT_NAMES].sort());
    expect(Object.keys(logEventsTo(() => undefined))).toHaveLength(LOG_EVENT_NAMES.length);
  });

  const severities: { what: string; call: (l: LogEvents) => void; severity: LogEntry['severity'] }[] = [
    {
      what: 'an import lost to a deletion race is a warning',
      call: (l) => l.importRejected({ ...ids, reason: 'account deleted during the import' }),
      severity: 'WARNING',
    },
    { what: 'a redelivered import is not', call: (l) => l.importRejected({ ...ids, reason: 'already processed (redelivered event)' }), severity: 'INFO' },
    {
      what: 'a failed import finishes with a warning',
      call: (l) => l.importFinished({ ...ids, status: 'failed', format: null, counts: {}, warnings: 0 }),
      severity: 'WARNING',
    },
    {
      what: 'a profile write that changes nothing is debug',
      call: (l) => l.profileEventSkipped({ uid: 'u1', eventId: 'e1', reason: 'no-editable-change' }),
      severity: 'DEBUG',
    },
    {
      what: 'a user left for the next daily run for lack of time is info',
      call: (l) => l.recomputeDailyUserDeferred({ uid: 'u1', cause: 'out-of-time', reason: 'not enough time left in this run', evalMs: 0 }),
      severity: 'INFO',
    },
  ];
  it.each(severities)('$what', ({ call, severity }) => {
    const { events, entries } = capture();
    call(events);
    expect(entries.map((e) => e.severity)).toEqual([severity]);
  });

  it('drops anything that is not a scalar, even when a caller gets past the types', () => {
    const { events, entries } = capture();
    const history = [{ entryDate: '2025-01-01', country: 'FR' }];
    events.importStarted({ ...ids, bytes: 10, segments: history } as unknown as Parameters<LogEvents['importStarted']>[0]);
    expect(entries).toEqual([{ severity: 'INFO', message: 'import.started', ...ids, bytes: 10 }]);
  });
});

describe('production sink: firebase-functions/logger', () => {
  const methods = ['debug', 'info', 'warn', 'error'] as const;
  it.each([
    { severity: 'INFO', method: 'info', call: (l: LogEvents) => l.importStarted({ ...ids, bytes: 1 }) },
    { severity: 'WARNING', method: 'warn', call: (l: LogEvents) => l.importFailed({ ...ids, reason: 'empty' }) },
    { severity: 'ERROR', method: 'error', call: (l: LogEvents) => l.handlerError({ uid: 'u1', error: boom }) },
  ] as const)('$severity: one JSON line on console.$method, the structured entry Cloud Logging parses', ({ severity, method, call }) => {
    const spies = Object.fromEntries(methods.map((m) => [m, jest.spyOn(console, m).mockImplementation(() => undefined)]));
    try {
      // firebase-functions keeps the console functions it found when it loaded: load it (and log.ts) afresh.
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside isolateModules is synchronous
        const fresh = require('../../functions/src/log') as typeof import('../../functions/src/log');
        call(fresh.log);
      });
      const lines = methods.flatMap((m) => spies[m]!.mock.calls.map((c) => ({ m, line: String(c[0]) })));
      expect(lines).toHaveLength(1);
      expect(lines[0]!.m).toBe(method);
      expect(JSON.parse(lines[0]!.line)).toEqual(expect.objectContaining({ severity, uid: 'u1' }));
    } finally {
      for (const s of Object.values(spies)) s.mockRestore();
    }
  });
});
