/**
 * The FCM message (exact APNs headers and payload, validated by firebase-admin's own validator) and the sender
 * through the recording transport: token cleanup, retries with backoff, partial failures, batching by 500.
 */
import * as path from 'node:path';
import type { TaskQueue } from 'firebase-admin/functions';
import type { Messaging, TokenMessage } from 'firebase-admin/messaging';
import { alertText, buildAlertMessage, formatDate, ruleInfo, type AlertRuleInfo } from '../../../functions/src/alerts/message';
import { alertCandidatesFor, type AlertCandidate } from '../../../functions/src/policy/alerts';
import { classifyFcmError, sendDeliveries, type Delivery } from '../../../functions/src/alerts/sender';
import { FcmTransport } from '../../../functions/src/alerts/transport';
import { RecordingTransport } from '../../fakes/recordingTransport';
import { CloudTasksAlertQueue, alertTaskId, type AlertBatchTask } from '../../../functions/src/alerts/queue';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../functions/src/model/documents';
import { RULE, status } from './fixtures';

// firebase-admin's message validator (what sendEach runs before sending), to prove the message is accepted and
// to see the wire names it produces (threadId -> thread-id).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validateMessage } = require(path.join(path.dirname(require.resolve('firebase-admin/messaging')), 'messaging-internal.js')) as {
  validateMessage: (m: unknown) => void;
};

const SCHENGEN: AlertRuleInfo = ruleInfo(loadReferenceData().rule(RULE)!);
const NOW = new Date('2026-07-01T07:00:00Z');

function candidate(s = status('2026-07-01', { stay: '2026-04-10', daysRemaining: 7 })): AlertCandidate {
  const c = alertCandidatesFor(s, DEFAULT_NOTIFICATION_SETTINGS)[0];
  if (!c) throw new Error('fixture has no alert');
  return c;
}

describe('FCM message', () => {
  test('exact message for a threshold alert: APNs headers, aps, custom keys', () => {
    const msg = buildAlertMessage('tok-1', candidate(), SCHENGEN, NOW);
    expect(msg).toEqual({
      token: 'tok-1',
      apns: {
        headers: {
          'apns-push-type': 'alert',
          'apns-priority': '10',
          'apns-collapse-id': 'visa-schengen-90-180',
          'apns-expiration': String(NOW.getTime() / 1000 + 86_400),
        },
        payload: {
          aps: {
            alert: {
              title: '7 days left in the Schengen area',
              body: 'You have 7 days left under the Schengen short stay (90/180) rule (90 days in any 180-day period). Latest exit date: Wednesday 8 July 2026.',
            },
            sound: 'default',
            threadId: 'visa-schengen-90-180',
          },
          type: 'visaAlert',
          alertId: 'schengen-90-180_threshold-7_2026-04-10',
          ruleId: RULE,
          kind: 'threshold',
          ruleKind: 'rolling-window',
          threshold: 7,
          daysRemaining: 7,
          overstayDays: 0,
          latestExitDate: '2026-07-08',
          firstViolationDate: null,
          requiredDays: null,
          metOn: null,
          periodStart: null,
          periodEnd: null,
          asOf: '2026-07-01',
          deepLink: 'traveltimetracker://visa-status/schengen-90-180',
        },
      },
    });
  });

  test('firebase-admin accepts it and sends thread-id on the wire', () => {
    const msg = structuredClone(buildAlertMessage('tok-1', candidate(), SCHENGEN, NOW));
    expect(() => validateMessage(msg)).not.toThrow();
    expect(msg.apns?.payload?.aps).toEqual(expect.objectContaining({ 'thread-id': 'visa-schengen-90-180' }));
  });

  test.each([
    [
      'last day',
      status('2026-07-01', { stay: '2026-04-02', daysRemaining: 0 }),
      'Last day in the Schengen area',
      /Today is your last allowed day .* Latest exit date: Wednesday 1 July 2026\./,
    ],
    ['one day', status('2026-07-01', { stay: '2026-04-03', daysRemaining: 1 }), '1 day left in the Schengen area', /You have 1 day left/],
    [
      'overstay',
      status('2026-07-01', { stay: '2026-03-01', daysRemaining: 0, overstayDays: 3 }),
      'Overstay in the Schengen area',
      /You are 3 days over .* Leave the Schengen area as soon as you can\./,
    ],
    [
      'planned',
      status('2026-07-01', { daysRemaining: 50, firstViolationDate: '2026-09-14' }),
      'Planned trip breaks the Schengen short stay (90/180) rule',
      /exceed 90 days in any 180-day period on Monday 14 September 2026\./,
    ],
  ])('text: %s', (_n, s, title, body) => {
    const t = alertText(candidate(s), SCHENGEN);
    expect(t.title).toBe(title);
    expect(t.body).toMatch(body);
  });

  test('dates are calendar dates, never shifted by a zone', () => {
    expect(formatDate('2026-12-31')).toBe('Thursday 31 December 2026');
    expect(formatDate('2027-01-01')).toBe('Friday 1 January 2027');
  });
});

