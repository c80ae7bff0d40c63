/**
 * Benchmark of the alert run's Firestore cost: documents read (and written) per scheduled run as a function of
 * the total number of users and of the users due, counted by MemoryRepository.counts (billed reads: every document
 * a lookup or transaction reads, found or not, and at least 1 per query). The run must cost in proportion to the
 * due users only.
 *
 * Set-up per size: `total` users with a current Schengen status (asOf = their local today) and one device each;
 * all but `due` of them have `nextAlertAt` a month ahead; the `due` ones are present in the Schengen area with 7
 * days left and `nextAlertAt = now`, so each receives one alert. A second table makes the due users' statuses
 * stale (yesterday's), so the worker recomputes them first (reads their segments too).
 *
 * Jest-free: `npm run bench` (tools/bench/bench.js) calls `benchAlerts()`, bundled by tools/bench/built.js.
 */
import { addDays } from '@travel-time-tracker/core/dates';
import { DEFAULT_NOTIFICATION_SETTINGS, type UserProfile, type VisaStatusDoc } from '../../functions/src/model/documents';
import { MemoryRepository } from '../../test/fakes/memoryRepository';
import { recomputeUser } from '../../functions/src/services/recompute/recompute';
import { logEventsTo, setLogSink } from '../../functions/src/log';
import { seedAlertRules } from '../../functions/src/alerts/message';
import { MemoryAlertQueue } from '../../test/fakes/memoryAlertQueue';
import { processAlertBatch, scheduleAlertRun, DEFAULT_USERS_PER_TASK, type AlertDeps } from '../../functions/src/alerts/run';
import { RecordingTransport } from '../../test/fakes/recordingTransport';

/** 2026-07-01 09:00 in Europe/Berlin. */
const NOW = new Date('2026-07-01T07:00:00Z');
const TODAY = '2026-07-01';
const RULE = 'schengen-90-180';

interface Row {
  total: number;
  due: number;
  stale: boolean;
  schedulerReads: number;
  workerReads: number;
  writes: number;
  tasks: number;
  sendCalls: number;
  delivered: number;
  ms: number;
}

function profile(nextAlertAt: Date): UserProfile {
  const t = new Date('2026-01-01T00:00:00Z');
  return {
    displayName: null,
    nationalities: ['US'],
    homeCountry: 'US',
    timeZone: 'Europe/Berlin',
    notifications: { ...DEFAULT_NOTIFICATION_SETTINGS },
    email: null,
    createdAt: t,
    updatedAt: t,
    nextAlertAt,
  };
}

function status(asOf: string, daysRemaining: number, stay: string | null): VisaStatusDoc {
  return {
    ruleId: RULE,
    kind: 'rolling-window',
    asOf,
    applies: true,
    reason: null,
    permitDaysExcluded: 0,
    daysUsed: 90 - daysRemaining,
    daysRemaining,
    overstayDays: 0,
    windowStart: addDays(asOf, -179),
    windowEnd: asOf,
    latestExitDate: stay ? addDays(asOf, daysRemaining) : null,
    nextEntryDate: null,
    firstViolationDate: null,
    currentStayStart: stay,
    computedAt: NOW,
    segmentsHash: 'bench',
  };
}

const countryDays = (asOf: string) => ({ asOf, countryDays: {}, countryDaysByYear: {}, warnings: [], computedAt: NOW, segmentsHash: 'bench' });

const uidOf = (i: number) => `user${String(i).padStart(7, '0')}`;

async function populate(repo: MemoryRepository, total: number): Promise<void> {
  const later = new Date(NOW.getTime() + 30 * 86_400_000);
  const device = { fcmToken: 'x', platform: 'ios' as const, appVersion: '1.0', lastSeenAt: NOW };
  for (let i = 0; i < total; i += 1) {
    const uid = uidOf(i);
    await repo.createProfileIfAbsent(uid, profile(later));
    await repo.putEvaluation(uid, [status(TODAY, 90, null)], countryDays(TODAY));
    await repo.putDevice(uid, 'iphone', { ...device, fcmToken: `tok-${uid}` });
  }
}

/**
 * Makes users [from, from + due) due now, present in France since 2026-04-10 (7 days left on 2026-07-01): the
 * segment written and its timeline and status built by a recompute, for today (fresh) or yesterday (stale).
 */
