/**
 * Every exported function of the core shows how it is called, date-fns style: an `@example` block in its docstring,
 * a few lines of code whose `//=>` comments give the result. This test keeps the examples there and keeps them true:
 * it runs each example against the real core, and a line `expression //=> expected` (or `const x = expression //=>
 * expected`) fails the test unless the expression's value deep-equals the expected JavaScript value. `//=> throws
 * Name` expects the expression to throw an error named `Name`; a line that is only `//=> expected` gives the result of
 * the line before it. Examples may use any export of any core module by its name, without an import; a `//=>` line
 * holds one whole statement, and no line starts with `[` or `(` (examples have no semicolons, as in date-fns).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual, inspect } from 'node:util';
import * as ts from 'typescript';
import { ROOT, tsFiles } from './sources';

const CORE = 'packages/core/src';

/** One exported function and the `@example` blocks of its docstring (their code, comment stars removed). */
interface ExportedFunction {
  file: string;
  name: string;
  examples: string[];
}

/** The text of the last `/** ... *\/` comment before `node`, stars removed, or '' when there is none. */
function docComment(text: string, node: ts.Node): string {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => text.startsWith('/**', r.pos)).pop();
  if (!doc) return '';
  return text
    .slice(doc.pos + 3, doc.end - 2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n');
}

