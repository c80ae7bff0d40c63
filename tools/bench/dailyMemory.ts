/**
 * Peak memory of the daily run (services/scheduledRecompute.ts) over one page of the largest allowed timeline heads,
 * called by tools/bench/bench-case.js (`daily P`) in a child process whose heap is limited like the function's, so
 * that what it reports is what an instance of `recomputeDaily` would hold.
 *
 * The stored heads live outside the measured process, as Firestore's do: `WireRepository` keeps one head, encoded
 * (`v8.serialize`, standing for the bytes on the wire), and every read of any user's head allocates a fresh copy of
 * those bytes and decodes it, as firebase-admin does with each document it receives. What the run holds at once is
 * therefore its own working set: the page it queried and the timelines in flight. A commit is encoded (its bytes on
 * the wire) and dropped but for the schedule fields it sets, which are what the next page's query depends on.
 */
import * as v8 from 'node:v8';
import { addDays } from '@travel-time-tracker/core/dates';
import { CONFIG_DEFAULTS, RECOMPUTE_DAILY_MEMORY } from '../../functions/src/config';
import { setLogSink } from '../../functions/src/log';
import type { SegmentDoc, TimelineHeadDoc } from '../../functions/src/model/documents';
import type { DueTimeline, Repository, TimelineCommit, TimelineDaily, TimelineRead, TimelineSchedule } from '../../functions/src/repository/types';
import { newProfile } from '../../functions/src/services/account';
import { profileInputsOf } from '../../functions/src/services/recompute/documents';
import { evaluateTimeline, planCommit } from '../../functions/src/services/recompute/evaluate';
import { recomputeDueUsers } from '../../functions/src/services/scheduledRecompute';
import { HEAD_ID, Timeline } from '../../functions/src/timeline/timeline';

const NOW = new Date('2026-11-23T10:00:00Z');
const DUE = new Date(NOW.getTime() + 86_400_000);

/** Lets the other transactions in flight run, as a network round trip does. */
const roundTrip = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Characters of a segment id: the most the segment rules allow (so the fewest records fill a head). */
const ID_LENGTH = 128;

/**
 * The largest head a timeline can have: records up to `MAX_SHARD_BYTES` (one more would spill into a shard), of
 * flights with times, airports and an import as source, under ids of `ID_LENGTH` characters, two a day back from
 * 2026-11-20 (a round trip a day: the user is counted today), evaluated once so that its statuses are recorded.
 * Shorter ids fill it with more records, which costs more time per user but not more memory: what the run holds is
 * bytes in flight (measured: 10 682 records of 39-character ids peak within a few MiB of this).
 */
export function largestHead(): { head: TimelineHeadDoc; segments: number } {
  const add = (tl: Timeline, i: number): void => {
    const inbound = i % 2 === 0;
    const d = addDays('2026-11-20', -Math.floor(i / 2));
    const doc: SegmentDoc = {
      departureCountry: inbound ? 'US' : 'FR',
      arrivalCountry: inbound ? 'FR' : 'US',
      departureDate: d,
      arrivalDate: d,
      departureTime: inbound ? '13:30' : '06:10',
      arrivalTime: inbound ? '23:15' : '09:20',
      departureAirport: inbound ? 'JFK' : 'CDG',
      arrivalAirport: inbound ? 'CDG' : 'JFK',
      mode: 'flight',
      source: `import-${String(i % 50).padStart(4, '0')}`,
      createdAt: NOW,
      updatedAt: NOW,
    };
    const id = `segment-${String(i).padStart(6, '0')}-`;
    tl.apply(id.padEnd(ID_LENGTH, 'x'), 1_000 + i, doc);
  };
  // Fill until one more record spills into a second document, then build it again with the records that fit.
  const probe = Timeline.empty();
  let fit = 0;
  while (probe.shardCount === 1) add(probe, fit++);
  const tl = Timeline.empty();
  for (let i = 0; i < fit - 1; i++) add(tl, i);
  tl.head.setProfile(profileInputsOf({ ...newProfile({ uid: 'bench' }, NOW), nationalities: ['US'], timeZone: 'Europe/Paris' }));
  const commit = planCommit(tl, evaluateTimeline(tl, NOW), NOW);
  return { head: commit.timeline.get(HEAD_ID) as TimelineHeadDoc, segments: tl.liveCount };
}

interface Schedule {
  nextRecomputeAt: Date | null;
  daily: TimelineHeadDoc['daily'];
  version: number;
}

/** The part of `Repository` the daily run uses, over heads kept as wire bytes (see the file docstring). */
class WireRepository {
  private readonly users = new Map<string, Schedule>();
  private commits = 0;

