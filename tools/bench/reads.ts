/**
 * Benchmark of Firestore reads and writes per operation at 100, 1 000 and 10 000 stored segments (issue 10, item 1),
 * called by `npm run bench` (tools/bench/bench.js), bundled by tools/bench/built.js.
 *
 * Each operation runs the real services (services/recompute/, profile.ts, import/job.ts, scheduledRecompute.ts)
 * against the counting in-memory repository (`MemoryRepository.counts`, which counts as Firestore bills: every
 * document a lookup or transaction reads, found or not, the deletion marker of each write transaction included, and
 * at least 1 per query). The app's own write (the segment or profile it saves) is not counted: only the backend's.
 * Counts are exact; they do not depend on the machine.
 */
import { addDays } from '@travel-time-tracker/core/dates';
import { CONFIG_DEFAULTS } from '../../functions/src/config';
import { setLogSink } from '../../functions/src/log';
import type { SegmentDoc, UserProfile } from '../../functions/src/model/documents';
import { MemoryRepository } from '../../test/fakes/memoryRepository';
import { newProfile } from '../../functions/src/services/account';
import { runImport } from '../../functions/src/services/import/job';
import { handleProfileWrite } from '../../functions/src/services/profile';
import { recomputeUser } from '../../functions/src/services/recompute/recompute';
import { handleSegmentWrite } from '../../functions/src/services/recompute/segmentWrite';
import { recomputeDueUsers } from '../../functions/src/services/scheduledRecompute';
import { LocalDirStorage } from '../../test/fakes/localDirStorage';
import { syntheticFlightsCsv } from './flights';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const NOW = new Date('2026-11-23T10:00:00Z');
const LIMITS = {
  importMaxBytes: CONFIG_DEFAULTS.importMaxBytes,
  importMaxRows: CONFIG_DEFAULTS.importMaxRows,
  layoverHours: CONFIG_DEFAULTS.layoverHours,
  maxSegmentsPerUser: CONFIG_DEFAULTS.maxSegmentsPerUser,
  importsPerDay: CONFIG_DEFAULTS.importsPerDay,
};

interface Cost {
  reads: number;
  writes: number;
  deletes: number;
}

function seg(from: string, to: string, date: string, t: Date): SegmentDoc {
  return { departureCountry: from, arrivalCountry: to, departureDate: date, arrivalDate: date, mode: 'flight', source: 'manual', createdAt: t, updatedAt: t };
}

/** One tracked rule of each kind (seed/visaRules.json), for the "4 tracked rules" lines. */
export const FOUR_KINDS = ['schengen-90-180', 'us-vwp-90-per-admission', 'uk-srt-183', 'us-substantial-presence'];

/**
 * A user with `n` segments (a border crossing every 3 days, ending in France on 2026-11-20), timeline built;
 * tracking `trackedRules` (absent: the default rule).
 */
async function userWith(repo: MemoryRepository, uid: string, n: number, clock: { now: Date }, trackedRules?: string[]): Promise<void> {
  await repo.createProfileIfAbsent(uid, {
    ...newProfile({ uid }, clock.now),
    nationalities: ['US'],
    timeZone: 'Europe/Paris',
    ...(trackedRules ? { trackedRules } : {}),
  });
  let d = addDays('2026-11-20', -3 * (n - 1));
  for (let i = 0; i < n; i++) {
    const inbound = (n - 1 - i) % 2 === 0;
    await repo.putSegment(uid, `s${String(i).padStart(6, '0')}`, seg(inbound ? 'US' : 'FR', inbound ? 'FR' : 'US', d, clock.now));
    d = addDays(d, 3);
  }
  await recomputeUser(repo, uid, { now: clock.now });
}

async function measure(repo: MemoryRepository, fn: () => Promise<unknown>): Promise<Cost> {
  repo.resetCounts();
  await fn();
  return { reads: repo.counts.reads, writes: repo.counts.writes, deletes: repo.counts.deletes };
}