describe('classifyFcmError', () => {
  test.each([
    ['messaging/registration-token-not-registered', 'Requested entity was not found.', 'staleToken'],
    ['messaging/invalid-registration-token', 'Invalid registration token provided.', 'staleToken'],
    ['messaging/invalid-argument', 'The registration token is not a valid FCM registration token', 'staleToken'],
    ['messaging/invalid-argument', 'Request contains an invalid argument.', 'permanent'],
    ['messaging/third-party-auth-error', 'Auth error from APNS or Web Push Service', 'permanent'],
    ['messaging/mismatched-credential', 'SenderId mismatch', 'permanent'],
    ['messaging/internal-error', 'Internal error', 'transient'],
    ['messaging/server-unavailable', 'Unavailable', 'transient'],
    ['messaging/message-rate-exceeded', 'quota', 'transient'],
    ['messaging/device-message-rate-exceeded', 'too many', 'transient'],
    ['messaging/quota-exceeded', 'quota', 'transient'],
    ['app/network-error', 'ECONNRESET', 'transient'],
    [undefined, 'socket hang up', 'transient'],
  ])('%s "%s" -> %s', (code, message, expected) => {
    expect(classifyFcmError(code, message)).toBe(expected);
  });
});

describe('sendDeliveries through the recording transport', () => {
  const delivery = (deviceId: string, token = `tok-${deviceId}`): Delivery => ({
    uid: 'u1',
    deviceId,
    alertId: 'a1',
    message: buildAlertMessage(token, candidate(), SCHENGEN, NOW),
  });
  const noSleep = { sleep: async () => undefined };

  test('partial failure: stale tokens reported, transient retried, permanent kept, one call per attempt', async () => {
    const t = new RecordingTransport()
      .script('tok-gone', { code: 'messaging/registration-token-not-registered', message: 'Requested entity was not found.' })
      .script('tok-bad', { code: 'messaging/invalid-argument', message: 'The registration token is not a valid FCM registration token' })
      .script('tok-flaky', { code: 'messaging/server-unavailable' }, 'ok')
      .script('tok-apns', { code: 'messaging/third-party-auth-error', message: 'Auth error from APNS' });
    const ds = ['ok', 'gone', 'bad', 'flaky', 'apns'].map((id) => delivery(id));
    const r = await sendDeliveries(t, ds, noSleep);
    expect(r.delivered.map((d) => d.deviceId)).toEqual(['ok', 'flaky']);
    expect(r.staleTokens.map((d) => d.deviceId)).toEqual(['gone', 'bad']);
    expect(r.failed.map((f) => [f.delivery.deviceId, f.code])).toEqual([['apns', 'messaging/third-party-auth-error']]);
    expect(t.calls.map((c) => c.map((m) => m.token))).toEqual([['tok-ok', 'tok-gone', 'tok-bad', 'tok-flaky', 'tok-apns'], ['tok-flaky']]);
    expect(r.attempts).toBe(2);
  });

  test('a transient error that persists gives up after maxAttempts and never reports the token stale', async () => {
    const t = new RecordingTransport().script('tok-x', { code: 'messaging/internal-error', message: 'boom' });
    const delays: number[] = [];
    const r = await sendDeliveries(t, [delivery('x')], { maxAttempts: 4, baseDelayMs: 100, random: () => 0.999, sleep: async (ms) => void delays.push(ms) });
    expect(t.calls).toHaveLength(4);
    expect(delays).toEqual([99, 199, 399]); // full jitter, doubling
    expect(r.staleTokens).toEqual([]);
    expect(r.failed).toEqual([expect.objectContaining({ code: 'messaging/internal-error' })]);
  });

  test('a whole call that throws (network) is retried; one that is a payload error is not', async () => {
    const t = new RecordingTransport().failCalls({ code: 'app/network-error', message: 'ECONNRESET' });
    const r = await sendDeliveries(t, [delivery('a'), delivery('b')], noSleep);
    expect(t.calls).toHaveLength(2);
    expect(r.delivered).toHaveLength(2);

    const t2 = new RecordingTransport().failCalls({ code: 'messaging/invalid-payload', message: 'bad payload' });
    const r2 = await sendDeliveries(t2, [delivery('a')], noSleep);
    expect(t2.calls).toHaveLength(1);
    expect(r2.failed.map((f) => f.code)).toEqual(['messaging/invalid-payload']);
  });

  test('batches of at most 500 messages per sendEach', async () => {
    const t = new RecordingTransport();
    const ds = Array.from({ length: 1201 }, (_, i) => delivery(`d${i}`));
    const r = await sendDeliveries(t, ds, noSleep);
    expect(t.calls.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(r.delivered).toHaveLength(1201);
    expect(new Set(t.delivered.map((m: TokenMessage) => m.token)).size).toBe(1201);
  });

  test('the transport refuses more than its batch size', async () => {
    await expect(new RecordingTransport(2).sendEach([delivery('a').message, delivery('b').message, delivery('c').message])).rejects.toThrow(RangeError);
  });
});

describe('production adapters with fake firebase-admin clients', () => {
  test('FcmTransport maps BatchResponse per message and sends copies (firebase-admin renames keys in place)', async () => {
    const seen: TokenMessage[][] = [];
    const messaging = {
      async sendEach(messages: TokenMessage[]) {
        for (const m of messages) validateMessage(m); // mutates, as the real sendEach does
        seen.push(messages);
        return {
          successCount: 1,
          failureCount: 1,
          responses: [
            { success: true, messageId: 'projects/p/messages/1' },
            { success: false, error: Object.assign(new Error('Requested entity was not found.'), { code: 'messaging/registration-token-not-registered' }) },
          ],
        };
      },
    };
    const t = new FcmTransport(() => messaging as unknown as Messaging);
    const original = [buildAlertMessage('a', candidate(), SCHENGEN, NOW), buildAlertMessage('b', candidate(), SCHENGEN, NOW)];
    const snapshot = structuredClone(original);
    await expect(t.sendEach(original)).resolves.toEqual([
      { ok: true, messageId: 'projects/p/messages/1' },
      { ok: false, code: 'messaging/registration-token-not-registered', message: 'Requested entity was not found.' },
    ]);
    expect(original).toEqual(snapshot);
    expect(seen[0]?.[0]?.apns?.payload?.aps).toHaveProperty('thread-id');
    await expect(t.sendEach(Array.from({ length: 501 }, () => original[0]!))).rejects.toThrow(RangeError);
  });

  test('CloudTasksAlertQueue: deterministic id, duplicate ids are not errors, other errors propagate', async () => {
    const calls: { data: unknown; opts: unknown }[] = [];
    let fail: Error | null = null;
    const queue = {
      async enqueue(data: unknown, opts: unknown) {
        calls.push({ data, opts });
        if (fail !== null) throw fail;
      },
    };
    const q = new CloudTasksAlertQueue(() => queue as unknown as TaskQueue<AlertBatchTask>);
    const task: AlertBatchTask = { runAt: '2026-07-01T07:00:00.000Z', uids: ['a', 'b'] };
    const id = alertTaskId(task);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(alertTaskId({ ...task })).toBe(id);
    expect(alertTaskId({ ...task, uids: ['a', 'c'] })).not.toBe(id);
    expect(await q.enqueue(task, id)).toBe('enqueued');
    expect(calls[0]).toEqual({ data: task, opts: { id, dispatchDeadlineSeconds: 300 } });
    fail = Object.assign(new Error('exists'), { code: 'functions/task-already-exists' });
    expect(await q.enqueue(task, id)).toBe('duplicate');
    fail = Object.assign(new Error('denied'), { code: 'functions/permission-denied' });
    await expect(q.enqueue(task, id)).rejects.toThrow('denied');
  });
});
