#!/usr/bin/env node
/**
 * Copies the reference data (seed/*.json) into functions/seed/ so the deployed functions can read it
 * (core/referenceData.ts looks in functions/seed first, then in ../seed inside the repository).
 * Run by firebase.json's functions predeploy; the copy is gitignored.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const from = path.resolve(__dirname, '..', 'packages', 'core', 'seed');
const to = path.resolve(__dirname, '..', 'functions', 'seed');
const files = fs.readdirSync(from).filter((f) => f.endsWith('.json'));
if (files.length === 0) {
  console.error(`copy-seed: no .json files in ${from}`);
  process.exit(1);
}
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });
for (const f of files) fs.copyFileSync(path.join(from, f), path.join(to, f));
console.log(`copy-seed: copied ${files.join(', ')} to ${path.relative(process.cwd(), to) || to}`);
