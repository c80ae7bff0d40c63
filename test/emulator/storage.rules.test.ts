/**
 * storage.rules on the Storage emulator: principal (unauthenticated, owner, other user) x operation (get, list,
 * create, update = overwrite, delete) on `users/{uid}/imports/{importId}.csv`, then upload validation (name, size,
 * content type) and paths outside the import folder. Runs under `npm run test:emulators`; skipped by name otherwise.
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
  deleteObject,
  getBytes,
  getMetadata,
  listAll,
  ref,
  updateMetadata,
  uploadBytes,
  type FirebaseStorage,
} from 'firebase/storage';
import { describeWithStorageEmulator } from '../helpers/emulator';

const PROJECT_ID = 'demo-travel-time-tracker';
const ROOT = path.resolve(__dirname, '../..');
const OWNER = 'alice';
const OTHER = 'bob';
const MiB = 1024 * 1024;
const CSV = new TextEncoder().encode('Date,From,To\n2025-04-10,JFK,CDG\n');
type Principal = 'unauthenticated' | 'owner' | 'other';
type Op = 'get' | 'list' | 'create' | 'update' | 'delete';

const OWNER_MAY: Op[] = ['get', 'list', 'create'];
const ROWS = (['unauthenticated', 'owner', 'other'] as Principal[]).flatMap((who) =>
  (['get', 'list', 'create', 'update', 'delete'] as Op[]).map((op) => ({ who, op, allowed: who === 'owner' && OWNER_MAY.includes(op) })),
);

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
  const contextOf = (who: Principal) =>
    who === 'unauthenticated' ? env.unauthenticatedContext() : env.authenticatedContext(who === 'owner' ? OWNER : OTHER);

  async function seed(objectPath: string): Promise<void> {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await uploadBytes(ref(storage(ctx), objectPath), CSV, { contentType: 'text/csv' });
    });
  }

  test.each(ROWS)('users/{owner}/imports: $who $op -> $allowed', async ({ who, op, allowed }) => {
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

  test.each([
    { name: '.csv text/csv', file: 'a.csv', type: 'text/csv', size: CSV.length, ok: true },
    { name: '.txt text/plain; charset=utf-8', file: 'a.txt', type: 'text/plain; charset=utf-8', size: CSV.length, ok: true },
    { name: 'application/vnd.ms-excel', file: 'a.csv', type: 'application/vnd.ms-excel', size: CSV.length, ok: true },
    { name: 'exactly 10 MiB', file: 'a.csv', type: 'text/csv', size: 10 * MiB, ok: true },
    { name: '10 MiB + 1 byte', file: 'a.csv', type: 'text/csv', size: 10 * MiB + 1, ok: false },
    { name: 'empty file', file: 'a.csv', type: 'text/csv', size: 0, ok: false },
    { name: 'octet-stream', file: 'a.csv', type: 'application/octet-stream', size: CSV.length, ok: false },
    { name: 'image', file: 'a.csv', type: 'image/png', size: CSV.length, ok: false },
    { name: 'other extension', file: 'a.xlsx', type: 'text/csv', size: CSV.length, ok: false },
    { name: 'id with a space', file: 'a b.csv', type: 'text/csv', size: CSV.length, ok: false },
  ])('owner upload: $name -> $ok', async ({ file, type, size, ok }) => {
    const bytes = new Uint8Array(size).fill(65);
    const upload = uploadBytes(ref(storage(env.authenticatedContext(OWNER)), `users/${OWNER}/imports/${file}`), bytes, { contentType: type });
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
