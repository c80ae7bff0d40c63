/**
 * The alert run against the Firestore emulator (FirestoreRepository): a due user gets exactly one alert and a
 * second run sends nothing new; a stale token's device document is deleted; a traveller tracking a rule of each other
 * kind (per-stay, tax-year-presence, weighted-lookback) gets that rule's alert once, recorded per stay or per tax
 * year. Skipped by name without the emulator.
 *
 * The emulator's `users` collection is shared with other suites, so the scenario is set in 2001 (France was in
 * the Schengen area; nobody else's `nextAlertAt` is that early) and the assertions look at this test's uid only.
 */
import * as crypto from 'node:crypto';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { setLogSink } from '../../../functions/src/log';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import { processAlertBatch, scheduleAlertRun } from '../../../functions/src/alerts/run';
import { RecordingTransport } from '../../fakes/recordingTransport';
import { describeWithFirestoreEmulator } from '../../helpers/emulator';
import { RULE, payloadOf, profile, alertTestDeps } from './fixtures';
import { SeededFirestoreRepository } from '../../helpers/firestoreSeed';

/** 2001-07-01 09:00 in Berlin (CEST). */
const AT_0900 = new Date('2001-07-01T07:00:00Z');
const created = new Date('2001-01-01T00:00:00Z');

function app(): App {
  return getApps().find((a) => a.name === 'h5-alerts') ?? initializeApp({ projectId: 'demo-travel-time-tracker' }, 'h5-alerts');
}

describeWithFirestoreEmulator('alert run against the Firestore emulator', () => {
  let repo: SeededFirestoreRepository;
  beforeAll(() => {
    setLogSink(() => undefined);
    repo = new SeededFirestoreRepository(getFirestore(app()));
  });
  afterAll(() => setLogSink());

  test('due user: exactly one alert, stale token removed, second run sends nothing', async () => {
    const uid = `h5-${crypto.randomUUID()}`;
    await repo.createProfileIfAbsent(uid, profile({ createdAt: created, updatedAt: created }));
    await repo.createSegmentsIfAbsent(uid, [
      {
        id: 's1',
        data: {
          departureCountry: 'US',
          arrivalCountry: 'FR',
          departureDate: '2001-04-10',
          arrivalDate: '2001-04-10',
          mode: 'flight',
          source: 'manual',
          createdAt: created,
          updatedAt: created,
        },
      },
    ]);
    await repo.putDevice(uid, 'phone', { fcmToken: `${uid}-ok`, platform: 'ios', appVersion: '1.0', lastSeenAt: created });
    await repo.putDevice(uid, 'old', { fcmToken: `${uid}-gone`, platform: 'ios', appVersion: '0.9', lastSeenAt: created });
    await recomputeUser(repo, uid, { now: new Date('2001-07-01T05:00:00Z') });
    expect((await repo.getProfile(uid))?.nextAlertAt).toEqual(AT_0900);

    const transport = new RecordingTransport().script(`${uid}-gone`, {
      code: 'messaging/registration-token-not-registered',
      message: 'Requested entity was not found.',
    });
    const queue = new MemoryAlertQueue();
    const deps = alertTestDeps(repo, transport, queue);
    const runOnce = async () => {
      await scheduleAlertRun(deps, AT_0900, { usersPerTask: 50 });
      for (const { task } of queue.take()) await processAlertBatch(deps, task, AT_0900);
    };
    await runOnce();
    await runOnce();
    const mine = transport.delivered.filter((m) => m.token.startsWith(uid));
    expect(mine.map((m) => [m.token, payloadOf(m).alertId])).toEqual([[`${uid}-ok`, `${RULE}_threshold-7_2001-04-10`]]);
    expect((await repo.listDevices(uid)).map((d) => d.id)).toEqual(['phone']);
    const alert = await getFirestore(app()).doc(`users/${uid}/alerts/${RULE}_threshold-7_2001-04-10`).get();
    // The devices FCM accepted the push for: the phone (the old token was gone).
    expect(alert.get('sentTo')).toBe(1);
    expect((await repo.getProfile(uid))?.nextAlertAt?.getTime()).toBeGreaterThan(AT_0900.getTime());
    await repo.deleteUserData(uid);
  });

  const seg = (from: string, to: string, date: string) => ({
    departureCountry: from,
    arrivalCountry: to,
    departureDate: date,
    arrivalDate: date,
    mode: 'flight' as const,
    source: 'manual',
    createdAt: created,
    updatedAt: created,
  });
  test.each([
    // Japan's 90 days per stay: in Japan since 15 April, 12 days left on 1 July (threshold 14).
    {
      kind: 'per-stay',
      rule: 'jp-temporary-visitor-90',
      segments: [seg('FR', 'JP', '2001-04-15')],
      date: '2001-07-01',
      alertId: 'jp-temporary-visitor-90_threshold-14_2001-04-15',
      stayStart: '2001-04-15',
      periodStart: null,
    },
    // The UK's 183 midnights from 6 April: 163 by 15 September, 20 to go (threshold 30).
    {
      kind: 'tax-year-presence',
      rule: 'uk-srt-183',
      segments: [seg('FR', 'GB', '2001-04-06')],
      date: '2001-09-15',
      alertId: 'uk-srt-183_threshold-30_2001-04-06',
      stayStart: null,
      periodStart: '2001-04-06',
    },
    // The US substantial presence test: 191 days by 10 July, met on 2 July.
    {
      kind: 'weighted-lookback',
      rule: 'us-substantial-presence',
      segments: [seg('NZ', 'US', '2001-01-01')],
      date: '2001-07-10',
      alertId: 'us-substantial-presence_reached_2001-01-01',
      stayStart: null,
      periodStart: '2001-01-01',
    },
  ])("$kind: the tracked rule's alert is sent once and recorded by its $kind key", async ({ rule, segments, date, alertId, stayStart, periodStart }) => {
    const uid = `h5-${crypto.randomUUID()}`;
    const at = new Date(`${date}T07:00:00Z`); // 09:00 in Berlin (CEST)
    await repo.createProfileIfAbsent(uid, profile({ nationalities: ['NZ'], trackedRules: [rule], createdAt: created, updatedAt: created }));
    await repo.createSegmentsIfAbsent(
      uid,
      segments.map((data, i) => ({ id: `s${i}`, data })),
    );
    await repo.putDevice(uid, 'phone', { fcmToken: `${uid}-ok`, platform: 'ios', appVersion: '1.0', lastSeenAt: created });
    await recomputeUser(repo, uid, { now: new Date(`${date}T05:00:00Z`) });
    expect((await repo.getProfile(uid))?.nextAlertAt).toEqual(at);

    const transport = new RecordingTransport();
    const queue = new MemoryAlertQueue();
    const deps = alertTestDeps(repo, transport, queue);
    for (let round = 0; round < 2; round++) {
      await scheduleAlertRun(deps, at, { usersPerTask: 50 });
      for (const { task } of queue.take()) await processAlertBatch(deps, task, at);
    }
    expect(transport.delivered.filter((m) => m.token.startsWith(uid)).map((m) => payloadOf(m).alertId)).toEqual([alertId]);
    const record = (await getFirestore(app()).doc(`users/${uid}/alerts/${alertId}`).get()).data();
    expect(record).toMatchObject({ ruleId: rule, stayStart, periodStart, sentTo: 1 });
    await repo.deleteUserData(uid);
  });
});
