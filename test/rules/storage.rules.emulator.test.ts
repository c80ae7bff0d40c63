/**
 * storage.rules on the Storage emulator: principal (unauthenticated, owner, other user) x operation (get, list,
 * create, update = overwrite, delete) on `users/{uid}/imports/{importId}.csv`, then upload validation (name, size,
 * content type, custom metadata) and paths outside the import folder. Runs under `npm run test:emulators`; skipped by name otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestContext, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { deleteObject, getBytes, getMetadata, listAll, ref, updateMetadata, uploadBytes, type FirebaseStorage } from 'firebase/storage';
import { describeWithStorageEmulator } from '../helpers/emulator';
import { OTHER, OWNER, STORAGE_ROWS, UPLOAD_CASES, type Op, type Principal } from './accessMatrix';

const PROJECT_ID = 'demo-travel-time-tracker';
const ROOT = path.resolve(__dirname, '../..');
const CSV = new TextEncoder().encode('Date,From,To\n2025-04-10,JFK,CDG\n');

describeWithStorageEmulator('storage.rules on the emulator', () => {
  let env: RulesTestEnvironment;

  beforeAll(async () => {
    env = await initializeTestEnvironment({
      projectId: PROJECT_ID,
      storage: { rules: fs.readFileSync(path.join(ROOT, 'storage.rules'), 'utf8') },
    });
  });
  afterAll(async () => {
    await env.cleanup();
  });
  beforeEach(async () => {
    await env.clearStorage();
  });

  const storage = (ctx: RulesTestContext) => ctx.storage() as unknown as FirebaseStorage;
  const contextOf = (who: Principal) => (who === 'unauthenticated' ? env.unauthenticatedContext() : env.authenticatedContext(who === 'owner' ? OWNER : OTHER));

  async function seed(objectPath: string): Promise<void> {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await uploadBytes(ref(storage(ctx), objectPath), CSV, { contentType: 'text/csv' });
    });
  }

  test.each(STORAGE_ROWS)('users/{owner}/imports: $who $op -> $allowed', async ({ who, op, allowed }) => {
    const existing = `users/${OWNER}/imports/import-1.csv`;
    if (op !== 'create') await seed(existing);
    const s = storage(contextOf(who));
    const attempts: Record<Op, () => Promise<unknown>> = {
      get: () => getBytes(ref(s, existing)),
      list: () => listAll(ref(s, `users/${OWNER}/imports`)),
      create: () => uploadBytes(ref(s, `users/${OWNER}/imports/import-2.csv`), CSV, { contentType: 'text/csv' }),
      update: () => uploadBytes(ref(s, existing), CSV, { contentType: 'text/csv' }),
      delete: () => deleteObject(ref(s, existing)),
    };
    const attempt = attempts[op];
    if (allowed) await assertSucceeds(attempt());
    else await assertFails(attempt());
  });

  test('the owner cannot change the metadata of an uploaded file', async () => {
    const p = `users/${OWNER}/imports/import-1.csv`;
    await seed(p);
    const s = storage(env.authenticatedContext(OWNER));
    await assertSucceeds(getMetadata(ref(s, p)));
    await assertFails(updateMetadata(ref(s, p), { contentType: 'text/plain' }));
  });

  // The expectations are the shared table in test/rules/accessMatrix.ts (also run offline in matrix.test.ts).
  test.each(UPLOAD_CASES)('owner upload: $name -> $ok', async ({ file, contentType, size, customMetadata, ok }) => {
    const bytes = new Uint8Array(size).fill(65);
    const metadata = customMetadata ? { contentType, customMetadata } : { contentType };
    const upload = uploadBytes(ref(storage(env.authenticatedContext(OWNER)), `users/${OWNER}/imports/${file}`), bytes, metadata);
    if (ok) await assertSucceeds(upload);
    else await assertFails(upload);
  });

  test.each([`users/${OWNER}/avatar.png`, `users/${OWNER}/imports/nested/a.csv`, 'public/a.csv', `imports/${OWNER}/a.csv`])(
    'nothing else is writable, even by the signed-in user: %s',
    async (p) => {
      await assertFails(uploadBytes(ref(storage(env.authenticatedContext(OWNER)), p), CSV, { contentType: 'text/csv' }));
    },
  );
});
