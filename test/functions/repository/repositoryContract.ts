/**
 * The behaviours every `Repository` implementation must share, written once and run against MemoryRepository
 * (offline, test/functions/repository/memory.test.ts) and FirestoreRepository on Google's Firestore emulator
 * (test/functions/repository/firestore.emulator.test.ts, in every `npm test` where the emulator can start). A handler tested offline against the memory implementation is only as
 * good as this suite.
 */
import type {
  AlertDoc,
  CountryDaysDoc,
  DeviceDoc,
  ImportDoc,
  SegmentDoc,
  TimelineHeadDoc,
  TimelineShardDoc,
  UserProfile,
  VisaStatusDoc,
} from '../../../functions/src/model/documents';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../functions/src/model/documents';
import type { Repository, StoredSegment } from '../../../functions/src/repository/types';
import { parseReferenceData, syncReferenceData, type ReferenceDataStore } from '../../../functions/src/repository/reference';
import type { SeedWrites } from '../../helpers/firestoreSeed';

/**
 * Segments and devices are written by the app, statuses and the summary by the timeline's commit, not by methods of
 * `Repository`: both stores offer the same seeding writes for tests ({@link SeedWrites}).
 */
export type ContractRepository = Repository & ReferenceDataStore & SeedWrites;

/** A fresh Date each time: tests may mutate what they get. */
const t0 = () => new Date('2025-01-15T10:00:00.000Z');

export function profile(overrides: Partial<UserProfile> = {}): UserProfile {
  return {
    displayName: 'Ada',
    nationalities: ['US'],
    homeCountry: 'US',
    timeZone: 'America/New_York',
    notifications: structuredClone(DEFAULT_NOTIFICATION_SETTINGS),
    email: 'ada@example.com',
    createdAt: t0(),
    updatedAt: t0(),
    ...overrides,
  };
}

export function segment(n: number, overrides: Partial<SegmentDoc> = {}): StoredSegment {
  const day = String((n % 28) + 1).padStart(2, '0');
  return {
    id: `seg-${String(n).padStart(5, '0')}`,
    data: {
      departureCountry: 'US',
      arrivalCountry: 'FR',
      departureDate: `2025-02-${day}`,
      arrivalDate: `2025-02-${day}`,
      mode: 'flight',
      source: 'import-1',
      createdAt: t0(),
      updatedAt: t0(),
      ...overrides,
    },
  };
}

function visaStatus(ruleId: string, daysUsed: number): VisaStatusDoc {
  return {
    ruleId,
    kind: 'rolling-window',
    asOf: '2025-03-01',
    applies: true,
    reason: null,
    permitDaysExcluded: 0,
    daysUsed,
    daysRemaining: 90 - daysUsed,
    overstayDays: 0,
    windowStart: '2024-09-03',
    windowEnd: '2025-03-01',
    latestExitDate: null,
    nextEntryDate: null,
    firstViolationDate: null,
    currentStayStart: '2025-02-01',
    computedAt: t0(),
    segmentsHash: `h${daysUsed}`,
  };
}

function countryDays(fr: number): CountryDaysDoc {
  return {
    asOf: '2025-03-01',
    countryDays: { FR: fr, US: 3 },
    countryDaysByYear: { '2025': { FR: fr, US: 3 } },
    warnings: [],
    computedAt: t0(),
    segmentsHash: 'h',
  };
}

function importDoc(): ImportDoc {
  return {
    status: 'queued',
    fileName: 'flights.csv',
    storagePath: 'users/u1/imports/i1.csv',
    format: null,
    rowsDone: 0,
    rowsTotal: null,
    counts: { rows: 0, flights: 0, imported: 0, duplicates: 0, skipped: 0 },
    skipped: [],
    error: null,
    createdAt: t0(),
    updatedAt: t0(),
  };
}

function device(token: string): DeviceDoc {
  return { fcmToken: token, platform: 'ios', appVersion: '1.0.0', lastSeenAt: t0() };
}

/** A timeline head (contents do not matter to the repository: it stores what it is given). */
function head(records: string, nextRecomputeAt: Date | null = null): TimelineHeadDoc {
  return {
    v: 1,
    records,
    shards: [],
    sources: [],
    floor: 0,
    profile: null,
    statuses: [],
    summaryKey: null,
    alertAt: null,
    nextRecomputeAt,
    daily: { failures: 0, lastError: null, evalMs: 0 },
    imports: { date: '', ids: [] },
    segments: 0,
    updatedAt: t0(),
  };
}

