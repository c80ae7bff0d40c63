/**
 * Lets plain `node` require the project's TypeScript sources (scripts/*.ts, functions/src/**) without a build:
 * each .ts file is transpiled to CommonJS with TypeScript's transpileModule (syntax only, no type check, like
 * ts-jest's isolatedModules). Type checking is `npm run typecheck`'s job. Used by scripts/seed.js and
 * scripts/start.js so they work even while an unrelated file of the project does not type-check.
 */
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const out = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2023,
        esModuleInterop: true,
        resolveJsonModule: true,
        sourceMap: false,
        inlineSourceMap: true,
      },
    });
    module._compile(out.outputText, filename);
  };
}
