/**
 * Production settings (functions/src/config.ts): every deployed function carries the instances and concurrency of
 * `FUNCTION_SETTINGS` (read from the endpoint the Firebase CLI deploys from), and App Check on the callables follows
 * the ENFORCE_APP_CHECK param in a real project and is off on the emulators.
 */
import { ENFORCE_APP_CHECK, FUNCTION_SETTINGS, appCheckEnforcement, requireAppCheck } from '../../functions/src/config';

// The Storage trigger needs a bucket name when it is defined (the deploy's project config).
process.env.FIREBASE_CONFIG ??= JSON.stringify({ projectId: 'demo-settings', storageBucket: 'demo-settings.appspot.com' });
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the config above, which an import would precede
const functions = require('../../functions/src/index') as typeof import('../../functions/src/index');

type Endpoint = { maxInstances?: unknown; concurrency?: unknown; cpu?: unknown };
const endpoints = Object.entries(functions).map(([name, fn]) => [name, (fn as unknown as { __endpoint: Endpoint }).__endpoint] as const);

test('every exported function has its settings, and every setting names an exported function', () => {
  expect(Object.keys(FUNCTION_SETTINGS).sort()).toEqual(Object.keys(functions).sort());
});

test.each(endpoints)('%s deploys with its maxInstances, concurrency and cpu', (name, endpoint) => {
  const want = FUNCTION_SETTINGS[name as keyof typeof FUNCTION_SETTINGS];
  expect(endpoint).toMatchObject({ maxInstances: want.maxInstances, concurrency: want.concurrency, cpu: want.cpu });
  expect(want.maxInstances).toBeGreaterThan(0);
});

describe('App Check on the callables', () => {
  const saved = { emulator: process.env.FUNCTIONS_EMULATOR, flag: process.env.ENFORCE_APP_CHECK };
  afterEach(() => {
    for (const [k, v] of [
      ['FUNCTIONS_EMULATOR', saved.emulator],
      ['ENFORCE_APP_CHECK', saved.flag],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test.each([
    // [FUNCTIONS_EMULATOR, ENFORCE_APP_CHECK, App Check token present, request refused]
    [undefined, undefined, false, true], // a real project that set nothing: enforced (the default)
    [undefined, undefined, true, false],
    [undefined, 'false', false, false], // a project that turned it off
    [undefined, 'true', false, true],
    ['true', undefined, false, false], // the emulators: never enforced
    ['true', 'true', false, false],
  ])('FUNCTIONS_EMULATOR=%s, ENFORCE_APP_CHECK=%s, token %s -> refused %s', (emulator, flag, token, refused) => {
    if (emulator === undefined) delete process.env.FUNCTIONS_EMULATOR;
    else process.env.FUNCTIONS_EMULATOR = emulator;
    if (flag === undefined) delete process.env.ENFORCE_APP_CHECK;
    else process.env.ENFORCE_APP_CHECK = flag;
    expect(requireAppCheck(token ? { appId: 'ios-app', token: {} } : undefined)).toBe(refused);
  });

  test('the callables option is the param in a real project and false on the emulators', () => {
    delete process.env.FUNCTIONS_EMULATOR;
    expect(appCheckEnforcement()).toBe(ENFORCE_APP_CHECK);
    process.env.FUNCTIONS_EMULATOR = 'true';
    expect(appCheckEnforcement()).toBe(false);
  });
});
