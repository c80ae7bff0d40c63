/**
 * The tracked rules in the recompute (services/recompute/, services/profile.ts): one status document per tracked
 * rule of every kind, evaluated in the same pass as the summary, and the documents written before issue 12. Each
 * case asserts the documents stored in the in-memory repository and what it counted.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import fc from 'fast-check';
import * as evaluateModule from '@travel-time-tracker/core/evaluate';
import { addDays, fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import type { RuleResult } from '@travel-time-tracker/core/ruleResults';
import type { SegmentDoc, TimelineHeadDoc, UserProfile, VisaStatusDoc } from '../../../functions/src/model/documents';
import { handleProfileWrite } from '../../../functions/src/services/profile';
import { toCoreSegment } from '../../../functions/src/services/recompute/segments';
import { nextRecomputeAt, statusChangesOn } from '../../../functions/src/services/recompute/schedule';
import { evaluateTracked } from '../../../functions/src/services/recompute/evaluate';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { repairTimeline } from '../../../functions/src/services/recompute/timelineUpdate';
import { handleSegmentWrite } from '../../../functions/src/services/recompute/segmentWrite';
import { buildItinerary, stepArb } from '../../core/rules/itinerary';

const UID = 'alice';
const SCHENGEN = 'schengen-90-180';
/** One rule of each kind. */
const FOUR = ['schengen-90-180', 'us-vwp-90-per-admission', 'uk-srt-183', 'us-substantial-presence'];
const ref = loadReferenceData();

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

const head = () => env.repo.snapshot().users[UID]!.timeline.head as TimelineHeadDoc;
const stored = () => env.repo.snapshot().users[UID]!.visaStatus;

/**
 * A New Zealander (every rule here applies): in the UK from 1 May to 1 September 2026, in the US until 1 November,
 * in France since (NOW is 2026-11-23, Europe/Paris).
 */
const HISTORY: [string, SegmentDoc][] = [
  ['s1', seg('US', 'GB', '2026-05-01')],
  ['s2', seg('GB', 'US', '2026-09-01')],
  ['s3', seg('US', 'FR', '2026-11-01')],
];

async function arrange(p: Partial<UserProfile> = {}): Promise<void> {
  await env.repo.createProfileIfAbsent(UID, profile({ nationalities: ['NZ'], ...p }));
  for (const [id, s] of HISTORY) await env.repo.putSegment(UID, id, s);
  await recomputeUser(env.repo, UID, { now: NOW });
}

/** The core's results for the stored segments and profile as of NOW's local date (what every status must equal). */
async function fresh(): Promise<RuleResult[]> {
  const p = (await env.repo.getProfile(UID))!;
  const segments = (await env.repo.listSegments(UID)).map(toCoreSegment);
  return [
    ...evaluateTracked(segments, {
      asOf: '2026-11-23',
      nationalities: p.nationalities,
      residencePermits: p.residencePermits ?? [],
      trackedRules: p.trackedRules,
    }).results,
  ];
}

/** The stored statuses without their bookkeeping, by rule id. */
function storedResults(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(stored()).map(([id, s]) => {
      const { asOf: _a, computedAt: _c, segmentsHash: _h, ...r } = s;
      return [id, r];
    }),
  );
}

/** Edits the profile as the app does and delivers the event; returns what the backend read and wrote. */
async function editProfile(patch: Partial<UserProfile>) {
  const before = (await env.repo.getProfile(UID))!;
  const after = { ...before, ...patch };
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (after as Record<string, unknown>)[k];
  await env.repo.putProfile(UID, after);
  env.repo.resetCounts();
  const outcome = await handleProfileWrite(env.repo, { uid: UID, eventId: `p-${Math.random()}`, before: { ...before }, after: { ...after } }, NOW);
  return { outcome, ...env.repo.counts };
}

