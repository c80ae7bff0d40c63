/**
 * Reference data (`countries/{iso2}`, `visaRules/{ruleId}`) and the idempotent seed that loads it from the
 * repository's `seed/countries.json` and `seed/visaRules.json` into Firestore (emulator or a real project).
 *
 * The seed compares what is stored with what the files say and writes only documents that differ, so running it
 * twice changes nothing the second time and reports zero writes. Documents that exist in Firestore but not in the
 * files are reported as `extra` and only deleted when asked to (`prune`), because deleting reference data that
 * deployed functions may still read is not something a routine seed should do silently.
 *
 * The seed validates only what it needs to write documents (the ids and that each entry is a JSON object); the
 * field-level shape is validated by the day-counting core's loader of its reference data, which owns it.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { parseOrThrow } from '@travel-time-tracker/core/validation';

export type ReferenceCollection = 'countries' | 'visaRules';

/** A reference document: plain JSON as in the seed files (strings, numbers, booleans, null, arrays, objects). */
export type ReferenceDocument = Record<string, unknown>;

/** Where the seed reads and writes reference documents (implemented by both repositories). */
export interface ReferenceDataStore {
  /** Every document of the collection, by id. */
  listReference(collection: ReferenceCollection): Promise<Map<string, ReferenceDocument>>;
  /** Replaces the given documents entirely and deletes the given ids (batched; not atomic across batches). */
  writeReference(collection: ReferenceCollection, upserts: ReadonlyMap<string, ReferenceDocument>, deletes: readonly string[]): Promise<void>;
}

/** `seed/countries.json`: `{ countries: [{ iso2, ... }] }`; the document id is `iso2` (ISO 3166-1 alpha-2). */
export const CountriesSeedFileSchema = z.looseObject({
  countries: z
    .array(
      z.looseObject({
        iso2: z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code such as "FR"' }),
      }),
    )
    .min(1),
});

/** `seed/visaRules.json`: `{ rules: [{ id, ... }] }`; the document id is `id` (e.g. `schengen-90-180`). */
export const VisaRulesSeedFileSchema = z.looseObject({
  rules: z
    .array(
      z.looseObject({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: 'must be a lower-case slug such as "schengen-90-180"' }),
      }),
    )
    .min(1),
});

/** The documents to seed, by collection and id. */
export interface ReferenceData {
  countries: Map<string, ReferenceDocument>;
  visaRules: Map<string, ReferenceDocument>;
}

/** Per collection: how many documents were created, updated, left unchanged, and found extra (deleted if pruned). */
export interface SeedCollectionReport {
  created: number;
  updated: number;
  unchanged: number;
  extra: string[];
  deleted: number;
}
export type SeedReport = Record<ReferenceCollection, SeedCollectionReport>;

function indexById(entries: readonly ReferenceDocument[], key: string, file: string): Map<string, ReferenceDocument> {
  const out = new Map<string, ReferenceDocument>();
  entries.forEach((e, i) => {
    const id = e[key] as string;
    if (out.has(id)) throw new Error(`${file}: entry [${i}] repeats ${key} "${id}"`);
    out.set(id, e);
  });
  return out;
}

/**
 * Validates the parsed JSON of the two seed files and indexes them by document id.
 * @throws ValidationError naming the file and field (e.g. `seed/countries.json: countries[3].iso2 must be ...`),
 *   or Error when an id repeats.
 */
export function parseReferenceData(countriesJson: unknown, visaRulesJson: unknown): ReferenceData {
  const c = parseOrThrow(CountriesSeedFileSchema, countriesJson, 'seed/countries.json');
  const r = parseOrThrow(VisaRulesSeedFileSchema, visaRulesJson, 'seed/visaRules.json');
  return {
    countries: indexById(c.countries, 'iso2', 'seed/countries.json'),
    visaRules: indexById(r.rules, 'id', 'seed/visaRules.json'),
  };
}

/**
 * Brings the store's reference collections in line with `data`: writes only documents that are missing or
 * differ, and deletes documents absent from `data` only when `prune` is true. Idempotent: a second run reports
 * everything `unchanged` and performs no writes.
 */
export async function syncReferenceData(store: ReferenceDataStore, data: ReferenceData, options: { prune?: boolean } = {}): Promise<SeedReport> {
  const report = {} as SeedReport;
  for (const collection of ['countries', 'visaRules'] as const) {
    const wanted = data[collection];
    const stored = await store.listReference(collection);
    const upserts = new Map<string, ReferenceDocument>();
    const r: SeedCollectionReport = { created: 0, updated: 0, unchanged: 0, extra: [], deleted: 0 };
    for (const [id, doc] of wanted) {
      const current = stored.get(id);
      if (current === undefined) r.created += 1;
      // Key order does not matter (Firestore does not keep it); the seed files hold JSON values only.
      else if (isDeepStrictEqual(current, doc)) {
        r.unchanged += 1;
        continue;
      } else r.updated += 1;
      upserts.set(id, doc);
    }
    r.extra = [...stored.keys()].filter((id) => !wanted.has(id)).sort();
    const deletes = options.prune ? r.extra : [];
    r.deleted = deletes.length;
    if (upserts.size > 0 || deletes.length > 0) await store.writeReference(collection, upserts, deletes);
    report[collection] = r;
  }
  return report;
}

/** One line per collection, e.g. `countries: 249 created, 0 updated, 0 unchanged, 0 extra`. */
export function formatSeedReport(report: SeedReport): string {
  return (['countries', 'visaRules'] as const)
    .map((c) => {
      const r = report[c];
      const extra = r.extra.length ? ` (${r.extra.join(', ')})` : '';
      return `${c}: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.extra.length} extra${extra}, ${r.deleted} deleted`;
    })
    .join('\n');
}
