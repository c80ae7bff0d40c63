/**
 * End to end, as the iOS app uses the backend: the client SDK (`firebase` package, the web twin of the Swift SDK)
 * against the Auth, Functions and Firestore emulators started by `firebase emulators:exec` (scripts/test.js, tier
 * "end to end"), running the functions code built from functions/src with firestore.rules enforced.
 *
 * The journey: sign up -> the blocking function creates the profile -> the app writes segments -> visaStatus appears
 * -> nationality changed to an EU one -> `applies` flips -> planTrip in the configured region -> a segment deleted ->
 * the status follows. Every wait is a snapshot listener with a generous limit, never a fixed sleep: triggers run
 * asynchronously, 0.5-3 s after the write on these machines.
 */
import { randomUUID } from 'node:crypto';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, createUserWithEmailAndPassword, getAuth, signOut, type Auth } from 'firebase/auth';
import {
  connectFirestoreEmulator,
  deleteDoc,
  doc,
  getFirestore,
  onSnapshot,
  serverTimestamp,
  setDoc,
  terminate,
  updateDoc,
  type DocumentData,
  type DocumentReference,
  type Firestore,
} from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from 'firebase/functions';
import { CONFIG_DEFAULTS } from '../../functions/src/config';

const PROJECT_ID = process.env.GCLOUD_PROJECT ?? 'demo-travel-time-tracker';
const RULE = 'schengen-90-180';
/** How long a trigger may take to show its result on a loaded 2-core machine (cold functions load included). */
const WAIT_MS = 60_000;

const hosts = {
  auth: process.env.FIREBASE_AUTH_EMULATOR_HOST,
  firestore: process.env.FIRESTORE_EMULATOR_HOST,
  hub: process.env.FIREBASE_EMULATOR_HUB,
};

/** The Functions emulator's address, asked of the emulator hub (emulators:exec does not export it). */
async function functionsHost(): Promise<{ host: string; port: number }> {
  const res = await fetch(`http://${hosts.hub}/emulators`);
  const list = (await res.json()) as Record<string, { host: string; port: number }>;
  const f = list.functions;
  if (!f) throw new Error(`the emulator hub lists no functions emulator: ${JSON.stringify(list)}`);
  return { host: f.host, port: f.port };
}

const [fsHost, fsPort] = (hosts.firestore ?? ':').split(':');

/**
 * Resolves with the first snapshot data for which `accept` is true; rejects after `WAIT_MS` with the last data
 * seen, so a failure says what the backend did write.
 */
