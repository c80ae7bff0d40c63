#!/usr/bin/env node
/**
 * Entry point of `npm run schemas` (write schemas/) and of the freshness check `node scripts/schemas.js --check`
 * that `npm test` runs (see scripts/schemas.ts). Runs the TypeScript sources directly, no build needed, so the
 * check always reads the zod schemas as they are in functions/src, never a stale functions/lib.
 */
'use strict';
require('./lib/register-ts');
const { main } = require('./schemas.ts');

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`schemas: ${e && e.stack ? e.stack : e}`);
  process.exitCode = 1;
}
