#!/usr/bin/env node
/**
 * `npm run build` (also run by `npm install` through `prepare`, by `npm start`, by the end-to-end tier of `npm test`
 * and by firebase.json's functions predeploy): bundles with esbuild.
 *
 * - functions: functions/src/index.ts -> functions/lib/index.js, one CommonJS file. The workspace packages it uses
 *   (packages/core, packages/import) are inlined, because Cloud Build only uploads functions/ and installs its
 *   package.json from the npm registry, where the workspace packages do not exist (firebase-tools#653). Every npm
 *   package stays external and must be listed in functions/package.json `dependencies`: the build fails naming the
 *   importer otherwise. functions/lib is emptied first, so it holds nothing but what production loads.
 * - cli: packages/cli/src/report.ts -> packages/cli/lib/travel-days.js, loaded by packages/cli/bin/travel-days.js
 *   (`npx travel-days report ...`); npm packages stay external (the repository's node_modules).
 *
 * Usage: node scripts/build.js [functions] [cli]   (no argument: both). Exported for tests and the benchmark:
 * `functionsBuildOptions()` is the exact configuration the deployed bundle is built with.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const ROOT = path.resolve(__dirname, '..');
const SCOPE = '@travel-time-tracker/';

const readJson = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));

/** `csv-parse/sync` -> `csv-parse`; `@scope/name/x` -> `@scope/name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * An esbuild plugin that keeps npm packages external, but only those in `allowed` (name -> why allowed): a bare
 * import of anything else fails the build with the importer's path. Workspace packages resolve normally (inlined).
 */
function externalsPlugin(label, allowed) {
  const builtins = new Set(builtinModules);
  return {
    name: 'declared-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || builtins.has(args.path) || builtins.has(packageName(args.path))) {
          return { path: args.path, external: true };
        }
        if (args.path.startsWith(SCOPE)) return undefined;
        const name = packageName(args.path);
        if (allowed.has(name)) return { path: args.path, external: true };
        return {
          errors: [{ text: `${label}: ${path.relative(ROOT, args.importer)} imports ${args.path}, which is not a dependency of ${allowed.source}` }],
        };
      });
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  // Error classes and functions keep their names (`err.name`, logs) although bundling renames colliding identifiers.
  keepNames: true,
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: ROOT,
};

/** The esbuild options of the deployed bundle (functions/lib/index.js). */
function functionsBuildOptions() {
  const deps = new Set(Object.keys(readJson('functions/package.json').dependencies ?? {}));
  deps.source = 'functions/package.json';
  return {
    ...common,
    entryPoints: [path.join(ROOT, 'functions', 'src', 'index.ts')],
    outfile: path.join(ROOT, 'functions', 'lib', 'index.js'),
    tsconfig: path.join(ROOT, 'functions', 'tsconfig.json'),
    plugins: [externalsPlugin('functions', deps)],
  };
}

/** The esbuild options of the travel-days CLI (packages/cli/lib/travel-days.js). */
function cliBuildOptions() {
  // The CLI runs inside the repository: its npm packages and those of the workspace packages it inlines.
  const deps = new Set();
  const visit = (dir) => {
    for (const name of Object.keys(readJson(`${dir}/package.json`).dependencies ?? {})) {
      if (name.startsWith(SCOPE)) visit(`packages/${name.slice(SCOPE.length)}`);
      else deps.add(name);
    }
  };
  visit('packages/cli');
  deps.source = 'packages/cli/package.json (or a workspace package it depends on)';
  return {
    ...common,
    entryPoints: [path.join(ROOT, 'packages', 'cli', 'src', 'report.ts')],
    outfile: path.join(ROOT, 'packages', 'cli', 'lib', 'travel-days.js'),
    tsconfig: path.join(ROOT, 'packages', 'cli', 'tsconfig.json'),
    plugins: [externalsPlugin('cli', deps)],
  };
}

/**
 * The esbuild options of the benchmark's bundles (tools/bench): its TypeScript entry points built like the deployed
 * bundle (same target, same inlining of the workspace packages), every npm package external. `entryPoints` as
 * esbuild takes them ({ outName: sourcePath }); output in `outdir`, which must be inside the repository so that the
 * external packages resolve from its node_modules.
 */
function benchBuildOptions(entryPoints, outdir) {
  const any = { has: () => true, source: 'any package' };
  return { ...common, entryPoints, outdir, tsconfig: path.join(ROOT, 'tsconfig.json'), plugins: [externalsPlugin('bench', any)] };
}

/** Builds one target after emptying its output folder; returns esbuild's result (with the metafile). */
async function build(options) {
  const esbuild = require('esbuild');
  fs.rmSync(options.outdir ?? path.dirname(options.outfile), { recursive: true, force: true });
  return esbuild.build(options);
}

/** One line per target: output size, inputs per top-level folder, external packages. */
function describe(label, options, result) {
  const out = result.metafile.outputs[path.relative(ROOT, options.outfile)];
  const byFolder = new Map();
  for (const input of Object.keys(out.inputs)) {
    const folder = input
      .split('/')
      .slice(0, input.startsWith('packages/') ? 2 : 1)
      .join('/');
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  const externals = [...new Set(out.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => packageName(i.path)))].sort();
  const folders = [...byFolder].map(([f, n]) => `${f} ${n}`).join(', ');
  return `build ${label}: ${path.relative(ROOT, options.outfile)} ${(out.bytes / 1024).toFixed(0)} KiB from ${folders}; external: ${externals.join(', ')}`;
}

const TARGETS = { functions: functionsBuildOptions, cli: cliBuildOptions };

async function main(argv) {
  const names = argv.length ? argv : Object.keys(TARGETS);
  for (const name of names) {
    if (!TARGETS[name]) {
      console.error(`build: unknown target ${name} (known: ${Object.keys(TARGETS).join(', ')})`);
      return 2;
    }
    const options = TARGETS[name]();
    try {
      const result = await build(options);
      console.log(describe(name, options, result));
    } catch {
      // esbuild has printed the errors (logLevel warning).
      console.error(`build ${name}: FAILED`);
      return 1;
    }
  }
  return 0;
}

module.exports = { functionsBuildOptions, cliBuildOptions, benchBuildOptions, build, packageName, ROOT };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
