/**
 * `onProfileWritten` through firebase-functions-test: profile creations and edits by the app re-evaluate the stored
 * visa status and alert schedule; writes of backend-owned fields (the recompute's own `nextAlertAt`) and deletions
 * do not. Each case asserts the documents stored in the in-memory repository after the event.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { onProfileWritten } from '../../../functions/src/triggers/onProfileWritten';
import type { MemoryRepository, MemorySnapshot } from '../../fakes/memoryRepository';
import { toCoreSegment } from '../../../functions/src/services/recompute/segments';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { PROFILE_EDITABLE_FIELDS, changedEditableFields, type ProfileWriteOutcome } from '../../../functions/src/services/profile';
import { ProfileEditableSchema, type UserProfile } from '../../../functions/src/model/documents';
import type { OperationCounts } from '../../../functions/src/repository/types';
import type { TimelineHeadDoc } from '../../../functions/src/model/documents';

const wrapped = fft.wrap(onProfileWritten);
const UID = 'alice';
const RULE = 'schengen-90-180';

/**
 * Copy of a document whose arrays and maps belong to this test's realm: `newProfile` uses `structuredClone`, whose
 * arrays fail the `instanceof Array` check of firebase-functions-test's encoder inside Jest's sandbox.
 */
function sameRealm(v: unknown): unknown {
  if (v instanceof Date) return new Date(v.getTime());
  if (Array.isArray(v)) return [...v.map(sameRealm)];
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sameRealm(x)]));
  return v;
}

/** A realistic onDocumentWritten CloudEvent for `users/{uid}` (`null` = the document does not exist on that side). */
function profileEvent(before: UserProfile | null, after: UserProfile | null, opts: { eventId?: string } = {}) {
  const docPath = `users/${UID}`;
  return {
    id: opts.eventId ?? `evt-profile-${Math.random().toString(36).slice(2)}`,
    time: NOW.toISOString(),
    params: { uid: UID },
    data: {
      before: fft.firestore.makeDocumentSnapshot(sameRealm(before ?? {}) as Record<string, unknown>, docPath),
      after: fft.firestore.makeDocumentSnapshot(sameRealm(after ?? {}) as Record<string, unknown>, docPath),
    },
  };
}

/**
 * 100 days in France for a traveller still there on 2026-11-23: entry 2026-08-16, no exit. Days of entry and of
 * presence count (Regulation (EU) 2016/399 Art. 6(1)): 16 (Aug) + 30 + 31 + 23 = 100, 10 over the 90 allowed.
 */
async function storeHundredDaysInFrance(repo: MemoryRepository): Promise<void> {
  await repo.putSegment(UID, 's1', seg('US', 'FR', '2026-08-15', '2026-08-16'));
}

/** What a fresh evaluation of the stored segments says for one profile (the stored status must equal it). */
async function freshRule(repo: MemoryRepository, asOf: string, nationalities: string[], residencePermits: UserProfile['residencePermits'] = []) {
  const segments = (await repo.listSegments(UID)).map(toCoreSegment);
  return evaluateTravel(segments, { asOf, nationalities, residencePermits }).rules.find((r) => r.ruleId === RULE)!;
}

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

interface Observed {
  /** Store after the trigger ran. */
  snap: MemorySnapshot;
  /** Store after the write, before the trigger ran. */
  prior: MemorySnapshot;
  outcome: ProfileWriteOutcome;
  counts: OperationCounts;
  repo: MemoryRepository;
}

interface Case {
  name: string;
  /** The profile before the write, with the status and schedule a recompute left for it; null: the write creates it. */
  stored: Partial<UserProfile> | null;
  /** The write: the profile it creates, the fields it sets, or the account deletion. */
  write: Partial<UserProfile> | 'delete';
  /** When the trigger runs (default NOW). */
  now?: Date;
  outcome: Record<string, unknown>;
  check: (o: Observed) => Promise<void> | void;
}

