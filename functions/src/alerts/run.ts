/**
 * The alert run, Firebase-free (repository, transport and queue are injected):
 *
 * 1. `scheduleAlertRun` (called by the scheduled function): pages through the users whose indexed
 *    `nextAlertAt <= now` (`Repository.listUsersDueForAlert`, cursor = last `nextAlertAt` + uid) and enqueues one
 *    task per page with a deterministic id. It reads only due users: cost grows with due users, not all users.
 * 2. `processAlertBatch` (called by the `sendAlertBatch` task function): for each user of the page, re-reads the
 *    profile, recomputes the statuses when they are not for the user's local today, evaluates the policy
 *    ({@link evaluateAlerts}), reads whether each candidate alert is already recorded, reads the user's most recently seen
 *    devices (at most `maxDevices`, the per-user cap), and leases the user (`claimUserForAlerts`: `nextAlertAt`
 *    moves `ALERT_LEASE_MS` ahead, so that a concurrent copy of the task skips it). Then, group by group (at most
 *    one `sendEach` of 500 messages), with the deadline checked before each group: send, and for each user of the
 *    group record the alerts FCM accepted for at least one device (`createAlertIfAbsent`, `sentTo` = devices that
 *    accepted it), delete the devices whose tokens FCM reports gone, and store the user's next `nextAlertAt`.
 *
 * Pushes and records: an alert is recorded only after FCM accepted it, so a run that stops (its deadline,
 * a crash, a timeout) never leaves a record for a push that was not sent; the users it did not reach keep their lease
 * and are due again when it runs out, unsent and unrecorded, so nobody's push is lost. Nothing is sent twice: a user is
 * leased before its send (a concurrent task finds it not due), and an alert already recorded is never sent again.
 * The one window left is a crash in the milliseconds between FCM accepting a push and its record's commit; the
 * retry then sends that push again (APNs shows it in place of the first: `apns-collapse-id`).
 *
 * Idempotency (Cloud Scheduler and Cloud Tasks may deliver twice, a task may be retried after a partial run):
 * - a user is processed only while `nextAlertAt <= now`; processing moves it into the future, so a redelivered
 *   task skips users already done;
 * - task ids are a hash of the run time and the page ({@link alertTaskId}), so a retried scheduled run enqueues nothing new.
 */
import type { TokenMessage } from 'firebase-admin/messaging';
import { errorReason, log, type LogEvents } from '../log';
import type { UserProfile, VisaStatusDoc } from '../model/documents';
import { isAccountDeletedError, type Repository, type StoredDevice } from '../repository/types';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { trackedDefinitions } from '@travel-time-tracker/core/ruleResults';
import { buildAlertMessage, type AlertRuleInfo } from './message';
import { computeNextAlertAt, evaluateAlerts, type AlertCandidate } from '../policy/alerts';
import { alertTaskId, type AlertBatchTask, type AlertTaskQueue } from './queue';
import { sendDeliveries, type Delivery, type RetryOptions } from './sender';
import type { PushTransport } from './transport';

/** Users per task (and per page of the due-user query) unless configured otherwise. */
export const DEFAULT_USERS_PER_TASK = 200;

/** Users of one batch processed concurrently (each does a few sequential reads and writes). */
const USER_CONCURRENCY = 16;

/**
 * How long a user being sent to is leased (`nextAlertAt` moved this far ahead before the send): longer than the
 * task's timeout, so that a copy of the task running at the same time skips the user, short enough that a user the
 * task never reached (it stopped) is looked at again soon.
 */
export const ALERT_LEASE_MS = 10 * 60_000;

/** Default cap on the devices of one user that receive a push (the `ALERT_MAX_DEVICES` param). */
export const DEFAULT_MAX_DEVICES = 10;

