/**
 * Cold start (issue 10 item 5): loading the deployed functions must not load airport-data-js (about 400 ms and
 * 140 MB); only an import does. Every instance of every function loads the whole entry point, so the check is on
 * functions/src/index.ts. The package is replaced by a stub that counts how often it is loaded. Load times and
 * memory per function are measured by `npm run bench`, not here.
 */
const mockAirportData = { loads: 0 };
jest.mock('airport-data-js', () => {
  mockAirportData.loads++;
  return { findAirports: async () => [] };
});

describe('cold start', () => {
  const saved = { FIREBASE_CONFIG: process.env.FIREBASE_CONFIG, GCLOUD_PROJECT: process.env.GCLOUD_PROJECT };
  beforeAll(() => {
    // The Storage trigger needs a default bucket at definition time, as in a deployed project.
    process.env.FIREBASE_CONFIG = JSON.stringify({ projectId: 'demo-cold-start', storageBucket: 'demo-cold-start.appspot.com' });
    process.env.GCLOUD_PROJECT = 'demo-cold-start';
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test('loading every deployed function does not load the airport table', () => {
    let exported: string[] = [];
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside isolateModules is synchronous
      exported = Object.keys(require('../../functions/src/index') as object);
    });
    expect(exported).toEqual(expect.arrayContaining(['onSegmentWritten', 'onProfileWritten', 'onImportUploaded', 'planTrip', 'recomputeDaily']));
    expect(mockAirportData.loads).toBe(0);
  });

  test('an import loads it (so the check above would see a module that did)', async () => {
    await jest.isolateModulesAsync(async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load inside isolateModules
      const { loadAirports } = require('@travel-time-tracker/import/airports') as typeof import('@travel-time-tracker/import/airports');
      await loadAirports();
    });
    expect(mockAirportData.loads).toBe(1);
  });
});
