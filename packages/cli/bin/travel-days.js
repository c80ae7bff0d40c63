#!/usr/bin/env node
// Thin launcher: the command lives in packages/cli/src/report.ts, compiled by `npm run build` (run by `npm install`).
'use strict';
let cli;
try {
  cli = require('../functions/lib/cli/report.js');
} catch (e) {
  process.stderr.write('travel-days: the project is not built; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
