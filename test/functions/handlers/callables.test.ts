/**
 * The callables `planTrip` and `deleteAccount`, the sign-up blocking function and the scheduled recompute,
 * through firebase-functions-test, against the in-memory repository and a local-directory storage. planTrip's
 * responses are checked against PlanTripResponseSchema; its example in docs/ios.md is checked against a real call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, fft, profile, rolling, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { planTrip } from '../../../functions/src/callable/planTrip';
import { deleteAccount } from '../../../functions/src/callable/deleteAccount';
import { createProfileOnSignUp } from '../../../functions/src/triggers/beforeUserCreated';
import { recomputeDaily } from '../../../functions/src/scheduled/recomputeDaily';
import { recomputeBatch } from '../../../functions/src/tasks/recomputeBatch';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { MAX_TRIP_DAYS, PlanTripResponseSchema, type PlanTripResponse } from '../../../functions/src/services/plan';
import { addDays } from '@travel-time-tracker/core/dates';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import type { SegmentDoc, TimelineHeadDoc } from '../../../functions/src/model/documents';

const UID = 'carol';
const RULE = 'schengen-90-180';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

/** A callable request as the Functions framework passes it after verifying the ID token. */
function callRequest(data: unknown, auth: { uid: string; authTime?: number } | null): CallableRequest {
  return {
    data,
    rawRequest: {} as CallableRequest['rawRequest'],
    acceptsStreaming: false,
    app: { appId: 'test-app', token: {} },
    auth: auth
      ? ({
          uid: auth.uid,
          token: { uid: auth.uid, auth_time: auth.authTime ?? Math.floor(NOW.getTime() / 1000) - 60 },
          rawToken: 'x',
        } as unknown as CallableRequest['auth'])
      : undefined,
  } as CallableRequest;
}

/** `wrap()` of a callable, typed by what it resolves to (its type wraps the handler's Promise once more). */
function wrapCallable<R>(fn: unknown): (req: CallableRequest) => Promise<R> {
  const w = fft.wrap(fn as never) as unknown as (req: CallableRequest) => R | Promise<R>;
  return async (req) => w(req);
}

/**
 * The planTrip callable, wrapped; every response it resolves to is checked against PlanTripResponseSchema
 * (strict objects: a field the schema does not name fails), the schema the app's contract is generated from.
 */
function planTripCall(): (req: CallableRequest) => Promise<PlanTripResponse> {
  const call = wrapCallable<PlanTripResponse>(planTrip);
  return async (req) => {
    const res = await call(req);
    expect(PlanTripResponseSchema.parse(res)).toEqual(res);
    return res;
  };
}

async function expectHttpsError(p: Promise<unknown>, code: string, message: RegExp) {
  await expect(p).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
}

