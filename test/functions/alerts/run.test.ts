/**
 * The alert run offline: scheduler page loop -> in-memory task queue -> batch worker, against MemoryRepository,
 * the real recompute service (real day counting from stored segments) and the recording transport.
 * Due users get exactly one alert; running again sends nothing new; non-due users are never read.
 */
import { DEFAULT_NOTIFICATION_SETTINGS, type SegmentDoc, type UserProfile } from '../../../functions/src/model/documents';
import { MemoryRepository } from '../../fakes/memoryRepository';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { setLogSink, type LogEntry } from '../../../functions/src/log';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import { processAlertBatch, scheduleAlertRun, ALERT_LEASE_MS, ERROR_RETRY_MS, type AlertDeps, type BatchReport } from '../../../functions/src/alerts/run';
import { RecordingTransport } from '../../fakes/recordingTransport';
import { RULE, payloadOf, profile, alertTestDeps } from './fixtures';

/** 2026-07-01 07:00 in Berlin (CEST): before the 09:00 delivery time. */
const T0 = new Date('2026-07-01T05:00:00Z');
const AT_0900 = new Date('2026-07-01T07:00:00Z');

const created = new Date('2026-01-01T00:00:00Z');

function seg(from: string, to: string, date: string): SegmentDoc {
  return {
    departureCountry: from,
    arrivalCountry: to,
    departureDate: date,
    arrivalDate: date,
    mode: 'flight',
    source: 'manual',
    createdAt: created,
    updatedAt: created,
  };
}

interface Env {
  repo: MemoryRepository;
  transport: RecordingTransport;
  queue: MemoryAlertQueue;
  deps: AlertDeps;
  logs: LogEntry[];
}

function env(transport = new RecordingTransport()): Env {
  const repo = new MemoryRepository();
  const queue = new MemoryAlertQueue();
  const logs: LogEntry[] = [];
  const deps = alertTestDeps(repo, transport, queue, (e) => void logs.push(e));
  return { repo, transport, queue, deps, logs };
}

beforeAll(() => setLogSink(() => undefined)); // recompute's own events
afterAll(() => setLogSink());

/**
 * A US traveller in France since 2026-04-10 (entered from the US): on 2026-07-01 that is 83 days of the 90,
 * 7 remaining. Stored as the app and the segment trigger would leave it: profile, segments, devices, status and
 * `nextAlertAt` from one recompute.
 */
async function addTraveller(e: Env, uid: string, o: { profile?: Partial<UserProfile>; devices?: number; entry?: string; now?: Date } = {}): Promise<void> {
  await e.repo.createProfileIfAbsent(uid, profile(o.profile));
  await e.repo.putSegment(uid, 's1', seg('US', 'FR', o.entry ?? '2026-04-10'));
  for (let i = 1; i <= (o.devices ?? 2); i += 1) {
    await e.repo.putDevice(uid, `dev${i}`, { fcmToken: `${uid}-tok${i}`, platform: 'ios', appVersion: '1.0', lastSeenAt: created });
  }
  await recomputeUser(e.repo, uid, { now: o.now ?? T0 });
}

/** One scheduled run at `now`, then every task it enqueued, processed at `now`. */
async function runAt(e: Env, now: Date, usersPerTask = 200): Promise<BatchReport[]> {
  await scheduleAlertRun(e.deps, now, { usersPerTask });
  const reports: BatchReport[] = [];
  for (const { task } of e.queue.take()) reports.push(await processAlertBatch(e.deps, task, now));
  return reports;
}

const sentAlertIds = (t: RecordingTransport) => t.delivered.map((m) => payloadOf(m).alertId);