async function segmentCosts(n: number, trackedRules?: string[]): Promise<Record<'create' | 'edit' | 'delete', Cost>> {
  const clock = { now: NOW };
  const repo = new MemoryRepository({ clock: () => clock.now });
  await userWith(repo, 'u', n, clock, trackedRules);
  const out = {} as Record<'create' | 'edit' | 'delete', Cost>;
  const event = async (id: string, before: boolean, after: SegmentDoc | null) => {
    clock.now = new Date(clock.now.getTime() + 1_000);
    // A delete's event carries the version of the write it removed (segmentWriteOf).
    const removed = repo.segmentVersion('u', id);
    const committed = after ? await repo.putSegment('u', id, after) : await repo.deleteSegment('u', id);
    const version = after ? committed : removed!;
    return measure(repo, () =>
      handleSegmentWrite(
        repo,
        { uid: 'u', segmentId: id, eventId: `e-${version}`, eventTime: clock.now, version, beforeExists: before, after: after },
        clock.now,
      ),
    );
  };
  // The app adds a trip to Germany, moves it a day, then deletes it: each changes the status.
  out.create = await event('new', false, seg('FR', 'DE', '2026-11-21', clock.now));
  out.edit = await event('new', true, seg('FR', 'DE', '2026-11-22', clock.now));
  out.delete = await event('new', true, null);
  return out;
}

async function profileCosts(n: number, trackedRules?: string[]): Promise<Record<'rule' | 'notifications' | 'name' | 'tracked', Cost>> {
  const clock = { now: NOW };
  const repo = new MemoryRepository({ clock: () => clock.now });
  await userWith(repo, 'u', n, clock, trackedRules);
  const edit = async (patch: Partial<UserProfile>): Promise<Cost> => {
    const before = (await repo.getProfile('u'))!;
    await repo.updateProfile('u', patch);
    const after = (await repo.getProfile('u'))!;
    return measure(repo, () => handleProfileWrite(repo, { uid: 'u', eventId: 'p', before: { ...before }, after: { ...after } }, clock.now));
  };
  return {
    rule: await edit({ nationalities: ['US', 'DE'] }),
    notifications: await edit({ notifications: { ...newProfile({ uid: 'u' }, NOW).notifications, thresholds: [30, 7] } }),
    name: await edit({ displayName: 'Ada' }),
    // The other way round: to the default rule alone from 4 rules, or to 4 rules from the default one.
    tracked: await edit({ trackedRules: trackedRules ? [FOUR_KINDS[0]!] : FOUR_KINDS }),
  };
}

