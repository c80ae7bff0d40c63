/**
 * firestore.rules on Google's Firestore emulator (@firebase/rules-unit-testing): for every collection of the data
 * model, the matrix principal (unauthenticated, owner, other user) x operation (get, list, create, update, delete),
 * paths outside the data model, collection group queries, then the field-validation tables of
 * test/rules/accessMatrix.ts. Each row asserts success or failure. `npm test` runs it against the emulator it starts
 * and then reads the emulator's rules coverage report (scripts/test.js: every expression must have been evaluated);
 * skipped by name when no emulator is running. The property test of rulesProperty.ts, registered at the end of
 * this suite on the same environment, compares the rules with the zod schemas on generated documents.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestContext, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import {
  Timestamp,
  collection,
  collectionGroup,
  deleteDoc,
  deleteField,
  doc,
  getDoc,
  getDocs,
  serverTimestamp,
  setDoc,
  setLogLevel,
  updateDoc,
  type DocumentData,
  type Firestore,
} from 'firebase/firestore';
import { DEFAULT_NOTIFICATION_SETTINGS, SegmentIdSchema } from '../../functions/src/model/documents';
import { describeWithFirestoreEmulator } from '../helpers/emulator';
import { describeDeletionIsFinal } from './deletionFinal';
import { describeRulesProperties } from './rulesProperty';
import {
  ACCESS,
  AFTER_DELETION_ROWS,
  COLLECTION_GROUPS,
  DEVICE_CREATE_CASES,
  EMAIL,
  MATRIX_ROWS,
  OTHER,
  OWNER,
  PROFILE_CREATE_CASES,
  PROFILE_UPDATE_CASES,
  SEGMENT_CREATE_CASES,
  SEGMENT_ID_CASES,
  SEGMENT_UPDATE_CASES,
  SERVER_TIME,
  DEVICE_TIME,
  newDevice,
  newSegment,
  profileCreateData,
  storedProfile,
  storedSegment,
  withPatch,
  type Op,
  type Principal,
} from './accessMatrix';

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
const appProfile = (patch: Record<string, unknown>): DocumentData => profileCreateData(patch, (t) => (t === SERVER_TIME ? serverTimestamp() : past));

const segmentDoc = (): DocumentData => ({
  departureCountry: 'US',
  arrivalCountry: 'FR',
  departureDate: '2025-04-10',
  arrivalDate: '2025-04-11',
  mode: 'flight',
  source: 'manual',
  createdAt: past,
  updatedAt: past,
});

/** A shared-table document for the emulator: serverTimestamp() for SERVER_TIME, `past` for DEVICE_TIME. */
const resolve = (t: symbol) => (t === SERVER_TIME ? serverTimestamp() : past);
const appSegment = (): DocumentData => withPatch(newSegment(), {}, resolve);

const deviceDoc = (): DocumentData => ({ fcmToken: 'token', platform: 'ios', appVersion: '1.0.0', lastSeenAt: past });
const appDevice = (): DocumentData => withPatch(newDevice(), {}, resolve);

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
    createData: appSegment,
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
    createData: appDevice,
    updateData: () => ({ appVersion: '1.0.1', lastSeenAt: serverTimestamp() }),
  },
};

// The expectations (who may do what) are the shared table in test/rules/accessMatrix.ts; this file adds the data.
const missing = Object.keys(ACCESS).filter((k) => !(k in MATRIX));
if (missing.length > 0) throw new Error(`no test data for collections ${missing.join(', ')}`);