describe('planTrip', () => {
  const call = planTripCall();

  async function givenHistory() {
    await env.repo.createProfileIfAbsent(UID, profile());
    // 60 days in France this autumn: 2026-09-25 .. 2026-11-23 (still there).
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-09-24', '2026-09-25'));
  }

  test('a trip that fits: complies, with the latest exit date of the first planned entry', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const before = env.repo.snapshot();
    const res = await call(callRequest({ trips: [{ country: 'IT', entryDate: '2027-01-10', exitDate: '2027-01-20' }] }, { uid: UID }));
    expect(res.asOf).toBe('2026-11-23');
    const r = res.results.find((x) => x.ruleId === RULE);
    // No presence before: 90 days from 2027-01-10 inclusive ends on 2027-04-09.
    expect(r).toMatchObject({
      applies: true,
      complies: true,
      firstViolationDate: null,
      latestExitDate: '2027-04-09',
      earliestCompliantEntryDate: '2027-01-10',
    });
    // Nothing stored.
    expect(env.repo.snapshot()).toEqual(before);
  });

  test('a trip that breaks the rule: the first violation day and the earliest compliant entry', async () => {
    await givenHistory();
    await env.repo.putSegment(UID, 's2', seg('FR', 'US', '2026-11-23'));
    // 60 days used (2026-09-25 .. 2026-11-23); a 40-day trip from 2026-12-01 gets 31 days in before day 91.
    const res = await call(callRequest({ trips: [{ country: 'ES', entryDate: '2026-12-01', exitDate: '2027-01-09' }] }, { uid: UID }));
    const r = res.results.find((x) => x.ruleId === RULE)!;
    expect(r.complies).toBe(false);
    expect(r.firstViolationDate).toBe('2026-12-31');
    expect(r.earliestCompliantEntryDate! > '2026-12-01').toBe(true);
  });

  test.each([
    ['no trips', { trips: [] }, /trips must contain at least one trip/],
    ['a bad country', { trips: [{ country: 'France', entryDate: '2027-01-01', exitDate: '2027-01-02' }] }, /trips\[0\]\.country must be an ISO 3166-1 alpha-2/],
    [
      'an impossible date',
      { trips: [{ country: 'FR', entryDate: '2027-02-30', exitDate: '2027-03-02' }] },
      /trips\[0\]\.entryDate must be a real calendar date/,
    ],
    [
      'an exit date typed 2207 for 2027',
      { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2207-01-02' }] },
      /trips\[0\]\.exitDate must be a date between 1900-01-01 and 2199-12-31/,
    ],
    ['exit before entry', { trips: [{ country: 'FR', entryDate: '2027-03-02', exitDate: '2027-03-01' }] }, /trips\[0\]\.exitDate must not be before entryDate/],
    [
      'a trip one day longer than allowed',
      { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: addDays('2027-01-01', MAX_TRIP_DAYS) }] },
      new RegExp(
        `^planTrip data: trips\\[0\\]\\.exitDate must be at most ${MAX_TRIP_DAYS - 1} days after entryDate \\(a trip lasts at most ${MAX_TRIP_DAYS} days\\)$`,
      ),
    ],
    [
      // Unbounded, this plan took 23 to 45 s of CPU and ended in `internal`.
      'a trip to 2199-12-31, the second of two',
      {
        trips: [
          { country: 'IT', entryDate: '2027-01-01', exitDate: '2027-01-02' },
          { country: 'FR', entryDate: '2027-01-03', exitDate: '2199-12-31' },
        ],
      },
      /^planTrip data: trips\[1\]\.exitDate must be at most \d+ days after entryDate/,
    ],
    [
      'a trip in the past',
      { trips: [{ country: 'FR', entryDate: '2026-01-02', exitDate: '2026-01-03' }] },
      /trips\[0\]\.entryDate must be today \(2026-11-23\) or later/,
    ],
    ['an unknown field', { trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }], save: true }, /unknown field\(s\) "save"/],
    ['no data', undefined, /planTrip data/],
  ])('%s -> invalid-argument naming the field', async (_name, data, message) => {
    await expectHttpsError(
      Promise.resolve().then(() => call(callRequest(data, { uid: UID }))),
      'invalid-argument',
      message,
    );
  });

  test('a trip of exactly the longest length is planned (it breaks the Schengen rule on its 91st day)', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const trip = { country: 'FR', entryDate: '2027-01-01', exitDate: addDays('2027-01-01', MAX_TRIP_DAYS - 1) };
    const res = await call(callRequest({ trips: [trip] }, { uid: UID }));
    expect(res.results.find((x) => x.ruleId === RULE)).toMatchObject({ complies: false, firstViolationDate: '2027-04-01' });
  });

  test('without a signed-in user -> unauthenticated', async () => {
    await expectHttpsError(
      Promise.resolve().then(() => call(callRequest({ trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }] }, null))),
      'unauthenticated',
      /sign in/,
    );
  });

  test.each([
    ['true', undefined, 'unauthenticated'],
    ['true', { appId: 'ios-app', token: {} }, null],
    ['false', undefined, null],
  ])('ENFORCE_APP_CHECK=%s, App Check %p -> %s', async (flag, app, code) => {
    process.env.ENFORCE_APP_CHECK = flag;
    try {
      const req = { ...callRequest({ trips: [{ country: 'FR', entryDate: '2027-01-01', exitDate: '2027-01-02' }] }, { uid: UID }), app } as CallableRequest;
      const p = Promise.resolve().then(() => call(req));
      if (code) await expectHttpsError(p, code, /App Check/);
      else await expect(p).resolves.toMatchObject({ asOf: '2026-11-23' });
    } finally {
      delete process.env.ENFORCE_APP_CHECK;
    }
  });
});

