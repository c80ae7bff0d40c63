/**
 * The benchmark's compiled code. `build()` bundles, with the configuration of the deployed bundle
 * (scripts/build.js): the measured TypeScript entry points of tools/bench, and each deployed function's module on its
 * own for the cold-start table (an instance loads the whole entry point; each module alone shows its share).
 * Output in node_modules/.cache (inside the repository, so the external npm packages resolve), rebuilt every run.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { benchBuildOptions, build: esbuild, functionsBuildOptions, ROOT } = require('../../scripts/build.js');

const BUILT_DIR = path.join(ROOT, 'node_modules', '.cache', 'travel-time-tracker', 'bench');
const COLD_DIR = path.join(BUILT_DIR, 'coldstart');

/** The deployed functions and their modules, from the entry point's re-exports (functions/src/index.ts). */
function deployedFunctions() {
  const src = fs.readFileSync(path.join(ROOT, 'functions', 'src', 'index.ts'), 'utf8');
  return [...src.matchAll(/^export \{ (\w+) \} from '\.\/([\w/]+)';$/gm)].map((m) => ({ name: m[1], module: m[2] }));
}

/** Bundles everything the benchmark loads; call once before the measurements. */
async function build() {
  const here = (f) => path.join(__dirname, f);
  await esbuild(
    benchBuildOptions(
      { engine: here('engine.ts'), functions: here('functions.ts'), reads: here('reads.ts'), alerts: here('alertsBench.ts'), daily: here('dailyMemory.ts') },
      path.join(BUILT_DIR, 'tools'),
    ),
  );
  const modules = [...deployedFunctions().map((f) => f.module), 'index'];
  const src = path.join(ROOT, 'functions', 'src');
  await esbuild({
    ...functionsBuildOptions(),
    entryPoints: Object.fromEntries(modules.map((m) => [m, path.join(src, `${m}.ts`)])),
    outfile: undefined,
    outdir: COLD_DIR,
  });
}

/** A bundled tools/bench entry point: `engine`, `functions`, `reads`, `alerts` or `daily`. */
const load = (name) => require(path.join(BUILT_DIR, 'tools', `${name}.js`));

module.exports = { build, load, deployedFunctions, COLD_DIR };
