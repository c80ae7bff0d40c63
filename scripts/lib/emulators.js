/**
 * The one emulator locator, shared by `npm test` (scripts/test.js) and `npm start` (scripts/start.js).
 *
 * Finds, in this order, a Firestore emulator to test against:
 *  1. one already running (`FIRESTORE_EMULATOR_HOST`), used as it is;
 *  2. the jar firebase-tools downloads into ~/.cache/firebase/emulators (`cloud-firestore-emulator-v*.jar`);
 *  3. the one Google's Cloud SDK installs (Debian package `google-cloud-cli-firestore-emulator`, or
 *     `gcloud components install cloud-firestore-emulator`): `<sdk root>/platform/cloud-firestore-emulator/`.
 * and a Java runtime for it: any Java 17+ runs the Cloud SDK jar; firebase-tools itself (`emulators:exec`, which the
 * end-to-end tier and `npm start` use for Auth + Functions + Firestore together) refuses Java before 21, so a Java 21+
 * is looked for on PATH, in JAVA_HOME and in the system JVM folders (/usr/lib/jvm, macOS JavaVirtualMachines,
 * Homebrew).
 *
 * firebase-tools starts the Firestore emulator with `java -jar <FIRESTORE_EMULATOR_BINARY_PATH>`, and chmods that
 * file; the Cloud SDK jar has no Main-Class and is a system file, so firebase-tools is pointed at a launcher jar made
 * here (a manifest only: Main-Class plus a Class-Path to the Cloud SDK jar) in a cache folder of our own. Nothing
 * outside that folder is written.
 *
 * Ports are chosen free by asking the OS, never assumed (another process may hold 8080).
 */
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { pathToFileURL } = require('node:url');
const zlib = require('node:zlib');

/** firebase-tools refuses to start its emulators under an older Java (MIN_SUPPORTED_JAVA_MAJOR_VERSION). */
const MIN_JAVA_FIREBASE_TOOLS = 21;
/** The Cloud SDK's Firestore emulator (1.19.x) runs on Java 17. */
const MIN_JAVA_FIRESTORE = 17;
const PROJECT_ID = 'demo-travel-time-tracker';
const FIRESTORE_MAIN_CLASS = 'com.google.cloud.datastore.emulator.firestore.CloudFirestore';
const CACHE_DIR = process.env.FIREBASE_EMULATORS_PATH || path.join(os.homedir(), '.cache', 'firebase', 'emulators');
/** Where the launcher jar is written: a folder of this project's, outside the repository's tracked files. */
const OWN_CACHE = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'travel-time-tracker-emulators');

/** Major version printed by `<javaBin> -version`, or null when it does not run. */
function javaMajorVersion(javaBin = 'java') {
  // env passed explicitly so that a caller's changes to process.env (tests) apply to the lookup of `java`.
  const r = spawnSync(javaBin, ['-version'], { encoding: 'utf8', env: process.env });
  if (r.error || r.status !== 0) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major; // "1.8.0" is Java 8
}

function listDir(dir) {
  try {
    return fs.readdirSync(dir).map((e) => path.join(dir, e));
  } catch {
    return [];
  }
}

/** Every Java runtime this machine has that we know where to look for, with its major version. */
function javaCandidates() {
  const seen = new Set();
  const out = [];
  const add = (bin, where) => {
    if (!bin || seen.has(bin)) return;
    seen.add(bin);
    if (bin !== 'java' && !fs.existsSync(bin)) return;
    const version = javaMajorVersion(bin);
    if (version !== null) out.push({ bin, version, where });
  };
  add('java', 'PATH');
  if (process.env.JAVA_HOME) add(path.join(process.env.JAVA_HOME, 'bin', 'java'), 'JAVA_HOME');
  const systemDirs = [
    ...listDir('/usr/lib/jvm').map((d) => path.join(d, 'bin', 'java')),
    ...listDir('/Library/Java/JavaVirtualMachines').map((d) => path.join(d, 'Contents', 'Home', 'bin', 'java')),
    ...listDir('/opt/homebrew/opt')
      .filter((d) => /openjdk/.test(d))
      .map((d) => path.join(d, 'bin', 'java')),
    ...listDir('/usr/local/opt')
      .filter((d) => /openjdk/.test(d))
      .map((d) => path.join(d, 'bin', 'java')),
  ];
  for (const bin of systemDirs) add(bin, 'system JVM folder');
  return out;
}

