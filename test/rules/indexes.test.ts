/**
 * firestore.indexes.json declares exactly the composite indexes the functions' queries need: every query found in
 * functions/src (outside the Firebase-free core) is served by automatic single-field indexes or by a declared
 * composite index, and every declared composite index serves some query. The emulator does not enforce indexes,
 * so this is the only check before production does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexServes, scanQueries, servedBySingleFieldIndexes, type CompositeIndex, type ScannedQuery } from './queryScan';

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'functions/src');
const indexes = JSON.parse(fs.readFileSync(path.join(ROOT, 'firestore.indexes.json'), 'utf8')) as {
  indexes: CompositeIndex[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[] }[];
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(SRC, 'core') ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const queries: ScannedQuery[] = sourceFiles(SRC).flatMap((f) =>
  scanQueries(fs.readFileSync(f, 'utf8'), path.relative(ROOT, f)),
);
const filtered = queries.filter((q) => q.equality.length > 0 || q.ordered.length > 0);

describe('firestore.indexes.json matches the queries in functions/src', () => {
  test('the scan finds the known due-user queries', () => {
    const users = filtered.filter((q) => q.collectionGroup === 'users').map((q) => q.ordered.map((o) => o.field).join(','));
    expect(users).toEqual(expect.arrayContaining(['nextAlertAt', 'nextRecomputeAt']));
  });

  test.each(filtered.map((q) => ({ where: `${q.file}:${q.line}`, q })))('query at $where has an index', ({ q }) => {
    const ok = servedBySingleFieldIndexes(q) || indexes.indexes.some((i) => indexServes(i, q));
    expect({ query: q.text, served: ok }).toEqual({ query: q.text, served: true });
  });

  test('every declared composite index serves a query (no unused indexes)', () => {
    const unused = indexes.indexes.filter((i) => !filtered.some((q) => !servedBySingleFieldIndexes(q) && indexServes(i, q)));
    expect(unused).toEqual([]);
  });

  test('single-field exemptions name fields of backend documents that are never queried', () => {
    for (const o of indexes.fieldOverrides) {
      expect(filtered.some((q) => q.collectionGroup === o.collectionGroup && [...q.equality, ...q.ordered].some((f) => f.field === o.fieldPath))).toBe(false);
    }
  });
});

describe('the query scanner (so the checks above can fail)', () => {
  const idx = (collectionGroup: string, ...fields: [string, 'ASCENDING' | 'DESCENDING'][]): CompositeIndex => ({
    collectionGroup,
    queryScope: collectionGroup === 'segments' ? 'COLLECTION_GROUP' : 'COLLECTION',
    fields: fields.map(([fieldPath, order]) => ({ fieldPath, order })),
  });
  test.each([
    { src: "db.collection('users').where('nextAlertAt', '<=', t).orderBy('nextAlertAt').orderBy(FieldPath.documentId());", index: null, served: true },
    { src: "db.collection('users').where('a', '==', 1).where('b', '==', 2).get();", index: null, served: true },
    { src: "db.collection('users').where('a', '==', 1).orderBy('b', 'desc').get();", index: null, served: false },
    { src: "db.collection('users').where('a', '==', 1).orderBy('b', 'desc').get();", index: idx('users', ['a', 'ASCENDING'], ['b', 'DESCENDING']), served: true },
    { src: "db.collection('users').where('a', '==', 1).orderBy('b', 'desc').get();", index: idx('users', ['a', 'ASCENDING'], ['b', 'ASCENDING']), served: false },
    { src: "db.collectionGroup('segments').where('source', '==', id).where('departureDate', '>=', d).get();", index: idx('segments', ['source', 'ASCENDING'], ['departureDate', 'ASCENDING']), served: true },
    { src: "db.collectionGroup('segments').where('source', '==', id).where('departureDate', '>=', d).get();", index: idx('imports', ['source', 'ASCENDING'], ['departureDate', 'ASCENDING']), served: false },
    { src: "db.collection('users').orderBy('a').orderBy('b').get();", index: null, served: false },
    { src: "db.collectionGroup('segments').where('source', '==', id).get();", index: null, served: false },
  ])('$src with $index.fields -> $served', ({ src, index, served }) => {
    const [q] = scanQueries(src, 'x.ts');
    expect(q).toBeDefined();
    expect(servedBySingleFieldIndexes(q!) || (index !== null && indexServes(index, q!))).toBe(served);
  });
});