/** What the run needs; production values are built by the wiring's `alertDeps`. */
export interface AlertDeps {
  repo: Repository;
  transport: PushTransport;
  queue: AlertTaskQueue;
  /**
   * The words the messages use for each rule (every row of the seed: `seedAlertRules`). Whose statuses are read is
   * the user's: the rules their profile tracks (`trackedRules`; the default rule without it).
   */
  rules: readonly AlertRuleInfo[];
  /** Re-evaluates a user's statuses for `now` (the recompute's `recomputeUser`). */
  recompute: (repo: Repository, uid: string, opts: { now: Date }) => Promise<{ statuses: VisaStatusDoc[] }>;
  retry?: RetryOptions;
  /** Where the run's events go ({@link LogEvents}); default the functions' logger. */
  log?: LogEvents;
  /** Per-user device cap: only the most recently seen devices get the push (default DEFAULT_MAX_DEVICES). */
  maxDevices?: number;
  /** Stop sending after this instant (the task's timeout); users not reached stay leased, then due again. */
  deadline?: Date;
  /** Wall clock for the deadline, in ms (injectable for tests). Default Date.now. */
  wallClock?: () => number;
}

export interface ScheduleOptions {
  usersPerTask?: number;
  /** Stop paging at this instant (the function's timeout); users left are still due and the next run takes them. */
  deadline?: Date;
}

export interface ScheduleReport {
  pages: number;
  users: number;
  enqueued: number;
  duplicates: number;
  /** True when the deadline stopped the paging before the last page. */
  truncated: boolean;
}

/** Enqueues one `sendAlertBatch` task per page of users due at `now`. */
export async function scheduleAlertRun(deps: Pick<AlertDeps, 'repo' | 'queue' | 'log'>, now: Date, options: ScheduleOptions = {}): Promise<ScheduleReport> {
  const pageSize = Math.max(1, options.usersPerTask ?? DEFAULT_USERS_PER_TASK);
  const report: ScheduleReport = { pages: 0, users: 0, enqueued: 0, duplicates: 0, truncated: false };
  let cursor: { nextAlertAt: Date; uid: string } | undefined;
  for (;;) {
    if (options.deadline && Date.now() >= options.deadline.getTime()) {
      report.truncated = true;
      break;
    }
    const page = await deps.repo.listUsersDueForAlert(now, pageSize, cursor);
    if (page.length === 0) break;
    report.pages += 1;
    report.users += page.length;
    const task: AlertBatchTask = { runAt: now.toISOString(), uids: page.map((u) => u.uid) };
    const outcome = await deps.queue.enqueue(task, alertTaskId(task));
    if (outcome === 'enqueued') report.enqueued += 1;
    else report.duplicates += 1;
    const last = page[page.length - 1] as { uid: string; profile: UserProfile };
    if (!last.profile.nextAlertAt) break; // cannot happen for a due user; guards an endless loop
    cursor = { nextAlertAt: last.profile.nextAlertAt, uid: last.uid };
    if (page.length < pageSize) break;
  }
  (deps.log ?? log).alertsScheduled({ runAt: now.toISOString(), ...report });
  return report;
}

/** What happened to one user of a batch. */
export type UserOutcome =
  | { uid: string; outcome: 'notDue' | 'noProfile' }
  | { uid: string; outcome: 'disabled' }
  | { uid: string; outcome: 'deferred'; nextAlertAt: Date | null }
  | { uid: string; outcome: 'nothingNew' | 'noDevices' | 'sent'; alertIds: string[]; nextAlertAt: Date | null }
  /** The run stopped (deadline) before this user's send: nothing sent or recorded; due again when the lease ends. */
  | { uid: string; outcome: 'notReached'; nextAlertAt: Date }
  /** No device accepted the push (FCM errors): nothing recorded; looked at again after ERROR_RETRY_MS. */
  | { uid: string; outcome: 'notAccepted'; alertIds: string[]; nextAlertAt: Date }
  | { uid: string; outcome: 'error'; reason: string };