function alert(threshold: number): AlertDoc {
  return { ruleId: 'schengen-90-180', kind: 'threshold', threshold, stayStart: '2025-02-01', createdAt: t0(), sentTo: 1 };
}

/** How one implementation runs the contract. */
export interface ContractOptions {
  /** Segments in the large-batch case (more than two of Firestore's 500-write batches by default). */
  bulk?: number;
}

/**
 * Registers the contract tests. `make` returns a repository over an EMPTY store (the Firestore variants clear
 * their backend first).
 */
export function repositoryContract(make: () => Promise<ContractRepository>, opts: ContractOptions = {}): void {
  const bulk = opts.bulk ?? 1201;

  let repo: ContractRepository;
  beforeEach(async () => {
    repo = await make();
  });

  describe('profile', () => {
    test('absent profile reads as null', async () => {
      expect(await repo.getProfile('nobody')).toBeNull();
    });

    test('createProfileIfAbsent creates once and never overwrites', async () => {
      expect(await repo.createProfileIfAbsent('u1', profile())).toBe(true);
      expect(await repo.createProfileIfAbsent('u1', profile({ displayName: 'Other' }))).toBe(false);
      expect(await repo.getProfile('u1')).toEqual(profile());
    });

    test('Dates round-trip as Date objects with the same instant', async () => {
      const at = new Date('2025-06-30T23:59:59.123Z');
      await repo.createProfileIfAbsent('u1', profile({ nextAlertAt: at }));
      const p = await repo.getProfile('u1');
      expect(p?.nextAlertAt).toBeInstanceOf(Date);
      expect(p?.nextAlertAt?.toISOString()).toBe(at.toISOString());
      expect(p?.createdAt).toBeInstanceOf(Date);
    });

    test('updateProfile replaces the given top-level fields only (nested objects are replaced, not merged)', async () => {
      await repo.createProfileIfAbsent('u1', profile());
      const notifications = { ...DEFAULT_NOTIFICATION_SETTINGS, thresholds: [5], quietHours: null };
      const next = new Date('2025-02-01T09:00:00.000Z');
      await repo.updateProfile('u1', { notifications, nextAlertAt: next });
      expect(await repo.getProfile('u1')).toEqual(profile({ notifications, nextAlertAt: next }));
    });

    test('updateProfile ignores undefined values and does not recreate a missing profile', async () => {
      await repo.createProfileIfAbsent('u1', profile());
      await repo.updateProfile('u1', { displayName: undefined, nextAlertAt: null });
      expect(await repo.getProfile('u1')).toEqual(profile({ nextAlertAt: null }));
      await repo.updateProfile('ghost', { nextAlertAt: null });
      expect(await repo.getProfile('ghost')).toBeNull();
    });

    test('a returned profile is a copy', async () => {
      await repo.createProfileIfAbsent('u1', profile());
      const p = (await repo.getProfile('u1')) as UserProfile;
      p.nationalities.push('FR');
      p.notifications.thresholds.length = 0;
      expect(await repo.getProfile('u1')).toEqual(profile());
    });
  });

  describe('segments', () => {
    test('listSegments of an unknown user is empty', async () => {
      expect(await repo.listSegments('nobody')).toEqual([]);
    });

    test('createSegmentsIfAbsent creates missing ids, leaves existing ones untouched, counts only creations', async () => {
      const first = [segment(2), segment(1)];
      expect(await repo.createSegmentsIfAbsent('u1', first)).toBe(2);
      // A re-import: same ids (one with data the user has since edited elsewhere) plus one new segment.
      const again = [segment(1, { arrivalCountry: 'DE' }), segment(2), segment(3)];
      expect(await repo.createSegmentsIfAbsent('u1', again)).toBe(1);
      // Sorted here: the listing order is its own case below.
      expect(byId(await repo.listSegments('u1'))).toEqual([segment(1), segment(2), segment(3)]);
    });

    test('a repeated id within one call is created once (first wins)', async () => {
      const n = await repo.createSegmentsIfAbsent('u1', [segment(7), segment(7, { arrivalCountry: 'IT' })]);
      expect(n).toBe(1);
      expect(await repo.listSegments('u1')).toEqual([segment(7)]);
    });

    test('optional fields are kept when present and absent (not null) when undefined', async () => {
      const withAll = segment(1, {
        departureTime: '23:10',
        arrivalTime: '06:05',
        departureAirport: 'JFK',
        arrivalAirport: 'CDG',
        transit: false,
        flightNumber: 'AF7',
        notes: 'n',
      });
      const withUndefined = segment(2, { transit: undefined, notes: undefined });
      await repo.createSegmentsIfAbsent('u1', [withAll, withUndefined]);
      const [a, b] = await repo.listSegments('u1');
      expect(a).toEqual(withAll);
      expect(Object.keys(b?.data ?? {}).sort()).toEqual([
        'arrivalCountry',
        'arrivalDate',
        'createdAt',
        'departureCountry',
        'departureDate',
        'mode',
        'source',
        'updatedAt',
      ]);
    });

    test(`more segments than one batch holds are all created`, async () => {
      const many = Array.from({ length: bulk }, (_, i) => segment(i));
      expect(await repo.createSegmentsIfAbsent('u1', many)).toBe(bulk);
      expect(await repo.createSegmentsIfAbsent('u1', many)).toBe(0);
      const listed = await repo.listSegments('u1');
      expect(listed.map((s) => s.id)).toEqual(many.map((s) => s.id));
    });

    test('listSegments and listDevices return documents in id order, whatever order they were written in', async () => {
      await repo.createSegmentsIfAbsent('u1', [segment(3), segment(1)]);
      await repo.createSegmentsIfAbsent('u1', [segment(2)]);
      expect((await repo.listSegments('u1')).map((s) => s.id)).toEqual([segment(1).id, segment(2).id, segment(3).id]);
      for (const id of ['d3', 'd1', 'd2']) await repo.putDevice('u1', id, device(id));
      expect((await repo.listDevices('u1')).map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
    });

    test('segments of one user are invisible to another', async () => {
      await repo.createSegmentsIfAbsent('u1', [segment(1)]);
      expect(await repo.listSegments('u2')).toEqual([]);
    });
  });

  describe('evaluation, imports, devices, alerts', () => {
    test('putEvaluation writes every rule status; a second evaluation replaces them', async () => {
      await repo.putEvaluation('u1', [visaStatus('schengen-90-180', 10), visaStatus('other-rule', 1)], countryDays(10));
      expect(await repo.getVisaStatus('u1', 'other-rule')).toEqual(visaStatus('other-rule', 1));
      await repo.putEvaluation('u1', [visaStatus('schengen-90-180', 12)], countryDays(12));
      expect(await repo.getVisaStatus('u1', 'schengen-90-180')).toEqual(visaStatus('schengen-90-180', 12));
      expect(await repo.getVisaStatus('u1', 'unknown')).toBeNull();
    });

    test('a status document written before issue 12 (no kind) is read as a rolling-window status', async () => {
      const { kind: _kind, ...legacy } = visaStatus('schengen-90-180', 10);
      await repo.putEvaluation('u1', [legacy as unknown as VisaStatusDoc], countryDays(10));
      expect(await repo.getVisaStatus('u1', 'schengen-90-180')).toEqual(visaStatus('schengen-90-180', 10));
    });

    test('putImport creates, then replaces only the given top-level fields', async () => {
      expect(await repo.getImport('u1', 'i1')).toBeNull();
      await repo.putImport('u1', 'i1', importDoc());
      const counts = { rows: 10, flights: 9, imported: 0, duplicates: 0, skipped: 0 };
      await repo.putImport('u1', 'i1', { status: 'processing', rowsDone: 4, rowsTotal: 10, counts });
      expect(await repo.getImport('u1', 'i1')).toEqual({ ...importDoc(), status: 'processing', rowsDone: 4, rowsTotal: 10, counts });
      await repo.putImport('u1', 'i1', { status: 'partial', skipped: [{ row: 3, reason: 'bad date' }] });
      expect(await repo.getImport('u1', 'i1')).toMatchObject({ status: 'partial', rowsDone: 4, skipped: [{ row: 3, reason: 'bad date' }] });
    });

    test('putImport on a missing document creates it with just the patch', async () => {
      await repo.putImport('u1', 'i2', { status: 'failed', error: 'no such file' });
      expect(await repo.getImport('u1', 'i2')).toEqual({ status: 'failed', error: 'no such file' });
    });

    test('devices are listed and can be deleted; deleting a missing device is not an error', async () => {
      expect(await repo.listDevices('u1')).toEqual([]);
      await repo.createProfileIfAbsent('u1', profile());
      await repo.putDevice('u1', 'd2', device('t2'));
      await repo.putDevice('u1', 'd1', device('t1'));
      // Sorted here: the listing order is a case of its own (segments).
      expect(byId(await repo.listDevices('u1'))).toEqual([
        { id: 'd1', data: device('t1') },
        { id: 'd2', data: device('t2') },
      ]);
      await repo.deleteDevice('u1', 'd1');
      await repo.deleteDevice('u1', 'd1');
      await repo.deleteDevice('nobody', 'dx');
      expect(await repo.listDevices('u1')).toEqual([{ id: 'd2', data: device('t2') }]);
    });

    test('createAlertIfAbsent is true once per id and keeps the first record', async () => {
      expect(await repo.createAlertIfAbsent('u1', 'a1', alert(7))).toBe(true);
      expect(await repo.createAlertIfAbsent('u1', 'a1', alert(3))).toBe(false);
      expect(await repo.createAlertIfAbsent('u1', 'a2', alert(3))).toBe(true);
      expect(await repo.createAlertIfAbsent('u2', 'a1', alert(3))).toBe(true);
    });
  });

  // Both scheduled runs page through users with the same query shape on different profile fields.
  const dueQueries = [
    {
      field: 'nextAlertAt' as const,
      list: (r: ContractRepository, due: Date, limit: number, after?: { at: Date; uid: string }) =>
        r.listUsersDueForAlert(due, limit, after && { nextAlertAt: after.at, uid: after.uid }),
    },
    {
      field: 'nextRecomputeAt' as const,
      list: (r: ContractRepository, due: Date, limit: number, after?: { at: Date; uid: string }) =>
        r.listUsersDueForRecompute(due, limit, after && { nextRecomputeAt: after.at, uid: after.uid }),
    },
  ];

  describe.each(dueQueries)('users due by $field', ({ field, list }) => {
    const at = (iso: string) => new Date(iso);
    // uid -> value of the field (undefined = field absent)
    const users: [string, Date | null | undefined][] = [
      ['a', at('2025-03-01T08:00:00Z')],
      ['b', at('2025-03-01T07:00:00Z')],
      ['c', at('2025-03-01T08:00:00Z')],
      ['d', at('2025-03-01T08:00:01Z')], // after `due`
      ['e', null],
      ['f', undefined],
      ['g', at('2025-03-01T08:00:00Z')],
    ];
    const due = at('2025-03-01T08:00:00Z');

    beforeEach(async () => {
      for (const [uid, next] of users) {
        // The other field is set on everyone so that a query on the wrong field would return all users.
        const other = field === 'nextAlertAt' ? 'nextRecomputeAt' : 'nextAlertAt';
        const p = profile({ [other]: at('2000-01-01T00:00:00Z') });
        await repo.createProfileIfAbsent(uid, next === undefined ? p : { ...p, [field]: next });
      }
    });

    const pages: { limit: number; after?: { at: Date; uid: string }; expected: string[] }[] = [
      { limit: 10, expected: ['b', 'a', 'c', 'g'] },
      { limit: 2, expected: ['b', 'a'] },
      { limit: 2, after: { at: at('2025-03-01T08:00:00Z'), uid: 'a' }, expected: ['c', 'g'] },
      { limit: 10, after: { at: at('2025-03-01T07:00:00Z'), uid: 'b' }, expected: ['a', 'c', 'g'] },
      { limit: 10, after: { at: at('2025-03-01T08:00:00Z'), uid: 'g' }, expected: [] },
      { limit: 0, expected: [] },
    ];
    for (const { limit, after, expected } of pages) {
      const title = `limit ${limit}${after ? ` after ${after.uid}` : ', first page'} -> [${expected.join(', ')}]`;
      test(title, async () => {
        const page = await list(repo, due, limit, after);
        expect(page.map((p) => p.uid)).toEqual(expected);
        for (const p of page) expect(p.profile[field]).toBeInstanceOf(Date);
      });
    }

    test('paging with the last row as cursor visits every due user exactly once', async () => {
      const seen: string[] = [];
      let after: { at: Date; uid: string } | undefined;
      for (;;) {
        const page = await list(repo, due, 1, after);
        const last = page[page.length - 1];
        if (!last) break;
        seen.push(...page.map((p) => p.uid));
        after = { at: last.profile[field] as Date, uid: last.uid };
      }
      expect(seen).toEqual(['b', 'a', 'c', 'g']);
    });
  });

  describe('deleteUserData', () => {
    test('removes the profile and every subcollection, leaves other users, and is idempotent', async () => {
      for (const uid of ['u1', 'u2']) {
        await repo.createProfileIfAbsent(uid, profile());
        await repo.createSegmentsIfAbsent(uid, [segment(1), segment(2)]);
        await repo.putEvaluation(uid, [visaStatus('schengen-90-180', 1)], countryDays(1));
        await repo.putImport(uid, 'i1', importDoc());
        await repo.putDevice(uid, 'd1', device('t'));
        await repo.createAlertIfAbsent(uid, 'a1', alert(7));
      }
      await repo.deleteUserData('u1');
      await repo.deleteUserData('u1');
      await repo.deleteUserData('never-existed');
      expect(await repo.getProfile('u1')).toBeNull();
      expect(await repo.listSegments('u1')).toEqual([]);
      expect(await repo.getVisaStatus('u1', 'schengen-90-180')).toBeNull();
      expect(await repo.getImport('u1', 'i1')).toBeNull();
      expect(await repo.listDevices('u1')).toEqual([]);
      // The alert dedupe record is gone too: a re-created account starts fresh.
      expect(await repo.createAlertIfAbsent('u1', 'a1', alert(7))).toBe(true);
      expect(await repo.getProfile('u2')).toEqual(profile());
      expect(await repo.listSegments('u2')).toHaveLength(2);
      expect(await repo.listDevices('u2')).toHaveLength(1);
    });
  });

  describe('account deletion marker', () => {
    test('after markAccountDeleted every write under the user is refused with AccountDeletedError and writes nothing', async () => {
      await repo.createProfileIfAbsent('u1', profile());
      await repo.createSegmentsIfAbsent('u1', [segment(1)]);
      await repo.createProfileIfAbsent('u2', profile());
      expect(await repo.getAccountDeletedAt('u1')).toBeNull();
      await repo.markAccountDeleted('u1', t0());
      // A second marking keeps the first deletion time (a retried deletion).
      await repo.markAccountDeleted('u1', new Date('2030-01-01T00:00:00Z'));
      expect(await repo.getAccountDeletedAt('u1')).toEqual(t0());
      const writes: [string, () => Promise<unknown>][] = [
        ['createProfileIfAbsent', () => repo.createProfileIfAbsent('u1', profile())],
        ['updateProfile', () => repo.updateProfile('u1', { displayName: 'changed' })],
        ['putImport', () => repo.putImport('u1', 'i1', importDoc())],
        ['createAlertIfAbsent', () => repo.createAlertIfAbsent('u1', 'a1', alert(7))],
        ['updateTimeline', () => repo.updateTimeline('u1', () => ({ commit: { timeline: new Map([['head', head('x')]]) }, result: 1 }))],
        ['claimUserForAlerts', () => repo.claimUserForAlerts('u1', t0(), t0())],
      ];
      for (const [name, write] of writes) {
        await expect(write().then(() => `${name} wrote`)).rejects.toMatchObject({ name: 'AccountDeletedError' });
      }
      expect((await repo.getProfile('u1'))?.displayName).toBe('Ada');
      expect(await repo.listSegments('u1')).toEqual([segment(1)]);
      expect(await repo.getVisaStatus('u1', 'schengen-90-180')).toBeNull();
      expect(await repo.getImport('u1', 'i1')).toBeNull();
      expect(await repo.listDevices('u1')).toEqual([]);
      // Another user is not affected. (The sweep after the marker is the deleteUserData case above.)
      await repo.updateProfile('u2', { displayName: 'Bea' });
      expect((await repo.getProfile('u2'))?.displayName).toBe('Bea');
    });
  });

  describe('timeline (users/{uid}/timeline)', () => {
    test('an absent timeline reads as no head and no shard', async () => {
      expect(await repo.readTimeline('u1')).toEqual({ head: null, shards: new Map(), headVersion: null });
    });

    test('one transaction writes the timeline, statuses, summary, profile schedule, segments and import document together', async () => {
      await repo.createProfileIfAbsent('u1', profile());
      const at = new Date('2026-01-02T03:04:05.678Z');
      const r = await repo.updateTimeline(
        'u1',
        (read) => {
          expect(read.timeline.head).toBeNull();
          expect(read.profile).toEqual(profile());
          return {
            commit: {
              timeline: new Map<string, TimelineHeadDoc | TimelineShardDoc>([
                ['head', head('h1')],
                ['s1', { v: 1, records: 'r1' }],
              ]),
              statuses: [visaStatus('schengen-90-180', 3)],
              countryDays: countryDays(3),
              profile: { nextAlertAt: at },
              createSegments: [segment(7)],
              importDoc: { id: 'i1', patch: importDoc() },
            },
            result: 'done',
          };
        },
        { withProfile: true },
      );
      expect(r).toBe('done');
      const t = await repo.readTimeline('u1');
      expect(t.head).toEqual(head('h1'));
      expect(t.shards).toEqual(new Map([['s1', { v: 1, records: 'r1' }]]));
      expect(typeof t.headVersion).toBe('number');
      expect(await repo.getVisaStatus('u1', 'schengen-90-180')).toEqual(visaStatus('schengen-90-180', 3));
      expect((await repo.getProfile('u1'))?.nextAlertAt).toEqual(at);
      expect(await repo.listSegments('u1')).toEqual([segment(7)]);
      expect(await repo.getImport('u1', 'i1')).toEqual(importDoc());
      // The segment and the head were written by the same commit: the same commit time.
      const listed = await repo.listSegmentVersions('u1');
      expect(listed.segments.map((x) => x.version)).toEqual([t.headVersion]);
    });

    test('deleteStatuses deletes those status documents in the commit; an absent one is no error', async () => {
      await repo.updateTimeline('u1', () => ({
        commit: { timeline: new Map([['head', head('h1')]]), statuses: [visaStatus('a-rule', 1), visaStatus('b-rule', 2)] },
        result: null,
      }));
      await repo.updateTimeline('u1', () => ({
        commit: { timeline: new Map([['head', head('h2')]]), statuses: [visaStatus('c-rule', 3)], deleteStatuses: ['a-rule', 'never-written'] },
        result: null,
      }));
      expect(await repo.getVisaStatus('u1', 'a-rule')).toBeNull();
      expect(await repo.getVisaStatus('u1', 'b-rule')).toEqual(visaStatus('b-rule', 2));
      expect(await repo.getVisaStatus('u1', 'c-rule')).toEqual(visaStatus('c-rule', 3));
      expect((await repo.readTimeline('u1')).head).toEqual(head('h2'));
    });

    test('a profile update for a user without a profile is dropped, the rest committed (update never creates)', async () => {
      await repo.updateTimeline('u1', () => ({ commit: { timeline: new Map([['head', head('h')]]), profile: { nextAlertAt: t0() } }, result: null }));
      expect(await repo.getProfile('u1')).toBeNull();
      expect((await repo.readTimeline('u1')).head).toEqual(head('h'));
    });

    test('creating a segment that exists fails the whole commit with SegmentExistsError; readSegments shows it', async () => {
      await repo.createSegmentsIfAbsent('u1', [segment(1)]);
      const attempt = repo.updateTimeline('u1', () => ({
        commit: { timeline: new Map([['head', head('h')]]), createSegments: [segment(2), segment(1)] },
        result: null,
      }));
      await expect(attempt).rejects.toMatchObject({ name: 'SegmentExistsError' });
      expect(await repo.listSegments('u1')).toEqual([segment(1)]);
      expect((await repo.readTimeline('u1')).head).toBeNull();
      const seen = await repo.updateTimeline('u1', (read) => ({ commit: null, result: [...(read.segments?.keys() ?? [])] }), {
        readSegments: [segment(1).id, segment(2).id],
      });
      expect(seen).toEqual([segment(1).id]);
    });

    test('listSegmentVersions: each write of a segment has a later version, and the listing reads after all of them', async () => {
      await repo.createSegmentsIfAbsent('u1', [segment(1)]);
      const v1 = (await repo.listSegmentVersions('u1')).segments[0]!.version;
      await repo.updateTimeline('u1', () => ({ commit: { timeline: new Map(), createSegments: [segment(2)] }, result: null }));
      const { segments, readTime } = await repo.listSegmentVersions('u1');
      expect(segments.map((x) => x.id)).toEqual([segment(1).id, segment(2).id]);
      expect(segments[0]!.version).toBe(v1);
      expect(segments[1]!.version).toBeGreaterThan(v1);
      expect(readTime).toBeGreaterThanOrEqual(segments[1]!.version);
    });

    test('listDueTimelines: heads due by nextRecomputeAt then uid, paged with a cursor; shards and heads not due are not returned', async () => {
      const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
      for (const [uid, h] of [
        ['c', 1],
        ['a', 2],
        ['b', 1],
        ['d', 30],
      ] as const) {
        await repo.updateTimeline(uid, () => ({
          commit: {
            timeline: new Map<string, TimelineHeadDoc | TimelineShardDoc>([
              ['head', head(uid, at(h))],
              ['s1', { v: 1, records: '' }],
            ]),
          },
          result: null,
        }));
      }
      await repo.updateTimeline('e', () => ({ commit: { timeline: new Map([['head', head('e', null)]]) }, result: null }));
      const due = at(3);
      const page1 = await repo.listDueTimelines(due, 2);
      expect(page1.map((p) => p.uid)).toEqual(['b', 'c']);
      const last = page1[1]!;
      const page2 = await repo.listDueTimelines(due, 2, { nextRecomputeAt: last.nextRecomputeAt, uid: last.uid });
      expect(page2.map((p) => p.uid)).toEqual(['a']);
    });

    test('listDueTimelines returns the schedule fields alone, never the records; a `daily` that does not read is null', async () => {
      const at = new Date('2026-01-01T01:00:00Z');
      const daily = { failures: 2, lastError: 'boom', evalMs: 12 };
      await repo.updateTimeline('u1', () => ({ commit: { timeline: new Map([['head', { ...head('x'.repeat(50_000), at), daily }]]) }, result: null }));
      await repo.updateTimeline('u2', () => ({
        commit: { timeline: new Map([['head', { ...head('y', at), daily: { failures: 'many' } as unknown as TimelineHeadDoc['daily'] }]]) },
        result: null,
      }));
      expect(await repo.listDueTimelines(new Date('2026-01-02T00:00:00Z'), 10)).toEqual([
        { uid: 'u1', nextRecomputeAt: at, daily },
        { uid: 'u2', nextRecomputeAt: at, daily: null },
      ]);
    });

    test('updateTimelineSchedule sets nextRecomputeAt and daily from the daily it read, leaving the rest of the head as it was', async () => {
      const at = new Date('2026-01-01T01:00:00Z');
      const later = new Date('2026-01-03T00:00:00Z');
      // A head that does not decode (records of the wrong type) is backed off all the same.
      const broken = { ...head('r', at), records: 42 } as unknown as TimelineHeadDoc;
      await repo.updateTimeline('u1', () => ({ commit: { timeline: new Map([['head', broken]]) }, result: null }));
      const seen: unknown[] = [];
      const next = (d: TimelineHeadDoc['daily'] | null) => {
        seen.push(d);
        return { nextRecomputeAt: later, daily: { failures: (d?.failures ?? 0) + 1, lastError: 'unreadable', evalMs: 0 } };
      };
      expect(await repo.updateTimelineSchedule('u1', next)).toBe(true);
      expect(await repo.updateTimelineSchedule('u1', next)).toBe(true);
      expect(seen).toEqual([head('').daily, { failures: 1, lastError: 'unreadable', evalMs: 0 }]);
      expect((await repo.readTimeline('u1')).head).toEqual({ ...broken, nextRecomputeAt: later, daily: { failures: 2, lastError: 'unreadable', evalMs: 0 } });
      // No head: nothing written, none created; null from `next`: nothing written.
      expect(await repo.updateTimelineSchedule('u2', next)).toBe(false);
      expect((await repo.readTimeline('u2')).head).toBeNull();
      expect(await repo.updateTimelineSchedule('u1', () => null)).toBe(false);
      expect((await repo.readTimeline('u1')).head?.daily).toEqual({ failures: 2, lastError: 'unreadable', evalMs: 0 });
      // Deleted account: refused, nothing written.
      await repo.markAccountDeleted('u1', t0());
      await expect(repo.updateTimelineSchedule('u1', next)).rejects.toMatchObject({ name: 'AccountDeletedError' });
      expect((await repo.readTimeline('u1')).head?.daily.failures).toBe(2);
    });
  });

  describe('alert lease and device cap', () => {
    test('claimUserForAlerts leases a due user once; not due or no profile: false', async () => {
      await repo.createProfileIfAbsent('u1', profile({ nextAlertAt: t0() }));
      const until = new Date(t0().getTime() + 600_000);
      expect(await repo.claimUserForAlerts('u1', t0(), until)).toBe(true);
      expect((await repo.getProfile('u1'))?.nextAlertAt).toEqual(until);
      expect(await repo.claimUserForAlerts('u1', t0(), until)).toBe(false);
      expect(await repo.claimUserForAlerts('nobody', t0(), until)).toBe(false);
    });

    test('listDevices with a limit returns the most recently seen devices first', async () => {
      for (const [id, min] of [
        ['a', 1],
        ['b', 3],
        ['c', 2],
      ] as const) {
        await repo.putDevice('u1', id, { ...device(`t${id}`), lastSeenAt: new Date(t0().getTime() + min * 60_000) });
      }
      expect((await repo.listDevices('u1', 2)).map((d) => d.id)).toEqual(['b', 'c']);
      expect((await repo.listDevices('u1')).map((d) => d.id)).toEqual(['a', 'b', 'c']);
    });

    test('getAlert reads a record or null', async () => {
      expect(await repo.getAlert('u1', 'a1')).toBeNull();
      await repo.createAlertIfAbsent('u1', 'a1', alert(7));
      expect(await repo.getAlert('u1', 'a1')).toEqual(alert(7));
    });
  });

  describe('reference data (seed)', () => {
    const files = (name: string) => ({
      countries: {
        countries: [
          { iso2: 'FR', iso3: 'FRA', numeric: '250', name, memberships: [{ region: 'SCHENGEN', from: '1995-03-26', to: null, source: 's' }] },
          { iso2: 'US', iso3: 'USA', numeric: '840', name: 'United States', memberships: [] },
        ],
      },
      rules: { rules: [{ id: 'schengen-90-180', params: { maxDays: 90, periodDays: 180 } }] },
    });

    test('a second seed run writes nothing; a changed document is rewritten; extras are kept unless pruned', async () => {
      const v1 = files('France');
      const first = await syncReferenceData(repo, parseReferenceData(v1.countries, v1.rules));
      expect(first.countries).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
      expect(first.visaRules).toMatchObject({ created: 1 });

      const second = await syncReferenceData(repo, parseReferenceData(v1.countries, v1.rules));
      expect(second.countries).toMatchObject({ created: 0, updated: 0, unchanged: 2, deleted: 0 });
      expect(second.visaRules).toMatchObject({ created: 0, updated: 0, unchanged: 1 });

      const v2 = files('French Republic');
      v2.countries.countries.pop();
      const third = await syncReferenceData(repo, parseReferenceData(v2.countries, v2.rules));
      expect(third.countries).toMatchObject({ created: 0, updated: 1, unchanged: 0, extra: ['US'], deleted: 0 });
      expect((await repo.listReference('countries')).get('FR')).toEqual(v2.countries.countries[0]);

      const pruned = await syncReferenceData(repo, parseReferenceData(v2.countries, v2.rules), { prune: true });
      expect(pruned.countries).toMatchObject({ unchanged: 1, extra: ['US'], deleted: 1 });
      expect([...(await repo.listReference('countries')).keys()]).toEqual(['FR']);
    });
  });
}

/** A listing sorted by id, for cases about what is stored rather than in which order it is listed. */
function byId<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
