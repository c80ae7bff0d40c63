/**
 * The two v2 functions as deployed, through firebase-functions-test's wrap: `sendAlerts` (onSchedule) and
 * `sendAlertBatch` (onTaskDispatched), offline with the in-memory repository, queue and recording transport
 * injected. wrap() passes no `scheduleTime` to a scheduled function, so the redelivery case calls its `run` with
 * the event the scheduler sends.
 */
import firebaseFunctionsTest from 'firebase-functions-test';
import { MemoryRepository } from '../../fakes/memoryRepository';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { setWiring } from '../../../functions/src/wiring';
import { setLogSink, type LogEntry } from '../../../functions/src/log';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import { RecordingTransport } from '../../fakes/recordingTransport';
import { sendAlerts } from '../../../functions/src/scheduled/sendAlerts';
import { sendAlertBatch } from '../../../functions/src/tasks/sendAlertBatch';
import { RULE, payloadOf, profile } from './fixtures';
import { loadContract } from '../../helpers/contract';

const fft = firebaseFunctionsTest({ projectId: 'demo-travel-time-tracker' });
const AT_0900_BERLIN = new Date('2026-07-01T07:00:00Z');
const created = new Date('2026-01-01T00:00:00Z');

let repo: MemoryRepository;
let transport: RecordingTransport;
let queue: MemoryAlertQueue;
let logs: LogEntry[];

beforeEach(async () => {
  repo = new MemoryRepository();
  transport = new RecordingTransport();
  queue = new MemoryAlertQueue();
  logs = [];
  setLogSink((e) => void logs.push(e));
  // Retries between sends wait through the wiring's sleep: none here.
  setWiring({ repo, transport, queue, clock: () => AT_0900_BERLIN, sleep: async () => undefined });
  await repo.createProfileIfAbsent('u1', profile({ createdAt: created, updatedAt: created }));
  await repo.putSegment('u1', 's1', {
    departureCountry: 'US',
    arrivalCountry: 'FR',
    departureDate: '2026-04-10',
    arrivalDate: '2026-04-10',
    mode: 'flight',
    source: 'manual',
    createdAt: created,
    updatedAt: created,
  });
  await repo.putDevice('u1', 'iphone', { fcmToken: 'tok-iphone', platform: 'ios', appVersion: '1.0', lastSeenAt: created });
  await recomputeUser(repo, 'u1', { now: new Date('2026-07-01T05:00:00Z') });
});

afterEach(() => {
  setWiring();
  setLogSink();
});

afterAll(() => fft.cleanup());

/** firebase-functions-test's wrap of the task function: it builds the request around `data`. */
const runTask = (data: unknown): Promise<void> => (fft.wrap as (f: unknown) => (e: object) => Promise<void>)(sendAlertBatch)({ data });