/**
 * `rules`: every rule the profile tracks, each with its kind's outputs (planned trips counted) and the verdict on
 * the plan (core/planRules.ts). Worked examples per kind, as of NOW (2026-11-23 in Europe/Paris). Every response is
 * parsed with PlanTripResponseSchema (strict: no field the schema does not name).
 */
describe('planTrip: every tracked rule, by kind', () => {
  const call = planTripCall();
  /** A New Zealander: bound by every rule of the seed (none exempts NZ nationals). */
  const NZ = { nationalities: ['NZ'] };

  async function plan(trackedRules: string[] | undefined, segments: SegmentDoc[], trips: { country: string; entryDate: string; exitDate: string }[]) {
    await env.repo.createProfileIfAbsent(UID, profile({ ...NZ, ...(trackedRules ? { trackedRules } : {}) }));
    for (const [i, s] of segments.entries()) await env.repo.putSegment(UID, `s${i + 1}`, s);
    return call(callRequest({ trips }, { uid: UID }));
  }
  /** In `country` from `arrive` to `leave` (dates of travel), from and back to France. */
  const visit = (country: string, arrive: string, leave: string) => [seg('FR', country, arrive), seg(country, 'FR', leave)];

  test.each([
    {
      name: 'UK SRT (midnight, 6 April): 152 midnights in 2026-27, a planned stay from 1 March reaches 183 on 31 March 2027, before the tax year ends; 2027-28 gets the rest',
      segments: visit('GB', '2026-06-01', '2026-10-31'),
      trips: [{ country: 'GB', entryDate: '2027-03-01', exitDate: '2027-05-31' }],
      exact: true,
      // Midnights 1 June .. 30 October: 152. Planned: 1 March .. 30 May (not the exit night): 36 in 2026-27
      // (1 March .. 5 April), 55 in 2027-28 (6 April .. 30 May). 152 + 31 = 183 on 31 March.
      want: {
        ruleId: 'uk-srt-183',
        exemptDaysExcluded: 0,
        kind: 'tax-year-presence',
        applies: true,
        reason: null,
        convention: 'midnight',
        taxYearStart: '2026-04-06',
        taxYearEnd: '2027-04-05',
        daysThisTaxYear: 152,
        plannedDaysThisTaxYear: 36,
        threshold: 183,
        met: false,
        metOn: '2027-03-31',
        daysRemaining: 31,
        byTaxYear: [],
        plan: {
          type: 'threshold',
          metDuringPlan: true,
          metOn: '2027-03-31',
          years: [
            { yearStart: '2026-04-06', yearEnd: '2027-04-05', days: 188, met: true, metOn: '2027-03-31' },
            { yearStart: '2027-04-06', yearEnd: '2028-04-05', days: 55, met: false, metOn: null },
          ],
        },
      },
    },
    {
      name: 'UK SRT: the same history, a planned stay across 6 April split between two tax years reaches 183 in neither',
      segments: visit('GB', '2026-06-01', '2026-10-31'),
      trips: [{ country: 'GB', entryDate: '2027-03-20', exitDate: '2027-09-30' }],
      // 2026-27: 152 + 20 March .. 5 April (17) = 169. 2027-28: 6 April .. 29 September = 177.
      want: {
        ruleId: 'uk-srt-183',
        exemptDaysExcluded: 0,
        daysThisTaxYear: 152,
        plannedDaysThisTaxYear: 17,
        met: false,
        metOn: null,
        plan: {
          type: 'threshold',
          metDuringPlan: false,
          metOn: null,
          years: [
            { yearStart: '2026-04-06', yearEnd: '2027-04-05', days: 169, met: false, metOn: null },
            { yearStart: '2027-04-06', yearEnd: '2028-04-05', days: 177, met: false, metOn: null },
          ],
        },
      },
    },
    {
      name: 'UK SRT: in the UK since 6 April 2026, 183 reached on 5 October, before the plan: not met during the plan',
      segments: [seg('FR', 'GB', '2026-04-06')],
      trips: [{ country: 'GB', entryDate: '2027-01-10', exitDate: '2027-01-20' }],
      // Midnights 6 April .. 23 November (today): 232; the 183rd is 5 October. The plan adds 10 (10 .. 19 January).
      want: {
        ruleId: 'uk-srt-183',
        exemptDaysExcluded: 0,
        daysThisTaxYear: 232,
        plannedDaysThisTaxYear: 10,
        met: true,
        metOn: '2026-10-05',
        plan: {
          type: 'threshold',
          metDuringPlan: false,
          metOn: null,
          years: [{ yearStart: '2026-04-06', yearEnd: '2027-04-05', days: 242, met: true, metOn: '2026-10-05' }],
        },
      },
    },
    {
      name: 'UK SRT: a stored booking (1 May to 1 December 2027) reaches 183 on 20 October 2027, after a planned April visit: not met during the plan',
      segments: visit('GB', '2027-05-01', '2027-12-01'),
      trips: [{ country: 'GB', entryDate: '2027-04-10', exitDate: '2027-04-20' }],
      // 2027-28: 10 planned midnights (10 .. 19 April) + 214 booked (1 May .. 30 November); the 183rd is 20 October.
      want: {
        ruleId: 'uk-srt-183',
        exemptDaysExcluded: 0,
        taxYearStart: '2026-04-06',
        daysThisTaxYear: 0,
        met: false,
        metOn: null,
        plan: {
          type: 'threshold',
          metDuringPlan: false,
          metOn: null,
          years: [{ yearStart: '2027-04-06', yearEnd: '2028-04-05', days: 224, met: true, metOn: '2027-10-20' }],
        },
      },
    },
    {
      name: 'US VWP: in the US since 1 October 2026, a planned extension to 15 January 2027 exceeds 90 days on 30 December',
      segments: [seg('FR', 'US', '2026-10-01')],
      trips: [{ country: 'US', entryDate: '2026-11-24', exitDate: '2027-01-15' }],
      exact: true,
      // 1 October + 89 days = 29 December is the last day of the admission (8 U.S.C. 1187(a)(1)).
      want: {
        ruleId: 'us-vwp-90-per-admission',
        exemptDaysExcluded: 0,
        kind: 'per-stay',
        applies: true,
        reason: null,
        currentStayStart: '2026-10-01',
        currentStayDays: 54,
        maxStayDays: 90,
        daysRemaining: 36,
        latestExitDate: '2026-12-29',
        overstayDays: 0,
        firstViolationDate: '2026-12-30',
        plan: { type: 'limit', complies: false, firstViolationDate: '2026-12-30' },
      },
    },
    {
      name: 'US VWP: the same extension ending on 29 December, a week in Mexico included, keeps to 90 days (8 CFR 217.3(b))',
      segments: [seg('FR', 'US', '2026-10-01'), seg('US', 'MX', '2026-11-01'), seg('MX', 'US', '2026-11-08')],
      trips: [{ country: 'US', entryDate: '2026-11-24', exitDate: '2026-12-29' }],
      want: {
        ruleId: 'us-vwp-90-per-admission',
        exemptDaysExcluded: 0,
        currentStayStart: '2026-10-01',
        latestExitDate: '2026-12-29',
        firstViolationDate: null,
        plan: { type: 'limit', complies: true, firstViolationDate: null },
      },
    },
    {
      name: 'Türkiye 90/180 (rolling window over a country): 60 days in August-September, a planned 40 days from 1 December: the 91st day is 31 December',
      segments: visit('TR', '2026-08-01', '2026-09-29'),
      trips: [{ country: 'TR', entryDate: '2026-12-01', exitDate: '2027-01-09' }],
      want: {
        ruleId: 'tr-visa-exempt-90-180',
        kind: 'rolling-window',
        daysUsed: 60,
        daysRemaining: 30,
        firstViolationDate: '2026-12-31',
        plan: { type: 'limit', complies: false, firstViolationDate: '2026-12-31' },
      },
    },
    {
      name: 'US substantial presence: 120 days in 2024 and 2025, 61 in 2026; planned from 1 December to 30 June met on 13 May 2027, not in 2026',
      segments: [...visit('US', '2024-01-02', '2024-04-30'), ...visit('US', '2025-01-01', '2025-04-30'), ...visit('US', '2026-03-01', '2026-04-30')],
      trips: [{ country: 'US', entryDate: '2026-12-01', exitDate: '2027-06-30' }],
      exact: true,
      // 2026: 61 + 31 planned = 92; needs 183 - (120/3 + 120/6) = 123. 2027: 183 - (92/3 + 120/6) = 132.33, so
      // 133 days: 1 January + 132 = 13 May. Weighted at the end of 2027: 181 + 92/3 + 120/6 = 1390/6.
      want: {
        ruleId: 'us-substantial-presence',
        exemptDaysExcluded: 0,
        kind: 'weighted-lookback',
        applies: true,
        reason: null,
        yearStart: '2026-01-01',
        yearEnd: '2026-12-31',
        daysThisYear: 61,
        daysByYear: [61, 120, 120],
        weightedDays: { numerator: 726, denominator: 6, display: '121' },
        threshold: 183,
        minDaysCurrentYear: 31,
        met: false,
        metOn: null,
        daysRemaining: 62,
        plan: {
          type: 'threshold',
          metDuringPlan: true,
          metOn: '2027-05-13',
          years: [
            {
              yearStart: '2026-01-01',
              yearEnd: '2026-12-31',
              days: 92,
              met: false,
              metOn: null,
              weightedDays: { numerator: 912, denominator: 6, display: '152' },
            },
            {
              yearStart: '2027-01-01',
              yearEnd: '2027-12-31',
              days: 181,
              met: true,
              metOn: '2027-05-13',
              weightedDays: { numerator: 1390, denominator: 6, display: '231.66' },
            },
          ],
        },
      },
    },
  ])('$name', async ({ segments, trips, want, exact }) => {
    const res = await plan([want.ruleId], segments, trips);
    expect(res.rules).toHaveLength(1);
    if (exact) expect(res.rules[0]).toEqual(want);
    else expect(res.rules[0]).toMatchObject(want);
  });

  test('the Schengen rule in `rules` gives the same verdict as the default `results` the app already reads', async () => {
    // 60 days in France this autumn (2026-09-25 .. 2026-11-23); a 40-day trip from 2026-12-01 breaks the rule on 2026-12-31.
    const res = await plan(
      ['schengen-90-180', 'tr-visa-exempt-90-180'],
      [seg('US', 'FR', '2026-09-25'), seg('FR', 'US', '2026-11-23')],
      [
        { country: 'ES', entryDate: '2026-12-01', exitDate: '2027-01-09' },
        { country: 'TR', entryDate: '2027-02-01', exitDate: '2027-02-10' },
      ],
    );
    expect(res.results).toMatchObject([{ ruleId: 'schengen-90-180', complies: false, firstViolationDate: '2026-12-31' }]);
    expect(res.rules.map((r) => [r.ruleId, r.plan])).toEqual([
      ['schengen-90-180', { type: 'limit', complies: false, firstViolationDate: '2026-12-31' }],
      ['tr-visa-exempt-90-180', { type: 'limit', complies: true, firstViolationDate: null }],
    ]);
    // The outputs count the planned trips: 40 planned days in Spain after today.
    expect(res.rules[0]).toMatchObject({ kind: 'rolling-window', daysUsed: 60, firstViolationDate: '2026-12-31' });
  });

  test.each([
    { name: 'no trackedRules: the default rules (Schengen)', tracked: undefined, ids: ['schengen-90-180'], unknown: [] },
    { name: 'trackedRules [] tracks none (results keeps the default rules)', tracked: [], ids: [], unknown: [] },
    {
      name: 'every rule, in the profile order',
      tracked: [
        'us-substantial-presence',
        'uk-srt-183',
        'jp-temporary-visitor-90',
        'uk-visitor-6-months',
        'us-vwp-90-per-admission',
        'tr-visa-exempt-90-180',
        'schengen-90-180',
      ],
      ids: [
        'us-substantial-presence',
        'uk-srt-183',
        'jp-temporary-visitor-90',
        'uk-visitor-6-months',
        'us-vwp-90-per-admission',
        'tr-visa-exempt-90-180',
        'schengen-90-180',
      ],
      unknown: [],
    },
    { name: 'an id the seed no longer has: reported, not evaluated', tracked: ['mars-30', 'uk-srt-183'], ids: ['uk-srt-183'], unknown: ['mars-30'] },
  ])('$name', async ({ tracked, ids, unknown }) => {
    const res = await plan(tracked, [], [{ country: 'JP', entryDate: '2027-01-10', exitDate: '2027-01-20' }]);
    expect(res.rules.map((r) => r.ruleId)).toEqual(ids);
    expect(res.unknownRuleIds).toEqual(unknown);
    expect(res.results.map((r) => r.ruleId)).toEqual(['schengen-90-180']);
    const log = env.logs.find((l) => l.message === 'plan.evaluated');
    expect([log?.uid, log?.rules, log?.unknownRules]).toEqual([UID, ids.length, unknown.length ? unknown.join(',') : undefined]);
  });

  test('a rule the traveller is exempt from: applies false with the reason; an exempt day is never counted, so no violation', async () => {
    await env.repo.createProfileIfAbsent(UID, profile({ nationalities: ['JP'], trackedRules: ['jp-temporary-visitor-90'] }));
    const res = await call(callRequest({ trips: [{ country: 'JP', entryDate: '2027-01-01', exitDate: '2027-04-30' }] }, { uid: UID }));
    expect(res.rules[0]).toMatchObject({
      applies: false,
      reason: expect.stringMatching(/Japan \(JP\) nationals are exempt/),
      exemptDaysExcluded: 0,
      currentStayDays: 0,
      plan: { type: 'limit', complies: true, firstViolationDate: null },
    });
  });

  test("the iOS page's example response (docs/ios.md) is what planTrip answers for its traveller", async () => {
    const page = fs.readFileSync(path.resolve(__dirname, '../../../docs/ios.md'), 'utf8');
    const section = page.slice(page.indexOf('**`planTrip`**'), page.indexOf('**`deleteAccount`**'));
    const block = /```json\n([\s\S]*?)```/.exec(section);
    expect(block).not.toBeNull();
    const res = await plan(
      ['schengen-90-180', 'us-vwp-90-per-admission', 'uk-srt-183'],
      [seg('GB', 'FR', '2026-06-01'), seg('FR', 'GB', '2026-06-20'), seg('GB', 'US', '2026-10-01')],
      [
        { country: 'US', entryDate: '2026-11-24', exitDate: '2027-01-15' },
        { country: 'GB', entryDate: '2027-01-16', exitDate: '2027-06-30' },
      ],
    );
    expect(res).toEqual(JSON.parse(block![1]!));
  });

  test('reads only the profile and the timeline, however many rules are tracked (no read per rule)', async () => {
    const trips = [{ country: 'GB', entryDate: '2027-01-10', exitDate: '2027-05-20' }];
    const readsWith = async (trackedRules: string[] | undefined) => {
      env.repo.reset();
      await env.repo.createProfileIfAbsent(UID, profile({ ...NZ, ...(trackedRules ? { trackedRules } : {}) }));
      for (let i = 0; i < 30; i++)
        await env.repo.putSegment(UID, `s${i}`, seg(i % 2 ? 'GB' : 'FR', i % 2 ? 'FR' : 'GB', `2026-0${1 + (i % 9)}-${String(1 + i).padStart(2, '0')}`));
      await recomputeUser(env.repo, UID, { now: NOW });
      env.repo.resetCounts();
      const res = await call(callRequest({ trips }, { uid: UID }));
      return { reads: env.repo.counts.reads, writes: env.repo.counts.writes, rules: res.rules.length };
    };
    const all = loadReferenceData().definitions.map((d) => d.id);
    expect(await readsWith(undefined)).toEqual({ reads: 2, writes: 0, rules: 1 });
    expect(await readsWith(['uk-srt-183'])).toEqual({ reads: 2, writes: 0, rules: 1 });
    expect(await readsWith(all)).toEqual({ reads: 2, writes: 0, rules: all.length });
  });
});

