/**
 * scripts/lib/emulators.js decides whether `npm test` / `npm start` can run the Java emulators. Checked here with a
 * fake `java` on PATH and a fake jar cache, so that "skipped because Java 17" cannot silently become "ran".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type Status = { canRun: boolean; problems: string[]; howToFix: string[] };

function statusWith(javaVersionLine: string | null, jars: string[]): Status {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emu-'));
  const binDir = path.join(dir, 'bin');
  const cache = path.join(dir, 'cache');
  fs.mkdirSync(binDir);
  fs.mkdirSync(cache);
  if (javaVersionLine !== null) {
    fs.writeFileSync(path.join(binDir, 'java'), `#!/bin/sh\necho '${javaVersionLine}' >&2\n`, { mode: 0o755 });
  }
  for (const j of jars) fs.writeFileSync(path.join(cache, j), '');
  const saved = { PATH: process.env.PATH, FIREBASE_EMULATORS_PATH: process.env.FIREBASE_EMULATORS_PATH };
  process.env.PATH = javaVersionLine === null ? binDir : `${binDir}${path.delimiter}/usr/bin${path.delimiter}/bin`;
  process.env.FIREBASE_EMULATORS_PATH = cache;
  try {
    let status: Status | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      status = (require('../../scripts/lib/emulators.js') as { javaEmulatorsStatus(): Status }).javaEmulatorsStatus();
    });
    return status as Status;
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.FIREBASE_EMULATORS_PATH === undefined) delete process.env.FIREBASE_EMULATORS_PATH;
    else process.env.FIREBASE_EMULATORS_PATH = saved.FIREBASE_EMULATORS_PATH;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const JARS = ['cloud-firestore-emulator-v1.22.0.jar', 'cloud-storage-rules-runtime-v1.1.3.jar'];

describe('Java emulator detection', () => {
  test.each([
    { name: 'Java 21 and both jars', java: 'openjdk version "21.0.2" 2024-01-16', jars: JARS, canRun: true, problem: null },
    { name: 'Java 25 and both jars', java: 'openjdk version "25" 2025-09-16', jars: JARS, canRun: true, problem: null },
    { name: 'Java 17', java: 'openjdk version "17.0.15" 2025-04-15', jars: JARS, canRun: false, problem: /Java 17 found, .* need Java 21\+/ },
    { name: 'Java 8 (1.8)', java: 'java version "1.8.0_392"', jars: JARS, canRun: false, problem: /Java 8 found/ },
    { name: 'no Java', java: null, jars: JARS, canRun: false, problem: /no Java runtime on PATH/ },
    { name: 'no Firestore jar', java: 'openjdk version "21.0.2"', jars: [JARS[1]!], canRun: false, problem: /firestore emulator jar/ },
    { name: 'no Storage jar', java: 'openjdk version "21.0.2"', jars: [JARS[0]!], canRun: false, problem: /storage emulator jar/ },
  ])('$name -> canRun $canRun', ({ java, jars, canRun, problem }) => {
    const s = statusWith(java, jars);
    expect(s.canRun).toBe(canRun);
    if (problem) {
      expect(s.problems.join('\n')).toMatch(problem);
      expect(s.howToFix.length).toBeGreaterThan(0);
    } else expect(s.problems).toEqual([]);
  });
});
