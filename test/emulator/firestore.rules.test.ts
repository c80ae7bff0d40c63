/**
 * firestore.rules on the Firestore emulator (@firebase/rules-unit-testing): for every collection of the data model,
 * the matrix principal (unauthenticated, owner, other user) x operation (get, list, create, update, delete), then
 * field-validation cases. Each row asserts success or failure. Runs under `npm run test:emulators`; skipped by
 * name when no emulator is running. Writes the emulator's rules coverage report to coverage-rules/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import {
  Timestamp,
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  serverTimestamp,
  setDoc,
  updateDoc,
  type DocumentData,
  type Firestore,
} from 'firebase/firestore';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../functions/src/model/documents';
import { describeWithFirestoreEmulator, firestoreEmulatorHost } from '../helpers/emulator';
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
} from '../rules/accessMatrix';

const PROJECT_ID = 'demo-travel-time-tracker';
const ROOT = path.resolve(__dirname, '../..');

const past = Timestamp.fromDate(new Date('2025-01-01T00:00:00Z'));

const profileDoc = (): DocumentData => ({
  displayName: 'Alice',
  nationalities: ['US'],
  homeCountry: 'US',
  timeZone: 'America/New_York',
  notifications: DEFAULT_NOTIFICATION_SETTINGS,
  email: 'alice@example.com',
  createdAt: past,
  updatedAt: past,
  nextAlertAt: null,
});

/** The profile the app creates (accessMatrix.ts): serverTimestamp() for SERVER_TIME, `past` for DEVICE_TIME. */
const appProfile = (patch: Record<string, unknown>): DocumentData =>
  profileCreateData(patch, (t) => (t === SERVER_TIME ? serverTimestamp() : past));

const segmentDoc = (): DocumentData => ({
  departureCountry: 'US',
  arrivalCountry: 'FR',
  departureDate: '2025-04-10',
  arrivalDate: '2025-04-11',
  mode: 'air',
  source: 'manual',
  createdAt: past,
  updatedAt: past,
});

const newSegment = (): DocumentData => ({ ...segmentDoc(), createdAt: serverTimestamp(), updatedAt: serverTimestamp() });

const deviceDoc = (): DocumentData => ({ fcmToken: 'token', platform: 'ios', appVersion: '1.0.0', lastSeenAt: past });
const newDevice = (): DocumentData => ({ ...deviceDoc(), lastSeenAt: serverTimestamp() });

interface CollectionCase {
  /** Existing document id (seeded with rules disabled) for get/update/delete; created id for create. */
  existingId: (uid: string) => string;
  newId: (uid: string) => string;
  existing: () => DocumentData;
  createData: () => DocumentData;
  updateData: () => DocumentData;
}

const backendOnly = (data: () => DocumentData): CollectionCase => ({
  existingId: () => 'x',
  newId: () => 'y',
  existing: data,
  createData: data,
  updateData: () => ({ touched: true }),
});

const MATRIX: Record<string, CollectionCase> = {
  countries: {
    existingId: () => 'FR',
    newId: () => 'XX',
    existing: () => ({ iso2: 'FR', name: 'France' }),
    createData: () => ({ iso2: 'XX', name: 'Nowhere' }),
    updateData: () => ({ name: 'Changed' }),
  },
  visaRules: {
    existingId: () => 'schengen-90-180',
    newId: () => 'new-rule',
    existing: () => ({ id: 'schengen-90-180', params: { maxDays: 90, periodDays: 180 } }),
    createData: () => ({ id: 'new-rule' }),
    updateData: () => ({ params: { maxDays: 1000, periodDays: 1 } }),
  },
  users: {
    existingId: (uid) => uid,
    // Created by the backend, or by the app as a fallback (PROFILE_CREATE_CASES below).
    newId: (uid) => uid,
    existing: profileDoc,
    createData: () => appProfile({}),
    updateData: () => ({ displayName: 'Al' }),
  },
  segments: {
    existingId: () => 's1',
    newId: () => 's2',
    existing: segmentDoc,
    createData: newSegment,
    updateData: () => ({ arrivalCountry: 'DE', updatedAt: serverTimestamp() }),
  },
  visaStatus: backendOnly(() => ({ ruleId: 'schengen-90-180', daysUsed: 3 })),
  summaries: backendOnly(() => ({ countryDays: { FR: 3 } })),
  imports: backendOnly(() => ({ status: 'queued' })),
  alerts: backendOnly(() => ({ ruleId: 'schengen-90-180' })),
  devices: {
    existingId: () => 'd1',
    newId: () => 'd2',
    existing: deviceDoc,
    createData: newDevice,
    updateData: () => ({ appVersion: '1.0.1', lastSeenAt: serverTimestamp() }),
  },
};