export interface BatchReport {
  users: UserOutcome[];
  messages: number;
  delivered: number;
  staleTokensRemoved: number;
  failed: number;
  sendCalls: number;
}

interface Prepared {
  uid: string;
  profile: UserProfile;
  statuses: VisaStatusDoc[];
  devices: StoredDevice[];
  /** Alerts to send in this run (not recorded yet; at most one per rule). */
  toSend: AlertCandidate[];
  /** Candidate ids recorded before this run. */
  recorded: Set<string>;
}

async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

/** Words for a rule missing from `deps.rules` (a seed older than the status): its id, and neutral phrases. */
function unknownRuleInfo(c: AlertCandidate): AlertRuleInfo {
  return { id: c.ruleId, name: c.ruleId, kind: c.status.kind, regionName: 'the region', placeName: 'region', limit: 'its limit' };
}

/** After an error, look at the user again this much later (not every run: the data may be broken for good). */
export const ERROR_RETRY_MS = 6 * 60 * 60 * 1000;

/**
 * Processes one task: the users of one page. Never throws for a single user's failure (it is logged and the
 * user retried later); throws only when the batch cannot run at all, so that Cloud Tasks retries it.
 * @param now the current instant (decides who is still due, local times, the statuses' expected date).
 */
export async function processAlertBatch(deps: AlertDeps, task: AlertBatchTask, now: Date): Promise<BatchReport> {
  const events = deps.log ?? log;
  const ruleById = new Map(deps.rules.map((r) => [r.id, r]));
  const reference = loadReferenceData();
  const outcomes = new Map<string, UserOutcome>();
  const prepared: Prepared[] = [];

  await mapPool([...new Set(task.uids)], USER_CONCURRENCY, async (uid) => {
    try {
      const profile = await deps.repo.getProfile(uid);
      if (!profile) return void outcomes.set(uid, { uid, outcome: 'noProfile' });
      if (!profile.nextAlertAt || profile.nextAlertAt.getTime() > now.getTime()) {
        return void outcomes.set(uid, { uid, outcome: 'notDue' });
      }
      if (!profile.notifications.enabled) {
        await deps.repo.updateProfile(uid, { nextAlertAt: null });
        return void outcomes.set(uid, { uid, outcome: 'disabled' });
      }
      // The statuses of the rules the user tracks (1 read each), as the recompute writes them; ids the seed does
      // not have are not evaluated, hence have no status.
      const ruleIds = trackedDefinitions(reference, profile.trackedRules).definitions.map((d) => d.id);
      let statuses = (await Promise.all(ruleIds.map((id) => deps.repo.getVisaStatus(uid, id)))).filter((s): s is VisaStatusDoc => s !== null);
      let ev = evaluateAlerts(profile, statuses, now, ruleIds);
      if (ev.timeZoneInvalid) events.alertsUserTimeZoneInvalid({ uid, timeZone: profile.timeZone });
      if (ev.staleRuleIds.length > 0) {
        statuses = (await deps.recompute(deps.repo, uid, { now })).statuses.filter((s) => ruleIds.includes(s.ruleId));
        ev = evaluateAlerts(profile, statuses, now, ruleIds);
        // A rule the recompute wrote nothing for has no alerts; a status still for another date must not be used.
        const wrongDate = statuses.filter((s) => s.asOf !== ev.localDate).map((s) => `${s.ruleId}@${s.asOf}`);
        if (wrongDate.length > 0) throw new Error(`recompute left statuses not for local ${ev.localDate}: ${wrongDate.join(', ')}`);
      }
      if (!ev.deliverableNow || ev.candidates.length === 0) {
        const nextAlertAt = computeNextAlertAt(profile, statuses, now);
        await deps.repo.updateProfile(uid, { nextAlertAt });
        return void outcomes.set(uid, { uid, outcome: 'deferred', nextAlertAt });
      }
      const maxDevices = deps.maxDevices ?? DEFAULT_MAX_DEVICES;
      // One more than the cap tells whether the user has more devices than get the push (logged, never an error).
      const devices = await deps.repo.listDevices(uid, maxDevices + 1);
      if (devices.length > maxDevices) {
        events.alertsDevicesCapped({ uid, maxDevices });
        devices.length = maxDevices;
      }
      if (devices.length === 0) {
        // Nobody to tell: record nothing (a device registered later still gets the alert), look again tomorrow.
        const nextAlertAt = computeNextAlertAt(profile, statuses, now, { pushedToday: true });
        await deps.repo.updateProfile(uid, { nextAlertAt });
        return void outcomes.set(uid, { uid, outcome: 'noDevices', alertIds: [], nextAlertAt });
      }
      const recorded = new Set<string>();
      const toSend: AlertCandidate[] = [];
      const doneRules = new Set<string>();
      for (const c of ev.candidates) {
        if (doneRules.has(c.ruleId)) continue; // one push per rule per run; the rest waits for tomorrow
        if (await deps.repo.getAlert(uid, c.alertId)) {
          recorded.add(c.alertId);
          continue;
        }
        toSend.push(c);
        doneRules.add(c.ruleId);
      }
      if (toSend.length === 0) {
        const nextAlertAt = computeNextAlertAt(profile, statuses, now, { sentAlertIds: recorded, pushedToday: false });
        await deps.repo.updateProfile(uid, { nextAlertAt });
        return void outcomes.set(uid, { uid, outcome: 'nothingNew', alertIds: [], nextAlertAt });
      }
      // Lease the user before sending: a copy of this task running at the same time now finds it not due.
      if (!(await deps.repo.claimUserForAlerts(uid, now, new Date(now.getTime() + ALERT_LEASE_MS)))) {
        return void outcomes.set(uid, { uid, outcome: 'notDue' });
      }
      prepared.push({ uid, profile, statuses, devices, toSend, recorded });
    } catch (e) {
      // Deleted while this batch ran (the alert record or schedule write was refused): nothing to send or retry.
      if (isAccountDeletedError(e)) return void outcomes.set(uid, { uid, outcome: 'noProfile' });
      events.alertsUserError({ uid, error: e });
      outcomes.set(uid, { uid, outcome: 'error', reason: errorReason(e) });
      try {
        const profile = await deps.repo.getProfile(uid);
        if (profile) await deps.repo.updateProfile(uid, { nextAlertAt: new Date(now.getTime() + ERROR_RETRY_MS) });
      } catch {
        // The user stays due and the next run tries again.
      }
    }
  });

  // Send group by group (one sendEach each), recording right after each group what FCM accepted: a run that stops
  // between groups leaves the later users unsent, unrecorded and leased (due again when the lease ends).
  const wall = deps.wallClock ?? Date.now;
  const groups: Prepared[][] = [];
  let group: Prepared[] = [];
  let size = 0;
  for (const p of prepared) {
    const n = p.toSend.length * p.devices.length;
    if (group.length > 0 && size + n > deps.transport.maxBatchSize) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(p);
    size += n;
  }
  if (group.length > 0) groups.push(group);

  let messages = 0;
  let delivered = 0;
  let failed = 0;
  let sendCalls = 0;
  const removed = new Set<string>();
  for (const g of groups) {
    if (deps.deadline && wall() >= deps.deadline.getTime()) {
      for (const p of g) outcomes.set(p.uid, { uid: p.uid, outcome: 'notReached', nextAlertAt: new Date(now.getTime() + ALERT_LEASE_MS) });
      continue;
    }
    const deliveries: Delivery[] = [];
    for (const p of g) {
      for (const c of p.toSend) {
        const rule = ruleById.get(c.ruleId) ?? unknownRuleInfo(c);
        for (const d of p.devices) {
          const message: TokenMessage = buildAlertMessage(d.data.fcmToken, c, rule, now);
          deliveries.push({ uid: p.uid, deviceId: d.id, alertId: c.alertId, message });
        }
      }
    }
    const sent = await sendDeliveries(deps.transport, deliveries, deps.retry);
    messages += deliveries.length;
    delivered += sent.delivered.length;
    failed += sent.failed.length;
    sendCalls += sent.calls;
    for (const d of sent.staleTokens) {
      const key = `${d.uid}/${d.deviceId}`;
      if (removed.has(key)) continue;
      removed.add(key);
      await deps.repo.deleteDevice(d.uid, d.deviceId);
      events.alertsDeviceRemoved({ uid: d.uid, deviceId: d.deviceId });
    }
    for (const f of sent.failed) {
      events.alertsSendFailed({ uid: f.delivery.uid, deviceId: f.delivery.deviceId, alertId: f.delivery.alertId, code: f.code, reason: f.message });
    }
    const accepted = new Map<string, number>();
    for (const d of sent.delivered) accepted.set(`${d.uid}/${d.alertId}`, (accepted.get(`${d.uid}/${d.alertId}`) ?? 0) + 1);
    await mapPool(g, USER_CONCURRENCY, async (p) => {
      try {
        const sentIds: string[] = [];
        for (const c of p.toSend) {
          const sentTo = accepted.get(`${p.uid}/${c.alertId}`) ?? 0;
          if (sentTo === 0) continue; // not handed to FCM: not recorded, sent again later
          await deps.repo.createAlertIfAbsent(p.uid, c.alertId, {
            ruleId: c.ruleId,
            kind: c.kind,
            threshold: c.threshold,
            stayStart: c.stayStart,
            periodStart: c.periodStart,
            createdAt: now,
            sentTo,
          });
          sentIds.push(c.alertId);
          p.recorded.add(c.alertId);
        }
        if (sentIds.length === 0) {
          const nextAlertAt = new Date(now.getTime() + ERROR_RETRY_MS);
          await deps.repo.updateProfile(p.uid, { nextAlertAt });
          return void outcomes.set(p.uid, { uid: p.uid, outcome: 'notAccepted', alertIds: p.toSend.map((c) => c.alertId), nextAlertAt });
        }
        const nextAlertAt = computeNextAlertAt(p.profile, p.statuses, now, { sentAlertIds: p.recorded, pushedToday: true });
        await deps.repo.updateProfile(p.uid, { nextAlertAt });
        outcomes.set(p.uid, { uid: p.uid, outcome: 'sent', alertIds: sentIds, nextAlertAt });
      } catch (e) {
        if (isAccountDeletedError(e)) return void outcomes.set(p.uid, { uid: p.uid, outcome: 'noProfile' });
        // Leased: the next run after the lease re-reads it, finds the records, sends nothing again.
        events.alertsUserError({ uid: p.uid, error: e });
        outcomes.set(p.uid, { uid: p.uid, outcome: 'error', reason: errorReason(e) });
      }
    });
  }

  const report: BatchReport = {
    users: task.uids.filter((u, i, a) => a.indexOf(u) === i).map((u) => outcomes.get(u) ?? { uid: u, outcome: 'error', reason: 'not processed' }),
    messages,
    delivered,
    staleTokensRemoved: removed.size,
    failed,
    sendCalls,
  };
  const count = (o: UserOutcome['outcome']) => report.users.filter((u) => u.outcome === o).length;
  events.alertsBatchDone({
    runAt: task.runAt,
    users: report.users.length,
    sent: count('sent'),
    deferred: count('deferred'),
    notReached: count('notReached'),
    notAccepted: count('notAccepted'),
    notDue: count('notDue'),
    errors: count('error'),
    messages: report.messages,
    delivered: report.delivered,
    staleTokensRemoved: report.staleTokensRemoved,
    failed: report.failed,
    sendCalls: report.sendCalls,
  });
  return report;
}
