/**
 * The seed (`npm run seed`), offline: the real seed files load, syncing twice writes nothing the second time,
 * dry runs write nothing, bad files and bad command lines give errors naming the problem.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryRepository } from '../../fakes/memoryRepository';
import { parseReferenceData } from '../../../functions/src/repository/reference';
import { DEMO_PROJECT_ID, loadSeedFiles, parseSeedArgs, runSeed } from '../../../scripts/seed';

const SEED_DIR = path.resolve(__dirname, '../../../seed');
const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(SEED_DIR, f), 'utf8'));

describe('seed against the real seed files', () => {
  test('every country and rule becomes one document keyed by its id; a second run changes nothing', async () => {
    const countries = readJson('countries.json').countries as { iso2: string }[];
    const rules = readJson('visaRules.json').rules as { id: string }[];
    const repo = new MemoryRepository();

    const first = await runSeed(repo, { seedDir: SEED_DIR, dryRun: false, prune: false });
    expect(first.countries).toEqual({ created: countries.length, updated: 0, unchanged: 0, extra: [], deleted: 0 });
    expect(first.visaRules).toEqual({ created: rules.length, updated: 0, unchanged: 0, extra: [], deleted: 0 });
    expect(repo.counts.writes).toBe(countries.length + rules.length);
    const snap = repo.snapshot();
    expect(Object.keys(snap.countries).sort()).toEqual(countries.map((c) => c.iso2).sort());
    expect(snap.visaRules[rules[0]!.id]).toEqual(rules[0]);

    repo.resetCounts();
    const second = await runSeed(repo, { seedDir: SEED_DIR, dryRun: false, prune: false });
    expect(second.countries).toMatchObject({ created: 0, updated: 0, unchanged: countries.length });
    expect(second.visaRules).toMatchObject({ created: 0, updated: 0, unchanged: rules.length });
    expect(repo.counts.writes).toBe(0);
    expect(repo.snapshot()).toEqual(snap);
  });

  test('a dry run reports what it would create and writes nothing', async () => {
    const repo = new MemoryRepository();
    const report = await runSeed(repo, { seedDir: SEED_DIR, dryRun: true, prune: true });
    expect(report.countries.created).toBeGreaterThan(200);
    expect(repo.counts.writes).toBe(0);
    expect(repo.snapshot().countries).toEqual({});
  });
});

describe('seed file validation', () => {
  const rules = { rules: [{ id: 'schengen-90-180' }] };
  test.each([
    { name: 'lower-case code', countries: { countries: [{ iso2: 'fr' }] }, error: /seed\/countries\.json: countries\[0\]\.iso2 must be an ISO 3166-1 alpha-2/ },
    { name: 'missing list', countries: {}, error: /seed\/countries\.json: countries/ },
    { name: 'repeated code', countries: { countries: [{ iso2: 'FR' }, { iso2: 'FR' }] }, error: /entry \[1\] repeats iso2 "FR"/ },
  ])('$name is rejected naming the file and field', ({ countries, error }) => {
    expect(() => parseReferenceData(countries, rules)).toThrow(error);
  });

  test('a rule id that is not a slug is rejected', () => {
    expect(() => parseReferenceData({ countries: [{ iso2: 'FR' }] }, { rules: [{ id: 'Schengen 90/180' }] })).toThrow(
      /seed\/visaRules\.json: rules\[0\]\.id must be a lower-case slug/,
    );
  });

  test('a missing or broken file is named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-'));
    expect(() => loadSeedFiles(dir)).toThrow(/countries\.json is missing/);
    fs.writeFileSync(path.join(dir, 'countries.json'), '{"countries": [');
    expect(() => loadSeedFiles(dir)).toThrow(/countries\.json is not valid JSON/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('seed command line', () => {
  test.each([
    { argv: [], target: 'emulator', projectId: DEMO_PROJECT_ID },
    { argv: ['--project', 'demo-other', '--dry-run'], target: 'emulator', projectId: 'demo-other' },
    { argv: ['--project', 'ttt-prod-123', '--yes-really'], target: 'production', projectId: 'ttt-prod-123' },
  ])('$argv -> $target $projectId', ({ argv, target, projectId }) => {
    expect(parseSeedArgs(argv, SEED_DIR)).toMatchObject({ target, projectId });
  });

  test.each([
    { argv: ['--project', 'ttt-prod-123'], error: /refusing to write to the real project "ttt-prod-123" without --yes-really/ },
    { argv: ['--project'], error: /--project needs a value/ },
    { argv: ['--force'], error: /unknown option "--force"/ },
    { argv: ['--project', 'Bad_Id', '--yes-really'], error: /is not a Firebase project id/ },
  ])('$argv is refused', ({ argv, error }) => {
    expect(() => parseSeedArgs(argv, SEED_DIR)).toThrow(error);
  });
});
