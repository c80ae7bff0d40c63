/**
 * The repository contract against FirestoreRepository on the Firestore emulator. Needs FIRESTORE_EMULATOR_HOST
 * (`npm run test:emulators`); otherwise reported as skipped by name.
 */
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { describeWithFirestoreEmulator, firestoreEmulatorHost } from '../../helpers/emulator';
import { SeededFirestoreRepository } from '../../helpers/firestoreSeed';
import { repositoryContract } from './repositoryContract';

const PROJECT_ID = process.env.GCLOUD_PROJECT ?? 'demo-travel-time-tracker';

/** Empties the emulator's database (emulator REST endpoint; never reaches a real project). */
async function clearFirestoreEmulator(): Promise<void> {
  const url = `http://${firestoreEmulatorHost}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`;
  const res = await fetch(url, { method: 'DELETE' });
  if (!res.ok) throw new Error(`clearing the Firestore emulator failed: HTTP ${res.status} ${await res.text()}`);
}

describeWithFirestoreEmulator('Repository contract: FirestoreRepository (emulator)', () => {
  let app: App;
  let db: Firestore;
  beforeAll(() => {
    app = initializeApp({ projectId: PROJECT_ID }, 'contract-tests');
    db = getFirestore(app);
  });
  afterAll(async () => {
    await deleteApp(app);
  });
  jest.setTimeout(60_000);

  repositoryContract(
    async () => {
      await clearFirestoreEmulator();
      return new SeededFirestoreRepository(db);
    },
    { bulk: 1201 },
  );
});
