/**
 * `npm run seed`: loads the reference data (seed/: countries.json -> `countries/{iso2}`,
 * visaRules.json -> `visaRules/{ruleId}`) into Firestore, idempotently: only documents that are missing or differ are
 * written and the counts are reported, so a second run reports 0 created / 0 updated.
 *
 * Targets:
 * - default: the Firestore emulator (FIRESTORE_EMULATOR_HOST, else firebase.json's 127.0.0.1:8080) of project
 *   `demo-travel-time-tracker`; a `demo-` project can never reach production;
 * - `--project <id> --yes-really`: a real project, with Application Default Credentials. Without `--yes-really`
 *   the script refuses. FIRESTORE_EMULATOR_HOST is ignored (unset) for a real project so it really goes there.
 * Options: `--dry-run` reports what would change without writing; `--prune` also deletes documents that are not in
 * the seed files (otherwise they are only reported as extra).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSeedReport, parseReferenceData, syncReferenceData, type ReferenceDataStore, type SeedReport } from '../functions/src/repository/reference';

export const DEMO_PROJECT_ID = 'demo-travel-time-tracker';
export const DEFAULT_FIRESTORE_EMULATOR = '127.0.0.1:8080';

export interface SeedOptions {
  /** `emulator` (default) or `production` (a real project, confirmed with --yes-really). */
  target: 'emulator' | 'production';
  projectId: string;
  dryRun: boolean;
  prune: boolean;
  /** Folder holding countries.json and visaRules.json. */
  seedDir: string;
}

/** Thrown for bad command-line usage; the message is printed as is. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `Usage: npm run seed -- [--dry-run] [--prune] [--seed-dir <dir>] [--project <id> --yes-really]
  (no --project)        seed the Firestore emulator of ${DEMO_PROJECT_ID} (FIRESTORE_EMULATOR_HOST or ${DEFAULT_FIRESTORE_EMULATOR})
  --project demo-...    seed the emulator under that demo project id
  --project <id> --yes-really   seed the REAL project <id> (Application Default Credentials)
  --dry-run             report what would change, write nothing
  --prune               delete countries/visaRules documents that are not in the seed files`;

/**
 * Parses the command line (without `node script`).
 * @throws UsageError for unknown options, a missing value, or a real project without `--yes-really`.
 */
export function parseSeedArgs(argv: readonly string[], defaultSeedDir: string): SeedOptions {
  let projectId: string | undefined;
  let yes = false;
  let dryRun = false;
  let prune = false;
  let seedDir = defaultSeedDir;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value\n${USAGE}`);
      i += 1;
      return v;
    };
    if (a === '--project') projectId = value();
    else if (a === '--seed-dir') seedDir = path.resolve(value());
    else if (a === '--yes-really') yes = true;
    else if (a === '--dry-run') dryRun = true;
    else if (a === '--prune') prune = true;
    else throw new UsageError(`unknown option "${a}"\n${USAGE}`);
  }
  if (projectId === undefined || projectId.startsWith('demo-')) {
    return { target: 'emulator', projectId: projectId ?? DEMO_PROJECT_ID, dryRun, prune, seedDir };
  }
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(projectId)) {
    throw new UsageError(`--project "${projectId}" is not a Firebase project id (6-30 lower-case letters, digits, hyphens)`);
  }
  if (!yes) {
    throw new UsageError(`refusing to write to the real project "${projectId}" without --yes-really (use a demo-* project id for the emulator)`);
  }
  return { target: 'production', projectId, dryRun, prune, seedDir };
}

/**
 * Reads and validates the two seed files.
 * @throws Error naming the file when it is missing or not JSON; ValidationError naming the field when invalid.
 */
export function loadSeedFiles(seedDir: string): ReturnType<typeof parseReferenceData> {
  const read = (name: string): unknown => {
    const file = path.join(seedDir, name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new Error(`seed file ${file} is missing`);
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new Error(`seed file ${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  };
  return parseReferenceData(read('countries.json'), read('visaRules.json'));
}

/** A store that reads through to `store` but records nothing and writes nothing (for --dry-run). */
export function dryRunStore(store: ReferenceDataStore): ReferenceDataStore {
  return {
    listReference: (c) => store.listReference(c),
    writeReference: async () => undefined,
  };
}

/** Loads the seed files and syncs them into `store`; the testable core of the command. */
export async function runSeed(store: ReferenceDataStore, options: Pick<SeedOptions, 'dryRun' | 'prune' | 'seedDir'>): Promise<SeedReport> {
  const data = loadSeedFiles(options.seedDir);
  return syncReferenceData(options.dryRun ? dryRunStore(store) : store, data, { prune: options.prune });
}

/** True when something accepts TCP connections at `host:port` within `timeoutMs`. */
export async function isReachable(hostPort: string, timeoutMs = 1500): Promise<boolean> {
  const net = await import('node:net');
  const [host, port] = splitHostPort(hostPort);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function splitHostPort(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, i).replace(/^\[|\]$/g, ''), Number(hostPort.slice(i + 1))];
}

/** The command: parse, connect (emulator or confirmed real project), seed, print the report. Returns exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: SeedOptions;
  try {
    options = parseSeedArgs(argv, path.resolve(__dirname, '..', 'seed'));
  } catch (e) {
    console.error(`seed: ${(e as Error).message}`);
    return 2;
  }
  if (options.target === 'emulator') {
    process.env.FIRESTORE_EMULATOR_HOST ??= DEFAULT_FIRESTORE_EMULATOR;
    const host = process.env.FIRESTORE_EMULATOR_HOST;
    if (!(await isReachable(host))) {
      console.error(
        `seed: no Firestore emulator at ${host}. Start one with \`npm start\` (or set FIRESTORE_EMULATOR_HOST), ` +
          'or seed a real project with --project <id> --yes-really.',
      );
      return 1;
    }
  } else {
    delete process.env.FIRESTORE_EMULATOR_HOST;
  }
  const { initializeApp, deleteApp } = await import('firebase-admin/app');
  const { getFirestore } = await import('firebase-admin/firestore');
  const { FirestoreRepository } = await import('../functions/src/repository/firestore');
  const app = initializeApp({ projectId: options.projectId }, 'seed');
  try {
    const where = options.target === 'emulator' ? `emulator ${process.env.FIRESTORE_EMULATOR_HOST}` : 'REAL project';
    console.log(`seed: ${options.dryRun ? 'dry run against' : 'seeding'} ${options.projectId} (${where})`);
    const report = await runSeed(new FirestoreRepository(getFirestore(app)), options);
    console.log(formatSeedReport(report));
    return 0;
  } catch (e) {
    console.error(`seed: ${(e as Error).message}`);
    return 1;
  } finally {
    await deleteApp(app);
  }
}
