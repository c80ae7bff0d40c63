/**
 * The README is the front door: short enough to read (the rest lives in docs/, by reader), and its two commands are
 * the ones CI runs. `.ci/run` runs exactly the README's set-up and test commands, so the `sh` block of "Set up and
 * test" and the npm commands of `.ci/run` are compared here: changing one without the other fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './sources';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The commands of the first `sh` block of the README's "Set up and test" section. */
function readmeCommands(): string[] {
  const section = readme.slice(readme.indexOf('\n## Set up and test\n'));
  const block = /\n```sh\n([\s\S]*?)\n```\n/.exec(section);
  if (!block) throw new Error('no sh block under "## Set up and test"');
  return block[1]!.split('\n').map((l) => l.trim());
}

/** The npm commands `.ci/run` runs, in order (its other lines install the optional Chromium). */
function ciCommands(): string[] {
  const script = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
  return script
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^npm\s/.test(l));
}

test('the README is under 300 lines', () => {
  expect(readme.split('\n').length).toBeLessThan(300);
});

test("the README's set-up and test commands are the ones .ci/run runs", () => {
  expect(readmeCommands()).toEqual(['npm install', 'npm test']);
  expect(ciCommands()).toEqual(readmeCommands());
});
