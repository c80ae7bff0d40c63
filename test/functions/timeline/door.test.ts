/**
 * The timeline has one door: outside the repositories, only services/recompute/timelineUpdate.ts runs the
 * repository's timeline transaction (`Repository.updateTimeline`); every service goes through its `updateTimeline`,
 * which reads, repairs and retries, decides and commits. Read from the sources with TypeScript's parser (nothing is
 * loaded): a call of a method named `updateTimeline` on anything but the door's own import is a second door.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const SRC = path.resolve(__dirname, '../../../functions/src');
const DOOR = path.join('services', 'recompute', 'timelineUpdate.ts');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** `file:line` of every call `x.updateTimeline(...)` (a method call: the repository's transaction) in `text`. */
function transactionCalls(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'updateTimeline') {
      out.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('only the door runs the timeline transaction (the repositories implement it)', () => {
  const files = sourceFiles(SRC).map((f) => path.relative(SRC, f));
  const calls = files.flatMap((f) => transactionCalls(f, fs.readFileSync(path.join(SRC, f), 'utf8')));
  expect(calls.some((c) => c.startsWith(DOOR))).toBe(true);
  expect(calls.filter((c) => !c.startsWith(DOOR) && !c.startsWith(`repository${path.sep}`))).toEqual([]);
});

test('the checker finds a second door (a service calling the repository itself), not a call of the door', () => {
  const second = `await repo.updateTimeline(uid, ({ timeline }) => ({ commit: null, result: 1 }));`;
  const door = `await updateTimeline(repo, uid, { now }, (tl) => ({ commit: null, result: 1 }));`;
  expect(transactionCalls('services/profile.ts', second)).toEqual(['services/profile.ts:1']);
  expect(transactionCalls('services/profile.ts', door)).toEqual([]);
});