/** The `@example` blocks of a docstring: from the tag to the next line that starts a tag, code fences removed. */
function exampleBlocks(doc: string): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of doc.split('\n')) {
    const tag = /^@(\w+)\s?(.*)$/.exec(line);
    if (tag) {
      if (current) blocks.push(current.join('\n'));
      current = tag[1] === 'example' ? (tag[2] ? [tag[2]] : []) : undefined;
    } else if (current && !/^```/.test(line)) current.push(line);
  }
  if (current) blocks.push(current.join('\n'));
  return blocks;
}

/** Exported function declarations and exported `const f = (...) => ...` of a file. */
function exportedFunctions(file: string): ExportedFunction[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ExportedFunction[] = [];
  for (const statement of source.statements) {
    if (!ts.canHaveModifiers(statement) || !ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const examples = exampleBlocks(docComment(text, statement));
    if (ts.isFunctionDeclaration(statement) && statement.name) out.push({ file, name: statement.name.text, examples });
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const init = d.initializer;
        if (init && ts.isIdentifier(d.name) && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) out.push({ file, name: d.name.text, examples });
      }
    }
  }
  // An overloaded function is one function: its examples are those of all its declarations.
  const byName = new Map<string, ExportedFunction>();
  for (const f of out) {
    const seen = byName.get(f.name);
    if (seen) seen.examples.push(...f.examples);
    else byName.set(f.name, f);
  }
  return [...byName.values()];
}

const FUNCTIONS = tsFiles(CORE).flatMap(exportedFunctions);

let loaded: Map<string, unknown> | undefined;

/** Every export of every core module, by name (examples use them without an import); loaded once. */
function coreScope(): Map<string, unknown> {
  if (loaded) return loaded;
  const scope = new Map<string, unknown>();
  for (const file of tsFiles(CORE)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- every module of a folder, found at run time
    const mod = require(path.join(ROOT, file)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (scope.has(name) && scope.get(name) !== value) throw new Error(`two core modules export ${name}`);
      scope.set(name, value);
    }
  }
  loaded = scope;
  return scope;
}

const RESULT_LINE = /^(\s*)(?:(?:const|let)\s+(\w+)\s*=\s*)?(.*?);?\s*\/\/=>\s*(.*?)\s*$/;

/**
 * The example as a function body: each `//=>` line becomes a call of `check(actual thunk, expected thunk, line)`,
 * the rest is kept as written; TypeScript syntax is stripped. A line that is only `//=> expected` gives the result of
 * the line before it (date-fns writes a long result so).
 */
function checkedCode(example: string): string {
  const joined = example.split('\n');
  for (let i = 1; i < joined.length; i++) {
    if (/^\s*\/\/=>/.test(joined[i]!)) {
      joined[i - 1] = `${joined[i - 1]} ${joined[i]!.trim()}`;
      joined[i] = '';
    }
  }
  const lines = joined.map((line, i) => {
    const m = RESULT_LINE.exec(line);
    if (!m) return line;
    const [, indent, name, expression, expected] = m;
    const expect = /^throws\s+(\w+)$/.exec(expected!);
    const expectedThunk = expect ? `{ throws: ${JSON.stringify(expect[1])} }` : `() => (${expected})`;
    if (!name) return `${indent}__check(() => (${expression}), ${expectedThunk}, ${i + 1});`;
    return `${indent}const ${name} = ${expression}; __check(() => ${name}, ${expectedThunk}, ${i + 1});`;
  });
  return ts.transpileModule(lines.join('\n'), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** What is wrong with one `//=>` line, or undefined when it holds. */
function checkLine(actual: () => unknown, expected: (() => unknown) | { throws: string }): string | undefined {
  if (typeof expected === 'object') {
    try {
      const value = actual();
      return `expected a throw of ${expected.throws}, got ${inspect(value, { depth: 5 })}`;
    } catch (e) {
      const name = (e as Error).name;
      return name === expected.throws ? undefined : `expected a throw of ${expected.throws}, got ${name}: ${(e as Error).message}`;
    }
  }
  const value = actual();
  const want = expected();
  return isDeepStrictEqual(value, want) ? undefined : `got ${inspect(value, { depth: 5 })}, expected ${inspect(want, { depth: 5 })}`;
}

/** The problems of running one example: a failing `//=>` line or an example that throws. */
function runExample(example: string, scope: Map<string, unknown>): string[] {
  const problems: string[] = [];
  let checked = 0;
  const check = (actual: () => unknown, expected: (() => unknown) | { throws: string }, line: number): void => {
    checked++;
    const problem = checkLine(actual, expected);
    if (problem) problems.push(`line ${line} \`${example.split('\n')[line - 1]!.trim()}\`: ${problem}`);
  };
  try {
    // In a block of its own, so that the example may declare a name the core exports (`const days = ...`). The
    // Function constructor, not node:vm: the values stay in this realm, so deep equality compares prototypes truly.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- running the docstrings' own examples is the point
    new Function('__check', ...scope.keys(), `{\n${checkedCode(example)}\n}`)(check, ...scope.values());
  } catch (e) {
    const hint = e instanceof SyntaxError ? ' (a `//=>` line must hold one whole statement)' : '';
    problems.push(`the example throws: ${(e as Error).message}${hint}`);
  }
  if (checked === 0 && problems.length === 0) problems.push('no `//=>` line: the example shows no result');
  // Examples are written without semicolons, as date-fns writes them: a statement that starts with `[` or `(` would
  // continue the one before it when the example is pasted into a file.
  example.split('\n').forEach((line, i) => {
    if (/^[[(`]/.test(line)) problems.push(`line ${i + 1} \`${line}\`: starts with ${line[0]}, which continues the statement before it`);
  });
  return problems;
}

describe('@example on the core exported functions', () => {
  test('finds the exported functions (so that an empty list of problems means something)', () => {
    const names = FUNCTIONS.map((f) => f.name);
    expect(names.length).toBeGreaterThan(90);
    expect(names).toEqual(expect.arrayContaining(['addDays', 'daysBetween', 'evaluateRule']));
  });

  test('every exported function of the core has an @example that names it', () => {
    const missing = FUNCTIONS.filter((f) => !f.examples.some((e) => new RegExp(`\\b${f.name}\\b`).test(e))).map((f) => `${f.file}: ${f.name}`);
    expect(missing).toEqual([]);
  });

  const withExamples = FUNCTIONS.filter((f) => f.examples.length > 0);
  test.each(withExamples.map((f) => [`${f.file} ${f.name}`, f] as const))('the examples of %s are true', (_, f) => {
    expect(f.examples.flatMap((e) => runExample(e, coreScope()))).toEqual([]);
  });
});

// The checker itself, on examples that must fail (so that a passing example means something).
describe('the example checker', () => {
  const scope = new Map<string, unknown>([
    ['double', (n: number) => n * 2],
    [
      'fail',
      () => {
        throw new RangeError('no');
      },
    ],
  ]);
  test.each([
    ['double(2) //=> 4', 0],
    ['const x = double(2) //=> 4\nx //=> 4', 0],
    ['double(2) //=> 5', 1],
    ["double(2) //=> '4'", 1],
    ['const n: number = 3\ndouble(n) //=> 6', 0],
    ['fail() //=> throws RangeError', 0],
    ['fail() //=> throws TypeError', 1],
    ['double(1) //=> throws RangeError', 1],
    ['fail()', 1],
    ['double(1)', 1],
    ['double(\n  2,\n) //=> 4', 1],
    ['double(2)\n//=> 4', 0],
    ['double(2)\n//=> 5', 1],
    ['const n = 2\n[n, double(n)] //=> [2, 4]', 1],
  ])('%j has %d problem(s)', (example, problems) => {
    expect(runExample(example, scope)).toHaveLength(problems);
  });
});