const cases: Case[] = [
  {
    name: 'created by the app: a US national with 100 days in France is subject to the rule and overstays by 10 days',
    stored: null,
    write: { nationalities: ['US'] },
    outcome: { action: 'recomputed', cause: 'created', changed: true, changedFields: [...PROFILE_EDITABLE_FIELDS] },
    check: async ({ snap, repo }) => {
      const status = snap.users[UID]!.visaStatus[RULE]!;
      expect(status).toMatchObject({ asOf: '2026-11-23', applies: true, daysUsed: 100, overstayDays: 10, currentStayStart: '2026-08-16' });
      const fresh = await freshRule(repo, '2026-11-23', ['US']);
      expect(status).toMatchObject({ daysUsed: fresh.daysUsed, overstayDays: fresh.overstayDays, windowStart: fresh.windowStart });
      // An overstay alert is due (Paris 11:00, outside quiet hours), and the window moves every day while present.
      expect(snap.users[UID]!.profile!.nextAlertAt).toBeInstanceOf(Date);
      expect((snap.users[UID]!.timeline.head as TimelineHeadDoc).nextRecomputeAt).toEqual(new Date('2026-11-23T23:00:00Z'));
    },
  },
  {
    name: 'adding nationality DE (EU) makes the Schengen rule not apply, and no alert is scheduled',
    stored: { nationalities: ['US'] },
    write: { nationalities: ['US', 'DE'] },
    outcome: { action: 'recomputed', cause: 'edited', changed: true, changedFields: ['nationalities'] },
    check: ({ snap, prior, counts }) => {
      // Reads: the deletion marker, the profile and the timeline. Writes: the timeline, the status and the alert
      // schedule (the days per country, hence the summary, do not depend on nationality).
      expect(counts).toEqual({ reads: 3, writes: 3, deletes: 0 });
      expect(prior.users[UID]!.visaStatus[RULE]).toMatchObject({ applies: true, overstayDays: 10 });
      expect(snap.users[UID]!.visaStatus[RULE]).toMatchObject({ applies: false, asOf: '2026-11-23' });
      expect(prior.users[UID]!.profile!.nextAlertAt).toBeInstanceOf(Date);
      expect(snap.users[UID]!.profile!.nextAlertAt).toBeNull();
    },
  },
  {
    // At 2026-11-23T10:00Z it is 2026-11-24 00:00 in Kiritimati (UTC+14) and 2026-11-22 23:00 in Pago Pago (UTC-11).
    name: 'a time-zone change from Pacific/Kiritimati to Pacific/Pago_Pago moves asOf two days back',
    stored: { timeZone: 'Pacific/Kiritimati' },
    write: { timeZone: 'Pacific/Pago_Pago' },
    outcome: { action: 'recomputed', cause: 'edited', changed: true, changedFields: ['timeZone'] },
    check: ({ snap, prior }) => {
      expect(prior.users[UID]!.visaStatus[RULE]).toMatchObject({ asOf: '2026-11-24', daysUsed: 101 });
      expect(snap.users[UID]!.visaStatus[RULE]).toMatchObject({ asOf: '2026-11-22', daysUsed: 99, overstayDays: 9 });
      expect(snap.users[UID]!.summaries.countryDays!.asOf).toBe('2026-11-22');
      // Next local midnight in Pago Pago (2026-11-23 00:00 at UTC-11).
      expect((snap.users[UID]!.timeline.head as TimelineHeadDoc).nextRecomputeAt).toEqual(new Date('2026-11-23T11:00:00Z'));
    },
  },
  {
    name: 'notifications disabled: nextAlertAt becomes null without a recompute, the status is unchanged',
    stored: {},
    write: { notifications: { ...profile().notifications, enabled: false } },
    outcome: { action: 'rescheduled', cause: 'edited', changed: true, changedFields: ['notifications'] },
    check: ({ snap, prior, counts }) => {
      expect(prior.users[UID]!.profile!.nextAlertAt).toBeInstanceOf(Date);
      expect(snap.users[UID]!.profile!.nextAlertAt).toBeNull();
      expect(snap.users[UID]!.visaStatus).toEqual(prior.users[UID]!.visaStatus);
      expect(snap.users[UID]!.summaries).toEqual(prior.users[UID]!.summaries);
      // The profile's schedule and the head's copy of the settings; no status, no summary.
      expect(counts).toEqual({ reads: 3, writes: 2, deletes: 0 });
    },
  },
  {
    name: 'a displayName edit changes nothing the backend derives: no read, no write',
    stored: {},
    write: { displayName: 'Alice B.' },
    outcome: { action: 'skipped', reason: 'no-rule-input-change' },
    check: ({ snap, prior, counts }) => {
      expect(snap).toEqual(prior);
      expect(counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
    },
  },
  {
    // Presence in France during the permit's validity is not counted (Reg. (EU) 2016/399 Art. 6(2)): of the 100 days
    // since 2026-08-16, those from 2026-09-01 on are covered; 2026-08-16 .. 2026-08-31 = 16 days remain.
    name: 'a French residence permit added: a rule input, the days it covers leave the count',
    stored: {},
    write: { residencePermits: [{ country: 'FR', validFrom: '2026-09-01', validTo: '2027-08-31', kind: 'residence-permit' }] },
    outcome: { action: 'recomputed', cause: 'edited', changed: true, changedFields: ['residencePermits'] },
    check: async ({ snap, prior, counts, repo }) => {
      expect(prior.users[UID]!.visaStatus[RULE]).toMatchObject({ daysUsed: 100 });
      expect(snap.users[UID]!.visaStatus[RULE]).toMatchObject({ daysUsed: 16 });
      const fresh = await freshRule(repo, '2026-11-23', ['US'], snap.users[UID]!.profile!.residencePermits);
      expect(snap.users[UID]!.visaStatus[RULE]).toMatchObject({ daysUsed: fresh.daysUsed, permitDaysExcluded: fresh.permitDaysExcluded });
      expect(counts.reads).toBe(3);
    },
  },
  {
    name: 'a homeCountry (residence) edit is a rule input: evaluated, nothing changes today so only the head is written',
    stored: {},
    write: { homeCountry: 'FR' },
    outcome: { action: 'recomputed', cause: 'edited', changed: false, changedFields: ['homeCountry'] },
    check: ({ snap, prior, counts }) => {
      expect(snap.users[UID]!.visaStatus).toEqual(prior.users[UID]!.visaStatus);
      expect(counts).toEqual({ reads: 3, writes: 1, deletes: 0 });
    },
  },
  {
    name: 'only nextAlertAt changed (a backend write): no recompute, no read, no write',
    stored: {},
    write: { nextAlertAt: new Date('2026-11-30T09:00:00Z') },
    outcome: { action: 'skipped', reason: 'no-editable-change' },
    check: ({ snap, prior, counts }) => {
      expect(snap).toEqual(prior);
      expect(counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
    },
  },
  {
    name: 'only updatedAt, email and nextRecomputeAt changed: skipped',
    stored: {},
    write: { updatedAt: new Date('2026-11-23T09:00:00Z'), email: 'b@example.com', nextRecomputeAt: null },
    outcome: { action: 'skipped', reason: 'no-editable-change' },
    check: ({ snap, prior, counts }) => {
      expect(snap).toEqual(prior);
      expect(counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
    },
  },
  {
    name: 'account deletion: nothing written, no profile or status resurrected',
    stored: {},
    write: 'delete',
    outcome: { action: 'skipped', reason: 'profile-deleted' },
    check: ({ snap, counts }) => {
      expect(snap.users[UID]).toBeUndefined();
      expect(counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
    },
  },
];

describe('a profile write re-evaluates the stored status when an app-editable field changed', () => {
  test.each(cases)('$name', async (c) => {
    await storeHundredDaysInFrance(env.repo);
    if (c.stored) {
      await env.repo.createProfileIfAbsent(UID, profile(c.stored));
      // The state earlier events left for the stored profile.
      await recomputeUser(env.repo, UID, { now: NOW });
    }
    const beforeDoc = env.repo.snapshot().users[UID]?.profile ?? null;
    if (c.write === 'delete') await env.repo.deleteUserData(UID);
    else if (beforeDoc) await env.repo.updateProfile(UID, c.write);
    else await env.repo.createProfileIfAbsent(UID, profile(c.write));
    const prior = env.repo.snapshot();
    const afterDoc = prior.users[UID]?.profile ?? null;

    env.repo.resetCounts();
    env.clock.now = c.now ?? NOW;
    const outcome = (await wrapped(profileEvent(beforeDoc, afterDoc))) as ProfileWriteOutcome;
    expect(outcome).toEqual(c.outcome);
    await c.check({ snap: env.repo.snapshot(), prior, outcome, counts: { ...env.repo.counts }, repo: env.repo });
  });
});

describe('idempotency and the loop guard', () => {
  test('the same edit event delivered twice gives the same documents; the second delivery writes nothing', async () => {
    await storeHundredDaysInFrance(env.repo);
    await env.repo.createProfileIfAbsent(UID, profile());
    await recomputeUser(env.repo, UID, { now: NOW });
    const before = env.repo.snapshot().users[UID]!.profile!;
    await env.repo.updateProfile(UID, { nationalities: ['US', 'FR'] });
    const after = env.repo.snapshot().users[UID]!.profile!;
    // A fresh partial per delivery: fft.wrap deletes `data` from the partial it is given.
    const delivery = () => profileEvent(before, after, { eventId: 'evt-fixed' });

    expect(await wrapped(delivery())).toMatchObject({ action: 'recomputed', changed: true });
    const first = env.repo.snapshot();
    expect(first.users[UID]!.visaStatus[RULE]!.applies).toBe(false);
    env.repo.resetCounts();
    expect(await wrapped(delivery())).toMatchObject({ action: 'recomputed', changed: false });
    expect(env.repo.snapshot()).toEqual(first);
    expect(env.repo.counts).toEqual({ reads: 3, writes: 0, deletes: 0 });
  });

  test("the trigger's own schedule write fires an event that is skipped (no endless loop)", async () => {
    await storeHundredDaysInFrance(env.repo);
    const created = profile();
    await env.repo.createProfileIfAbsent(UID, created);
    const createdDoc = env.repo.snapshot().users[UID]!.profile!;
    await wrapped(profileEvent(null, createdDoc));
    const scheduled = env.repo.snapshot().users[UID]!.profile!;
    // The recompute did write the alert schedule, so its event really happens (the daily schedule is on the head).
    expect(scheduled.nextAlertAt).not.toEqual(createdDoc.nextAlertAt);

    env.repo.resetCounts();
    const state = env.repo.snapshot();
    expect(await wrapped(profileEvent(createdDoc, scheduled))).toEqual({ action: 'skipped', reason: 'no-editable-change' });
    expect(env.repo.snapshot()).toEqual(state);
    expect(env.repo.counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
  });

  test('an edit event delivered after the account was deleted writes nothing', async () => {
    await storeHundredDaysInFrance(env.repo);
    await env.repo.createProfileIfAbsent(UID, profile());
    await recomputeUser(env.repo, UID, { now: NOW });
    const before = env.repo.snapshot().users[UID]!.profile!;
    const after = { ...before, timeZone: 'Asia/Tokyo' };
    await env.repo.deleteUserData(UID);
    env.repo.resetCounts();
    expect(await wrapped(profileEvent(before, after))).toEqual({ action: 'skipped', reason: 'profile-gone' });
    expect(env.repo.snapshot().users[UID]).toBeUndefined();
    expect(env.repo.counts.writes).toBe(0);
  });

  test('logs name the changed fields, never their values', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const before = env.repo.snapshot().users[UID]!.profile!;
    await env.repo.updateProfile(UID, { nationalities: ['CH'], timeZone: 'Europe/Zurich' });
    await wrapped(profileEvent(before, env.repo.snapshot().users[UID]!.profile, { eventId: 'evt-log' }));
    const entry = env.logs.find((l) => l.message === 'profile.changed');
    expect(entry).toMatchObject({ uid: UID, eventId: 'evt-log', cause: 'edited', fields: 'nationalities,timeZone' });
    const text = JSON.stringify(env.logs);
    expect(text).not.toContain('CH"');
    expect(text).not.toContain('Europe/Zurich');
  });
});

describe('the guard compares the fields of ProfileEditableSchema', () => {
  test('the field list is the schema shape, and the same fields firestore.rules let the app update', () => {
    expect([...PROFILE_EDITABLE_FIELDS].sort()).toEqual(Object.keys(ProfileEditableSchema.shape).sort());
    const rules = fs.readFileSync(path.join(__dirname, '../../../firestore.rules'), 'utf8');
    const body = /function profileEditableKeys\(\)\s*\{\s*return\s*\[([^\]]*)\]/.exec(rules)?.[1];
    expect(body).toBeDefined();
    const ruleKeys = [...body!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect([...PROFILE_EDITABLE_FIELDS].sort()).toEqual(ruleKeys.sort());
  });

  test.each([
    ['same values, map keys in another order', { quietHours: { end: '08:00', start: '22:00' } }, []],
    ['a threshold removed', { thresholds: [30, 14, 7] }, ['notifications']],
    ['quiet hours turned off', { quietHours: null }, ['notifications']],
  ])('%s', (_name, notificationsPatch, expected) => {
    const before = profile() as unknown as Record<string, unknown>;
    const after = { ...before, notifications: { ...profile().notifications, ...notificationsPatch } };
    expect(changedEditableFields(before, after)).toEqual(expected);
  });

  test('a field missing on one side counts as changed', () => {
    const before = profile() as unknown as Record<string, unknown>;
    const { homeCountry: _h, ...after } = before;
    expect(changedEditableFields(before, after)).toEqual(['homeCountry']);
  });
});
