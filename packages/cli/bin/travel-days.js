#!/usr/bin/env node
// Thin launcher: the command lives in packages/cli/src/report.ts, bundled into ../lib/travel-days.js by
// `npm run build` (run by `npm install`).
'use strict';
let cli;
try {
  cli = require('../lib/travel-days.js');
} catch (e) {
  if (e.code !== 'MODULE_NOT_FOUND' || !String(e.message).includes('travel-days.js')) throw e;
  process.stderr.write('travel-days: the project is not built; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
