/** Jest runs the TypeScript sources directly through ts-jest; type checking is done once by `tsc` in `npm test`. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The workspace packages by name, to their sources (as their package.json `exports` and tsconfig.base.json `paths`).
  moduleNameMapper: {
    '^@travel-time-tracker/([^/]+)/(.*)$': '<rootDir>/packages/$1/src/$2',
    '^@travel-time-tracker/([^/]+)$': '<rootDir>/packages/$1/src/index',
  },
  // A hang guard, not a timing assertion: on a loaded 2-core machine the 5 s default failed tests that were only slow.
  testTimeout: 60_000,
};
