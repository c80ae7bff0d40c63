/**
 * Alerts for every kind of rule (alerts/policy.ts, message.ts, run.ts): which alert is due, its dedupe id (per stay,
 * per tax year), the words it says, when the run next looks at the traveller, and the run itself sending each once.
 * The statuses are the real engine's (services/recompute/evaluate.ts `evaluateTracked`) for travellers described in
 * each case, so the numbers quoted are the rule's own.
 */
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings, type SegmentDoc, type VisaStatusDoc } from '../../../functions/src/model/documents';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { MemoryRepository } from '../../fakes/memoryRepository';
import { statusDocOf } from '../../../functions/src/services/recompute/documents';
import { evaluateTracked } from '../../../functions/src/services/recompute/evaluate';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import { setLogSink } from '../../../functions/src/log';
import { alertText, ruleInfo } from '../../../functions/src/alerts/message';
import { alertCandidatesFor, computeNextAlertAt } from '../../../functions/src/policy/alerts';
import { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import { processAlertBatch, scheduleAlertRun } from '../../../functions/src/alerts/run';
import { RecordingTransport } from '../../fakes/recordingTransport';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { payloadOf, profile, alertTestDeps } from './fixtures';

const ref = loadReferenceData();
const JP = 'jp-temporary-visitor-90';
const UK_VISIT = 'uk-visitor-6-months';
const SRT = 'uk-srt-183';
const SPT = 'us-substantial-presence';

let n = 0;
const seg = (from: string, to: string, date: string): IdentifiedSegment => ({
  id: `s${++n}`,
  departureCountry: from,
  arrivalCountry: to,
  departureDate: date,
  arrivalDate: date,
  mode: 'flight',
});

/** The status of one rule for a New Zealander (every rule applies) with these segments, as of `asOf`. */
function statusOf(ruleId: string, segments: IdentifiedSegment[], asOf: string, nationalities = ['NZ']): VisaStatusDoc {
  const r = evaluateTracked(segments, { asOf, nationalities, residencePermits: [], trackedRules: [ruleId] });
  return statusDocOf(r.results[0]!, asOf, 'h', new Date(`${asOf}T12:00:00Z`));
}

const settings = (o: Partial<NotificationSettings> = {}): NotificationSettings => ({ ...DEFAULT_NOTIFICATION_SETTINGS, ...o });

interface Case {
  name: string;
  status: () => VisaStatusDoc;
  settings?: Partial<NotificationSettings>;
  /** The alert ids due, most urgent first. */
  due: string[];
  /** Title and body of the first one. */
  text?: { title: string; body: string };
}

const DAY_COUNT = 'This is a count of days, not tax advice: residence for tax depends on more than this count.';

const cases: Case[] = [
  // per-stay: Japan's 90 days per stay (MOFA), entry day 1.
  {
    name: 'per-stay, in Japan since 15 April: day 78 of 90, 12 left in this visit (threshold 14)',
    status: () => statusOf(JP, [seg('FR', 'JP', '2026-04-15')], '2026-07-01'),
    due: [`${JP}_threshold-14_2026-04-15`],
    text: {
      title: '12 days left in this visit',
      body: 'You have 12 days left in this visit to Japan under the Japan visa-exempt temporary visitor (90 days per stay) rule (at most 90 days per visit). Latest exit date: Monday 13 July 2026.',
    },
  },
  {
    name: 'per-stay, in Japan since 1 March: 33 days over the visit',
    status: () => statusOf(JP, [seg('FR', 'JP', '2026-03-01')], '2026-07-01'),
    due: [`${JP}_overstay_2026-03-01`],
    text: {
      title: 'Overstay in Japan',
      // Nothing recorded since the arrival: the overstay rests on the days since (for a traveller who logs as they
      // go, the current visit), and the alert says so.
      body:
        'You are 33 days over the limit of this visit to Japan under the Japan visa-exempt temporary visitor (90 days per stay) rule (at most 90 days per visit). Leave Japan as soon as you can. ' +
        'Based on 122 assumed days in Japan since your last recorded trip (arrival on Sunday 1 March 2026): if you have left since, add that trip.',
    },
  },
  {
    name: 'per-stay, arrived in Japan on 1 March, next recorded trip from South Korea on 10 July: an overstay resting on the gap',
    status: () => statusOf(JP, [seg('FR', 'JP', '2026-03-01'), seg('KR', 'FR', '2026-07-10')], '2026-07-01'),
    due: [`${JP}_overstay_2026-03-01`],
    text: {
      title: 'Overstay in Japan',
      body:
        'You are 33 days over the limit of this visit to Japan under the Japan visa-exempt temporary visitor (90 days per stay) rule (at most 90 days per visit). Leave Japan as soon as you can. ' +
        'Based on 122 assumed days in Japan between your arrival there on Sunday 1 March 2026 and your next recorded trip, from South Korea on Friday 10 July 2026: add the trips between them.',
    },
  },
  {
    name: 'per-stay, a planned visit of 123 days: its 91st day breaks the limit',
    status: () => statusOf(JP, [seg('NZ', 'FR', '2026-06-01'), seg('FR', 'JP', '2026-08-01'), seg('JP', 'FR', '2026-12-01')], '2026-07-01'),
    due: [`${JP}_planned_2026-10-30`],
    text: {
      title: 'Planned trip breaks the Japan visa-exempt temporary visitor (90 days per stay) rule',
      body: 'Your planned travel would make a visit to Japan longer than allowed (at most 90 days per visit) on Friday 30 October 2026. Open the app to see the dates that comply.',
    },
  },
  {
    name: 'per-stay in months, the UK visitor: a visit from 8 January may last to 7 July (181 days), 6 left (threshold 7)',
    status: () => statusOf(UK_VISIT, [seg('FR', 'GB', '2026-01-08')], '2026-07-01'),
    due: [`${UK_VISIT}_threshold-7_2026-01-08`],
    text: {
      title: '6 days left in this visit',
      body: 'You have 6 days left in this visit to the United Kingdom under the UK visitor (6 months per visit) rule (at most 6 months per visit). Latest exit date: Tuesday 7 July 2026.',
    },
  },
  // tax-year-presence: the UK's 183 days from 6 April, a day counted at midnight (Finance Act 2013 Sch. 45 para 22).
  {
    name: 'tax-year-presence, in the UK since 6 April: 163 midnights by 15 September, 20 to go (threshold 30)',
    status: () => statusOf(SRT, [seg('FR', 'GB', '2026-04-06')], '2026-09-15'),
    due: [`${SRT}_threshold-30_2026-04-06`],
    text: {
      title: '20 days from 183 days in the United Kingdom tax year',
      body: `You have 163 days in the United Kingdom in the tax year Monday 6 April 2026 to Monday 5 April 2027 (a day counts when you are there at midnight): 20 days short of 183, the day count of the UK statutory residence test: 183 days (first automatic UK test). ${DAY_COUNT}`,
    },
  },
  {
    name: 'tax-year-presence, reached on 5 October: once per tax year',
    status: () => statusOf(SRT, [seg('FR', 'GB', '2026-04-06')], '2026-10-10'),
    due: [`${SRT}_reached_2026-04-06`],
    text: {
      title: '183 days in the United Kingdom tax year',
      body:
        'You reached 183 days in the United Kingdom in the tax year Monday 6 April 2026 to Monday 5 April 2027 on Monday 5 October 2026 (a day counts when you are there at midnight): the day count of the UK statutory residence test: 183 days (first automatic UK test). ' +
        `Based on 187 assumed days in the United Kingdom since your last recorded trip (arrival on Monday 6 April 2026): if you have left since, add that trip. ${DAY_COUNT}`,
    },
  },
  {
    name: 'tax-year-presence reached, with limit alerts off: nothing',
    status: () => statusOf(SRT, [seg('FR', 'GB', '2026-04-06')], '2026-10-10'),
    settings: { overstay: false },
    due: [],
  },
  {
    name: 'tax-year-presence, a planned move to the UK from 1 August reaches 183 midnights on 30 January',
    status: () => statusOf(SRT, [seg('NZ', 'FR', '2026-06-01'), seg('FR', 'GB', '2026-08-01'), seg('GB', 'FR', '2027-03-01')], '2026-07-01'),
    due: [`${SRT}_planned-reach_2027-01-30`],
    text: {
      title: 'Your plans reach 183 days in the United Kingdom tax year',
      body: `With your planned trips, you will reach 183 days in the United Kingdom tax year on Saturday 30 January 2027 (UK statutory residence test: 183 days (first automatic UK test); a day counts when you are there at midnight). ${DAY_COUNT}`,
    },
  },
  {
    name: 'tax-year-presence, the same plan with planned-trip alerts off: nothing',
    status: () => statusOf(SRT, [seg('NZ', 'FR', '2026-06-01'), seg('FR', 'GB', '2026-08-01'), seg('GB', 'FR', '2027-03-01')], '2026-07-01'),
    settings: { plannedTrips: false },
    due: [],
  },
  // weighted-lookback: the US substantial presence test (26 U.S.C. 7701(b)(3)), calendar years.
  {
    name: 'weighted-lookback, in the US since 1 January: 156 days by 5 June, 27 more would meet it (threshold 30)',
    status: () => statusOf(SPT, [seg('NZ', 'US', '2026-01-01')], '2026-06-05'),
    due: [`${SPT}_threshold-30_2026-01-01`],
    text: {
      title: '27 days from meeting the US substantial presence test',
      body: `You have 156 weighted days of 183 this year (156 days in the United States this year, and a share of the years before): 27 more days this year would meet it (at least 31 days this year and 183 weighted days over 3 years). ${DAY_COUNT}`,
    },
  },
  {
    name: 'weighted-lookback, met on 2 July (the 183rd day): once per year',
    status: () => statusOf(SPT, [seg('NZ', 'US', '2026-01-01')], '2026-07-10'),
    due: [`${SPT}_reached_2026-01-01`],
    text: {
      title: 'US substantial presence test: met',
      body:
        'Your days in the United States meet the US substantial presence test since Thursday 2 July 2026: 191 weighted days of 183, 191 days this year (at least 31 days this year and 183 weighted days over 3 years). ' +
        `Based on 190 assumed days in the United States since your last recorded trip (arrival on Thursday 1 January 2026): if you have left since, add that trip. ${DAY_COUNT}`,
    },
  },
  {
    name: 'weighted-lookback, planned: in the US from 1 April, met on 30 September',
    status: () => statusOf(SPT, [seg('NZ', 'FR', '2026-01-10'), seg('FR', 'US', '2026-04-01'), seg('US', 'FR', '2026-12-01')], '2026-03-01'),
    due: [`${SPT}_planned-reach_2026-09-30`],
    text: {
      title: 'Your plans meet the US substantial presence test',
      body: `With your planned trips, the US substantial presence test will be met on Wednesday 30 September 2026 (at least 31 days this year and 183 weighted days over 3 years). ${DAY_COUNT}`,
    },
  },
  {
    name: 'weighted-lookback for a US citizen (the rule does not apply): nothing',
    status: () => statusOf(SPT, [seg('NZ', 'US', '2026-01-01')], '2026-07-10', ['US']),
    due: [],
  },
];

describe('alerts by kind: what is due, its id, its words', () => {
  test.each(cases)('$name', ({ status, settings: o, due, text }) => {
    const s = status();
    const candidates = alertCandidatesFor(s, settings(o));
    expect(candidates.map((c) => c.alertId)).toEqual(due);
    if (text) expect(alertText(candidates[0]!, ruleInfo(ref.definition(s.ruleId)!))).toEqual(text);
  });
});

describe('computeNextAlertAt by kind (Europe/Berlin, 09:00 local the first day an alert could be due)', () => {
  const at = (date: string) => new Date(`${date}T07:00:00Z`); // 09:00 CEST
  const profileOf = () => profile({ timeZone: 'Europe/Berlin' });
  test.each([
    {
      name: 'tax-year-presence, 123 midnights by 6 August, 60 to go: the 30-day threshold is 30 days away',
      status: () => statusOf(SRT, [seg('FR', 'GB', '2026-04-06')], '2026-08-06'),
      expected: at('2026-09-05'),
    },
    {
      name: 'tax-year-presence reached and its alert sent: nothing until the next tax year (the recompute then reschedules)',
      status: () => statusOf(SRT, [seg('FR', 'GB', '2026-04-06')], '2026-10-10'),
      sent: [`${SRT}_reached_2026-04-06`],
      expected: null,
    },
    {
      name: 'weighted-lookback, 138 days by 18 May, 45 more needed: the 30-day threshold is 15 days away',
      status: () => statusOf(SPT, [seg('NZ', 'US', '2026-01-01')], '2026-05-18'),
      expected: at('2026-06-02'),
    },
    {
      name: 'per-stay, away from Japan: a visit entered tomorrow reaches 30 days left 60 days in; looked at 3 days early (the slack for month lengths)',
      status: () => statusOf(JP, [seg('NZ', 'FR', '2026-06-01')], '2026-07-01'),
      expected: at('2026-08-27'),
    },
    {
      // 1 July + (181 - 30) days, 09:00 CET.
      name: 'per-stay in months, away from the UK: 6 months from 1 July is 184 days; a visit entered later may have 181',
      status: () => statusOf(UK_VISIT, [seg('NZ', 'FR', '2026-06-01')], '2026-07-01'),
      expected: new Date('2026-11-29T08:00:00Z'),
    },
  ])('$name', ({ status, sent, expected }) => {
    const s = status();
    const now = new Date(`${s.asOf}T05:00:00Z`);
    expect(computeNextAlertAt(profileOf(), [s], now, { sentAlertIds: new Set(sent ?? []) })).toEqual(expected);
  });
});

describe('the alert run, one traveller tracking a rule of each new kind (MemoryRepository, recording transport)', () => {
  beforeAll(() => setLogSink(() => undefined));
  afterAll(() => setLogSink());
  const created = new Date('2026-01-01T00:00:00Z');
  const doc = (s: IdentifiedSegment): SegmentDoc => {
    const { id: _id, ...rest } = s;
    return { ...rest, source: 'manual', createdAt: created, updatedAt: created };
  };

  test('each rule gets its own push once, in the words of its kind; a second run sends nothing; the records say per stay or per tax year', async () => {
    const repo = new MemoryRepository();
    const transport = new RecordingTransport();
    const queue = new MemoryAlertQueue();
    const deps = alertTestDeps(repo, transport, queue);
    // In the US from 1 January to 15 June (166 days), in Japan since (entered 15 June: 17 days by 1 July); never in
    // the UK, with a planned year there from 1 August.
    await repo.createProfileIfAbsent('u1', profile({ nationalities: ['NZ'], trackedRules: [JP, SRT, SPT] }));
    const segments = [seg('NZ', 'US', '2026-01-01'), seg('US', 'JP', '2026-06-15'), seg('JP', 'GB', '2026-08-01'), seg('GB', 'NZ', '2027-08-01')];
    for (const s of segments) await repo.putSegment('u1', s.id, doc(s));
    await repo.putDevice('u1', 'phone', { fcmToken: 'tok', platform: 'ios', appVersion: '1.0', lastSeenAt: created });
    await recomputeUser(repo, 'u1', { now: new Date('2026-07-01T05:00:00Z') });
    const AT_0900 = new Date('2026-07-01T07:00:00Z');
    expect((await repo.getProfile('u1'))?.nextAlertAt).toEqual(AT_0900);

    const runOnce = async () => {
      await scheduleAlertRun(deps, AT_0900);
      for (const { task } of queue.take()) await processAlertBatch(deps, task, AT_0900);
    };
    await runOnce();
    await runOnce();
    const pushes = transport.delivered.map((m) => {
      const p = payloadOf(m);
      return [p.alertId, p.ruleKind, m.apns?.payload?.aps?.alert && (m.apns.payload.aps.alert as { title: string }).title];
    });
    // Japan: the plan stays until 1 August (48 days), no alert yet; the UK: planned to reach 183 midnights on
    // 30 January 2027; the US test: 166 days this year, 17 more would meet it (threshold 30).
    expect(pushes).toEqual([
      [`${SRT}_planned-reach_2027-01-30`, 'tax-year-presence', 'Your plans reach 183 days in the United Kingdom tax year'],
      [`${SPT}_threshold-30_2026-01-01`, 'weighted-lookback', '17 days from meeting the US substantial presence test'],
    ]);
    expect(await repo.getAlert('u1', `${SPT}_threshold-30_2026-01-01`)).toEqual({
      ruleId: SPT,
      kind: 'threshold',
      threshold: 30,
      stayStart: null,
      periodStart: '2026-01-01',
      createdAt: AT_0900,
      sentTo: 1,
    });
    expect(payloadOf(transport.delivered[0]!)).toMatchObject({
      ruleKind: 'tax-year-presence',
      requiredDays: 183,
      metOn: '2027-01-30',
      periodStart: '2026-04-06',
      periodEnd: '2027-04-05',
      latestExitDate: null,
    });
  });
});
