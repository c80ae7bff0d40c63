/**
 * scripts/lib/emulators.js: the one emulator locator behind `npm test` and `npm start`. Checked with fake `java`
 * binaries and a fake firebase-tools cache, so that "no Java 21" or "no emulator" can never silently become "ran";
 * the launcher jar it writes for firebase-tools is run with a real Java where one is installed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type Java = { bin: string; version: number; where: string };
interface Locator {
  javaMajorVersion(bin?: string): number | null;
  findJava(min: number, candidates: Java[]): Java | null;
  locate(): { firestore: { jar: string; source: string; java: Java } | null; java21: Java | null; problems: string[] };
  firestoreLauncherJar(f: { jar: string; source: string }): string;
  freePorts(n: number): Promise<number[]>;
  javaCandidates(): Java[];
}

/** The locator loaded afresh with the given environment (it reads FIREBASE_EMULATORS_PATH at load). */
function withEnv<T>(env: Record<string, string | undefined>, fn: (l: Locator) => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    saved[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  try {
    let out: T | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      out = fn(require('../../scripts/lib/emulators.js') as Locator);
    });
    return out as T;
  } finally {
    for (const k of Object.keys(saved)) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'locator-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fakeJava(name: string, versionLine: string): string {
  const bin = path.join(tmp, name, 'bin', 'java');
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.writeFileSync(bin, `#!/bin/sh\necho '${versionLine}' >&2\n`, { mode: 0o755 });
  return bin;
}

describe('emulator locator', () => {
  test.each([
    { line: 'openjdk version "17.0.15" 2025-04-15', version: 17 },
    { line: 'openjdk version "21.0.2" 2024-01-16', version: 21 },
    { line: 'openjdk version "25" 2025-09-16', version: 25 },
    { line: 'java version "1.8.0_392"', version: 8 },
    { line: 'something else', version: null },
  ])('javaMajorVersion reads "$line" as $version', ({ line, version }) => {
    const bin = fakeJava(`v-${String(version)}-${line.length}`, line);
    expect(withEnv({}, (l) => l.javaMajorVersion(bin))).toBe(version);
  });

  const j = (version: number, where: string): Java => ({ bin: `/jvm/${version}/${where}/java`, version, where });
  test.each([
    { name: 'PATH first when new enough', c: [j(21, 'PATH'), j(25, 'system JVM folder')], min: 21, want: j(21, 'PATH') },
    { name: 'JAVA_HOME before the system folders', c: [j(17, 'PATH'), j(21, 'JAVA_HOME'), j(25, 'system JVM folder')], min: 21, want: j(21, 'JAVA_HOME') },
    {
      name: 'newest system Java when PATH is too old',
      c: [j(17, 'PATH'), j(21, 'system JVM folder'), j(25, 'system JVM folder')],
      min: 21,
      want: j(25, 'system JVM folder'),
    },
    { name: 'Java 17 on PATH runs the Cloud SDK emulator', c: [j(17, 'PATH'), j(25, 'system JVM folder')], min: 17, want: j(17, 'PATH') },
    { name: 'none new enough', c: [j(11, 'PATH'), j(17, 'system JVM folder')], min: 21, want: null },
    { name: 'no Java at all', c: [], min: 17, want: null },
  ])('findJava: $name', ({ c, min, want }) => {
    expect(withEnv({}, (l) => l.findJava(min, c))).toEqual(want);
  });

  test('a firebase-tools download is preferred and needs Java 21+', () => {
    const cache = path.join(tmp, 'cache');
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(path.join(cache, 'cloud-firestore-emulator-v1.22.0.jar'), '');
    const found = withEnv({ FIREBASE_EMULATORS_PATH: cache, FIRESTORE_EMULATOR_HOST: undefined }, (l) => {
      const candidates = l.javaCandidates();
      return { found: l.locate(), has21: candidates.some((c) => c.version >= 21) };
    });
    if (found.has21) {
      expect(found.found.firestore).toMatchObject({ jar: path.join(cache, 'cloud-firestore-emulator-v1.22.0.jar'), source: 'firebase-tools cache' });
      expect(found.found.firestore!.java.version).toBeGreaterThanOrEqual(21);
    } else {
      expect(found.found.firestore).toBeNull();
      expect(found.found.problems.join('\n')).toMatch(/needs Java 21\+/);
    }
  });

  test('free ports are distinct and bindable', async () => {
    const ports = await withEnv({}, (l) => l.freePorts(5));
    expect(new Set(ports).size).toBe(5);
    for (const p of ports) expect(p).toBeGreaterThan(0);
  });

  // The launcher jar is what firebase-tools runs with `java -jar`; only a real Java can say it works.
  const sdkJar = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';
  const javaBin = withEnv({}, (l) => l.javaCandidates()[0]?.bin);
  const canRunJar = fs.existsSync(sdkJar) && Boolean(javaBin);
  (canRunJar ? test : test.skip)(
    `the launcher jar starts the Cloud SDK emulator's main class${canRunJar ? '' : ' (skipped: no Cloud SDK Firestore emulator or no Java here)'}`,
    () => {
      const launcher = withEnv({}, (l) => l.firestoreLauncherJar({ jar: sdkJar, source: 'Cloud SDK' }));
      const r = spawnSync(javaBin!, ['-jar', launcher, '--help'], { encoding: 'utf8', timeout: 60_000 });
      expect(`${r.stdout}${r.stderr}`).toMatch(/Usage: cloud-firestore-emulator/);
    },
  );
});