/** The first Java of at least `min` (PATH first, then JAVA_HOME, then the newest in the system folders), or null. */
function findJava(min, candidates = javaCandidates()) {
  const ok = candidates.filter((c) => c.version >= min);
  const preferred = ok.find((c) => c.where !== 'system JVM folder');
  if (preferred) return preferred;
  return ok.sort((a, b) => b.version - a.version)[0] || null;
}

/** Root folders of a Cloud SDK install: the usual places, then whatever `gcloud info` says. */
function cloudSdkRoots() {
  const roots = [
    process.env.CLOUDSDK_ROOT_DIR,
    '/usr/lib/google-cloud-sdk',
    '/usr/share/google-cloud-sdk',
    '/opt/google-cloud-sdk',
    path.join(os.homedir(), 'google-cloud-sdk'),
    '/opt/homebrew/share/google-cloud-sdk',
    '/usr/local/share/google-cloud-sdk',
  ].filter(Boolean);
  if (!roots.some((r) => fs.existsSync(path.join(r, 'platform', 'cloud-firestore-emulator')))) {
    const r = spawnSync('gcloud', ['info', '--format=value(installation.sdk_root)'], { encoding: 'utf8', timeout: 20_000 });
    if (!r.error && r.status === 0 && r.stdout.trim()) roots.push(r.stdout.trim());
  }
  return roots;
}

/** The Firestore emulator jar to run, or null: firebase-tools' download first (newer), then the Cloud SDK's. */
function findFirestoreJar() {
  const cached = listDir(CACHE_DIR)
    .filter((f) => /cloud-firestore-emulator-v[\d.]+\.jar$/.test(f))
    .sort()
    .pop();
  if (cached) return { jar: cached, source: 'firebase-tools cache', minJava: MIN_JAVA_FIREBASE_TOOLS };
  for (const root of cloudSdkRoots()) {
    const jar = path.join(root, 'platform', 'cloud-firestore-emulator', 'cloud-firestore-emulator.jar');
    if (fs.existsSync(jar)) return { jar, source: `Cloud SDK (${root})`, minJava: MIN_JAVA_FIRESTORE };
  }
  return null;
}

/**
 * What can run here.
 * @returns {{
 *   running: string | null,                       FIRESTORE_EMULATOR_HOST when set
 *   firestore: { jar: string, source: string, java: {bin: string, version: number} } | null,
 *   java21: { bin: string, version: number, where: string } | null,   for firebase-tools (end to end, npm start)
 *   problems: string[], howToFix: string[],         why the Firestore tier / the firebase-tools tier cannot run
 * }}
 */
function locate() {
  const problems = [];
  const howToFix = [];
  const running = process.env.FIRESTORE_EMULATOR_HOST || null;
  const candidates = javaCandidates();
  const java21 = findJava(MIN_JAVA_FIREBASE_TOOLS, candidates);
  const jar = findFirestoreJar();
  let firestore = null;
  if (!jar) {
    problems.push(`no Firestore emulator found (neither ${CACHE_DIR}/cloud-firestore-emulator-*.jar nor a Cloud SDK's platform/cloud-firestore-emulator)`);
    howToFix.push(
      'install it: `sudo apt-get install google-cloud-cli-firestore-emulator` (Debian/Ubuntu), `gcloud components install cloud-firestore-emulator`, or with network access `npx firebase setup:emulators:firestore`',
    );
  } else {
    const java = findJava(jar.minJava, candidates);
    if (java) firestore = { jar: jar.jar, source: jar.source, java };
    else {
      problems.push(`the Firestore emulator (${jar.source}) needs Java ${jar.minJava}+, found ${candidates.map((c) => c.version).join(', ') || 'none'}`);
      howToFix.push(
        `install Java ${MIN_JAVA_FIREBASE_TOOLS}: \`sudo apt-get install openjdk-${MIN_JAVA_FIREBASE_TOOLS}-jre-headless\` or \`brew install openjdk@${MIN_JAVA_FIREBASE_TOOLS}\``,
      );
    }
  }
  if (!java21) {
    problems.push(
      `no Java ${MIN_JAVA_FIREBASE_TOOLS}+ (firebase-tools needs it for emulators:exec; found ${candidates.map((c) => `${c.version} (${c.where})`).join(', ') || 'none'})`,
    );
    howToFix.push(`install Java ${MIN_JAVA_FIREBASE_TOOLS}+ (on PATH, in JAVA_HOME or /usr/lib/jvm)`);
  }
  return { running, firestore, java21, problems, howToFix };
}

