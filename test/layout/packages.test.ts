/**
 * The workspace packages keep their boundaries: the core's only dependency is zod, so nothing of Firebase,
 * Node.js or another package can be imported into it (outside its folder it reads only the reference data, the
 * repository's top-level seed/*.json); every package imports only what its package.json declares and
 * declares nothing it does not import. These are the rules the folder names promise a newcomer.
 */
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT, importsOf, packageJson, packageOf, resolveRelative, tsFiles } from './sources';

const NODE_BUILTIN = /^node:/;

/** The one place outside its folder a package may import from: the core's reference data, top-level seed/*.json. */
const REFERENCE_DATA = /^seed\/[^/]+\.json$/;

/**
 * What is wrong with `file` importing `spec` in the package at `dir`, or undefined when the import is allowed.
 * `reads`: files outside `dir` (repository-relative) the package may import.
 */
function importProblem(file: string, spec: string, dir: string, declared: ReadonlySet<string>, nodeBuiltins: boolean, reads?: RegExp): string | undefined {
  if (spec.startsWith('.')) {
    const target = resolveRelative(file, spec);
    return target && (target.startsWith(`${dir}/`) || reads?.test(target)) ? undefined : `${file}: ${spec} (outside ${dir})`;
  }
  if (NODE_BUILTIN.test(spec)) return nodeBuiltins ? undefined : `${file}: ${spec} (no Node.js built-ins in ${dir})`;
  return declared.has(packageOf(spec)!) ? undefined : `${file}: ${spec} (not in ${dir}/package.json dependencies)`;
}

/** Each workspace package: may it use Node.js built-ins (`node:` imports)? What may it read outside its folder? */
const PACKAGES: { dir: string; nodeBuiltins: boolean; reads?: RegExp }[] = [
  { dir: 'packages/core', nodeBuiltins: false, reads: REFERENCE_DATA },
  { dir: 'packages/import', nodeBuiltins: true },
  { dir: 'packages/cli', nodeBuiltins: true },
];

describe('the core package', () => {
  test('declares exactly one dependency, zod, and no other kind of dependency', () => {
    const pkg = packageJson('packages/core');
    expect(pkg.name).toBe('@travel-time-tracker/core');
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['zod']);
    expect(pkg.devDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
    expect(pkg.optionalDependencies ?? {}).toEqual({});
  });

  // The rule the source check below applies to the core, on examples (so that an empty list of problems means something).
  test.each([
    ['zod', true],
    ['./dates', true],
    ['../../../seed/countries.json', true],
    ['../../../seed/README.md', false],
    ['../seed/countries.json', false],
    ['firebase-admin/app', false],
    ['firebase-functions/v2/https', false],
    ['node:fs', false],
    ['@travel-time-tracker/import', false],
    ['../../../functions/src/config', false],
    ['csv-parse', false],
  ])('the core may import %s: %s', (spec, allowed) => {
    const problem = importProblem('packages/core/src/evaluate.ts', spec, 'packages/core', new Set(['zod']), false, REFERENCE_DATA);
    expect(problem === undefined).toBe(allowed);
  });

  /**
   * The core alone, with packages/core/tsconfig.json: no Node.js types and no `paths` to other packages. Probe files
   * compiled in the same program show that a Node.js built-in, a Node.js global or a workspace import fails there, so
   * an empty result for the real sources means something. (A Firebase import would resolve from node_modules and
   * bring Node's types with it: the source check above is what keeps those out.)
   */
  test('compiles alone without Node.js types; Node.js and other packages do not compile in it', () => {
    const configPath = path.join(ROOT, 'packages/core/tsconfig.json');
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    )!;
    const probes: Record<string, string> = {
      nodeBuiltin: "import * as fs from 'node:fs';\nexport const read = fs.readFileSync;\n",
      nodeGlobal: 'export const home = process.env.HOME;\n',
      otherPackage: "import { importFlights } from '@travel-time-tracker/import';\nexport const f = importFlights;\n",
    };
    const probePath = (name: string) => path.join(ROOT, 'packages/core/src', `__probe_${name}__.ts`);
    const virtual = new Map(Object.entries(probes).map(([name, text]) => [probePath(name), text]));
    const host = ts.createCompilerHost(parsed.options);
    // The host's own methods, bound, for every file that is not a probe.
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.fileExists = (f) => virtual.has(f) || fileExists(f);
    host.readFile = (f) => virtual.get(f) ?? readFile(f);
    host.getSourceFile = (f, lang, ...rest) => (virtual.has(f) ? ts.createSourceFile(f, virtual.get(f)!, lang) : getSourceFile(f, lang, ...rest));
    const program = ts.createProgram({ rootNames: [...parsed.fileNames, ...virtual.keys()], options: parsed.options, host });
    const errorsOf = (file: string) => {
      const sf = program.getSourceFile(file)!;
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '));
    };
    expect(parsed.fileNames.length).toBeGreaterThan(10);
    const real = parsed.fileNames.flatMap((f) => errorsOf(f).map((e) => `${path.relative(ROOT, f)}: ${e}`));
    expect(real).toEqual([]);
    expect(program.getGlobalDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.messageText, ' '))).toEqual([]);
    for (const name of Object.keys(probes)) expect({ name, errors: errorsOf(probePath(name)).length > 0 }).toEqual({ name, errors: true });
  });
});

describe.each(PACKAGES)('$dir', ({ dir, nodeBuiltins, reads }) => {
  const pkg = packageJson(dir);
  const declared = new Set(Object.keys(pkg.dependencies ?? {}));
  const files = tsFiles(`${dir}/src`);

  test('every import is relative inside the package, a declared dependency or an allowed built-in', () => {
    const wrong = files
      .flatMap((file) => importsOf(file).map((spec) => importProblem(file, spec, dir, declared, nodeBuiltins, reads)))
      .filter((x) => x !== undefined);
    expect(files.length).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });

  test('declares no dependency it does not import', () => {
    const used = new Set(files.flatMap((f) => importsOf(f).map(packageOf)).filter((x) => x !== undefined));
    expect([...declared].filter((d) => !used.has(d))).toEqual([]);
  });
});
