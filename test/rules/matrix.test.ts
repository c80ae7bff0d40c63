/**
 * The access matrix of firestore.rules evaluated OFFLINE with the model of the rules runtime (rulesEval.ts):
 * every collection x principal (unauthenticated, owner, other) x operation (get, list, create, update, delete),
 * plus write-validation cases that depend on `resource`, `request.time` and `request.auth.token` (immutable
 * createdAt, source on update, backend-only profile fields, the profile the app creates: PROFILE_CREATE_CASES). The same expectation table (accessMatrix.ts) runs on the real emulator in
 * test/emulator/firestore.rules.test.ts; this file makes the matrix run wherever the emulator cannot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_NOTIFICATION_SETTINGS, SegmentDocSchema } from '../../functions/src/model/documents';
import {
  ACCESS,
  COLLECTION_GROUPS,
  DEVICE_CREATE_CASES,
  EMAIL,
  MATRIX_ROWS,
  OTHER,
  OWNER,
  PRINCIPALS,
  PROFILE_CREATE_CASES,
  PROFILE_UPDATE_CASES,
  SEGMENT_CREATE_CASES,
  SEGMENT_UPDATE_CASES,
  SERVER_TIME,
  STORAGE_ROWS,
  UPLOAD_CASES,
  newDevice,
  newSegment,
  profileCreateData,
  storedProfile,
  storedSegment,
  withPatch,
  type Op,
  type Principal,
} from './accessMatrix';
import { RTimestamp, isAllowed, isCollectionGroupListAllowed, type RValue } from './rulesEval';
import { parseRules } from './rulesParser';

const rules = parseRules(fs.readFileSync(path.resolve(__dirname, '../../firestore.rules'), 'utf8'), 'firestore.rules');
const DOCS = '/databases/(default)/documents';
const NOW = new RTimestamp(Date.UTC(2025, 4, 1, 12));
const PAST = new RTimestamp(Date.UTC(2025, 0, 1));

type Doc = Record<string, RValue>;
const profile = (): Doc => ({
  displayName: 'Alice',
  nationalities: ['US'],
  homeCountry: 'US',
  timeZone: 'America/New_York',
  notifications: structuredClone(DEFAULT_NOTIFICATION_SETTINGS) as unknown as Doc,
  email: 'alice@example.com',
  createdAt: PAST,
  updatedAt: PAST,
  nextAlertAt: null,
});
const segment = (): Doc => ({
  departureCountry: 'US',
  arrivalCountry: 'FR',
  departureDate: '2025-04-10',
  arrivalDate: '2025-04-11',
  mode: 'air',
  source: 'manual',
  createdAt: PAST,
  updatedAt: PAST,
});
/** A profile created by the app (accessMatrix.ts), with `request.time` for SERVER_TIME and PAST for DEVICE_TIME. */
const appProfile = (patch: Record<string, unknown>): Doc =>
  profileCreateData(patch, (t) => (t === SERVER_TIME ? NOW : PAST)) as Doc;
const device = (): Doc => ({ fcmToken: 'token', platform: 'ios', appVersion: '1.0.0', lastSeenAt: PAST });

/** Per collection: the stored document, a valid new document (server timestamps = NOW) and a valid patch. */
const DATA: Record<string, { existing: () => Doc; created: () => Doc; patch: () => Doc }> = {
  countries: { existing: () => ({ iso2: 'FR' }), created: () => ({ iso2: 'XX' }), patch: () => ({ name: 'x' }) },
  visaRules: { existing: () => ({ id: 'r' }), created: () => ({ id: 'n' }), patch: () => ({ name: 'x' }) },
  users: { existing: profile, created: () => appProfile({}), patch: () => ({ displayName: 'Al' }) },
  segments: { existing: segment, created: () => ({ ...segment(), createdAt: NOW, updatedAt: NOW }), patch: () => ({ arrivalCountry: 'DE', updatedAt: NOW }) },
  visaStatus: { existing: () => ({ daysUsed: 3 }), created: () => ({ daysUsed: 0 }), patch: () => ({ daysUsed: 0 }) },
  summaries: { existing: () => ({ countryDays: {} }), created: () => ({ countryDays: {} }), patch: () => ({ warnings: [] }) },
  imports: { existing: () => ({ status: 'queued' }), created: () => ({ status: 'queued' }), patch: () => ({ status: 'succeeded' }) },
  alerts: { existing: () => ({ ruleId: 'r' }), created: () => ({ ruleId: 'r' }), patch: () => ({ sentTo: 9 }) },
  devices: { existing: device, created: () => ({ ...device(), lastSeenAt: NOW }), patch: () => ({ appVersion: '1.0.1', lastSeenAt: NOW }) },
};