describe('one status document per tracked rule, in the same pass', () => {
  test('a profile tracking one rule of each kind: each document is the core result of its kind; the head records all four', async () => {
    await arrange({ trackedRules: FOUR });
    expect(Object.keys(stored()).sort()).toEqual([...FOUR].sort());
    expect(storedResults()).toEqual(Object.fromEntries((await fresh()).map((r) => [r.ruleId, r])));
    expect(head().statuses.map((s) => [s.ruleId, s.kind])).toEqual([
      [SCHENGEN, 'rolling-window'],
      ['us-vwp-90-per-admission', 'per-stay'],
      ['uk-srt-183', 'tax-year-presence'],
      ['us-substantial-presence', 'weighted-lookback'],
    ]);
    // The numbers a reader checks by hand: 23 days in France; 123 UK midnights (1 May to 31 August); 62 US days
    // (1 September to 1 November) and the 1 May departure day; not in the US today.
    expect(stored()[SCHENGEN]).toMatchObject({ daysUsed: 23, currentStayStart: '2026-11-01' });
    expect(stored()['uk-srt-183']).toMatchObject({ taxYearStart: '2026-04-06', daysThisTaxYear: 123, met: false, daysRemaining: 60 });
    expect(stored()['us-substantial-presence']).toMatchObject({ daysThisYear: 63, daysByYear: [63, 0, 0], met: false, metOn: null, daysRemaining: 120 });
    expect(stored()['us-vwp-90-per-admission']).toMatchObject({ currentStayStart: null, currentStayDays: 0, firstViolationDate: null });
  });

  test('a segment edit costs the same reads with four rules as with one, and writes only the statuses that changed', async () => {
    const costs: Record<string, { reads: number; writes: number; statuses: string[] }> = {};
    for (const [name, trackedRules] of [
      ['default (1 rule)', undefined],
      ['4 rules', FOUR],
    ] as const) {
      env = (tearDownEnv(env), setUpEnv());
      await arrange(trackedRules ? { trackedRules: [...trackedRules] } : {});
      const before = structuredClone(stored());
      const alertAtBefore = (await env.repo.getProfile(UID))?.nextAlertAt;
      // The UK entry moves 2 days later: only the UK day count changes (the US departure day is 1 day either way).
      env.clock.now = new Date(NOW.getTime() + 60_000);
      const version = await env.repo.putSegment(UID, 's1', seg('US', 'GB', '2026-05-03'));
      env.repo.resetCounts();
      const outcome = await handleSegmentWrite(
        env.repo,
        { uid: UID, segmentId: 's1', eventId: `e-${name}`, eventTime: env.clock.now, version, beforeExists: true, after: seg('US', 'GB', '2026-05-03') },
        env.clock.now,
      );
      expect(outcome).toEqual({ action: 'recomputed', changed: true });
      const changed = Object.keys(stored()).filter((id) => stored()[id]!.computedAt.getTime() !== before[id]!.computedAt.getTime());
      costs[name] = { reads: env.repo.counts.reads, writes: env.repo.counts.writes, statuses: changed };
      if (trackedRules) expect((await env.repo.getProfile(UID))?.nextAlertAt).not.toEqual(alertAtBefore);
      expect(storedResults()).toEqual(Object.fromEntries((await fresh()).map((r) => [r.ruleId, r])));
    }
    // Reads: the deletion marker and the timeline head, whatever the number of rules. Writes: the head and the
    // summary (its day counts moved), plus the one status that changed (none with the default rule: Schengen's did
    // not) and, with the UK rule, `nextAlertAt` (its 30-day threshold is 2 days further away).
    expect(costs).toEqual({
      'default (1 rule)': { reads: 2, writes: 2, statuses: [] },
      '4 rules': { reads: 2, writes: 4, statuses: ['uk-srt-183'] },
    });
  });

  test('the Schengen rule is evaluated once per recompute, tracked among other rules', async () => {
    await arrange({ trackedRules: FOUR });
    const spy = jest.spyOn(evaluateModule, 'evaluateRule');
    try {
      const version = await env.repo.putSegment(UID, 's4', seg('FR', 'DE', '2026-11-20'));
      await handleSegmentWrite(
        env.repo,
        { uid: UID, segmentId: 's4', eventId: 'e4', eventTime: NOW, version, beforeExists: false, after: seg('FR', 'DE', '2026-11-20') },
        NOW,
      );
      expect(spy.mock.calls.map(([, rule]) => rule.id)).toEqual([SCHENGEN]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('trackedRules edits (onProfileWritten): a rule input', () => {
  test('added rules get their documents, removed ones lose them, [] tracks nothing, absent is the default rule again', async () => {
    await arrange();
    expect(Object.keys(stored())).toEqual([SCHENGEN]);

    // Adding three rules: 3 reads (marker, profile, head); the Schengen status is unchanged and not written again.
    const add = await editProfile({ trackedRules: FOUR });
    expect(add.outcome).toMatchObject({ action: 'recomputed', changedFields: ['trackedRules'], changed: true });
    expect([add.reads, add.deletes]).toEqual([3, 0]);
    expect(Object.keys(stored()).sort()).toEqual([...FOUR].sort());
    expect(storedResults()).toEqual(Object.fromEntries((await fresh()).map((r) => [r.ruleId, r])));

    const keepOne = await editProfile({ trackedRules: ['uk-srt-183'] });
    expect([keepOne.reads, keepOne.deletes]).toEqual([3, 3]);
    expect(Object.keys(stored())).toEqual(['uk-srt-183']);
    expect(head().statuses.map((s) => s.ruleId)).toEqual(['uk-srt-183']);

    const none = await editProfile({ trackedRules: [] });
    expect([none.deletes, Object.keys(stored()), head().statuses]).toEqual([1, [], []]);

    await editProfile({ trackedRules: undefined });
    expect(Object.keys(stored())).toEqual([SCHENGEN]);
    expect(head().profile?.trackedRules).toBeNull();
  });

  test('a redelivered trackedRules event writes nothing; a display-name edit reads nothing', async () => {
    await arrange();
    const before = (await env.repo.getProfile(UID))!;
    const after = { ...before, trackedRules: ['uk-srt-183', SCHENGEN] };
    await env.repo.putProfile(UID, after);
    const event = { uid: UID, eventId: 'p-fixed', before: { ...before }, after: { ...after } };
    await handleProfileWrite(env.repo, event, NOW);
    env.repo.resetCounts();
    expect(await handleProfileWrite(env.repo, event, NOW)).toMatchObject({ action: 'recomputed', changed: false });
    expect([env.repo.counts.writes, env.repo.counts.deletes]).toEqual([0, 0]);
    const renamed = await editProfile({ displayName: 'Ada' });
    expect(renamed.outcome).toEqual({ action: 'skipped', reason: 'no-rule-input-change' });
    expect([renamed.reads, renamed.writes]).toEqual([0, 0]);
  });

  test('an id the seed does not have is not evaluated: the summary names it, and a status left for it is deleted', async () => {
    await arrange({ trackedRules: ['uk-srt-183', 'mars-rule'] });
    expect(Object.keys(stored())).toEqual(['uk-srt-183']);
    const warnings = env.repo.snapshot().users[UID]!.summaries.countryDays!.warnings;
    expect(warnings[0]).toBe(
      'the tracked rule "mars-rule" is not a rule this app knows (it may have been withdrawn); it is not evaluated: remove it from your tracked rules',
    );
    // A rule withdrawn from the seed after its status was written: the head lists it, the next recompute deletes it.
    const srt = stored()['uk-srt-183']!;
    const mars = { ...srt, ruleId: 'mars-rule' };
    await env.repo.updateTimeline(UID, ({ timeline }) => ({
      commit: { timeline: new Map([['head', { ...timeline.head!, statuses: [...timeline.head!.statuses, mars] }]]), statuses: [mars] },
      result: null,
    }));
    expect(Object.keys(stored()).sort()).toEqual(['mars-rule', 'uk-srt-183']);
    env.repo.resetCounts();
    await recomputeUser(env.repo, UID, { now: NOW });
    expect([Object.keys(stored()), head().statuses.map((s) => s.ruleId), env.repo.counts.deletes]).toEqual([['uk-srt-183'], ['uk-srt-183'], 1]);
  });

  test('the repair deletes the status of a rule no longer tracked that the head does not list', async () => {
    await arrange({ trackedRules: ['uk-srt-183'] });
    // A status left by an earlier head (lost): the head does not know it.
    const srt = stored()['uk-srt-183']!;
    await env.repo.updateTimeline(UID, () => ({ commit: { timeline: new Map(), statuses: [{ ...srt, ruleId: 'jp-temporary-visitor-90' }] }, result: null }));
    await repairTimeline(env.repo, UID, NOW);
    expect(Object.keys(stored())).toEqual(['uk-srt-183']);
  });
});

describe('statuses written before issue 12 (no kind)', () => {
  test('are read as rolling-window statuses and written once more with their kind; then nothing is written', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-11-01'));
    await recomputeUser(env.repo, UID, { now: NOW });
    // The head and the status document as the backend wrote them before issue 12: the same fields, no `kind`.
    const strip = (s: VisaStatusDoc) => {
      const { kind: _kind, ...rest } = s;
      return rest as unknown as VisaStatusDoc;
    };
    await env.repo.updateTimeline(UID, ({ timeline }) => ({
      commit: {
        timeline: new Map([['head', { ...timeline.head!, statuses: timeline.head!.statuses.map(strip) }]]),
        statuses: timeline.head!.statuses.map(strip),
      },
      result: null,
    }));
    expect(env.repo.snapshot().users[UID]!.visaStatus[SCHENGEN]).not.toHaveProperty('kind');
    expect(head().statuses[0]).not.toHaveProperty('kind');
    // A status read through the repository is a rolling-window one (the alert run reads them so).
    expect((await env.repo.getVisaStatus(UID, SCHENGEN))?.kind).toBe('rolling-window');

    // The numbers did not change, yet the document and the head get their kind.
    const first = await recomputeUser(env.repo, UID, { now: NOW });
    expect(first.changed).toBe(true);
    expect(env.repo.snapshot().users[UID]!.visaStatus[SCHENGEN]).toMatchObject({ kind: 'rolling-window', daysUsed: 23 });
    expect(head().statuses[0]).toMatchObject({ ruleId: SCHENGEN, kind: 'rolling-window' });

    env.repo.resetCounts();
    const second = await recomputeUser(env.repo, UID, { now: NOW });
    expect(second.changed).toBe(false);
    expect(env.repo.counts.writes).toBe(0);
  });
});

describe('nextRecomputeAt: when a status can change with time alone, by kind', () => {
  /** Paris, 2026-11-23 11:00: tomorrow starts 2026-11-23T23:00Z. */
  const TOMORROW = new Date('2026-11-23T23:00:00Z');
  interface Case {
    name: string;
    rule: string;
    segments: SegmentDoc[];
    nationalities?: string[];
    expected: Date | null;
  }
  const cases: Case[] = [
    { name: 'rolling-window, in the area today: days used grow', rule: SCHENGEN, segments: [seg('US', 'FR', '2026-11-01')], expected: TOMORROW },
    {
      name: 'rolling-window, away, last trip within the period: days leave it',
      rule: SCHENGEN,
      segments: [seg('US', 'FR', '2026-07-01'), seg('FR', 'US', '2026-07-20')],
      expected: TOMORROW,
    },
    {
      name: 'rolling-window, away, last trip before the period: nothing changes',
      rule: SCHENGEN,
      segments: [seg('US', 'FR', '2026-01-01'), seg('FR', 'US', '2026-01-20')],
      expected: null,
    },
    {
      name: 'rolling-window that does not apply (an EU national): not kept current',
      rule: SCHENGEN,
      segments: [seg('US', 'FR', '2026-11-01')],
      nationalities: ['DE'],
      expected: null,
    },
    { name: 'per-stay, in Japan today: the visit grows', rule: 'jp-temporary-visitor-90', segments: [seg('FR', 'JP', '2026-11-01')], expected: TOMORROW },
    {
      name: 'per-stay, left Japan: no visit runs',
      rule: 'jp-temporary-visitor-90',
      segments: [seg('FR', 'JP', '2026-11-01'), seg('JP', 'FR', '2026-11-10')],
      expected: null,
    },
    {
      name: 'per-stay, in Canada during a US admission: its days count',
      rule: 'us-vwp-90-per-admission',
      segments: [seg('FR', 'US', '2026-11-01'), seg('US', 'CA', '2026-11-20')],
      expected: TOMORROW,
    },
    { name: 'per-stay, a planned trip: it becomes past', rule: 'jp-temporary-visitor-90', segments: [seg('FR', 'JP', '2027-02-01')], expected: TOMORROW },
    { name: 'tax-year-presence, in the UK today: the count grows', rule: 'uk-srt-183', segments: [seg('FR', 'GB', '2026-11-01')], expected: TOMORROW },
    // The next tax year starts on 6 April 2027: midnight in Paris is 2027-04-05T22:00Z (CEST).
    {
      name: 'tax-year-presence, away: the next tax year',
      rule: 'uk-srt-183',
      segments: [seg('FR', 'GB', '2026-05-01'), seg('GB', 'FR', '2026-06-01')],
      expected: new Date('2027-04-05T22:00:00Z'),
    },
    {
      name: 'tax-year-presence, never there: the next tax year all the same',
      rule: 'uk-srt-183',
      segments: [seg('US', 'FR', '2020-01-01')],
      expected: new Date('2027-04-05T22:00:00Z'),
    },
    {
      name: 'weighted-lookback, in the US today: the count grows',
      rule: 'us-substantial-presence',
      segments: [seg('FR', 'US', '2026-11-01')],
      expected: TOMORROW,
    },
    {
      name: 'weighted-lookback, away: the next year (the weights move on)',
      rule: 'us-substantial-presence',
      segments: [seg('FR', 'US', '2026-03-01'), seg('US', 'FR', '2026-06-01')],
      expected: new Date('2026-12-31T23:00:00Z'),
    },
    {
      name: 'weighted-lookback that does not apply (a US citizen): not kept current',
      rule: 'us-substantial-presence',
      segments: [seg('FR', 'US', '2026-11-01')],
      nationalities: ['US'],
      expected: null,
    },
  ];

  test.each(cases)('$name', async ({ rule, segments, nationalities, expected }) => {
    await env.repo.createProfileIfAbsent(UID, profile({ nationalities: nationalities ?? ['NZ'], trackedRules: [rule] }));
    for (const [i, s] of segments.entries()) await env.repo.putSegment(UID, `s${i}`, s);
    await recomputeUser(env.repo, UID, { now: NOW });
    expect(head().nextRecomputeAt).toEqual(expected);
  });

  test('several rules: the earliest of their dates', async () => {
    await env.repo.createProfileIfAbsent(
      UID,
      profile({ nationalities: ['NZ'], trackedRules: ['uk-srt-183', 'us-substantial-presence', 'jp-temporary-visitor-90'] }),
    );
    await env.repo.putSegment(UID, 's1', seg('FR', 'US', '2026-03-01'));
    await env.repo.putSegment(UID, 's2', seg('US', 'FR', '2026-06-01'));
    await recomputeUser(env.repo, UID, { now: NOW });
    expect(head().nextRecomputeAt).toEqual(new Date('2026-12-31T23:00:00Z'));
  });

  test.each([
    { what: 'tomorrow', dates: ['2026-11-24'], zone: 'Europe/Paris', expected: '2026-11-23T23:00:00.000Z' },
    { what: 'a date months ahead, in summer time', dates: ['2027-04-06', null, '2027-05-01'], zone: 'Europe/London', expected: '2027-04-05T23:00:00.000Z' },
    // Cuba moves its clocks at midnight: 8 March 2026 starts at 01:00 local (05:00Z).
    { what: 'a day whose midnight a DST change skips', dates: ['2026-03-08'], zone: 'America/Havana', expected: '2026-03-08T05:00:00.000Z' },
    { what: 'no date', dates: [null], zone: 'UTC', expected: null },
  ])('the instant of $what', ({ dates, zone, expected }) => {
    const now = new Date('2025-12-10T10:00:00Z');
    const tomorrowCase = dates[0] === '2026-11-24';
    expect(nextRecomputeAt(dates, zone, tomorrowCase ? NOW : now)?.toISOString() ?? null).toBe(expected);
  });

  /**
   * What a status keeps while it is not kept current: every field but those that only restate the evaluation date
   * (statusChangesOn's docstring).
   */
  function kept(r: RuleResult): Record<string, unknown> {
    const o: Record<string, unknown> = { ...r };
    if (r.kind === 'rolling-window') for (const k of ['windowStart', 'windowEnd', 'latestExitDate', 'nextEntryDate']) delete o[k];
    if (r.kind === 'per-stay' && r.currentStayStart === null) for (const k of ['latestExitDate', 'maxStayDays', 'daysRemaining']) delete o[k];
    return o;
  }

  test('property: before the date statusChangesOn gives, the status of every seed rule reads the same every day (120 itineraries)', () => {
    // Countries of every kind of rule, none whose Schengen or EU membership changes within the dates drawn;
    // nationalities likewise (a dated membership would change `applies`, which the schedule does not follow).
    const arb = fc.record({
      steps: fc.array(stepArb(['FR', 'US', 'GB', 'TR', 'JP', 'MX', 'CA', 'IE'], 300, 10), { maxLength: 14 }),
      asOfOffset: fc.integer({ min: -20, max: 1800 }),
      nationalities: fc.subarray(['NZ', 'AU', 'US', 'JP']),
      probes: fc.array(fc.integer({ min: 1, max: 800 }), { minLength: 3, maxLength: 6 }),
    });
    fc.assert(
      fc.property(arb, ({ steps, asOfOffset, nationalities, probes }) => {
        const start = toDayNumber('2021-06-01');
        const segments = buildItinerary(start, steps);
        const asOf = fromDayNumber(start + asOfOffset);
        const at = (date: string) =>
          evaluateTracked(segments, { asOf: date, nationalities, residencePermits: [], trackedRules: ref.definitions.map((d) => d.id) });
        const today = at(asOf);
        // Every day up to 40 days ahead, and a few days further (the rollover dates are months away).
        const days = [...Array.from({ length: 40 }, (_, i) => i + 1), ...probes];
        for (const k of days) {
          const later = at(addDays(asOf, k));
          today.results.forEach((r, i) => {
            const until = today.changesOn[i];
            if (!r.applies || (until !== null && until !== undefined && addDays(asOf, k) >= until)) return;
            expect({ rule: r.ruleId, day: addDays(asOf, k), status: kept(later.results[i]!) }).toEqual({
              rule: r.ruleId,
              day: addDays(asOf, k),
              status: kept(r),
            });
          });
        }
      }),
      { numRuns: 120 },
    );
  });

  test('statusChangesOn is never today or earlier', () => {
    const r = evaluateTracked([toCoreSegment({ id: 'x', data: seg('FR', 'GB', '2026-11-01') })], {
      asOf: '2026-11-23',
      nationalities: [],
      residencePermits: [],
      trackedRules: ['uk-srt-183'],
    });
    expect(r.changesOn).toEqual(['2026-11-24']);
    expect(statusChangesOn(r.results[0]!, { asOf: '2026-11-23', lastSegmentDate: '2026-11-01', countedToday: false })).toBe('2027-04-06');
  });
});
