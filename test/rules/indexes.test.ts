/**
 * firestore.indexes.json declares exactly the composite indexes the functions' queries need: every query found in
 * functions/src (outside the Firebase-free core) is served by automatic single-field indexes or by a declared
 * composite index, and every declared composite index serves some query. The emulator does not enforce indexes,
 * so this is the only check before production does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  indexServes,
  scanQueries,
  servedByFieldOverride,
  servedBySingleFieldIndexes,
  type CompositeIndex,
  type FieldOverride,
  type ScannedQuery,
} from './queryScan';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'functions/src');
const indexes = JSON.parse(fs.readFileSync(path.join(ROOT, 'firestore.indexes.json'), 'utf8')) as {
  indexes: CompositeIndex[];
  fieldOverrides: FieldOverride[];
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(SRC, 'core') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const queries: ScannedQuery[] = sourceFiles(SRC).flatMap((f) => scanQueries(fs.readFileSync(f, 'utf8'), path.relative(ROOT, f)));
const filtered = queries.filter((q) => q.equality.length > 0 || q.ordered.length > 0);

describe('firestore.indexes.json matches the queries in functions/src', () => {
  test('the scan finds the known due-user queries', () => {
    const users = filtered.filter((q) => q.collectionGroup === 'users').map((q) => q.ordered.map((o) => o.field).join(','));
    expect(users).toEqual(expect.arrayContaining(['nextAlertAt', 'nextRecomputeAt']));
    // The daily run's query over every user's timeline head (collection group: its index is declared).
    expect(filtered.filter((q) => q.collectionGroup === 'timeline').map((q) => `${q.queryScope} ${q.ordered.map((o) => o.field).join(',')}`)).toEqual([
      'COLLECTION_GROUP nextRecomputeAt',
    ]);
  });

  test.each(filtered.map((q) => ({ where: `${q.file}:${q.line}`, q })))('query at $where has an index', ({ q }) => {
    const ok = servedBySingleFieldIndexes(q) || servedByFieldOverride(q, indexes.fieldOverrides) || indexes.indexes.some((i) => indexServes(i, q));
    expect({ query: q.text, served: ok }).toEqual({ query: q.text, served: true });
  });

  test('every declared composite index serves a query (no unused indexes)', () => {
    const unused = indexes.indexes.filter((i) => !filtered.some((q) => !servedBySingleFieldIndexes(q) && indexServes(i, q)));
    expect(unused).toEqual([]);
  });

  test('single-field exemptions name fields of backend documents that are never queried', () => {
    for (const o of indexes.fieldOverrides.filter((x) => x.indexes.length === 0)) {
      expect(filtered.some((q) => q.collectionGroup === o.collectionGroup && [...q.equality, ...q.ordered].some((f) => f.field === o.fieldPath))).toBe(false);
    }
  });

  test('every declared single-field index serves a query (no unused override)', () => {
    const unused = indexes.fieldOverrides.filter(
      (o) => o.indexes.length > 0 && !filtered.some((q) => q.collectionGroup === o.collectionGroup && servedByFieldOverride(q, [o])),
    );
    expect(unused).toEqual([]);
  });
});

describe('the query scanner (so the checks above can fail)', () => {
  test.each([
    { scope: 'COLLECTION_GROUP', order: 'ASCENDING', served: true },
    { scope: 'COLLECTION', order: 'ASCENDING', served: false },
    { scope: 'COLLECTION_GROUP', order: 'DESCENDING', served: false },
  ] as const)('a collection-group query on one field and an override with a $scope $order index -> $served', ({ scope, order, served }) => {
    const [q] = scanQueries("db.collectionGroup('timeline').where('nextRecomputeAt', '<=', t).orderBy('nextRecomputeAt');", 'x.ts');
    expect(servedByFieldOverride(q!, [{ collectionGroup: 'timeline', fieldPath: 'nextRecomputeAt', indexes: [{ order, queryScope: scope }] }])).toBe(served);
  });

  const idx = (collectionGroup: string, ...fields: [string, 'ASCENDING' | 'DESCENDING'][]): CompositeIndex => ({
    collectionGroup,
    queryScope: collectionGroup === 'segments' ? 'COLLECTION_GROUP' : 'COLLECTION',
    fields: fields.map(([fieldPath, order]) => ({ fieldPath, order })),
  });
  test.each([
    { src: "db.collection('users').where('nextAlertAt', '<=', t).orderBy('nextAlertAt').orderBy(FieldPath.documentId());", index: null, served: true },
    { src: "db.collection('users').where('a', '==', 1).where('b', '==', 2).get();", index: null, served: true },
    { src: "db.collection('users').where('a', '==', 1).orderBy('b', 'desc').get();", index: null, served: false },
    {
      src: "db.collection('users').where('a', '==', 1).orderBy('b', 'desc').get();",
      index: idx('users', ['a', 'ASCENDING'], ['b', 'DESCENDING']),
      served: true,
    },
    {
      src: "db.collection('users').where('a', '==', 1).orderBy('b', 'desc').get();",
      index: idx('users', ['a', 'ASCENDING'], ['b', 'ASCENDING']),
      served: false,
    },
    {
      src: "db.collectionGroup('segments').where('source', '==', id).where('departureDate', '>=', d).get();",
      index: idx('segments', ['source', 'ASCENDING'], ['departureDate', 'ASCENDING']),
      served: true,
    },
    {
      src: "db.collectionGroup('segments').where('source', '==', id).where('departureDate', '>=', d).get();",
      index: idx('imports', ['source', 'ASCENDING'], ['departureDate', 'ASCENDING']),
      served: false,
    },
    { src: "db.collection('users').orderBy('a').orderBy('b').get();", index: null, served: false },
    { src: "db.collectionGroup('segments').where('source', '==', id).get();", index: null, served: false },
    {
      src: "db.collectionGroup('timeline').where('nextRecomputeAt', '<=', t).orderBy('nextRecomputeAt').orderBy(FieldPath.documentId());",
      index: null,
      served: false,
    },
  ])('$src with $index.fields -> $served', ({ src, index, served }) => {
    const [q] = scanQueries(src, 'x.ts');
    expect(q).toBeDefined();
    expect(servedBySingleFieldIndexes(q!) || (index !== null && indexServes(index, q!))).toBe(served);
  });
});
