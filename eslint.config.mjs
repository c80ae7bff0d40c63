/**
 * ESLint (flat config): `npm run lint`, and the lint tier of `npm test` (scripts/test.js), over functions/src, the
 * workspace packages, tools, test and scripts. TypeScript gets typescript-eslint's type-checked recommended rules (one program: the root
 * tsconfig.json, which includes all three); the CommonJS scripts get ESLint's recommended rules with Node's globals.
 * Formatting is Prettier's (prettier.config.mjs), not ESLint's: no stylistic rules here.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'functions/lib/', 'packages/*/lib/', 'coverage/', 'coverage-rules/', 'test/fixtures/'] },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Off: async methods without `await` are how the fakes and in-memory adapters (MemoryRepository, LocalDirStorage,
      // the recording transport and queue, injected sleeps) implement Promise-returning ports. `async` turns a throw
      // into a rejected promise, as the real adapters behave; dropping it would change what callers see.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a binding kept on purpose: a field left out by destructuring
      // (`const { computedAt: _c, ...rest } = doc`), or a parameter a signature requires.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests: the `any` rules are off. Tests build deliberately malformed documents out of parsed JSON (any by design:
    // `at('uk-srt-183', rules).kind = 'days-per-decade'`), read the CLI's JSON output, and use Jest's asymmetric
    // matchers (`expect.any`, `expect.objectContaining`) and firebase-functions-test's `wrap()`, which their type
    // definitions declare as returning `any`. Typing each would add casts, not safety. functions/src and scripts keep
    // the rules.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Production code logs through functions/src/log.ts only (structured events with ids, never a traveller's data);
    // the core and the import pipeline are inlined into the deployed bundle, so they may not print either.
    files: ['functions/src/**/*.ts', 'packages/core/src/**/*.ts', 'packages/import/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
);
