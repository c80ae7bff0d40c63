/**
 * The access matrix of firestore.rules evaluated OFFLINE with the model of the rules runtime (rulesEval.ts):
 * every collection x principal (unauthenticated, owner, other) x operation (get, list, create, update, delete),
 * plus write-validation cases that depend on `resource`, `request.time` and `request.auth.token` (immutable
 * createdAt, source on update, backend-only profile fields, the profile the app creates: PROFILE_CREATE_CASES). The same expectation table (accessMatrix.ts) runs on the real emulator in
 * test/emulator/firestore.rules.test.ts; this file makes the matrix run wherever the emulator cannot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../functions/src/model/documents';
import {
  ACCESS,
  EMAIL,
  MATRIX_ROWS,
  OTHER,
  OWNER,
  PROFILE_CREATE_CASES,
  SERVER_TIME,
  profileCreateData,
  type Op,
  type Principal,
} from './accessMatrix';
import { RTimestamp, isAllowed, type RValue } from './rulesEval';
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
  const seg = (stored: Doc, patch: Doc) => check('owner', 'update', `users/${OWNER}/segments/s1`, stored, { ...stored, updatedAt: NOW, ...patch });
  test.each<{ name: string; stored: Doc; patch: Doc; ok: boolean }>([
    { name: 'edit with server updatedAt', stored: {}, patch: { arrivalCountry: 'DE' }, ok: true },
    { name: 'edit with a device-clock updatedAt', stored: {}, patch: { arrivalCountry: 'DE', updatedAt: PAST }, ok: false },
    { name: 'createdAt changed', stored: {}, patch: { createdAt: NOW }, ok: false },
    { name: 'imported segment keeps its import id', stored: { source: 'import-1' }, patch: { notes: 'fixed' }, ok: true },
    { name: 'imported segment becomes manual', stored: { source: 'import-1' }, patch: { source: 'manual' }, ok: true },
    { name: 'manual segment claims an import id', stored: {}, patch: { source: 'import-1' }, ok: false },
    { name: 'edit makes arrival 2 days early', stored: {}, patch: { arrivalDate: '2025-04-08' }, ok: false },
  ])('segment update: $name -> $ok', ({ stored, patch, ok }) => {
    expect(seg({ ...segment(), ...stored }, patch)).toBe(ok);
  });

  test.each<{ name: string; data: Doc; ok: boolean }>([
    { name: 'create as manual', data: {}, ok: true },
    { name: 'create claiming an import', data: { source: 'import-1' }, ok: false },
    { name: 'create with a device-clock createdAt', data: { createdAt: PAST }, ok: false },
  ])('segment create: $name -> $ok', ({ data, ok }) => {
    expect(check('owner', 'create', `users/${OWNER}/segments/s9`, null, { ...DATA.segments!.created(), ...data })).toBe(ok);
  });

  test.each<{ name: string; patch: Doc; ok: boolean }>([
    { name: 'display name', patch: { displayName: 'Al' }, ok: true },
    { name: 'nationalities and home country', patch: { nationalities: ['US', 'IE'], homeCountry: 'IE' }, ok: true },
    { name: 'email', patch: { email: 'x@example.com' }, ok: false },
    { name: 'nextAlertAt', patch: { nextAlertAt: NOW }, ok: false },
    { name: 'nextRecomputeAt', patch: { nextRecomputeAt: NOW }, ok: false },
    { name: 'updatedAt', patch: { updatedAt: NOW }, ok: false },
    { name: 'a new field', patch: { admin: true }, ok: false },
    { name: 'invalid time zone', patch: { timeZone: '' }, ok: false },
  ])('profile update: $name -> $ok', ({ patch, ok }) => {
    expect(check('owner', 'update', `users/${OWNER}`, profile(), { ...profile(), ...patch })).toBe(ok);
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