// The expectations (who may do what) are the shared table in test/rules/accessMatrix.ts; this file adds the data.
const ROWS = MATRIX_ROWS.map((r) => ({ ...r, c: MATRIX[r.name] as CollectionCase }));
const missing = Object.keys(ACCESS).filter((k) => !(k in MATRIX));
if (missing.length > 0) throw new Error(`no test data for collections ${missing.join(', ')}`);

describeWithFirestoreEmulator('firestore.rules on the emulator', () => {
  let env: RulesTestEnvironment;

  beforeAll(async () => {
    env = await initializeTestEnvironment({
      projectId: PROJECT_ID,
      firestore: { rules: fs.readFileSync(path.join(ROOT, 'firestore.rules'), 'utf8') },
    });
  });

  afterAll(async () => {
    // The coverage report shows, per rule expression, how often it was evaluated and to what.
    const base = `http://${firestoreEmulatorHost}/emulator/v1/projects/${PROJECT_ID}:ruleCoverage`;
    const out = path.join(ROOT, 'coverage-rules');
    fs.mkdirSync(out, { recursive: true });
    for (const [url, file] of [[`${base}.html`, 'firestore-coverage.html'], [base, 'firestore-coverage.json']] as const) {
      const res = await fetch(url);
      if (res.ok) fs.writeFileSync(path.join(out, file), await res.text());
    }
    await env.cleanup();
  });

  beforeEach(async () => {
    await env.clearFirestore();
  });

  const db = (ctx: RulesTestContext) => ctx.firestore() as unknown as Firestore;
  const contextOf = (who: Principal) => {
    if (who === 'unauthenticated') return env.unauthenticatedContext();
    const uid = who === 'owner' ? OWNER : OTHER;
    return env.authenticatedContext(uid, { email: EMAIL[uid] });
  };

  async function seed(docPath: string, data: DocumentData): Promise<void> {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await setDoc(doc(db(ctx), docPath), data);
    });
  }

  test.each(ROWS)('$name: $who $op -> $allowed', async ({ name, c, who, op, allowed }) => {
    const col = ACCESS[name]!.collection(OWNER);
    if (op !== 'create') await seed(`${col}/${c.existingId(OWNER)}`, c.existing());
    const f = db(contextOf(who));
    const existing = doc(f, `${col}/${c.existingId(OWNER)}`);
    const attempts: Record<Op, () => Promise<unknown>> = {
      get: () => getDoc(existing),
      list: () => getDocs(collection(f, col)),
      create: () => setDoc(doc(f, `${col}/${c.newId(OWNER)}`), c.createData()),
      update: () => updateDoc(existing, c.updateData()),
      delete: () => deleteDoc(existing),
    };
    const attempt = attempts[op];
    if (allowed) await assertSucceeds(attempt());
    else await assertFails(attempt());
  });

  test('a query over all users is denied even to a signed-in user', async () => {
    await seed(`users/${OWNER}`, profileDoc());
    await assertFails(getDocs(collection(db(env.authenticatedContext(OWNER)), 'users')));
  });

  describe('segment field validation (owner create)', () => {
    test.each([
      { name: 'valid manual segment', data: {}, ok: true },
      { name: 'all optional fields', data: { departureTime: '23:10', arrivalTime: '06:05', departureAirport: 'JFK', arrivalAirport: 'CDG', transit: false, flightNumber: 'AF7', notes: 'n' }, ok: true },
      { name: 'date line: arrival one day before departure', data: { departureDate: '2025-04-24', arrivalDate: '2025-04-23' }, ok: true },
      { name: 'arrival two days before departure', data: { departureDate: '2025-04-24', arrivalDate: '2025-04-22' }, ok: false },
      { name: 'non-existent date 2025-02-29', data: { departureDate: '2025-02-29', arrivalDate: '2025-03-01' }, ok: false },
      { name: 'leap day 2024-02-29', data: { departureDate: '2024-02-29', arrivalDate: '2024-02-29' }, ok: true },
      { name: 'lower-case country', data: { arrivalCountry: 'fr' }, ok: false },
      { name: 'unknown mode', data: { mode: 'bus' }, ok: false },
      { name: 'unknown field', data: { country: 'FR' }, ok: false },
      { name: 'notes over 500 characters', data: { notes: 'x'.repeat(501) }, ok: false },
      { name: 'flight number over 12 characters', data: { flightNumber: 'x'.repeat(13) }, ok: false },
      { name: 'source is an import id', data: { source: 'import-123' }, ok: false },
      { name: 'updatedAt from the device clock', data: { updatedAt: past }, ok: false },
      { name: 'createdAt from the device clock', data: { createdAt: past }, ok: false },
      { name: 'missing mode', data: { mode: undefined }, ok: false },
    ])('$name -> $ok', async ({ data, ok }) => {
      const full: Record<string, unknown> = { ...newSegment(), ...data };
      for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
      const write = setDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/segments/new`), full);
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('segment updates', () => {
    test.each([
      { name: 'edit with server updatedAt', stored: {}, patch: { arrivalCountry: 'DE' }, ok: true },
      { name: 'edit without touching updatedAt', stored: {}, patch: { arrivalCountry: 'DE', updatedAt: past }, ok: false },
      { name: 'change createdAt', stored: {}, patch: { createdAt: serverTimestamp() }, ok: false },
      { name: 'imported segment keeps its import id', stored: { source: 'import-1' }, patch: { notes: 'fixed' }, ok: true },
      { name: 'imported segment becomes manual', stored: { source: 'import-1' }, patch: { source: 'manual' }, ok: true },
      { name: 'manual segment claims an import id', stored: {}, patch: { source: 'import-1' }, ok: false },
    ])('$name -> $ok', async ({ stored, patch, ok }) => {
      await seed(`users/${OWNER}/segments/s1`, { ...segmentDoc(), ...stored });
      const write = updateDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/segments/s1`), {
        updatedAt: serverTimestamp(),
        ...patch,
      });
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('profile updates by the owner', () => {
    test.each([
      { name: 'display name', patch: { displayName: 'Al' }, ok: true },
      { name: 'nationalities', patch: { nationalities: ['US', 'IE'] }, ok: true },
      { name: 'notifications off, no quiet hours', patch: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, enabled: false, quietHours: null } }, ok: true },
      { name: 'invalid nationality', patch: { nationalities: ['USA'] }, ok: false },
      { name: 'threshold above 90', patch: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, thresholds: [120] } }, ok: false },
      { name: 'email (backend-only)', patch: { email: 'x@example.com' }, ok: false },
      { name: 'nextAlertAt (backend-only)', patch: { nextAlertAt: serverTimestamp() }, ok: false },
      { name: 'createdAt (backend-only)', patch: { createdAt: serverTimestamp() }, ok: false },
      { name: 'unknown field', patch: { admin: true }, ok: false },
    ])('$name -> $ok', async ({ patch, ok }) => {
      await seed(`users/${OWNER}`, profileDoc());
      const write = updateDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}`), patch);
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('profile created by the app (fallback to beforeUserCreated)', () => {
    test.each(PROFILE_CREATE_CASES)('$name ($who) -> $ok', async ({ who, patch, ok }) => {
      const write = setDoc(doc(db(contextOf(who)), `users/${OWNER}`), appProfile(patch));
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });

    test('without an email claim in the token only a null e-mail passes', async () => {
      const f = db(env.authenticatedContext(OWNER));
      await assertFails(setDoc(doc(f, `users/${OWNER}`), appProfile({})));
      await assertSucceeds(setDoc(doc(f, `users/${OWNER}`), appProfile({ email: null })));
    });

    test('a second create by the app is an update and is denied (createdAt and email are fixed)', async () => {
      await seed(`users/${OWNER}`, profileDoc());
      await assertFails(setDoc(doc(db(contextOf('owner')), `users/${OWNER}`), appProfile({})));
    });
  });

    describe('device validation (owner create)', () => {
    test.each([
      { name: 'valid', data: {}, ok: true },
      { name: 'android platform', data: { platform: 'android' }, ok: false },
      { name: 'empty token', data: { fcmToken: '' }, ok: false },
      { name: 'lastSeenAt from the device clock', data: { lastSeenAt: past }, ok: false },
      { name: 'extra field', data: { model: 'iPhone' }, ok: false },
    ])('$name -> $ok', async ({ data, ok }) => {
      const write = setDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/devices/d9`), { ...newDevice(), ...data });
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });
});
