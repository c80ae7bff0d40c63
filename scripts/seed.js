#!/usr/bin/env node
/** Entry point of `npm run seed` (see scripts/seed.ts for options). Runs the TypeScript directly, no build needed. */
'use strict';
require('./lib/register-ts');
const { main } = require('./seed.ts');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`seed: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
