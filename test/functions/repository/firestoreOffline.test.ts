/**
 * What can be checked of FirestoreRepository without an emulator: Timestamp <-> Date conversion, removal of
 * undefined fields, and that no batch carries more than Firestore's 500 writes (against a recording
 * fake of the few firebase-admin calls involved). Behaviour against real Firestore semantics is the contract suite
 * on the emulator (firestore.test.ts).
 */
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { FirestoreRepository } from '../../../functions/src/repository/firestore';
import { fromFirestore, toFirestore } from '../../../functions/src/repository/firestoreValues';

describe('conversion', () => {
  test('Timestamps become Dates at any depth; other values are kept', () => {
    const ts = Timestamp.fromMillis(Date.UTC(2025, 0, 2, 3, 4, 5, 6));
    const out = fromFirestore<Record<string, unknown>>({ a: ts, b: [ts, { c: ts }], d: 'x', e: null, f: 3 });
    expect(out).toEqual({ a: ts.toDate(), b: [ts.toDate(), { c: ts.toDate() }], d: 'x', e: null, f: 3 });
    expect(out.a).toBeInstanceOf(Date);
  });

  test('undefined fields are dropped at any depth; Dates are kept for firebase-admin to convert', () => {
    const at = new Date('2025-01-01T00:00:00Z');
    expect(toFirestore({ a: undefined, b: { c: undefined, d: at }, e: [{ f: undefined, g: 1 }] })).toEqual({ b: { d: at }, e: [{ g: 1 }] });
  });
});

/** Records every batch commit's size. */
function recordingDb() {
  const commits: number[] = [];
  const docRef = (p: string) => ({ path: p, id: p.split('/').pop(), collection: (c: string) => collectionRef(`${p}/${c}`) });
  const collectionRef = (p: string) => ({ doc: (id: string) => docRef(`${p}/${id}`) });
  const batch = () => {
    let n = 0;
    return {
      set: () => void (n += 1),
      delete: () => void (n += 1),
      commit: async () => void commits.push(n),
    };
  };
  const db = {
    collection: (c: string) => collectionRef(c),
    batch,
  };
  return { db: db as unknown as Firestore, commits };
}

describe('batch sizes', () => {
  test('writeReference of 1201 upserts and 3 deletes commits batches of at most 500', async () => {
    const { db, commits } = recordingDb();
    const upserts = new Map(Array.from({ length: 1201 }, (_, i) => [`C${i}`, { i }]));
    await new FirestoreRepository(db).writeReference('countries', upserts, ['X', 'Y', 'Z']);
    expect(commits).toEqual([500, 500, 204]);
  });
});
