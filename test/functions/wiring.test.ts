/**
 * The runtime wiring (functions/src/wiring.ts): which firebase-admin client each port loads, when, and how often.
 * firebase-admin's entry points are replaced by recorders (no Google API is reached); each case loads a fresh copy
 * of the wiring, so "built once" and "loaded lazily" are per copy, as they are per function instance.
 */
type Loaded = string[];

interface Fresh {
  w: typeof import('../../functions/src/wiring');
  loaded: Loaded;
  calls: string[];
}

/** A fresh wiring module with recording firebase-admin clients. */
function freshWiring(authError?: { code: string }): Fresh {
  const loaded: Loaded = [];
  const calls: string[] = [];
  let w!: Fresh['w'];
  jest.isolateModules(() => {
    const app = { name: '[DEFAULT]' };
    jest.doMock('firebase-admin/app', () => {
      loaded.push('app');
      return { getApps: () => (calls.includes('initializeApp') ? [app] : []), initializeApp: () => (calls.push('initializeApp'), app) };
    });
    jest.doMock('firebase-admin/firestore', () => {
      loaded.push('firestore');
      return { getFirestore: () => ({ collection: () => ({}) }), FieldValue: {}, Timestamp: class {} };
    });
    jest.doMock('firebase-admin/storage', () => {
      loaded.push('storage');
      return { getStorage: () => ({ bucket: () => ({ name: 'demo.appspot.com' }) }) };
    });
    jest.doMock('firebase-admin/auth', () => {
      loaded.push('auth');
      return {
        getAuth: () => ({
          deleteUser: async (uid: string) => {
            calls.push(`deleteUser ${uid}`);
            if (authError) throw Object.assign(new Error(authError.code), authError);
          },
        }),
      };
    });
    jest.doMock('firebase-admin/messaging', () => {
      loaded.push('messaging');
      return { getMessaging: () => ({ sendEach: async () => ({ responses: [] }) }) };
    });
    jest.doMock('firebase-admin/functions', () => {
      loaded.push('functions');
      return {
        getFunctions: () => ({
          taskQueue: (name: string) => ({
            enqueue: async (_task: unknown, opts: { id: string }) => void calls.push(`enqueue ${name} ${opts.id}`),
          }),
        }),
      };
    });
    // A fresh module instance per test (jest.isolateModules), which a static import cannot give.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    w = require('../../functions/src/wiring') as Fresh['w'];
  });
  return { w, loaded, calls };
}

afterEach(() => jest.resetModules());

describe('wiring', () => {
  test('loading it, and asking for the wiring, loads no firebase-admin client', () => {
    const { w, loaded } = freshWiring();
    const wired = w.wiring();
    expect(wired.clock()).toBeInstanceOf(Date);
    expect(loaded).toEqual([]);
  });

  test.each([
    ['repo', ['app', 'firestore']],
    ['storage', ['app', 'storage']],
    ['auth', ['app', 'auth']],
    // The FCM and Cloud Tasks clients are created at the first send / enqueue, not with the port.
    ['transport', []],
    ['queue', []],
  ] as const)('reading %s loads only %j, and builds it once', (port, clients) => {
    const { w, loaded, calls } = freshWiring();
    const first = w.wiring()[port];
    expect(w.wiring()[port]).toBe(first);
    expect([...loaded].sort()).toEqual(clients);
    expect(calls.filter((c) => c === 'initializeApp').length).toBe(clients.length > 0 ? 1 : 0);
  });

  test('the task queue enqueues to the sendAlertBatch function of the configured region', async () => {
    // Deployed, the FUNCTIONS_REGION param reaches the function as this variable (config.ts).
    const saved = process.env.FUNCTIONS_REGION;
    process.env.FUNCTIONS_REGION = 'asia-northeast1';
    try {
      const { w, calls, loaded } = freshWiring();
      await w.wiring().queue.enqueue({ runAt: '2026-07-01T07:00:00.000Z', uids: ['u1'] }, 'task-1');
      expect(calls).toContain('enqueue locations/asia-northeast1/functions/sendAlertBatch task-1');
      expect([...loaded].sort()).toEqual(['app', 'functions']);
    } finally {
      if (saved === undefined) delete process.env.FUNCTIONS_REGION;
      else process.env.FUNCTIONS_REGION = saved;
    }
  });

  test.each([
    ['a user already deleted (a retried call) counts as deleted', 'auth/user-not-found', undefined],
    ['any other Auth error is thrown, so the caller retries', 'auth/internal-error', 'auth/internal-error'],
  ])('auth: %s', async (_name, code, thrown) => {
    const { w, calls } = freshWiring({ code });
    const deletion = w.wiring().auth.deleteUser('u1');
    if (thrown) await expect(deletion).rejects.toMatchObject({ code: thrown });
    else await expect(deletion).resolves.toBeUndefined();
    expect(calls).toContain('deleteUser u1');
  });

  test('setWiring replaces the ports it names, the rest stay production; setWiring() restores all', () => {
    const { w, loaded } = freshWiring();
    const at = new Date('2026-01-02T03:04:05Z');
    const sleeps: number[] = [];
    w.setWiring({ clock: () => at, sleep: async (ms) => void sleeps.push(ms) });
    expect(w.wiring().clock()).toBe(at);
    void w.wiring().sleep(250);
    expect(sleeps).toEqual([250]);
    expect(loaded).toEqual([]);
    w.setWiring();
    expect(w.wiring().clock()).not.toBe(at);
  });

  test('alertDeps: the wiring ports, the seed rules, retries through the wiring sleep, the params', () => {
    const { w } = freshWiring();
    const sleep = async () => undefined;
    const repo = {} as import('../../functions/src/repository/types').Repository;
    w.setWiring({ repo, sleep });
    const deps = w.alertDeps();
    expect(deps.repo).toBe(repo);
    expect(deps.retry).toEqual({ maxAttempts: 4, sleep });
    expect(deps.maxDevices).toBe(10);
    expect(deps.rules.map((r) => r.id)).toContain('schengen-90-180');
  });
});