async function importCost(n: number, rows: number): Promise<Cost & { created: number }> {
  const clock = { now: NOW };
  const repo = new MemoryRepository({ clock: () => clock.now });
  await userWith(repo, 'u', n, clock);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-bench-reads-'));
  try {
    const storage = new LocalDirStorage(dir);
    const name = 'users/u/imports/i1.csv';
    // Flights before the stored history, so that every row is a new segment.
    const csv = syntheticFlightsCsv(rows, 11, addDays('2026-11-20', -3 * n - 3 * rows - 400));
    await storage.write(name, csv);
    const cost = await measure(repo, () =>
      runImport(
        { repo, storage, clock: () => clock.now, limits: LIMITS },
        { name, bucket: 'bench', contentType: 'text/csv', size: Buffer.byteLength(csv), timeCreated: NOW, metadata: {}, eventId: 'i' },
      ),
    );
    return { ...cost, created: (await repo.getImport('u', 'i1'))!.counts.imported };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function dailyCost(n: number, trackedRules?: string[]): Promise<Cost> {
  const clock = { now: NOW };
  const repo = new MemoryRepository({ clock: () => clock.now });
  for (const uid of ['a', 'b']) await userWith(repo, uid, n, clock, trackedRules);
  clock.now = new Date(NOW.getTime() + 86_400_000);
  const cost = await measure(repo, () => recomputeDueUsers(repo, clock.now, { pageSize: 500 }));
  // Per due user: without the run's one query for users still scheduled on their profile (1 read, none due).
  return { reads: (cost.reads - 1) / 2, writes: cost.writes / 2, deletes: cost.deletes / 2 };
}

/**
 * A history of `n` imported flights (airports, times, import ids: the largest records), then one edit: how many
 * timeline documents it takes and what an edit costs then.
 */
async function importedHistory(n: number): Promise<{ segments: number; docs: number; bytes: number; edit: Cost; daily: Cost }> {
  const clock = { now: NOW };
  const repo = new MemoryRepository({ clock: () => clock.now });
  await repo.createProfileIfAbsent('u', { ...newProfile({ uid: 'u' }, NOW), nationalities: ['US'], timeZone: 'Europe/Paris' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-bench-reads-'));
  try {
    const storage = new LocalDirStorage(dir);
    const name = 'users/u/imports/a1b2c3d4-0000-4000-8000-000000000000.csv';
    // One flight every 1.5 days on average: starting 1.6 n days back keeps every date after 1900 and before today.
    const csv = syntheticFlightsCsv(n, 11, addDays('2026-11-20', -Math.ceil(1.6 * n)));
    await storage.write(name, csv);
    await runImport(
      { repo, storage, clock: () => clock.now, limits: LIMITS },
      { name, bucket: 'bench', contentType: 'text/csv', size: Buffer.byteLength(csv), timeCreated: NOW, metadata: {}, eventId: 'i' },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const timeline = await repo.readTimeline('u');
  const docs = timeline.shards.size + 1;
  const segments = timeline.head!.segments;
  const bytes = Object.values(repo.snapshot().users.u!.timeline).reduce((a, d) => a + Buffer.byteLength(d.records), 0);
  clock.now = new Date(NOW.getTime() + 1_000);
  const trip = seg('FR', 'DE', '2026-11-21', clock.now);
  const version = await repo.putSegment('u', 'new', trip);
  const edit = await measure(repo, () =>
    handleSegmentWrite(repo, { uid: 'u', segmentId: 'new', eventId: 'e', eventTime: clock.now, version, beforeExists: false, after: trip }, clock.now),
  );
  clock.now = new Date(NOW.getTime() + 86_400_000);
  const daily = await measure(repo, () => recomputeDueUsers(repo, clock.now, { pageSize: 500 }));
  return { segments, docs, bytes, edit, daily: { reads: daily.reads - 1, writes: daily.writes, deletes: daily.deletes } };
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const line = (what: string, n: number, c: Cost, extra = ''): string => `${what}, ${n} stored segments: ${fmt(c.reads)} reads, ${fmt(c.writes)} writes${extra}`;

/** Runs the cases and returns the lines `npm run bench` prints. */
export async function benchReads(
  sizes: readonly number[] = [100, 1_000, 10_000],
  importRows = 1_000,
  importedSizes: readonly number[] = [10_000, 19_000],
): Promise<string[]> {
  const prevSink = setLogSink(() => undefined);
  const lines = [
    "(billed reads: the deletion marker and every document a transaction reads included, at least 1 per query; writes = documents written; the app's own write not counted)",
  ];
  try {
    for (const n of sizes) {
      const s = await segmentCosts(n);
      lines.push(line('segment create', n, s.create), line('edit', n, s.edit), line('segment delete', n, s.delete));
      const p = await profileCosts(n);
      lines.push(
        line('profile edit (nationality: rule input)', n, p.rule),
        line('profile edit (notifications: alert schedule only)', n, p.notifications),
        line('profile edit (display name: nothing derived)', n, p.name),
        line('profile edit (trackedRules: 1 -> 4 rules, 3 statuses added)', n, p.tracked),
      );
      // The same user tracking one rule of each kind: the reads do not grow with the rules (one evaluation pass).
      const s4 = await segmentCosts(n, FOUR_KINDS);
      const p4 = await profileCosts(n, FOUR_KINDS);
      lines.push(
        line('segment create, 4 tracked rules', n, s4.create),
        line('edit, 4 tracked rules', n, s4.edit),
        line('segment delete, 4 tracked rules', n, s4.delete),
        line('profile edit (nationality: rule input), 4 tracked rules', n, p4.rule),
        line('profile edit (trackedRules: 4 -> 1 rule, 3 statuses deleted)', n, p4.tracked, `, ${p4.tracked.deletes} deletes`),
      );
      const i = await importCost(n, importRows);
      lines.push(line(`import of ${fmt(importRows)} rows`, n, i, ` (${fmt(i.created)} segment writes + ${fmt(i.writes - i.created)} other writes)`));
      lines.push(line('daily recompute', n, await dailyCost(n), ' per due user'));
      // Every status is for the new local date (its asOf), so each tracked rule's document is written again.
      lines.push(line('daily recompute, 4 tracked rules', n, await dailyCost(n, FOUR_KINDS), ' per due user'));
    }
    // The largest records (imported flights) at 10 000 segments and just under the cap (20 000): one timeline
    // document, then two.
    for (const n of importedSizes) {
      const h = await importedHistory(n);
      lines.push(
        `timeline of ${fmt(h.segments)} imported flights: ${h.docs} document${h.docs === 1 ? '' : 's'}, ${fmt(Math.round(h.bytes / 1024))} KiB of records; ` +
          `segment create then: ${h.edit.reads} reads, ${h.edit.writes} writes; daily recompute: ${h.daily.reads} reads, ${h.daily.writes} writes`,
      );
    }
  } finally {
    setLogSink(prevSink);
  }
  return lines;
}
