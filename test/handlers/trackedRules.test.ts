/**
 * The tracked rules in the recompute (services/recompute.ts, services/profile.ts): one status document per tracked
 * rule of every kind, evaluated in the same pass as the summary, and the documents written before issue 12. Each
 * case asserts the documents stored in the in-memory repository and what it counted.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, profile, seg, setUpEnv, tearDownEnv, type TestEnv } from './helpers';
import type { TimelineHeadDoc, VisaStatusDoc } from '../../functions/src/model/documents';
import { recomputeUser } from '../../functions/src/services/recompute';

const UID = 'alice';
const SCHENGEN = 'schengen-90-180';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => tearDownEnv(env));

const head = () => env.repo.snapshot().users[UID]!.timeline.head as TimelineHeadDoc;

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
      commit: { timeline: new Map([['head', { ...timeline.head!, statuses: timeline.head!.statuses.map(strip) }]]), statuses: timeline.head!.statuses.map(strip) },
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