describe('alert run (MemoryRepository, recording transport)', () => {
  test('the recompute schedules the traveller for 09:00 local; nothing is read or sent before', async () => {
    const e = env();
    await addTraveller(e, 'u1');
    expect((await e.repo.getProfile('u1'))?.nextAlertAt).toEqual(AT_0900);
    e.repo.resetCounts();
    expect(await runAt(e, new Date('2026-07-01T06:45:00Z'))).toEqual([]);
    // The due-user query found nobody: Firestore bills that as one read.
    expect(e.repo.counts.reads).toBe(1);
    expect(e.transport.calls).toEqual([]);
  });

  test('a due traveller gets exactly one alert on every device; running again sends nothing new', async () => {
    const e = env();
    await addTraveller(e, 'u1');
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([expect.objectContaining({ uid: 'u1', outcome: 'sent', alertIds: [`${RULE}_threshold-7_2026-04-10`] })]);
    expect(e.transport.delivered.map((m) => m.token).sort()).toEqual(['u1-tok1', 'u1-tok2']);
    expect(e.transport.calls).toHaveLength(1);
    expect(await e.repo.getAlert('u1', `${RULE}_threshold-7_2026-04-10`)).toEqual({
      ruleId: RULE,
      kind: 'threshold',
      threshold: 7,
      stayStart: '2026-04-10',
      periodStart: null,
      createdAt: AT_0900,
      sentTo: 2,
    });
    const next = (await e.repo.getProfile('u1'))?.nextAlertAt;
    expect(next?.toISOString()).toBe('2026-07-03T07:00:00.000Z');

    // The next runs that day: nobody due, nothing read beyond the empty query (1 read each).
    e.repo.resetCounts();
    expect(await runAt(e, new Date('2026-07-01T07:15:00Z'))).toEqual([]);
    expect(await runAt(e, new Date('2026-07-01T18:00:00Z'))).toEqual([]);
    expect(e.repo.counts.reads).toBe(2);
    expect(e.transport.delivered).toHaveLength(2);
  });

  test('a redelivered task and a redelivered scheduled run send nothing twice', async () => {
    const e = env();
    await addTraveller(e, 'u1');
    await scheduleAlertRun(e.deps, AT_0900);
    const [first] = e.queue.take();
    expect(await scheduleAlertRun(e.deps, AT_0900)).toEqual(expect.objectContaining({ enqueued: 0, duplicates: 1 }));
    await processAlertBatch(e.deps, first!.task, AT_0900);
    const again = await processAlertBatch(e.deps, first!.task, AT_0900);
    expect(again.users).toEqual([{ uid: 'u1', outcome: 'notDue' }]);
    expect(e.transport.delivered).toHaveLength(2);
  });

  test('a traveller whose account deletion has begun (marker written, sweep not done) gets nothing, and it is no error', async () => {
    const e = env();
    await addTraveller(e, 'u1');
    await addTraveller(e, 'u2');
    await e.repo.markAccountDeleted('u1', T0);
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([{ uid: 'u1', outcome: 'noProfile' }, expect.objectContaining({ uid: 'u2', outcome: 'sent' })]);
    expect(e.transport.delivered.map((m) => m.token).sort()).toEqual(['u2-tok1', 'u2-tok2']);
    expect(e.repo.snapshot().users.u1?.alerts).toEqual({});
    expect(e.logs.filter((l) => l.severity === 'ERROR')).toEqual([]);
  });

  test('a worker that crashed after claiming does not send again when the task is retried', async () => {
    const e = env();
    await addTraveller(e, 'u1');
    // Simulate the crash: the record exists but nextAlertAt was never moved.
    await e.repo.createAlertIfAbsent('u1', `${RULE}_threshold-7_2026-04-10`, {
      ruleId: RULE,
      kind: 'threshold',
      threshold: 7,
      stayStart: '2026-04-10',
      createdAt: AT_0900,
      sentTo: 2,
    });
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([expect.objectContaining({ uid: 'u1', outcome: 'nothingNew' })]);
    expect(e.transport.calls).toEqual([]);
  });

  test('ten days in France, looked at every hour: thresholds 7, 3, 1, then the overstay, each once', async () => {
    const e = env();
    await addTraveller(e, 'u1', { devices: 1 });
    const sentOn: string[] = [];
    for (let h = 0; h < 24 * 10; h += 1) {
      const now = new Date(T0.getTime() + h * 3_600_000);
      const before = e.transport.delivered.length;
      await runAt(e, now);
      for (const m of e.transport.delivered.slice(before)) {
        const p = payloadOf(m);
        sentOn.push(`${now.toISOString().slice(0, 13)} ${p.alertId} (${p.daysRemaining} left)`);
      }
    }
    expect(sentOn).toEqual([
      `2026-07-01T07 ${RULE}_threshold-7_2026-04-10 (7 left)`,
      `2026-07-05T07 ${RULE}_threshold-3_2026-04-10 (3 left)`,
      `2026-07-07T07 ${RULE}_threshold-1_2026-04-10 (1 left)`,
      `2026-07-09T07 ${RULE}_overstay_2026-04-10 (0 left)`,
    ]);
  });

  test.each([
    ['EU (France)', ['FR']],
    ['EEA (Norway)', ['NO']],
    ['Swiss', ['CH']],
    ['dual US + Irish (EU)', ['US', 'IE']],
  ])('%s national: the Schengen rule does not apply, never due, never read', async (_n, nationalities) => {
    const e = env();
    await addTraveller(e, 'x', { profile: { nationalities } });
    expect((await e.repo.getVisaStatus('x', RULE))?.applies).toBe(false);
    expect((await e.repo.getProfile('x'))?.nextAlertAt).toBeNull();
    e.repo.resetCounts();
    expect(await runAt(e, AT_0900)).toEqual([]);
    expect(e.repo.counts.reads).toBe(1); // the empty query
  });

  test('notifications disabled: never due', async () => {
    const e = env();
    await addTraveller(e, 'off', { profile: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, enabled: false } } });
    expect((await e.repo.getProfile('off'))?.nextAlertAt).toBeNull();
  });

  test('quiet hours until 10:00 move the alert to 10:00 local', async () => {
    const e = env();
    await addTraveller(e, 'q', { profile: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, quietHours: { start: '21:00', end: '10:00' } } } });
    expect((await e.repo.getProfile('q'))?.nextAlertAt?.toISOString()).toBe('2026-07-01T08:00:00.000Z');
    expect(await runAt(e, AT_0900)).toEqual([]);
    await runAt(e, new Date('2026-07-01T08:00:00Z'));
    expect(sentAlertIds(e.transport)).toEqual([`${RULE}_threshold-7_2026-04-10`, `${RULE}_threshold-7_2026-04-10`]);
  });

  test('a task that arrives during quiet hours defers without claiming', async () => {
    const e = env();
    await addTraveller(e, 'q', { profile: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, quietHours: { start: '09:00', end: '12:00' } } } });
    await e.repo.updateProfile('q', { nextAlertAt: AT_0900 }); // e.g. settings changed after the recompute
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([{ uid: 'q', outcome: 'deferred', nextAlertAt: new Date('2026-07-01T10:00:00Z') }]);
    expect(await e.repo.getAlert('q', `${RULE}_threshold-7_2026-04-10`)).toBeNull();
  });

  test('stale status: the worker recomputes for the local today before deciding', async () => {
    const e = env();
    await addTraveller(e, 'u1', { now: new Date('2026-06-28T12:00:00Z') }); // status as of 06-28: 10 remaining
    expect((await e.repo.getVisaStatus('u1', RULE))?.daysRemaining).toBe(10);
    await e.repo.updateProfile('u1', { nextAlertAt: AT_0900 });
    const [report] = await runAt(e, AT_0900);
    expect((await e.repo.getVisaStatus('u1', RULE))?.asOf).toBe('2026-07-01');
    expect(report?.users).toEqual([expect.objectContaining({ outcome: 'sent', alertIds: [`${RULE}_threshold-7_2026-04-10`] })]);
  });

  test('FCM errors per token: stale tokens deleted, transient retried, device kept', async () => {
    const t = new RecordingTransport()
      .script('u1-tok1', { code: 'messaging/server-unavailable' }, 'ok')
      .script('u1-tok2', { code: 'messaging/registration-token-not-registered', message: 'Requested entity was not found.' })
      .script('u1-tok3', { code: 'messaging/third-party-auth-error', message: 'APNs auth' });
    const e = env(t);
    await addTraveller(e, 'u1', { devices: 3 });
    const [report] = await runAt(e, AT_0900);
    expect(report).toEqual(expect.objectContaining({ messages: 3, delivered: 1, staleTokensRemoved: 1, failed: 1 }));
    expect((await e.repo.listDevices('u1')).map((d) => d.id)).toEqual(['dev1', 'dev3']);
    expect(e.logs.filter((l) => l.message === 'alerts.device.removed')).toEqual([expect.objectContaining({ uid: 'u1', deviceId: 'dev2' })]);
    expect(e.logs.filter((l) => l.message === 'alerts.send.failed')).toEqual([
      expect.objectContaining({ deviceId: 'dev3', code: 'messaging/third-party-auth-error' }),
    ]);
  });

  test('no registered device: nothing claimed, looked at again tomorrow', async () => {
    const e = env();
    await addTraveller(e, 'nodev', { devices: 0 });
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([{ uid: 'nodev', outcome: 'noDevices', alertIds: [], nextAlertAt: new Date('2026-07-02T07:00:00Z') }]);
    expect(await e.repo.getAlert('nodev', `${RULE}_threshold-7_2026-04-10`)).toBeNull();
  });

  test('pages: five due users in pages of two make three tasks; everyone gets one alert', async () => {
    const e = env();
    for (const uid of ['a', 'b', 'c', 'd', 'e']) await addTraveller(e, uid, { devices: 1 });
    const reports = await runAt(e, AT_0900, 2);
    expect(reports.map((r) => r.users.map((u) => u.uid))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(e.transport.delivered.map((m) => m.token).sort()).toEqual(['a-tok1', 'b-tok1', 'c-tok1', 'd-tok1', 'e-tok1']);
  });

  test('one user failing does not stop the batch; it is looked at again later, not every run', async () => {
    const e = env();
    await addTraveller(e, 'good', { devices: 1 });
    await addTraveller(e, 'bad', { devices: 1, now: new Date('2026-06-28T12:00:00Z') });
    await e.repo.updateProfile('bad', { nextAlertAt: AT_0900 });
    e.deps.recompute = async (repo, uid, opts) => {
      if (uid === 'bad') throw new Error('segments unreadable');
      return recomputeUser(repo, uid, opts);
    };
    const [report] = await runAt(e, AT_0900);
    expect(report?.users.map((u) => [u.uid, u.outcome])).toEqual([
      ['bad', 'error'],
      ['good', 'sent'],
    ]);
    expect((await e.repo.getProfile('bad'))?.nextAlertAt).toEqual(new Date(AT_0900.getTime() + ERROR_RETRY_MS));
    expect(e.logs).toContainEqual(expect.objectContaining({ message: 'alerts.user.error', uid: 'bad', reason: 'Error: segments unreadable' }));
  });

  test('reads per run grow with due users, not with all users', async () => {
    const e = env();
    for (let i = 0; i < 300; i += 1) await addTraveller(e, `idle${String(i).padStart(3, '0')}`, { devices: 1, entry: '2026-06-25' }); // 83 days left: not due
    for (const uid of ['due1', 'due2']) await addTraveller(e, uid, { devices: 1 });
    e.repo.resetCounts();
    await runAt(e, AT_0900);
    // Per due user (billed reads): the query's result, profile, status, devices, the alert's record (not sent yet),
    // the lease (deletion marker + profile), the record's creation (marker + record) and the schedule (marker +
    // profile): 11, whatever the number of idle users.
    expect(e.repo.counts.reads).toBe(2 * 11);
  });

  test('a run that stops before a group (its deadline) loses no push and sends none twice', async () => {
    // One message per group: each user is its own sendEach call, so the deadline falls between users.
    const e = env(new RecordingTransport(1));
    for (const uid of ['a', 'b', 'c']) await addTraveller(e, uid, { devices: 1 });
    await scheduleAlertRun(e.deps, AT_0900);
    const task = e.queue.take()[0]!.task;
    let wall = 0;
    // The deadline passes after the first group was sent and recorded.
    e.deps.deadline = new Date(1);
    e.deps.wallClock = () => wall++;
    const report = await processAlertBatch(e.deps, task, AT_0900);
    expect(report.users.map((u) => [u.uid, u.outcome])).toEqual([
      ['a', 'sent'],
      ['b', 'notReached'],
      ['c', 'notReached'],
    ]);
    expect(e.transport.delivered.map((m) => m.token)).toEqual(['a-tok1']);
    // Only the push FCM accepted is recorded; the others were neither sent nor recorded.
    const alertsOf = (uid: string) => Object.keys(e.repo.snapshot().users[uid]!.alerts);
    expect([alertsOf('a'), alertsOf('b'), alertsOf('c')]).toEqual([[`${RULE}_threshold-7_2026-04-10`], [], []]);
    // A run before the lease ends finds b and c not due; the first run after it sends them once, a nothing again.
    e.deps.deadline = undefined;
    expect(await runAt(e, new Date(AT_0900.getTime() + ALERT_LEASE_MS - 60_000))).toEqual([]);
    await runAt(e, new Date(AT_0900.getTime() + ALERT_LEASE_MS));
    expect(e.transport.delivered.map((m) => m.token)).toEqual(['a-tok1', 'b-tok1', 'c-tok1']);
    expect([alertsOf('a'), alertsOf('b'), alertsOf('c')].map((x) => x.length)).toEqual([1, 1, 1]);
  });

  test('a push no device accepted is not recorded, and is sent at a later run', async () => {
    const t = new RecordingTransport().script('u1-tok1', { code: 'messaging/third-party-auth-error', message: 'APNs auth' }, 'ok');
    const e = env(t);
    await addTraveller(e, 'u1', { devices: 1 });
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([
      { uid: 'u1', outcome: 'notAccepted', alertIds: [`${RULE}_threshold-7_2026-04-10`], nextAlertAt: new Date(AT_0900.getTime() + ERROR_RETRY_MS) },
    ]);
    expect(e.repo.snapshot().users.u1!.alerts).toEqual({});
    // The APNs key is fixed: the retry delivers it and records it once.
    await runAt(e, new Date(AT_0900.getTime() + ERROR_RETRY_MS));
    expect(t.delivered.map((m) => payloadOf(m).alertId)).toEqual([`${RULE}_threshold-7_2026-04-10`]);
    expect(Object.keys(e.repo.snapshot().users.u1!.alerts)).toEqual([`${RULE}_threshold-7_2026-04-10`]);
  });

  test('two copies of one task at once (a redelivery, or the next run while a task is retried) send once', async () => {
    const e = env();
    await addTraveller(e, 'u1');
    await scheduleAlertRun(e.deps, AT_0900);
    const task = e.queue.take()[0]!.task;
    const reports = await Promise.all([processAlertBatch(e.deps, task, AT_0900), processAlertBatch(e.deps, task, AT_0900)]);
    expect(reports.flatMap((r) => r.users.map((u) => u.outcome)).sort()).toEqual(['notDue', 'sent']);
    expect(e.transport.delivered).toHaveLength(2);
  });

  test('the device cap: only the most recently seen devices get the push', async () => {
    const e = env();
    e.deps.maxDevices = 2;
    await addTraveller(e, 'u1', { devices: 0 });
    for (let i = 1; i <= 4; i += 1) {
      await e.repo.putDevice('u1', `dev${i}`, {
        fcmToken: `u1-tok${i}`,
        platform: 'ios',
        appVersion: '1.0',
        lastSeenAt: new Date(created.getTime() + i * 60_000),
      });
    }
    await e.repo.updateProfile('u1', { nextAlertAt: AT_0900 });
    const [report] = await runAt(e, AT_0900);
    expect(report?.users).toEqual([expect.objectContaining({ uid: 'u1', outcome: 'sent' })]);
    expect(e.transport.delivered.map((m) => m.token).sort()).toEqual(['u1-tok3', 'u1-tok4']);
    expect(e.logs).toContainEqual(expect.objectContaining({ message: 'alerts.devices.capped', uid: 'u1', maxDevices: 2 }));
    expect((await e.repo.getAlert('u1', `${RULE}_threshold-7_2026-04-10`))?.sentTo).toBe(2);
  });
});
