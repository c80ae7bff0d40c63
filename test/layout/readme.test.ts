/**
 * The README's "Repository layout" section is the map a newcomer walks: one line per tracked folder, in a
 * tree indented two spaces per level. This fails when a folder is added, moved or removed without its line (or a line
 * names a folder that no longer exists). Subfolders of test/fixtures are data, covered by its line.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './sources';

/** The folders of the layout block: indentation gives the parent; each line starts with `name/`. */
function readmeFolders(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Repository layout\n'));
  const block = /\n```\n([\s\S]*?)\n```\n/.exec(section)![1]!;
  const stack: string[] = [];
  return block.split('\n').map((line) => {
    const m = /^( *)(\S+\/)\s/.exec(line);
    if (!m) throw new Error(`layout line without a folder: ${line}`);
    const depth = m[1]!.length / 2;
    if (!Number.isInteger(depth) || depth > stack.length) throw new Error(`layout line indented wrongly: ${line}`);
    stack.length = depth;
    stack.push(m[2]!.replace(/\/$/, ''));
    return stack.join('/');
  });
}

/** Every folder that holds a tracked file, with its parents; test/fixtures counted once. */
function trackedFolders(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const folders = new Set<string>();
  for (const f of files) {
    for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) {
      if (!d.startsWith('test/fixtures/')) folders.add(d);
    }
  }
  return [...folders];
}

test('the layout section has one line per tracked folder and none for a folder that does not exist', () => {
  const listed = readmeFolders();
  const tracked = trackedFolders();
  expect(listed.filter((f, i) => listed.indexOf(f) !== i)).toEqual([]);
  expect({ missingFromReadme: tracked.filter((f) => !listed.includes(f)).sort(), notInTheTree: listed.filter((f) => !tracked.includes(f)) }).toEqual({
    missingFromReadme: [],
    notInTheTree: [],
  });
});
