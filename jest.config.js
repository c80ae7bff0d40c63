/**
 * Jest runs the TypeScript sources directly through ts-jest; type checking is done once by `tsc` in `npm test`.
 * Three projects, one per tier, selected by file name alone (`npm test` runs them with `--selectProjects`):
 * - `offline`: every `*.test.ts` that is neither of the two below;
 * - `emulator`: `*.emulator.test.ts`, against Google's Firestore emulator that `npm test` starts;
 * - `e2e`: `*.e2e.test.ts`, under `firebase emulators:exec` with the Auth, Functions and Firestore emulators.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // A hang guard, not a timing assertion: on a loaded 2-core machine the 5 s default failed tests that were only slow.
  testTimeout: 60_000,
  // The workspace packages by name, to their sources (as their package.json `exports` and tsconfig.base.json `paths`).
  moduleNameMapper: {
    '^@travel-time-tracker/([^/]+)/(.*)$': '<rootDir>/packages/$1/src/$2',
    '^@travel-time-tracker/([^/]+)$': '<rootDir>/packages/$1/src/index',
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'offline',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.emulator\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
    },
    { ...shared, displayName: 'emulator', testMatch: ['**/*.emulator.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['**/*.e2e.test.ts'] },
  ],
};