async function makeDue(repo: MemoryRepository, from: number, due: number, stale: boolean): Promise<void> {
  for (let i = from; i < from + due; i += 1) {
    const uid = uidOf(i);
    await repo.putSegment(uid, 's1', {
      departureCountry: 'US',
      arrivalCountry: 'FR',
      departureDate: '2026-04-10',
      arrivalDate: '2026-04-10',
      mode: 'flight',
      source: 'manual',
      createdAt: NOW,
      updatedAt: NOW,
    });
    await recomputeUser(repo, uid, { now: stale ? new Date(NOW.getTime() - 86_400_000) : NOW });
    await repo.updateProfile(uid, { nextAlertAt: NOW });
  }
}

async function measure(repo: MemoryRepository, total: number, from: number, due: number, stale: boolean): Promise<Row> {
  await makeDue(repo, from, due, stale);
  const transport = new RecordingTransport();
  const queue = new MemoryAlertQueue();
  const deps: AlertDeps = { repo, transport, queue, rules: seedAlertRules(), recompute: recomputeUser, log: logEventsTo(() => undefined) };
  repo.resetCounts();
  const t0 = performance.now();
  const sched = await scheduleAlertRun(deps, NOW, { usersPerTask: DEFAULT_USERS_PER_TASK });
  const schedulerReads = repo.counts.reads;
  let sendCalls = 0;
  for (const { task } of queue.take()) sendCalls += (await processAlertBatch(deps, task, NOW)).sendCalls;
  const ms = performance.now() - t0;
  return {
    total,
    due,
    stale,
    schedulerReads,
    workerReads: repo.counts.reads - schedulerReads,
    writes: repo.counts.writes + repo.counts.deletes,
    tasks: sched.enqueued,
    sendCalls,
    delivered: transport.delivered.length,
    ms,
  };
}

function pad(v: string | number, w: number): string {
  return String(typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 1 }) : v).padStart(w);
}

/**
 * Runs the benchmark and returns printable lines: one row per (total users, due users, fresh/stale status) with
 * the documents read by the scheduler's query and by the workers, writes, tasks, sendEach calls and wall time.
 */
export async function benchAlerts(sizes: readonly number[] = [1_000, 10_000, 100_000], dueCounts: readonly number[] = [10, 100]): Promise<string[]> {
  const previousSink = setLogSink(() => undefined);
  const rows: Row[] = [];
  try {
    for (const total of sizes) {
      const repo = new MemoryRepository();
      await populate(repo, total);
      let from = 0;
      for (const stale of [false, true]) {
        for (const due of dueCounts) {
          rows.push(await measure(repo, total, from, due, stale));
          from += due;
        }
      }
    }
  } finally {
    setLogSink(previousSink);
  }
  const head = [
    pad('total users', 12),
    pad('due', 5),
    pad('status', 7),
    pad('query reads', 12),
    pad('worker reads', 13),
    pad('reads/due', 10),
    pad('writes', 7),
    pad('tasks', 6),
    pad('sendEach', 9),
    pad('pushes', 7),
    pad('ms', 8),
  ].join(' ');
  const lines = [head];
  for (const r of rows) {
    const reads = r.schedulerReads + r.workerReads;
    lines.push(
      [
        pad(r.total, 12),
        pad(r.due, 5),
        pad(r.stale ? 'stale' : 'fresh', 7),
        pad(r.schedulerReads, 12),
        pad(r.workerReads, 13),
        pad(reads / r.due, 10),
        pad(r.writes, 7),
        pad(r.tasks, 6),
        pad(r.sendCalls, 9),
        pad(r.delivered, 7),
        pad(r.ms, 8),
      ].join(' '),
    );
  }
  const perDue = new Set(rows.filter((r) => !r.stale).map((r) => (r.schedulerReads + r.workerReads) / r.due));
  lines.push(
    perDue.size === 1
      ? `reads per run = ${[...perDue][0]} x due users with a current status, independent of total users (billed reads per due user: the query's result, ` +
          'profile, status, devices and the alert record 1 each; the lease, the record and the schedule are transactions reading the deletion marker and their document, 2 each)'
      : `WARNING: reads per due user vary with total users: ${[...perDue].join(', ')}`,
  );
  return lines;
}
