/**
 * What the stored statuses and summary say they rest on (core/evidence.ts, evaluated with `evidence: true` by the
 * recompute): a one-way trip months ago is an open end whose assumed days decide the verdict, and the status names
 * it; a round trip rests on nothing assumed; a re-evaluation that changes nothing writes nothing; statuses and
 * summaries written before these fields are read as they are and written once more with them.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, profile, rolling, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import {
  CountryDaysDocSchema,
  StoredVisaStatusDocSchema,
  type CountryDaysDoc,
  type TimelineHeadDoc,
  type VisaStatusDoc,
} from '../../../functions/src/model/documents';

const UID = 'alice';
const RULE = 'schengen-90-180';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

const stored = () => env.repo.snapshot().users[UID]!;
const head = () => stored().timeline.head as TimelineHeadDoc;

describe('a status says what its verdict rests on', () => {
  // NOW is 2026-11-23 (Europe/Paris): the period of 180 days ending that day starts on 2026-05-28.
  const cases: {
    name: string;
    segments: ReturnType<typeof seg>[];
    status: Partial<VisaStatusDoc>;
    summary: Partial<CountryDaysDoc>;
  }[] = [
    {
      name: 'a one-way flight to France on 1 June, nothing since: an overstay that rests on 175 assumed days',
      segments: [seg('US', 'FR', '2026-06-01')],
      status: {
        daysUsed: 176,
        overstayDays: 86,
        assumedDays: 175,
        dependsOnAssumption: true,
        assumption: {
          kind: 'open-end',
          country: 'FR',
          from: '2026-06-01',
          to: '2026-11-23',
          assumedDays: 175,
          nextCountry: null,
          decidingDays: 175,
        },
      },
      summary: {
        lastRecordedDate: '2026-06-01',
        lastRecordedCountry: 'FR',
        assumedCountryDays: { FR: 175 },
        assumedCountryDaysByYear: { '2026': { FR: 175 } },
      },
    },
    {
      name: 'arrived in France, left from Spain 80 days later: 79 assumed days, within the limit either way',
      segments: [seg('US', 'FR', '2026-08-01'), seg('ES', 'US', '2026-10-20')],
      status: { daysUsed: 81, overstayDays: 0, assumedDays: 79, dependsOnAssumption: false, assumption: null },
      // France counts the departure day from Spain too (presence fills the gap up to it); the Schengen area does not
      // (that day is recorded in Spain).
      summary: { lastRecordedDate: '2026-10-20', lastRecordedCountry: 'US', assumedCountryDays: { FR: 80, US: 34 } },
    },
    {
      name: 'a round trip: nothing assumed in the period',
      segments: [seg('US', 'FR', '2026-09-01'), seg('FR', 'US', '2026-09-10')],
      status: { daysUsed: 10, assumedDays: 0, dependsOnAssumption: false, assumption: null },
      summary: { lastRecordedDate: '2026-09-10', lastRecordedCountry: 'US' },
    },
  ];
  test.each(cases)('$name', async ({ segments, status, summary }) => {
    await env.repo.createProfileIfAbsent(UID, profile());
    for (const [i, s] of segments.entries()) await env.repo.putSegment(UID, `s${i}`, s);
    await recomputeUser(env.repo, UID, { now: NOW });

    const doc = rolling(stored().visaStatus[RULE]);
    expect(doc).toMatchObject({ asOf: '2026-11-23', ...status });
    // The head records what was written, the new fields included (change detection compares them).
    expect(head().statuses[0]).toMatchObject(status);
    expect(StoredVisaStatusDocSchema.safeParse(doc).success).toBe(true);
    const countryDays = stored().summaries.countryDays!;
    expect(countryDays).toMatchObject(summary);
    expect(CountryDaysDocSchema.parse(countryDays)).toEqual(countryDays);
  });
});

describe('writes only what changed', () => {
  test('a re-evaluation on the same day writes nothing, the assumption fields included', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-06-01'));
    // The first evaluation builds the timeline (a repair writes every document).
    await recomputeUser(env.repo, UID, { now: NOW });
    const before = rolling(stored().visaStatus[RULE]);
    expect(before.dependsOnAssumption).toBe(true);

    env.repo.resetCounts();
    // (At the same instant: an overstay's alert is due now, so a later instant moves `nextAlertAt` with it.)
    const again = await recomputeUser(env.repo, UID, { now: NOW });
    expect(again.changed).toBe(false);
    // Only the head (its schedule) may be written: no status, no summary.
    expect(env.repo.counts.writes).toBeLessThanOrEqual(1);
    expect(stored().visaStatus[RULE]).toEqual(before);
  });

  test('the next day the open end grows: the status is written again with the new assumption', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-06-01'));
    await recomputeUser(env.repo, UID, { now: NOW });
    const next = await recomputeUser(env.repo, UID, { now: new Date(NOW.getTime() + 86_400_000) });
    expect(next.changed).toBe(true);
    expect(rolling(stored().visaStatus[RULE])).toMatchObject({ asOf: '2026-11-24', assumption: { to: '2026-11-24', assumedDays: 176 } });
  });

  test('a status and a summary written before the evidence fields are read, then written once with them', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 's1', seg('US', 'FR', '2026-06-01'));
    await recomputeUser(env.repo, UID, { now: NOW });
    // The documents and the head as the backend wrote them before: no assumption fields, no evidence in the summary.
    const strip = (s: VisaStatusDoc) => {
      const { assumedDays: _a, dependsOnAssumption: _d, assumption: _s, ...rest } = s;
      return rest as VisaStatusDoc;
    };
    const {
      assumedCountryDays: _c,
      assumedCountryDaysByYear: _y,
      lastRecordedDate: _l,
      lastRecordedCountry: _k,
      ...oldSummary
    } = stored().summaries.countryDays!;
    await env.repo.updateTimeline(UID, ({ timeline }) => ({
      commit: {
        timeline: new Map([['head', { ...timeline.head!, statuses: timeline.head!.statuses.map(strip), summaryKey: 'before' }]]),
        statuses: timeline.head!.statuses.map(strip),
        countryDays: oldSummary,
      },
      result: null,
    }));
    expect(stored().visaStatus[RULE]).not.toHaveProperty('dependsOnAssumption');
    // Both read as they are (the fields are optional: the app reads them as unknown).
    expect(StoredVisaStatusDocSchema.safeParse(stored().visaStatus[RULE]).success).toBe(true);
    expect(CountryDaysDocSchema.safeParse(oldSummary).success).toBe(true);
    expect(rolling(await env.repo.getVisaStatus(UID, RULE)).daysUsed).toBe(176);

    // The numbers did not change, yet the documents get the new fields once; then nothing is written.
    expect((await recomputeUser(env.repo, UID, { now: NOW })).changed).toBe(true);
    expect(stored().visaStatus[RULE]).toMatchObject({ dependsOnAssumption: true, assumedDays: 175 });
    expect(stored().summaries.countryDays).toMatchObject({ lastRecordedDate: '2026-06-01' });
    env.repo.resetCounts();
    expect((await recomputeUser(env.repo, UID, { now: NOW })).changed).toBe(false);
    expect(env.repo.counts.writes).toBeLessThanOrEqual(1);
  });
});
