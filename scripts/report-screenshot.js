#!/usr/bin/env node
/** Entry point of `npm run docs:report-screenshot` (see scripts/report-screenshot.ts). Runs the TypeScript directly. */
'use strict';
require('./lib/register-ts');
const { main } = require('./report-screenshot.ts');

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`docs:report-screenshot: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