describe('deleteAccount', () => {
  const call = wrapCallable<{ deleted: true; storageFilesDeleted: number }>(deleteAccount);

  async function givenAccount() {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-10-01'));
    await recomputeUser(env.repo, UID, { now: NOW });
    await env.repo.putImport(UID, 'i1', { status: 'succeeded' });
    await env.storage.write(`users/${UID}/imports/i1.csv`, 'date,from,to\n');
    await env.storage.write(`users/${UID}/imports/i2.txt`, 'x');
    // Another user's data must survive.
    await env.repo.createProfileIfAbsent('dave', profile());
    await env.repo.putSegment('dave', 's1', seg('US', 'DE', '2026-10-01'));
    await env.storage.write('users/dave/imports/x.csv', 'date,from,to\n');
  }

  test('deletes the Firestore subtree, the Storage files and the Auth user; idempotent on a second call', async () => {
    await givenAccount();
    const res = await call(callRequest({}, { uid: UID }));
    expect(res).toEqual({ deleted: true, storageFilesDeleted: 2 });
    const snap = env.repo.snapshot();
    expect(snap.users[UID]).toBeUndefined();
    expect(env.storage.exists(`users/${UID}/imports/i1.csv`)).toBe(false);
    expect(env.auth.deleted).toEqual([UID]);
    expect(snap.users.dave!.segments.s1).toBeDefined();
    expect(env.storage.exists('users/dave/imports/x.csv')).toBe(true);

    const again = await call(callRequest({}, { uid: UID }));
    expect(again).toEqual({ deleted: true, storageFilesDeleted: 0 });
    expect(env.repo.snapshot()).toEqual(snap);
  });

  test.each([
    { name: 'no signed-in user -> unauthenticated', auth: null, code: 'unauthenticated', message: /sign in/ },
    {
      name: 'a sign-in older than 5 minutes -> failed-precondition',
      auth: { uid: UID, authTime: Math.floor(NOW.getTime() / 1000) - 3600 },
      code: 'failed-precondition',
      message: /sign in again/,
    },
  ])('$name, and nothing deleted', async ({ auth, code, message }) => {
    await givenAccount();
    const before = env.repo.snapshot();
    await expectHttpsError(
      Promise.resolve().then(() => call(callRequest({}, auth))),
      code,
      message,
    );
    expect(env.repo.snapshot()).toEqual(before);
    expect(env.auth.deleted).toEqual([]);
  });
});

