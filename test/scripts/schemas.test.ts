/**
 * The generator of the app's contract (scripts/schemas.ts): the freshness check `npm test` runs detects a changed
 * zod schema, a missing and an extra file; timestamps come out as Firestore timestamps; the server-time fields
 * agree with firestore.rules; a type JSON cannot carry stops the generation naming the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { CONTRACT, FIX_COMMAND, TYPE_NAMES, contractSchema, isFresh, main, renderContract, staleness, type ContractEntry } from '../../scripts/schemas';
import { SegmentDocSchema } from '../../functions/src/model/documents';
import { functionBody, withoutComments } from '../rules/rulesSource';

const RULES = fs.readFileSync(path.join(__dirname, '../../firestore.rules'), 'utf8');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-schemas-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The contract with one entry's zod schema replaced, as after an edit of documents.ts. */
function withSchema(file: string, schema: z.ZodType): ContractEntry[] {
  return CONTRACT.map((e) => (e.file === file ? { ...e, schema } : e));
}

/** Runs the command with captured output. */
function run(argv: string[], entries: readonly ContractEntry[] = CONTRACT) {
  const lines: string[] = [];
  const code = main(argv, { entries, log: (l) => lines.push(l) });
  return { code, out: lines.join('\n') };
}

describe('the freshness check', () => {
  // Each case starts from a folder the generator just wrote, then changes the schemas or the folder.
  test.each([
    {
      name: 'a field added to the segment schema',
      entries: withSchema('firestore/segment.json', z.strictObject({ ...SegmentDocSchema.shape, seat: z.string() })),
      edit: () => undefined,
      expected: /schemas-.*\/firestore\/segment\.json: changed/,
    },
    {
      name: 'a generated file deleted',
      entries: CONTRACT,
      edit: () => fs.rmSync(path.join(dir, 'callables', 'plan-trip-response.json')),
      expected: /callables\/plan-trip-response\.json: missing/,
    },
    {
      name: 'a file no entry generates (a removed or renamed document)',
      entries: CONTRACT,
      edit: () => fs.writeFileSync(path.join(dir, 'firestore', 'old-name.json'), '{}\n'),
      expected: /firestore\/old-name\.json: no longer generated/,
    },
    {
      name: 'a generated file edited by hand',
      entries: CONTRACT,
      edit: () => fs.appendFileSync(path.join(dir, 'firestore', 'device.json'), ' '),
      expected: /firestore\/device\.json: changed/,
    },
  ])('$name: stale, named, with the command that fixes it; fixed by that command', ({ entries, edit, expected }) => {
    expect(run(['--dir', dir]).code).toBe(0);
    expect(run(['--check', '--dir', dir]).code).toBe(0);
    edit();
    const check = run(['--check', '--dir', dir], entries);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(expected);
    expect(check.out).toContain(`Run \`${FIX_COMMAND}\``);
    // Only what changed is named.
    expect(check.out.split('\n').filter((l) => /: (changed|missing|no longer generated)$/.test(l))).toHaveLength(1);
    // Regenerating (what the fix command does) makes it fresh and removes files no entry generates.
    expect(run(['--dir', dir], entries).code).toBe(0);
    expect(run(['--check', '--dir', dir], entries)).toMatchObject({ code: 0, out: expect.stringMatching(/fresh/) });
    expect(fs.existsSync(path.join(dir, 'firestore', 'old-name.json'))).toBe(false);
  });

  test('the output is deterministic: two renders are byte-identical and keys are sorted at every depth', () => {
    const a = renderContract();
    const b = renderContract();
    expect([...a]).toEqual([...b]);
    const unsorted: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
      else if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        if (keys.join() !== [...keys].sort().join()) unsorted.push(at);
        for (const k of keys) walk((v as Record<string, unknown>)[k], `${at}/${k}`);
      }
    };
    for (const [file, text] of a) walk(JSON.parse(text), file);
    expect(unsorted).toEqual([]);
  });

  test('an empty folder is stale in every file', () => {
    const s = staleness(dir, renderContract());
    expect(isFresh(s)).toBe(false);
    expect(s.missing).toEqual([...renderContract().keys()].sort());
  });

  test('bad usage exits 2', () => {
    expect(run(['--frobnicate']).code).toBe(2);
  });
});