const auth = (who: Principal): RValue => {
  if (who === 'unauthenticated') return null;
  const uid = who === 'owner' ? OWNER : OTHER;
  return { uid, token: { email: EMAIL[uid] as string } };
};

/** Evaluates one request the way Firestore presents it to the rules. */
function check(who: Principal, op: Op, docPath: string, existing: Doc | null, written: Doc | null): boolean {
  const resource = existing === null ? null : { data: existing, id: docPath.split('/').pop() as string };
  const request = { auth: auth(who), time: NOW, method: op, resource: written === null ? null : { data: written } };
  return isAllowed(rules, `${DOCS}/${docPath}`, op, request, resource as RValue);
}

describe('access matrix (offline model of the rules runtime)', () => {
  test('every collection has test data', () => {
    expect(Object.keys(DATA).sort()).toEqual(Object.keys(ACCESS).sort());
  });

  test.each(MATRIX_ROWS)('$name: $who $op -> $allowed', ({ name, who, op, allowed }) => {
    const d = DATA[name]!;
    const col = ACCESS[name]!.collection(OWNER);
    const id = name === 'users' ? OWNER : 'doc1';
    const docPath = `${col}/${id}`;
    const outcome = {
      get: () => check(who, op, docPath, d.existing(), null),
      list: () => check(who, op, docPath, d.existing(), null),
      create: () => check(who, op, docPath, null, d.created()),
      update: () => check(who, op, docPath, d.existing(), { ...d.existing(), ...d.patch() }),
      delete: () => check(who, op, docPath, d.existing(), null),
    }[op]();
    expect(outcome).toBe(allowed);
  });

  test.each(['/databases/(default)/documents/secrets/x', '/databases/(default)/documents/users/alice/private/x', '/databases/(default)/documents/users/alice/segments/s1/notes/n'])(
    'unlisted path %s is denied even to its owner',
    (p) => {
      for (const op of ['get', 'create'] as Op[]) {
        expect(isAllowed(rules, p, op, { auth: auth('owner'), time: NOW, resource: { data: {} } }, null)).toBe(false);
      }
    },
  );
});

describe('writes that depend on the stored document', () => {
  const resolve = (t: symbol) => (t === SERVER_TIME ? NOW : PAST);

  test.each(SEGMENT_UPDATE_CASES)('segment update: $name -> $ok', ({ stored, patch, ok }) => {
    const before = withPatch(storedSegment(), stored, resolve) as Doc;
    // request.resource.data on an update is the stored document merged with the written fields.
    const after = withPatch(before, { updatedAt: SERVER_TIME, ...patch }, resolve) as Doc;
    expect(check('owner', 'update', `users/${OWNER}/segments/s1`, before, after)).toBe(ok);
  });

  test.each(SEGMENT_CREATE_CASES)('segment create: $name -> $ok', ({ patch, ok }) => {
    expect(check('owner', 'create', `users/${OWNER}/segments/s9`, null, withPatch(newSegment(), patch, resolve) as Doc)).toBe(ok);
  });

  test.each(PROFILE_UPDATE_CASES)('profile update: $name -> $ok', ({ stored, patch, ok }) => {
    const before = withPatch(storedProfile(), stored, resolve) as Doc;
    expect(check('owner', 'update', `users/${OWNER}`, before, withPatch(before, patch, resolve) as Doc)).toBe(ok);
  });

  test.each(DEVICE_CREATE_CASES)('device create: $name -> $ok', ({ patch, ok }) => {
    expect(check('owner', 'create', `users/${OWNER}/devices/d9`, null, withPatch(newDevice(), patch, resolve) as Doc)).toBe(ok);
  });

  // The cases that only change dates are decided by the dates alone, so the table's verdict must be the backend
  // schema's (the rules and SegmentDocSchema accept the same travel dates, 1900-01-01 .. 2199-12-31).
  const touchesDates = (patch: Record<string, unknown>) => Object.keys(patch).length > 0 && Object.keys(patch).every((k) => k === 'departureDate' || k === 'arrivalDate');
  const asDates = (t: symbol) => new Date(t === SERVER_TIME ? NOW.ms : PAST.ms);
  test.each([
    ...SEGMENT_CREATE_CASES.filter((c) => touchesDates(c.patch)).map((c) => ({ ...c, doc: withPatch(newSegment(), c.patch, asDates) })),
    ...SEGMENT_UPDATE_CASES.filter((c) => touchesDates(c.patch) && Object.keys(c.stored).length === 0).map((c) => ({
      ...c,
      doc: withPatch(storedSegment(), { updatedAt: SERVER_TIME, ...c.patch }, asDates),
    })),
  ])('segment dates: table verdict for "$name" equals SegmentDocSchema ($ok)', ({ doc, ok }) => {
    expect(SegmentDocSchema.safeParse(doc).success).toBe(ok);
  });

  test('the shared tables cover both outcomes', () => {
    for (const table of [SEGMENT_CREATE_CASES, SEGMENT_UPDATE_CASES, PROFILE_UPDATE_CASES, DEVICE_CREATE_CASES]) {
      expect(new Set(table.map((c) => c.ok))).toEqual(new Set([true, false]));
    }
  });

  test.each(PROFILE_CREATE_CASES)('profile create: $name ($who) -> $ok', ({ who, patch, ok }) => {
    expect(check(who, 'create', `users/${OWNER}`, null, appProfile(patch))).toBe(ok);
  });

  test('profile create without an email claim in the token: only a null e-mail passes', () => {
    const noEmail = (data: Doc) =>
      isAllowed(rules, `${DOCS}/users/${OWNER}`, 'create', { auth: { uid: OWNER, token: {} }, time: NOW, resource: { data } }, null);
    expect(noEmail(appProfile({ email: null }))).toBe(true);
    expect(noEmail(appProfile({}))).toBe(false);
  });

  test('profile delete by its owner is denied (account deletion goes through the backend)', () => {
    expect(check('owner', 'delete', `users/${OWNER}`, profile(), null)).toBe(false);
  });
});

