/**
 * Deletion is final for the app's own writes, on Google's Firestore emulator with firestore.rules: the account is
 * deleted by the `deleteAccount` callable's work (`deleteAccountData`: the marker `deletedUsers/{uid}`, the sweep of
 * `users/{uid}`, the Auth user, the sweep again; Admin SDK, as deployed), and the owner's client, whose ID token stays
 * valid up to an hour after its Auth user is deleted, writes every client-writable collection under `users/{uid}`
 * (a device registering its FCM token, a segment, the profile's fallback create) after or while it runs. Afterwards
 * nothing is left under `users/{uid}` (every subcollection listed with the Admin SDK). No trigger runs here: what
 * keeps these writes out is the rules alone.
 *
 * Registered by firestore.rules.test.ts on its environment, not a file of its own: each rules upload restarts the
 * emulator's coverage report, which the coverage gate reads once for the whole rules suite.
 */
import * as crypto from 'node:crypto';
import { assertFails, assertSucceeds, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { getApps, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore } from 'firebase-admin/firestore';
import { doc, serverTimestamp, setDoc, writeBatch, type Firestore } from 'firebase/firestore';
import { FirestoreRepository } from '../../functions/src/repository/firestore';
import { deleteAccountData, newProfile, type DeleteAccountDeps } from '../../functions/src/services/account';
import { SERVER_TIME, newDevice, newSegment, profileCreateData, withPatch } from '../rules/accessMatrix';

const PROJECT_ID = 'demo-travel-time-tracker';

function adminDb() {
  const app: App = getApps().find((a) => a.name === 'rules-deletion') ?? initializeApp({ projectId: PROJECT_ID }, 'rules-deletion');
  return getFirestore(app);
}

const resolve = (t: symbol) => (t === SERVER_TIME ? serverTimestamp() : new Date('2025-01-01T00:00:00Z'));

/** The app's writes of round `k`, one per client-writable collection under `users/{uid}`. */
function appWrites(f: Firestore, uid: string, email: string, k: number): Record<string, () => Promise<void>> {
  return {
    device: () => setDoc(doc(f, `users/${uid}/devices/phone-${k}`), withPatch(newDevice(), { fcmToken: `token-${k}` }, resolve)),
    segment: () => setDoc(doc(f, `users/${uid}/segments/late-${k}`), withPatch(newSegment(), {}, resolve)),
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
  const repo = new FirestoreRepository(adminDb());
  await repo.createProfileIfAbsent(uid, newProfile({ uid, email }, new Date()));
  await adminDb()
    .doc(`users/${uid}/segments/s0`)
    .set(withPatch(newSegment(), {}, () => new Date()));
  await repo.putDevice(uid, 'phone', { fcmToken: 'token', platform: 'ios', appVersion: '1.0.0', lastSeenAt: new Date() });
}

function deletionDeps(): DeleteAccountDeps {
  return {
    repo: new FirestoreRepository(adminDb()),
    // The import files: none here (Storage has no emulator on these machines).
    storage: { read: () => (async function* () {})(), deletePrefix: () => Promise.resolve(0) },
    auth: { deleteUser: () => Promise.resolve() },
  };
}

export function describeDeletionIsFinal(env: () => RulesTestEnvironment): void {
  describe('deleteAccount is final for the app: a still-valid ID token writes nothing back under users/{uid}', () => {
    const fresh = () => {
      const uid = `deleted-${crypto.randomUUID()}`;
      const email = `${uid}@example.com`;
      return { uid, email, f: env().authenticatedContext(uid, { email }).firestore() as unknown as Firestore };
    };

    test('each write after deleteAccount returned is refused, whatever the collection', async () => {
      const { uid, email, f } = fresh();
      await arrangeUser(uid, email);
      await deleteAccountData(deletionDeps(), uid);
      for (const [what, write] of Object.entries(appWrites(f, uid, email, 0))) {
        await assertFails(write()).catch((e: unknown) => {
          throw new Error(`the ${what} write after the deletion was let through (${String(e)})`);
        });
      }
      expect(await leftUnder(uid)).toBe('nothing');
    });

    test('the app writing on while deleteAccount runs, and three rounds after it returned, leaves nothing', async () => {
      const { uid, email, f } = fresh();
      await arrangeUser(uid, email);
      let done = false;
      const deletion = deleteAccountData(deletionDeps(), uid).finally(() => {
        done = true;
      });
      // Each round's writes run together; a write let through before the marker is the sweeps' to erase, one after
      // it must be refused. Their outcomes are not asserted: which ones land depends on the interleaving.
      let after = 0;
      for (let k = 0; after < 3; k++) {
        if (done) after += 1;
        await Promise.allSettled(Object.values(appWrites(f, uid, email, k)).map((w) => w()));
      }
      await deletion;
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