describe('what the generated schemas say', () => {
  const rendered = [...renderContract()].map(([file, text]) => [file, JSON.parse(text)] as [string, unknown]);

  /** Every sub-schema object of every file, with where it is. */
  function nodes(): { file: string; at: string; node: Record<string, unknown> }[] {
    const out: { file: string; at: string; node: Record<string, unknown> }[] = [];
    const walk = (file: string, v: unknown, at: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(file, x, `${at}/${i}`));
      else if (v && typeof v === 'object') {
        out.push({ file, at, node: v as Record<string, unknown> });
        for (const [k, x] of Object.entries(v)) walk(file, x, `${at}/${k}`);
      }
    };
    for (const [file, json] of rendered) walk(file, json, '');
    return out;
  }

  test('every z.date() is a Firestore timestamp, and nothing came out as an empty (any) schema', () => {
    const all = nodes();
    const timestamps = all.filter((n) => n.node['x-firestore-type'] === 'timestamp');
    expect(timestamps.every((n) => n.node.type === 'string' && n.node.format === 'date-time')).toBe(true);
    // Every date-time is a timestamp (no other source of the format), and there are as many as the documents have.
    expect(all.filter((n) => n.node.format === 'date-time').length).toBe(timestamps.length);
    expect(timestamps.map((n) => `${n.file}${n.at}`)).toEqual(
      expect.arrayContaining([
        'firestore/segment.json/properties/createdAt',
        'firestore/device.json/properties/lastSeenAt',
        'firestore/user-profile.json/properties/nextAlertAt/anyOf/0',
      ]),
    );
    // `{}` would accept anything: what `unrepresentable: "any"` produces for a type JSON cannot carry.
    const empty = all.filter((n) => Object.keys(n.node).length === 0 && !/\/(properties|\$defs)$/.test(n.at));
    expect(empty.map((n) => `${n.file}${n.at}`)).toEqual([]);
  });

  test('a type JSON cannot carry stops the generation, naming the file', () => {
    const entry: ContractEntry = { file: 'firestore/x.json', source: 'test', schema: z.strictObject({ n: z.bigint() }), description: 'x' };
    expect(() => contractSchema(entry)).toThrow(/firestore\/x\.json \(test\): .*BigInt/);
  });

  test('serverTimestamps naming a field that is not a timestamp stops the generation', () => {
    const entry: ContractEntry = {
      file: 'firestore/x.json',
      source: 'test',
      schema: z.strictObject({ at: z.string() }),
      description: 'x',
      serverTimestamps: { at: 'every write' },
    };
    expect(() => contractSchema(entry)).toThrow(/serverTimestamps names "at", which is not a timestamp field/);
  });

  // The fields the rules compare with request.time, per document the app writes; the schemas must mark exactly those.
  const code = withoutComments(RULES);
  const segmentsBlock = code.slice(code.indexOf('match /segments/{segmentId}'), code.indexOf('match /visaStatus/'));
  test.each([
    ['firestore/user-profile.json', functionBody(RULES, 'isValidProfileCreate')],
    ['firestore/segment.json', functionBody(RULES, 'isValidSegment') + segmentsBlock],
    ['firestore/device.json', functionBody(RULES, 'isValidDevice')],
  ])('%s marks as server time exactly the fields firestore.rules compare with request.time', (file, rulesText) => {
    const inRules = new Set([...rulesText.matchAll(/(?:\bd|request\.resource\.data)\.(\w+)\s*==\s*request\.time/g)].map((m) => m[1]));
    const json = rendered.find(([f]) => f === file)![1] as { properties: Record<string, Record<string, unknown>> };
    const marked = new Set(
      Object.entries(json.properties)
        .filter(([, p]) => p['x-firestore-server-timestamp'])
        .map(([k]) => k),
    );
    expect(inRules.size).toBeGreaterThan(0);
    expect([...marked].sort()).toEqual([...inRules].sort());
  });

  test('no other rule requires a server time (every request.time comparison is covered above)', () => {
    const fields = new Set([...code.matchAll(/\.(\w+)\s*==\s*request\.time/g)].map((m) => m[1]));
    const marked = new Set(CONTRACT.flatMap((e) => Object.keys(e.serverTimestamps ?? {})));
    expect([...fields].sort()).toEqual([...marked].sort());
  });

  test('every type name in TYPE_NAMES is used by some file (a stale name would silently name nothing)', () => {
    const titles = new Set(
      nodes()
        .map((n) => n.node.title)
        .filter((t): t is string => typeof t === 'string'),
    );
    expect([...TYPE_NAMES.values()].filter((t) => !titles.has(t))).toEqual([]);
  });

  test('shared types are referenced, never inlined, so that quicktype makes one Swift type of each', () => {
    const shared = CONTRACT.filter((e) => e.file.startsWith('types/')).map((e) => TYPE_NAMES.get(e.schema));
    const inlined = nodes().filter((n) => n.at !== '' && shared.includes(n.node.title as string));
    expect(inlined.map((n) => `${n.file}${n.at}`)).toEqual([]);
    const refs = nodes()
      .map((n) => n.node.$ref)
      .filter(Boolean);
    expect(refs).toEqual(expect.arrayContaining(['../types/notification-settings.json', '../types/residence-permit.json']));
  });
});