describeWithFirestoreEmulator('firestore.rules on the emulator', () => {
  let env: RulesTestEnvironment;

  // A fresh emulator process compiles the first rules upload slowly (up to 15 s measured): far beyond Jest's 5 s
  // default hook timeout when this file runs outside scripts/test.js (which sets --testTimeout=120000).
  beforeAll(async () => {
    // Half the cases are denied on purpose; the SDK would log each denial as a warning.
    setLogLevel('error');
    env = await initializeTestEnvironment({
      projectId: PROJECT_ID,
      firestore: { rules: fs.readFileSync(path.join(ROOT, 'firestore.rules'), 'utf8') },
    });
  }, 120_000);

  // The coverage report (every rule expression, how often it was evaluated and to what) is read once by
  // scripts/test.js after every rules suite has run, and written to coverage-rules/.
  afterAll(async () => {
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

  /** `who` tries `op` on the collection `name` of OWNER (an existing document seeded first, except for a create). */
  async function expectAccess(name: string, who: Principal, op: Op, allowed: boolean): Promise<void> {
    const c = MATRIX[name]!;
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
  }

  test.each(MATRIX_ROWS)('$name: $who $op -> $allowed', ({ name, who, op, allowed }) => expectAccess(name, who, op, allowed));

  // deleteAccount and the Auth deletion trigger write deletedUsers/{uid} before they erase users/{uid}; a write the
  // owner's still-valid ID token makes afterwards must not bring anything back (the race itself, with the real
  // deletion: deletionFinal.ts).
  describe('after the account was deleted (deletedUsers/{uid} exists), the owner with a still-valid ID token', () => {
    test.each(AFTER_DELETION_ROWS)('$name: owner $op -> $allowed', async ({ name, op, allowed }) => {
      await seed(`deletedUsers/${OWNER}`, { deletedAt: past });
      await expectAccess(name, 'owner', op, allowed);
    });
  });

  // Firestore denies what no `match` allows: paths outside the data model are closed even to the owner of users/{uid}.
  const UNLISTED = ['secrets/x', `users/${OWNER}/private/x`, `users/${OWNER}/segments/s1/notes/n`];
  test.each(UNLISTED.flatMap((p) => (['get', 'create'] as const).map((op) => ({ p, op }))))(
    'path outside the data model $p: owner $op -> denied',
    async ({ p, op }) => {
      await seed(p, { any: 1 });
      const f = db(contextOf('owner'));
      await assertFails(op === 'get' ? getDoc(doc(f, p)) : setDoc(doc(f, `${p}-new`), { any: 1 }));
    },
  );

  test('a query over all users is denied even to a signed-in user', async () => {
    await seed(`users/${OWNER}`, profileDoc());
    await assertFails(getDocs(collection(db(env.authenticatedContext(OWNER)), 'users')));
  });

  /** The fields of an update: placeholders resolved, `undefined` (remove the field) as deleteField(). */
  const updateFields = (patch: Record<string, unknown>): DocumentData =>
    Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v === undefined ? deleteField() : v === SERVER_TIME || v === DEVICE_TIME ? resolve(v) : v]));

  describe('segment field validation (owner create)', () => {
    test.each(SEGMENT_CREATE_CASES)('$name -> $ok', async ({ patch, ok }) => {
      const write = setDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/segments/new`), withPatch(newSegment(), patch, resolve));
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('segment ids (owner create): the rules and SegmentIdSchema agree', () => {
    test.each(SEGMENT_ID_CASES)('$name -> $ok', async ({ id, ok }) => {
      expect(SegmentIdSchema.safeParse(id).success).toBe(ok);
      const write = setDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/segments/${id}`), withPatch(newSegment(), {}, resolve));
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('segment updates', () => {
    test.each(SEGMENT_UPDATE_CASES)('$name -> $ok', async ({ stored, patch, ok }) => {
      await seed(`users/${OWNER}/segments/s1`, withPatch(storedSegment(), stored, resolve));
      const write = updateDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/segments/s1`), updateFields({ updatedAt: SERVER_TIME, ...patch }));
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('profile updates by the owner', () => {
    test.each(PROFILE_UPDATE_CASES)('$name -> $ok', async ({ stored, patch, ok }) => {
      await seed(`users/${OWNER}`, withPatch(storedProfile(), stored, resolve));
      const write = updateDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}`), updateFields(patch));
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  describe('collection group queries span every user and are denied', () => {
    const rows = COLLECTION_GROUPS.flatMap((group) => (['owner', 'other'] as Principal[]).map((who) => ({ group, who })));
    test.each(rows)("collectionGroup('$group') by $who -> denied", async ({ group, who }) => {
      await seed(`users/${OWNER}/${group}/x`, { any: 1 });
      await assertFails(getDocs(collectionGroup(db(contextOf(who)), group)));
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
    test.each(DEVICE_CREATE_CASES)('$name -> $ok', async ({ patch, ok }) => {
      const write = setDoc(doc(db(env.authenticatedContext(OWNER)), `users/${OWNER}/devices/d9`), withPatch(newDevice(), patch, resolve));
      if (ok) await assertSucceeds(write);
      else await assertFails(write);
    });
  });

  // In this suite, not files of their own: each rules upload restarts the emulator's coverage report, so the one
  // upload above lets the coverage gate (scripts/test.js) see the tables, the property and the deletion together.
  describeRulesProperties(() => env);
  describeDeletionIsFinal(() => env);
});