describe('sendAlerts + sendAlertBatch (firebase-functions v2, offline)', () => {
  test('deploy settings: explicit UTC schedule every 15 minutes; task retries with backoff', () => {
    const ep = (sendAlerts as unknown as { __endpoint: { scheduleTrigger: { schedule: string; timeZone: string } } }).__endpoint;
    expect(ep.scheduleTrigger).toEqual(expect.objectContaining({ schedule: 'every 15 minutes', timeZone: 'Etc/UTC' }));
    const tq = (sendAlertBatch as unknown as { __endpoint: { taskQueueTrigger: { retryConfig: { maxAttempts: number } } } }).__endpoint;
    expect(tq.taskQueueTrigger.retryConfig.maxAttempts).toBe(5);
  });

  test('the scheduled run enqueues the due user; the task sends one alert; a second round sends nothing', async () => {
    // firebase-functions-test 3.5 wraps v2 scheduled functions with its v1 wrapper (context only: no
    // scheduleTime), so the handler falls back to the injected clock.
    await (fft.wrap as (f: unknown) => (o: object) => Promise<void>)(sendAlerts)({});
    const tasks = queue.take();
    expect(tasks.map((t) => t.task)).toEqual([{ runAt: AT_0900_BERLIN.toISOString(), uids: ['u1'] }]);

    await runTask(tasks[0]!.task);
    expect(transport.delivered.map((m) => [m.token, payloadOf(m).alertId])).toEqual([['tok-iphone', `${RULE}_threshold-7_2026-04-10`]]);
    // The alert record the app may list matches the app's contract (schemas/firestore/alert.json).
    const alerts = Object.values(repo.snapshot().users.u1!.alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts.map((a) => loadContract()('firestore/alert.json', a))).toEqual([[]]);

    // Redelivered task, and the next scheduled run: nothing new.
    await runTask(tasks[0]!.task);
    await sendAlerts.run({ scheduleTime: '2026-07-01T07:15:00.000Z', jobName: 'sendAlerts' });
    expect(queue.take()).toEqual([]);
    expect(transport.delivered).toHaveLength(1);
  });

  test('a traveller tracking a rule of each other kind: the task sends each rule its own alert once (per stay, per tax year)', async () => {
    // A New Zealander in Japan since 15 April (12 days left of 90 on 1 July), in the US from 1 January to 15 April
    // (105 days), with a planned year in the UK from 1 August.
    const seg2 = (id: string, from: string, to: string, date: string) =>
      repo.putSegment('u2', id, {
        departureCountry: from,
        arrivalCountry: to,
        departureDate: date,
        arrivalDate: date,
        mode: 'flight',
        source: 'manual',
        createdAt: created,
        updatedAt: created,
      });
    await repo.createProfileIfAbsent(
      'u2',
      profile({
        nationalities: ['NZ'],
        trackedRules: ['jp-temporary-visitor-90', 'uk-srt-183', 'us-substantial-presence'],
        createdAt: created,
        updatedAt: created,
      }),
    );
    await seg2('a', 'NZ', 'US', '2026-01-01');
    await seg2('b', 'US', 'JP', '2026-04-15');
    await seg2('c', 'JP', 'GB', '2026-08-01');
    await seg2('d', 'GB', 'NZ', '2027-08-01');
    await repo.putDevice('u2', 'ipad', { fcmToken: 'tok-ipad', platform: 'ipados', appVersion: '1.0', lastSeenAt: created });
    await recomputeUser(repo, 'u2', { now: new Date('2026-07-01T05:00:00Z') });
    await runTask({ runAt: AT_0900_BERLIN.toISOString(), uids: ['u2'] });
    await runTask({ runAt: AT_0900_BERLIN.toISOString(), uids: ['u2'] });
    // The Japan visit's 14-day threshold; the UK plan reaching 183 midnights on 30 January 2027. The US test (105
    // days, 78 more needed) is beyond every threshold.
    expect(transport.delivered.filter((m) => m.token === 'tok-ipad').map((m) => [payloadOf(m).alertId, payloadOf(m).ruleKind])).toEqual([
      ['jp-temporary-visitor-90_threshold-14_2026-04-15', 'per-stay'],
      ['uk-srt-183_planned-reach_2027-01-30', 'tax-year-presence'],
    ]);
    expect((await repo.getAlert('u2', 'uk-srt-183_planned-reach_2027-01-30'))?.periodStart).toBe('2026-04-06');
  });

  test('the run time is the event scheduleTime, so a redelivered run enqueues the same task id (a duplicate)', async () => {
    const event = { scheduleTime: AT_0900_BERLIN.toISOString(), jobName: 'sendAlerts' };
    await sendAlerts.run(event);
    await sendAlerts.run(event);
    expect(queue.tasks).toHaveLength(1);
    expect(logs.filter((l) => l.message === 'alerts.scheduled').map((l) => [l.enqueued, l.duplicates])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  test('a malformed task payload is logged with the field named and dropped (no retry storm)', async () => {
    await expect(runTask({ runAt: 'yesterday', uids: [] })).resolves.toBeUndefined();
    const entry = logs.find((l) => l.message === 'alerts.task.invalid');
    expect(entry?.reason).toMatch(/^sendAlertBatch task: runAt .*; uids /);
    expect(transport.calls).toEqual([]);
  });
});
