/**
 * Deletion is final for the app's own writes, on Google's Firestore emulator with firestore.rules: the account is
 * deleted by the `deleteAccount` callable's work (`deleteAccountData`: the marker `deletedUsers/{uid}`, the sweep of
 * `users/{uid}`, the Auth user, the sweep again; Admin SDK, as deployed), and the owner's client, whose ID token stays
 * valid up to an hour after its Auth user is deleted, writes every client-writable collection under `users/{uid}`
 * (a device registering its FCM token, a segment, the profile's fallback create) right before each step of the
 * deletion or after it returned: the interleavings are set by hooks on the deletion's repository and Auth (no sleeps).
 * Afterwards nothing is left under `users/{uid}` (every subcollection listed with the Admin SDK). No trigger runs
 * here: what keeps these writes out is the rules alone.
 *
 * Registered by firestore.rules.test.ts on its environment, not a file of its own: each rules upload restarts the
 * emulator's coverage report, which the coverage gate reads once for the whole rules suite.
 */
import * as crypto from 'node:crypto';
import { assertSucceeds, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { doc, serverTimestamp, setDoc, writeBatch, type Firestore } from 'firebase/firestore';
import { FirestoreRepository } from '../../functions/src/repository/firestore';
import { SeededFirestoreRepository } from '../helpers/firestoreSeed';
import { deleteAccountData, newProfile, type DeleteAccountDeps } from '../../functions/src/services/account';
import { SERVER_TIME, newDevice, newSegment, profileCreateData, withPatch } from './accessMatrix';

const PROJECT_ID = 'demo-travel-time-tracker';

function adminDb() {
  const app: App = getApps().find((a) => a.name === 'rules-deletion') ?? initializeApp({ projectId: PROJECT_ID }, 'rules-deletion');
  return getFirestore(app);
}

const resolve = (t: symbol) => (t === SERVER_TIME ? serverTimestamp() : new Date('2025-01-01T00:00:00Z'));

/**
 * The app's writes, one per client-writable collection under `users/{uid}`: a device registering its FCM token, a
 * segment, and the profile's fallback create (the app creates its profile when it finds none).
 */
function appWrites(f: Firestore, uid: string, email: string): Record<string, () => Promise<void>> {
  return {
    device: () => setDoc(doc(f, `users/${uid}/devices/late-phone`), withPatch(newDevice(), { fcmToken: 'late-token' }, resolve)),
    segment: () => setDoc(doc(f, `users/${uid}/segments/late`), withPatch(newSegment(), {}, resolve)),
    profile: () => setDoc(doc(f, `users/${uid}`), profileCreateData({ email }, resolve)),
  };
}

/** Every document left under `users/{uid}`: `profile` and `collection: n` per non-empty subcollection. */
async function leftUnder(uid: string): Promise<string> {
  const user = adminDb().doc(`users/${uid}`);
  const parts: string[] = [];
  if ((await user.get()).exists) parts.push('profile');
  for (const col of await user.listCollections()) {
    const n = (await col.listDocuments()).length;
    if (n > 0) parts.push(`${col.id}: ${n}`);
  }
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/** A user as the app leaves it: the profile, a segment and a registered device (Admin SDK). */
async function arrangeUser(uid: string, email: string): Promise<void> {
  const repo = new SeededFirestoreRepository(adminDb());
  await repo.createProfileIfAbsent(uid, newProfile({ uid, email }, new Date()));
  await adminDb()
    .doc(`users/${uid}/segments/s0`)
    .set(withPatch(newSegment(), {}, () => new Date()));
  await repo.putDevice(uid, 'phone', { fcmToken: 'token', platform: 'ios', appVersion: '1.0.0', lastSeenAt: new Date() });
}

/** The steps of `deleteAccountData`, in order; the app writes right before one of them, or after the last. */
const STEPS = ['write the marker', 'sweep users/{uid}', 'delete the Auth user', 'sweep users/{uid} again'] as const;

/** A FirestoreRepository that runs `before(step)` right before each deletion step it performs. */
class SteppedRepository extends FirestoreRepository {
  private sweeps = 0;
  constructor(private readonly before: (step: (typeof STEPS)[number]) => Promise<void>) {
    super(adminDb());
  }
  override async markAccountDeleted(uid: string, at: Date): Promise<void> {
    await this.before('write the marker');
    return super.markAccountDeleted(uid, at);
  }
  override async deleteUserData(uid: string): Promise<void> {
    this.sweeps += 1;
    await this.before(this.sweeps === 1 ? 'sweep users/{uid}' : 'sweep users/{uid} again');
    return super.deleteUserData(uid);
  }
}

function deletionDeps(before: (step: (typeof STEPS)[number]) => Promise<void>): DeleteAccountDeps {
  return {
    repo: new SteppedRepository(before),
    // The import files: none here (Storage has no emulator on these machines).
    storage: { read: () => (async function* () {})(), deletePrefix: () => Promise.resolve(0) },
    auth: { deleteUser: () => before('delete the Auth user') },
  };
}

/**
 * Where the app's writes land: right before each step of the deletion, or after it returned. Before the marker the
 * account is live: the device and the segment are written (the profile exists, so its create is refused whatever
 * the marker) and the sweeps must erase them; from the marker on, every write must be refused.
 */
const POINTS = [...STEPS.map((step) => ({ name: `right before the deletion's step "${step}"`, step })), { name: 'after deleteAccount returned', step: null }];

export function describeDeletionIsFinal(env: () => RulesTestEnvironment): void {
  describe('deleteAccount is final for the app: a still-valid ID token writes nothing back under users/{uid}', () => {
    const fresh = () => {
      const uid = `deleted-${crypto.randomUUID()}`;
      const email = `${uid}@example.com`;
      return { uid, email, f: env().authenticatedContext(uid, { email }).firestore() as unknown as Firestore };
    };

    test.each(POINTS)('the app writes a device, a segment and its profile $name', async ({ step }) => {
      const { uid, email, f } = fresh();
      await arrangeUser(uid, email);
      const live = step === 'write the marker';
      const refused: string[] = [];
      const landed: string[] = [];
      const appWritesNow = async () => {
        for (const [what, write] of Object.entries(appWrites(f, uid, email))) {
          await write().then(
            () => landed.push(what),
            () => refused.push(what),
          );
        }
      };
      await deleteAccountData(
        deletionDeps((s) => (s === step ? appWritesNow() : Promise.resolve())),
        uid,
      );
      if (step === null) await appWritesNow();
      expect({ landed, refused }).toEqual(
        live ? { landed: ['device', 'segment'], refused: ['profile'] } : { landed: [], refused: ['device', 'segment', 'profile'] },
      );
      expect(await leftUnder(uid)).toBe('nothing');
    });

    // A request may make 10 document accesses (20 in a batch); accesses of one document count once per request
    // (measured on the emulator: 21 distinct documents read by a batch are refused, one document 30 times is not).
    test('the marker check is one document access per request: a batch of 30 writes of a live account passes', async () => {
      const { uid, f } = fresh();
      const batch = writeBatch(f);
      for (let k = 0; k < 15; k++) {
        batch.set(doc(f, `users/${uid}/segments/batch-${k}`), withPatch(newSegment(), {}, resolve));
        batch.set(doc(f, `users/${uid}/devices/batch-${k}`), withPatch(newDevice(), { fcmToken: `token-${k}` }, resolve));
      }
      await assertSucceeds(batch.commit());
    });
  });
}