describe('deleteAccount when a step fails', () => {
  const call = wrapCallable<{ deleted: true; storageFilesDeleted: number }>(deleteAccount);

  test('the client gets `internal` with no server internals; the cause is logged with the uid', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    jest.spyOn(env.storage, 'deletePrefix').mockRejectedValue(new Error('gcs: 503 backendError at storage.googleapis.com/bucket-internal-name'));
    const err = await Promise.resolve()
      .then(() => call(callRequest({}, { uid: UID })))
      .then(
        () => null,
        (e: { code?: string; message?: string }) => e,
      );
    expect(err).toMatchObject({ code: 'internal', message: 'the account could not be deleted completely; call again to finish' });
    expect(env.logs).toContainEqual(
      expect.objectContaining({ message: 'handler.error', uid: UID, step: 'deleteAccount', reason: expect.stringMatching(/503/) }),
    );
  });
});

describe('createProfileOnSignUp (beforeUserCreated)', () => {
  const run = fft.wrap(createProfileOnSignUp as never) as (e: unknown) => Promise<unknown>;
  const event = (uid: string) => ({ eventId: `e-${uid}`, data: { uid, email: `${uid}@example.com`, displayName: 'Carol', providerData: [] } });

  test('creates the default profile once; a repeated event keeps the existing profile', async () => {
    await run(event(UID));
    const p = env.repo.snapshot().users[UID]!.profile!;
    expect(p).toMatchObject({ email: `${UID}@example.com`, displayName: 'Carol', nationalities: [], timeZone: 'UTC', nextAlertAt: null });
    await env.repo.updateProfile(UID, { timeZone: 'Europe/Paris' });
    await run(event(UID));
    expect(env.repo.snapshot().users[UID]!.profile!.timeZone).toBe('Europe/Paris');
  });
});

