/**
 * Benchmark of the functions' Firestore cost, counted through the repository interface
 * (`MemoryRepository.counts`: reads = documents returned, writes = documents written), called by
 * `npm run bench` (tools/bench/bench.js), bundled by tools/bench/built.js.
 *
 * Measures, for an import of 1 000 and 10 000 rows: the import function's reads and writes and the recomputes it
 * ran, then the cost of the N segment-write events Firestore fires for the N created segments, delivered after
 * the import (the usual case) and while it is still running; and for a single segment edit by the app.
 * A simulated clock stands in for time (the import's 2 s wait before its recompute costs nothing here).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setLogSink, type LogEntry } from '../../functions/src/log';
import type { SegmentDoc } from '../../functions/src/model/documents';
import { MemoryRepository } from '../../test/fakes/memoryRepository';
import type { StoredSegment, TimelineCommit, TimelineRead, TimelineTxOptions } from '../../functions/src/repository/types';
import { newProfile } from '../../functions/src/services/account';
import { runImport } from '../../functions/src/services/import/job';
import { handleSegmentWrite } from '../../functions/src/services/recompute/segmentWrite';
import { LocalDirStorage } from '../../test/fakes/localDirStorage';
import { CONFIG_DEFAULTS } from '../../functions/src/config';
import { syntheticFlightsCsv } from './flights';
import { addDays } from '@travel-time-tracker/core/dates';

const BENCH_LIMITS = {
  importMaxBytes: CONFIG_DEFAULTS.importMaxBytes,
  importMaxRows: CONFIG_DEFAULTS.importMaxRows,
  layoverHours: 24,
  maxSegmentsPerUser: CONFIG_DEFAULTS.maxSegmentsPerUser,
  importsPerDay: CONFIG_DEFAULTS.importsPerDay,
};

/** The event of a write committed at `time`: a create of `data` (the version is the commit time in microseconds). */
function createEvent(uid: string, id: string, data: SegmentDoc, time: Date) {
  return {
    uid,
    segmentId: id,
    eventId: `evt-${id}`,
    eventTime: time,
    version: time.getTime() * 1000,
    beforeExists: false,
    after: data as unknown as Record<string, unknown>,
  };
}

interface Counts {
  reads: number;
  writes: number;
  recomputes: number;
}

/**
 * Repository that can deliver the segment events of each batch as soon as it is written (during the import): the
 * import creates its segments in timeline transactions (`createSegments` of the commit).
 */
