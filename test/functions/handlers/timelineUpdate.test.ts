/**
 * The one way into a timeline (updateTimeline) against the in-memory repository: what each `ifMissing` mode does
 * with a user whose timeline was never built, `skipIf` before any repair, and the one definition of "changed"
 * (commitChanges).
 */
import { MemoryRepository } from '../../fakes/memoryRepository';
import type { TimelineCommit } from '../../../functions/src/repository/types';
import { commitChanges, updateTimeline, type TimelineUpdateOptions } from '../../../functions/src/services/recompute/timelineUpdate';
import { NOW, profile, seg } from './helpers';

const UID = 'u1';

/** A user with a profile and one segment, and no timeline yet (stored before the timeline existed). */
async function userWithoutTimeline(): Promise<MemoryRepository> {
  const repo = new MemoryRepository();
  await repo.createProfileIfAbsent(UID, profile());
  await repo.putSegment(UID, 's1', seg('US', 'FR', '2026-11-20'));
  return repo;
}

describe('a user without a timeline', () => {
  test.each<{ mode: TimelineUpdateOptions['ifMissing']; kind: string; decided: number[]; built: boolean }>([
    // Rebuilt, then decided on the rebuilt timeline (which holds the segment).
    { mode: 'retry', kind: 'done', decided: [1], built: true },
    // Rebuilt, and the repair was the work: nothing decided.
    { mode: 'repair', kind: 'repaired', decided: [], built: true },
    // Left alone: nothing decided, nothing written.
    { mode: 'skip', kind: 'missing', decided: [], built: false },
  ])('ifMissing $mode: $kind', async ({ mode, kind, decided, built }) => {
    const repo = await userWithoutTimeline();
    const seen: number[] = [];
    const r = await updateTimeline(repo, UID, { now: NOW, ifMissing: mode }, (tl) => {
      seen.push(tl.liveCount);
      return { commit: null, result: 'decided' };
    });
    expect(r.kind).toBe(kind);
    if (r.kind === 'done') expect(r).toMatchObject({ result: 'decided', repaired: true, changed: false });
    expect(seen).toEqual(decided);
    expect(Object.keys(repo.snapshot().users[UID]!.timeline).length > 0).toBe(built);
  });

  test('skipIf ends the update before any repair', async () => {
    const repo = await userWithoutTimeline();
    const r = await updateTimeline(repo, UID, { now: NOW, withProfile: true, skipIf: ({ profile: p }) => p !== null }, () => {
      throw new Error('decide must not run');
    });
    expect(r).toEqual({ kind: 'skipped' });
    expect(repo.snapshot().users[UID]!.timeline).toEqual({});
  });
});

test('a built timeline: decided once, committed, not repaired; 2 reads (deletion marker, timeline)', async () => {
  const repo = await userWithoutTimeline();
  await updateTimeline(repo, UID, { now: NOW, ifMissing: 'repair' }, () => ({ commit: null, result: null }));
  repo.resetCounts();
  const r = await updateTimeline(repo, UID, { now: NOW }, (tl) => {
    tl.head.setNextRecomputeAt(null);
    return { commit: { timeline: tl.encode(NOW) }, result: tl.liveCount };
  });
  expect(r).toEqual({ kind: 'done', result: 1, changed: false, repaired: false });
  expect(repo.counts.reads).toBe(2);
});

describe('commitChanges: a document the app reads is written', () => {
  const status = { ruleId: 'r' } as unknown as NonNullable<TimelineCommit['statuses']>[number];
  const summary = {} as NonNullable<TimelineCommit['countryDays']>;
  test.each<[string, TimelineCommit | null, boolean]>([
    ['no commit', null, false],
    ['only the timeline', { timeline: new Map([['head', {} as never]]) }, false],
    ['an empty status list', { timeline: new Map(), statuses: [] }, false],
    ['a status written', { timeline: new Map(), statuses: [status] }, true],
    ['a status deleted', { timeline: new Map(), deleteStatuses: ['r'] }, true],
    ['the summary', { timeline: new Map(), countryDays: summary }, true],
    ['the alert schedule', { timeline: new Map(), profile: { nextAlertAt: null } }, true],
  ])('%s', (_name, commit, expected) => {
    expect(commitChanges(commit)).toBe(expected);
  });
});