  constructor(
    private readonly wire: Buffer,
    uids: readonly string[],
  ) {
    for (const uid of uids) this.users.set(uid, { nextRecomputeAt: NOW, daily: { failures: 0, lastError: null, evalMs: 0 }, version: 1 });
  }

  /** A fresh decoded copy of the stored head, with this user's schedule. */
  private readHead(uid: string): TimelineHeadDoc {
    const s = this.users.get(uid)!;
    const head = v8.deserialize(Buffer.from(this.wire)) as TimelineHeadDoc;
    return { ...head, nextRecomputeAt: s.nextRecomputeAt, daily: s.daily };
  }

  async listUsersDueForRecompute(): Promise<[]> {
    await roundTrip();
    return [];
  }

  async listDueTimelines(due: Date, limit: number, after?: { nextRecomputeAt: Date; uid: string }) {
    await roundTrip();
    const key = (at: Date, uid: string) => `${String(at.getTime()).padStart(15, '0')}\u0000${uid}`;
    const from = after ? key(after.nextRecomputeAt, after.uid) : '';
    return [...this.users.entries()]
      .filter(([, s]) => s.nextRecomputeAt !== null && s.nextRecomputeAt.getTime() <= due.getTime())
      .map(([uid, s]) => ({ uid, k: key(s.nextRecomputeAt!, uid), s }))
      .filter((u) => u.k > from)
      .sort((a, b) => (a.k < b.k ? -1 : 1))
      .slice(0, limit)
      .map(({ uid, s }): DueTimeline => ({ uid, nextRecomputeAt: s.nextRecomputeAt!, daily: { ...s.daily } }));
  }

  async updateTimeline<T>(uid: string, decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T }): Promise<T> {
    await roundTrip();
    const s = this.users.get(uid)!;
    const head = this.readHead(uid);
    const { commit, result } = decide({ timeline: { head, shards: new Map(), headVersion: s.version } });
    if (commit) {
      // The commit's bytes on the wire, then the schedule it sets.
      const written = commit.timeline.get(HEAD_ID) as TimelineHeadDoc | undefined;
      const bytes = [...commit.timeline.values()].map((d) => v8.serialize(d));
      await roundTrip();
      this.commits += bytes.length > 0 ? 1 : 0;
      if (written) this.users.set(uid, { nextRecomputeAt: written.nextRecomputeAt, daily: written.daily, version: s.version + 1 });
    }
    return result;
  }

  async updateTimelineSchedule(uid: string, next: (daily: TimelineDaily | null) => TimelineSchedule | null): Promise<boolean> {
    await roundTrip();
    const s = this.users.get(uid)!;
    const schedule = next({ ...s.daily });
    if (schedule) this.users.set(uid, { ...schedule, version: s.version + 1 });
    return schedule !== null;
  }

  get committed(): number {
    return this.commits;
  }
}

/** The function's memory (MiB, its `memory` option) and the daily run's default page size: what the bench runs. */
export function dailyRunLimits(): { memoryMiB: number; pageSize: number } {
  return { memoryMiB: Number.parseInt(RECOMPUTE_DAILY_MEMORY, 10), pageSize: CONFIG_DEFAULTS.recomputeBatchSize };
}

/** What `daily P` prints: the page, the head's size, the peak RSS of this process and the run's counts. */
export interface DailyMemoryResult {
  page: number;
  headBytes: number;
  segments: number;
  users: number;
  /** Commits that reached the store (one per user evaluated). */
  commits: number;
  failed: number;
  peakRssMiB: number;
  heapLimitMiB: number;
  ms: number;
}

/** One daily run over `page` due users whose heads are all the largest allowed, one page of `page` users. */
export async function dailyMemory(page: number): Promise<DailyMemoryResult> {
  setLogSink(() => undefined);
  const { head, segments } = largestHead();
  const wire = v8.serialize(head);
  const repo = new WireRepository(
    wire,
    Array.from({ length: page }, (_, i) => `user-${String(i).padStart(5, '0')}`),
  );
  global.gc?.();
  const t = Date.now();
  const r = await recomputeDueUsers(repo as unknown as Repository, DUE, { pageSize: page, maxSegments: CONFIG_DEFAULTS.maxSegmentsPerUser });
  return {
    page,
    headBytes: Buffer.byteLength(head.records),
    segments,
    users: r.users,
    commits: repo.committed,
    failed: r.failed,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapLimitMiB: v8.getHeapStatistics().heap_size_limit / 1048576,
    ms: Date.now() - t,
  };
}