function waitFor(ref: DocumentReference, accept: (d: DocumentData | undefined) => boolean, what: string): Promise<DocumentData> {
  return new Promise((resolve, reject) => {
    let last: DocumentData | undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`${what}: not seen within ${WAIT_MS / 1000} s at ${ref.path}; last: ${JSON.stringify(last)}`));
    }, WAIT_MS);
    const unsubscribe = onSnapshot(
      ref,
      (snap) => {
        last = snap.data();
        if (accept(last)) {
          clearTimeout(timer);
          unsubscribe();
          resolve(last as DocumentData);
        }
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** A segment as the app writes it (firestore.rules: known fields only, `source: manual`, server timestamps). */
function segment(from: string, to: string, departureDate: string, arrivalDate = departureDate): DocumentData {
  return {
    departureCountry: from,
    arrivalCountry: to,
    departureDate,
    arrivalDate,
    mode: 'flight',
    source: 'manual',
    createdAt: serverTimestamp(),
    updatedAt: serverTimestamp(),
  };
}

/** ISO date `days` days from today (UTC), the profile's time zone below. */
function daysFromToday(days: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const describeE2E = hosts.auth && hosts.firestore && hosts.hub ? describe : describe.skip;
if (!(hosts.auth && hosts.firestore && hosts.hub)) {
  console.warn('SKIPPED "the app against Auth, Functions and Firestore": not run under `firebase emulators:exec` (scripts/test.js starts it)');
}

describeE2E('the app against Auth, Functions and Firestore', () => {
  let app: FirebaseApp;
  let auth: Auth;
  let db: Firestore;
  let functions: Functions;

  beforeAll(async () => {
    app = initializeApp({ apiKey: 'demo-api-key', projectId: PROJECT_ID, authDomain: `${PROJECT_ID}.firebaseapp.com` }, `e2e-${randomUUID()}`);
    auth = getAuth(app);
    connectAuthEmulator(auth, `http://${hosts.auth}`, { disableWarnings: true });
    db = getFirestore(app);
    connectFirestoreEmulator(db, fsHost!, Number(fsPort));
    // The callables are deployed in the configured region; a client calling the default region gets `not-found`.
    functions = getFunctions(app, CONFIG_DEFAULTS.region);
    const f = await functionsHost();
    connectFunctionsEmulator(functions, f.host, f.port);
  });

  afterAll(async () => {
    await signOut(auth).catch(() => undefined);
    await terminate(db);
    await deleteApp(app);
  });

  test('sign up, segments, status, nationality, planTrip, delete', async () => {
    // 1. Sign up: the beforeUserCreated blocking function creates users/{uid} before the account exists.
    const email = `traveller-${randomUUID()}@example.com`;
    const cred = await createUserWithEmailAndPassword(auth, email, 'correct horse battery staple');
    const uid = cred.user.uid;
    const profileRef = doc(db, 'users', uid);
    const profile = await waitFor(profileRef, (d) => d !== undefined, 'profile created by the blocking function');
    expect(profile.email).toBe(email);
    expect(profile.nationalities).toEqual([]);

    // The time zone decides "today"; UTC keeps the expected numbers independent of the machine's zone.
    await updateDoc(profileRef, { timeZone: 'UTC', nationalities: ['US'] });

    // 2. Two stays in the Schengen area as the app writes them: 10 days (entry and exit days count), then 5 days.
    const stay1 = { in: daysFromToday(-40), out: daysFromToday(-31) };
    const stay2 = { in: daysFromToday(-10), out: daysFromToday(-6) };
    const segs = {
      in1: segment('US', 'FR', stay1.in),
      out1: segment('FR', 'US', stay1.out),
      in2: segment('US', 'DE', stay2.in),
      out2: segment('DE', 'US', stay2.out),
    };
    for (const [id, data] of Object.entries(segs)) await setDoc(doc(db, 'users', uid, 'segments', id), data);

    // 3. visaStatus/{rule} appears with the days used in the 180-day period ending today.
    const statusRef = doc(db, 'users', uid, 'visaStatus', RULE);
    const status = await waitFor(statusRef, (d) => d?.daysUsed === 15, 'visaStatus with 15 days used');
    expect(status).toMatchObject({ ruleId: RULE, applies: true, daysUsed: 15, daysRemaining: 75, overstayDays: 0, asOf: daysFromToday(0) });

    // 4. A French national is not bound by the short-stay rule: `applies` flips.
    await updateDoc(profileRef, { nationalities: ['US', 'FR'] });
    const exempt = await waitFor(statusRef, (d) => d?.applies === false, 'applies false after adding an EU nationality');
    // Every day on which a nationality is exempt is left out of the count, and said so.
    expect(exempt).toMatchObject({ daysUsed: 0, exemptDaysExcluded: 15 });
    await updateDoc(profileRef, { nationalities: ['US'] });
    await waitFor(statusRef, (d) => d?.applies === true, 'applies true again');

    // 5. planTrip, in the configured region: 80 more days from tomorrow would exceed 90 in 180 days.
    const plan = httpsCallable<unknown, { results: Array<{ ruleId: string; applies: boolean; complies: boolean; firstViolationDate: string | null }> }>(
      functions,
      'planTrip',
    );
    const ok = await plan({ trips: [{ country: 'IT', entryDate: daysFromToday(1), exitDate: daysFromToday(20) }] });
    expect(ok.data.results.find((r) => r.ruleId === RULE)).toMatchObject({ applies: true, complies: true, firstViolationDate: null });
    const tooLong = await plan({ trips: [{ country: 'IT', entryDate: daysFromToday(1), exitDate: daysFromToday(80) }] });
    // 15 days used + 75 allowed: the 76th day of the trip (today + 76) is the first over the limit.
    expect(tooLong.data.results.find((r) => r.ruleId === RULE)).toMatchObject({ complies: false, firstViolationDate: daysFromToday(76) });
    await expect(plan({ trips: [{ country: 'IT', entryDate: daysFromToday(5), exitDate: daysFromToday(1) }] })).rejects.toMatchObject({
      code: 'functions/invalid-argument',
    });
    // The work per call is bounded: a trip to the end of the supported calendar is refused by the request's schema
    // (naming exitDate) instead of planned, and a request with 20 000 unknown keys gets a bounded answer.
    await expect(plan({ trips: [{ country: 'IT', entryDate: daysFromToday(1), exitDate: '2199-12-31' }] })).rejects.toMatchObject({
      code: 'functions/invalid-argument',
      message: expect.stringContaining('exitDate') as unknown,
    });
    const hostile = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`key${i}`, i]));
    const refused = (await plan({ trips: [], ...hostile }).catch((e: unknown) => e)) as { code: string; message: string; details?: { omittedIssues: number } };
    expect(refused.code).toBe('functions/invalid-argument');
    expect(JSON.stringify({ message: refused.message, details: refused.details }).length).toBeLessThan(6_000);

    // 6. Deleting the second stay's entry and exit: the status follows (10 days used).
    await deleteDoc(doc(db, 'users', uid, 'segments', 'in2'));
    await deleteDoc(doc(db, 'users', uid, 'segments', 'out2'));
    const after = await waitFor(statusRef, (d) => d?.daysUsed === 10, 'visaStatus with 10 days used after the deletes');
    expect(after).toMatchObject({ daysRemaining: 80, applies: true });
  });
});