describe('collection group queries (offline model)', () => {
  const rows = COLLECTION_GROUPS.flatMap((group) => PRINCIPALS.map((who) => ({ group, who })));
  test.each(rows)("collectionGroup('$group') by $who is denied", ({ group, who }) => {
    expect(isCollectionGroupListAllowed(rules, group, { auth: auth(who), time: NOW })).toBe(false);
  });

  test('the model does authorise a collection group query where a recursive wildcard allows it', () => {
    const src = "rules_version = '2';\nservice cloud.firestore { match /databases/{database}/documents { match /{path=**}/segments/{id} { allow list: if request.auth != null; } } }";
    const open = parseRules(src, 'open.rules');
    expect(isCollectionGroupListAllowed(open, 'segments', { auth: auth('other'), time: NOW })).toBe(true);
    expect(isCollectionGroupListAllowed(open, 'devices', { auth: auth('other'), time: NOW })).toBe(false);
  });
});

describe('storage.rules access and uploads (offline model)', () => {
  const storageRules = parseRules(fs.readFileSync(path.resolve(__dirname, '../../storage.rules'), 'utf8'), 'storage.rules');
  const OBJECTS = '/b/demo-travel-time-tracker.appspot.com/o';
  const upload = (who: Principal, op: Op, file: string, size: number, contentType: string, metadata: RValue = {}) =>
    isAllowed(
      storageRules,
      `${OBJECTS}/users/${OWNER}/imports/${file}`,
      op,
      { auth: auth(who), time: NOW, resource: op === 'create' || op === 'update' ? { size, contentType, metadata } : null },
      op === 'create' ? null : { name: `users/${OWNER}/imports/${file}`, size, contentType, metadata: {} },
    );

  test.each(STORAGE_ROWS)('users/{owner}/imports: $who $op -> $allowed', ({ who, op, allowed }) => {
    expect(upload(who, op, 'import-1.csv', 40, 'text/csv')).toBe(allowed);
  });

  test.each(UPLOAD_CASES)('owner upload: $name -> $ok', ({ file, contentType, size, customMetadata, ok }) => {
    expect(upload('owner', 'create', file, size, contentType, customMetadata ?? {})).toBe(ok);
  });

  test('an upload without any custom metadata map (null) passes the marker check', () => {
    expect(upload('owner', 'create', 'a.csv', 40, 'text/csv', null)).toBe(true);
  });

  test.each([`users/${OWNER}/avatar.png`, `users/${OWNER}/imports/nested/a.csv`, 'public/a.csv', `imports/${OWNER}/a.csv`])(
    'nothing else is writable, even by the signed-in user: %s',
    (p) => {
      const req = { auth: auth('owner'), time: NOW, resource: { size: 40, contentType: 'text/csv', metadata: {} } };
      expect(isAllowed(storageRules, `${OBJECTS}/${p}`, 'create', req, null)).toBe(false);
    },
  );
});
