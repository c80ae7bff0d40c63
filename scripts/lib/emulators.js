/**
 * What Google's Java-based emulators (Firestore, Storage) need on this machine, and whether it is there:
 * Java 21 or newer on PATH and the emulator jars that firebase-tools downloads into ~/.cache/firebase/emulators
 * on first use (they cannot be downloaded without network access). The Auth and Functions emulators are
 * Node.js and need neither. Shared by scripts/test.js and scripts/start.js.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MIN_JAVA = 21;
const PROJECT_ID = 'demo-travel-time-tracker';
const CACHE_DIR = process.env.FIREBASE_EMULATORS_PATH || path.join(os.homedir(), '.cache', 'firebase', 'emulators');

/** Major version of `java` on PATH, or null when there is none. */
function javaMajorVersion() {
  // env passed explicitly so that a caller's changes to process.env (tests) apply to the lookup of `java`.
  const r = spawnSync('java', ['-version'], { encoding: 'utf8', env: process.env });
  if (r.error || r.status !== 0) return null;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!m) return null;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major; // "1.8.0" is Java 8
}

function findJar(prefix) {
  if (!fs.existsSync(CACHE_DIR)) return null;
  const jar = fs.readdirSync(CACHE_DIR).find((f) => f.startsWith(prefix) && f.endsWith('.jar'));
  return jar ? path.join(CACHE_DIR, jar) : null;
}

/**
 * @returns {{ canRun: boolean, problems: string[], howToFix: string[] }} whether the Firestore and Storage
 *   emulators can start here; `problems` names each missing piece, `howToFix` the commands that install it.
 */
function javaEmulatorsStatus() {
  const problems = [];
  const howToFix = [];
  const java = javaMajorVersion();
  if (java === null) {
    problems.push(`no Java runtime on PATH (the Firestore and Storage emulators need Java ${MIN_JAVA}+)`);
  } else if (java < MIN_JAVA) {
    problems.push(`Java ${java} found, the Firestore and Storage emulators need Java ${MIN_JAVA}+`);
  }
  if (java === null || java < MIN_JAVA) {
    howToFix.push(`install Java ${MIN_JAVA}: e.g. \`sudo apt-get install openjdk-${MIN_JAVA}-jre-headless\` (Debian/Ubuntu) or \`brew install openjdk@${MIN_JAVA}\` (macOS), then check \`java -version\``);
  }
  const jars = [
    ['cloud-firestore-emulator', 'firestore'],
    ['cloud-storage-rules-runtime', 'storage'],
  ];
  for (const [prefix, name] of jars) {
    if (!findJar(prefix)) {
      problems.push(`the ${name} emulator jar (${prefix}-*.jar) is not in ${CACHE_DIR}`);
      howToFix.push(`with network access: \`npx firebase setup:emulators:${name}\` (downloads it to ${CACHE_DIR})`);
    }
  }
  return { canRun: problems.length === 0, problems, howToFix };
}

module.exports = { javaEmulatorsStatus, javaMajorVersion, PROJECT_ID, CACHE_DIR, MIN_JAVA };