class EventfulRepository extends MemoryRepository {
  onCreated: ((uid: string, segments: readonly StoredSegment[]) => Promise<void>) | null = null;
  override async updateTimeline<T>(
    uid: string,
    decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
    opts?: TimelineTxOptions,
  ): Promise<T> {
    let created: readonly StoredSegment[] = [];
    const result = await super.updateTimeline(
      uid,
      (read) => {
        const d = decide(read);
        created = d.commit?.createSegments ?? [];
        return d;
      },
      opts,
    );
    if (this.onCreated && created.length > 0) await this.onCreated(uid, created);
    return result;
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

async function measure(repo: MemoryRepository, logs: LogEntry[], fn: () => Promise<void>): Promise<Counts> {
  repo.resetCounts();
  const before = logs.filter((l) => l.message === 'recompute.done').length;
  await fn();
  return { reads: repo.counts.reads, writes: repo.counts.writes, recomputes: logs.filter((l) => l.message === 'recompute.done').length - before };
}

async function importCase(rows: number, deliverDuring: boolean): Promise<{ importCost: Counts; eventsCost: Counts; imported: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-bench-fn-'));
  const logs: LogEntry[] = [];
  const prevSink = setLogSink((e) => logs.push(e));
  try {
    let t = Date.parse('2026-11-23T10:00:00Z');
    const clock = () => new Date(t);
    const repo = new EventfulRepository({ clock });
    const storage = new LocalDirStorage(dir);
    const uid = 'bench-user';
    await repo.createProfileIfAbsent(uid, { ...newProfile({ uid }, clock()), nationalities: ['US'], timeZone: 'Europe/Paris' });
    const name = `users/${uid}/imports/bench${rows}.csv`;
    const csv = syntheticFlightsCsv(rows, 7, '1990-01-01');
    await storage.write(name, csv);

    const events: { id: string; data: SegmentDoc; time: Date }[] = [];
    let eventsCost: Counts = { reads: 0, writes: 0, recomputes: 0 };
    repo.onCreated = async (_uid, segments) => {
      const commit = clock();
      t += 50; // a batch commit takes time
      for (const s of segments) events.push({ id: s.id, data: s.data, time: commit });
      if (deliverDuring) {
        const c = await measureInline(repo, logs, segments, commit, clock);
        eventsCost = add(eventsCost, c);
      }
    };
    const importCost = await measure(repo, logs, async () => {
      await runImport(
        { repo, storage, clock, limits: BENCH_LIMITS },
        { name, bucket: 'bench', contentType: 'text/csv', size: Buffer.byteLength(csv), eventId: 'bench', metadata: {} },
      );
    });
    if (deliverDuring) {
      // The import's own counts included the inline deliveries: separate them.
      importCost.reads -= eventsCost.reads;
      importCost.writes -= eventsCost.writes;
      importCost.recomputes -= eventsCost.recomputes;
    } else {
      t += 1000;
      eventsCost = await measure(repo, logs, async () => {
        for (const e of events) {
          await handleSegmentWrite(repo, createEvent(uid, e.id, e.data, e.time), clock());
        }
      });
    }
    return { importCost, eventsCost, imported: events.length };
  } finally {
    setLogSink(prevSink);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function add(a: Counts, b: Counts): Counts {
  return { reads: a.reads + b.reads, writes: a.writes + b.writes, recomputes: a.recomputes + b.recomputes };
}

async function measureInline(repo: MemoryRepository, logs: LogEntry[], segments: readonly StoredSegment[], commit: Date, clock: () => Date): Promise<Counts> {
  const r0 = repo.counts.reads;
  const w0 = repo.counts.writes;
  const c0 = logs.filter((l) => l.message === 'recompute.done').length;
  for (const s of segments) {
    await handleSegmentWrite(repo, createEvent('bench-user', s.id, s.data, commit), clock());
  }
  return { reads: repo.counts.reads - r0, writes: repo.counts.writes - w0, recomputes: logs.filter((l) => l.message === 'recompute.done').length - c0 };
}

async function editCase(existing: number): Promise<Counts & { segments: number }> {
  const logs: LogEntry[] = [];
  const prevSink = setLogSink((e) => logs.push(e));
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-bench-fn-'));
    let t = Date.parse('2026-11-23T10:00:00Z');
    const clock = () => new Date(t);
    const repo = new MemoryRepository({ clock });
    const storage = new LocalDirStorage(dir);
    const uid = 'bench-user';
    await repo.createProfileIfAbsent(uid, { ...newProfile({ uid }, clock()), nationalities: ['US'], timeZone: 'Europe/Paris' });
    // A history that ends about now, so that the edited trip lies in the current 180-day period.
    const csv = syntheticFlightsCsv(existing, 3, addDays('2026-11-20', -Math.round(existing * 1.5)));
    await storage.write(`users/${uid}/imports/x.csv`, csv);
    await runImport(
      { repo, storage, clock, limits: BENCH_LIMITS },
      { name: `users/${uid}/imports/x.csv`, bucket: 'bench', contentType: 'text/csv', size: Buffer.byteLength(csv), eventId: 'seed', metadata: {} },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    t += 60_000;
    const segments = await repo.listSegments(uid);
    // The app moves the most recent past flight one day later (an edit that changes the day counts).
    const past = segments.filter((s) => s.data.arrivalDate <= '2026-11-20').sort((a, b) => (a.data.departureDate < b.data.departureDate ? -1 : 1));
    const last = past[past.length - 1]!;
    const edited: SegmentDoc = {
      ...last.data,
      departureDate: addDays(last.data.departureDate, 1),
      arrivalDate: addDays(last.data.arrivalDate, 1),
      updatedAt: clock(),
    };
    const cost = await measure(repo, logs, async () => {
      const version = await repo.putSegment(uid, last.id, edited);
      await handleSegmentWrite(
        repo,
        { uid, segmentId: last.id, eventId: 'edit', eventTime: clock(), version, beforeExists: true, after: edited },
        new Date(t + 100),
      );
    });
    // The app's own write of the segment is not the function's cost.
    cost.writes -= 1;
    return { ...cost, segments: segments.length };
  } finally {
    setLogSink(prevSink);
  }
}

/** Runs the cases and returns the lines `npm run bench` prints. */
export async function benchFunctions(): Promise<string[]> {
  const lines: string[] = [];
  lines.push(
    '(R = 1 rule; billed reads (the deletion marker and every document a transaction reads included), writes = documents written; counted by MemoryRepository)',
  );
  for (const rows of [1_000, 10_000]) {
    const after = await importCase(rows, false);
    const during = await importCase(rows, true);
    const n = after.imported;
    lines.push(
      `import ${fmt(rows)} rows -> ${fmt(n)} segments: import function ${fmt(after.importCost.reads)} reads, ${fmt(after.importCost.writes)} writes, ` +
        `${after.importCost.recomputes} recompute(s)`,
    );
    lines.push(
      `  + ${fmt(n)} segment events after the import: ${fmt(after.eventsCost.reads)} reads, ${fmt(after.eventsCost.writes)} writes, ` +
        `${after.eventsCost.recomputes} recomputes; delivered during the import: ${fmt(during.eventsCost.reads)} reads, ` +
        `${fmt(during.eventsCost.writes)} writes, ${during.eventsCost.recomputes} recomputes`,
    );
    lines.push(`  (one full recompute per event would cost about ${fmt(n * n)} reads)`);
  }
  for (const existing of [100, 1_000]) {
    const e = await editCase(existing);
    lines.push(`single segment edit, ${fmt(e.segments)} stored segments: ${fmt(e.reads)} reads, ${fmt(e.writes)} writes, ${e.recomputes} recompute`);
  }
  return lines;
}