/** One line per fact: what was found and what will run. */
function describe(found) {
  const lines = [];
  if (found.running) lines.push(`Firestore emulator: already running at ${found.running} (FIRESTORE_EMULATOR_HOST), used as it is`);
  else if (found.firestore)
    lines.push(`Firestore emulator: ${found.firestore.jar} (${found.firestore.source}) on Java ${found.firestore.java.version} (${found.firestore.java.bin})`);
  else lines.push('Firestore emulator: none found');
  lines.push(
    found.java21
      ? `Java for firebase-tools: ${found.java21.version} at ${found.java21.bin} (${found.java21.where})`
      : `Java for firebase-tools: none of ${MIN_JAVA_FIREBASE_TOOLS}+ found`,
  );
  return lines;
}

/** A TCP port the OS says is free on 127.0.0.1 now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `count` distinct free ports. */
async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** GET http://hostPort/ answers at all (the emulator answers "Ok"). */
function answers(hostPort, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get(`http://${hostPort}/`, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Starts the located Firestore emulator on a free port of 127.0.0.1 and waits until it answers.
 * @param {{ jar: string, java: { bin: string } }} firestore from locate()
 * `deliverEvents`: the emulator delivers the document events of the triggers registered with it (its
 * `/emulator/v1/projects/{id}/eventarcTrigger` endpoint, as the Functions emulator registers them) as CloudEvents
 * (HTTP POST, binary mode, protobuf data) to `eventsHost`, a free port nothing listens on until a test does
 * (its `--functions_emulator`); without a registered trigger it delivers nothing.
 * @param {{ projectId?: string, rules?: string, logFile?: string, timeoutMs?: number, deliverEvents?: boolean }} [opts]
 * @returns {Promise<{ host: string, eventsHost: string | null, stop: () => Promise<void> }>} hosts as `127.0.0.1:PORT`
 * @throws Error when it exits or does not answer within timeoutMs (default 120 s), with its log's tail.
 */
async function startFirestore(firestore, opts = {}) {
  const [port, wsPort, eventsPort] = await freePorts(opts.deliverEvents ? 3 : 2);
  const eventsHost = eventsPort ? `127.0.0.1:${eventsPort}` : null;
  const host = `127.0.0.1:${port}`;
  const logFile = opts.logFile || path.join(os.tmpdir(), `firestore-emulator-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const args = [
    '-Duser.language=en',
    '-cp',
    firestore.jar,
    FIRESTORE_MAIN_CLASS,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--websocket_port',
    String(wsPort),
    '--project_id',
    opts.projectId || PROJECT_ID,
    '--single_project_mode',
    'true',
  ];
  if (opts.rules) args.push('--rules', opts.rules);
  if (eventsHost) args.push('--functions_emulator', eventsHost);
  const child = spawn(firestore.java.bin, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const stop = () =>
    new Promise((resolve) => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  const until = Date.now() + (opts.timeoutMs || 120_000);
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answers(host)) return { host, eventsHost, stop, logFile, pid: child.pid };
    await sleep(250);
  }
  await stop();
  const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
  throw new Error(`the Firestore emulator did not start on ${host} (log ${logFile}):\n${tail}`);
}

/** A stored (uncompressed) zip holding the given files: enough for a manifest-only jar. */
function storedZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/**
 * A jar that `java -jar` runs as the given Firestore emulator jar (firebase-tools' way of starting it): the
 * firebase-tools download is returned as it is; for the Cloud SDK jar a manifest-only launcher is written into
 * node_modules/.cache (Main-Class + Class-Path).
 * @returns {string} path for FIRESTORE_EMULATOR_BINARY_PATH
 */
function firestoreLauncherJar(firestore) {
  if (firestore.source === 'firebase-tools cache') return firestore.jar;
  fs.mkdirSync(OWN_CACHE, { recursive: true });
  const launcher = path.join(OWN_CACHE, 'cloud-firestore-emulator-launcher.jar');
  // Manifest lines are at most 72 bytes; longer values continue on lines starting with one space.
  const wrap = (line) => line.match(/.{1,70}/g).join('\r\n ');
  const manifest = ['Manifest-Version: 1.0', `Main-Class: ${FIRESTORE_MAIN_CLASS}`, `Class-Path: ${pathToFileURL(firestore.jar).href}`].map(wrap).join('\r\n');
  fs.writeFileSync(launcher, storedZip({ 'META-INF/MANIFEST.MF': `${manifest}\r\n\r\n` }));
  return launcher;
}

/**
 * Environment for running firebase-tools' emulators with what locate() found: Java 21+ first on PATH, and the
 * Firestore emulator pointed at our launcher jar.
 */
function firebaseToolsEnv(found, base = process.env) {
  const env = { ...base };
  delete env.FIRESTORE_EMULATOR_HOST; // emulators:exec sets its own for the command it runs
  if (found.java21) {
    env.PATH = `${path.dirname(found.java21.bin)}${path.delimiter}${base.PATH || ''}`;
    env.JAVA_HOME = path.dirname(path.dirname(found.java21.bin));
  }
  if (found.firestore) env.FIRESTORE_EMULATOR_BINARY_PATH = firestoreLauncherJar(found.firestore);
  return env;
}

/**
 * A firebase.json for firebase-tools with every emulator on a free port, written beside the project's own (the
 * functions `source` is resolved from the config's folder). Returns its path and the ports.
 * @param {string} root project root
 * @param {string[]} only emulators to configure (auth, functions, firestore, ...)
 */
async function writeEmulatorConfig(root, only, name = 'firebase.emulators.json') {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'firebase.json'), 'utf8'));
  const ports = await freePorts(only.length + 3);
  const next = () => ports.shift();
  const emulators = { singleProjectMode: true, ui: { enabled: false } };
  for (const e of only) emulators[e] = { host: '127.0.0.1', port: next() };
  if (emulators.firestore) emulators.firestore.websocketPort = next();
  emulators.hub = { host: '127.0.0.1', port: next() };
  emulators.logging = { host: '127.0.0.1', port: next() };
  const file = path.join(root, name);
  fs.writeFileSync(file, `${JSON.stringify({ ...config, emulators }, null, 2)}\n`);
  return { file, emulators };
}

/**
 * Back-compatible summary for callers that only ask "can the Firestore emulator tier run here?".
 * @returns {{ canRun: boolean, problems: string[], howToFix: string[] }}
 */
function javaEmulatorsStatus() {
  const found = locate();
  const canRun = Boolean(found.running || found.firestore);
  return { canRun, problems: canRun ? [] : found.problems, howToFix: canRun ? [] : found.howToFix };
}

module.exports = {
  CACHE_DIR,
  MIN_JAVA_FIREBASE_TOOLS,
  MIN_JAVA_FIRESTORE,
  PROJECT_ID,
  answers,
  describe,
  findJava,
  firebaseToolsEnv,
  firestoreLauncherJar,
  freePort,
  freePorts,
  javaCandidates,
  javaEmulatorsStatus,
  javaMajorVersion,
  locate,
  startFirestore,
  storedZip,
  writeEmulatorConfig,
};