describe('recomputeDaily (scheduled) and recomputeBatch (its task)', () => {
  // A ScheduleFunction is not typed as a CloudFunction, but wrap() runs it like one (it has run()).
  const wrappedRun = fft.wrap(recomputeDaily as never) as (e: unknown) => Promise<void>;
  const runTask = (data: unknown): Promise<void> => (fft.wrap as (f: unknown) => (e: object) => Promise<void>)(recomputeBatch)({ data });
  let queue: MemoryAlertQueue;
  beforeEach(() => {
    tearDownEnv(env);
    queue = new MemoryAlertQueue();
    env = setUpEnv({ recomputeQueue: queue });
  });
  /** The scheduled run, then every task it enqueued (as Cloud Tasks would deliver them). */
  const run = async (e: { scheduleTime?: string }) => {
    await wrappedRun(e);
    for (const { task } of queue.take()) await runTask(task);
  };

  test('re-evaluates only due users for their new local date, and clears nothing else', async () => {
    // Due: in France since 2026-11-20, last evaluated yesterday.
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-11-20'));
    env.clock.now = new Date('2026-11-22T10:00:00Z');
    await recomputeUser(env.repo, UID, { now: env.clock.now });
    expect(rolling(env.repo.snapshot().users[UID]!.visaStatus[RULE]).daysUsed).toBe(3);
    // Not due: last travel years ago (nextRecomputeAt null).
    await env.repo.createProfileIfAbsent('erin', profile());
    await env.repo.putSegment('erin', 's1', seg('US', 'FR', '2020-01-01'));
    await env.repo.putSegment('erin', 's2', seg('FR', 'US', '2020-01-05'));
    await recomputeUser(env.repo, 'erin', { now: env.clock.now });
    const erinBefore = env.repo.snapshot().users.erin;
    expect((erinBefore!.timeline.head as TimelineHeadDoc).nextRecomputeAt).toBeNull();

    env.clock.now = NOW; // the next day, 10:00 UTC
    env.repo.resetCounts();
    await run({});
    const status = env.repo.snapshot().users[UID]!.visaStatus[RULE]!;
    expect(status).toMatchObject({ asOf: '2026-11-23', daysUsed: 4 });
    expect((env.repo.snapshot().users[UID]!.timeline.head as TimelineHeadDoc).nextRecomputeAt).toEqual(new Date('2026-11-23T23:00:00Z'));
    expect(env.repo.snapshot().users.erin).toEqual(erinBefore);
    // Reads: the (empty) legacy query, then for the one due user its schedule (query result), and in its task the
    // deletion marker and its head.
    expect(env.repo.counts.reads).toBe(1 + 3);

    // A second run the same day finds nobody due and changes nothing.
    const snap = env.repo.snapshot();
    await run({});
    expect(env.repo.snapshot()).toEqual(snap);
  });

  test('a payload that does not parse is logged and dropped', async () => {
    await runTask({ runAt: 'yesterday', uids: [] });
    expect(env.logs).toContainEqual(expect.objectContaining({ message: 'recomputeDaily.task.invalid' }));
  });
});
