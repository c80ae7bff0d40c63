/**
 * Who may do what on each Firestore collection of the data model: the expectation table shared by the offline
 * rules matrix (test/rules/matrix.test.ts, a model of the runtime) and the emulator matrix
 * (test/emulator/firestore.rules.test.ts, the real runtime).
 */
export type Principal = 'unauthenticated' | 'owner' | 'other';
export type Op = 'get' | 'list' | 'create' | 'update' | 'delete';
export const PRINCIPALS: Principal[] = ['unauthenticated', 'owner', 'other'];
export const OPS: Op[] = ['get', 'list', 'create', 'update', 'delete'];
export const OWNER = 'alice';
export const OTHER = 'bob';

export interface Access {
  /** Collection path for the owner `uid`. */
  collection: (uid: string) => string;
  /** What the owner may do (with valid data); nobody else may do anything, except public reads. */
  owner: Op[];
  /** Readable by anyone, also signed out. */
  publicRead?: boolean;
}

export const ACCESS: Record<string, Access> = {
  countries: { collection: () => 'countries', owner: ['get', 'list'], publicRead: true },
  visaRules: { collection: () => 'visaRules', owner: ['get', 'list'], publicRead: true },
  // The profile is created and deleted by the backend; the owner only updates editable fields.
  users: { collection: () => 'users', owner: ['get', 'update'] },
  segments: { collection: (uid) => `users/${uid}/segments`, owner: ['get', 'list', 'create', 'update', 'delete'] },
  visaStatus: { collection: (uid) => `users/${uid}/visaStatus`, owner: ['get', 'list'] },
  summaries: { collection: (uid) => `users/${uid}/summaries`, owner: ['get', 'list'] },
  imports: { collection: (uid) => `users/${uid}/imports`, owner: ['get', 'list'] },
  alerts: { collection: (uid) => `users/${uid}/alerts`, owner: ['get', 'list'] },
  devices: { collection: (uid) => `users/${uid}/devices`, owner: ['get', 'list', 'create', 'update', 'delete'] },
};

export function expectedOutcome(name: string, who: Principal, op: Op): boolean {
  const a = ACCESS[name];
  if (!a) throw new Error(`no access row for ${name}`);
  if (a.publicRead && (op === 'get' || op === 'list')) return true;
  return who === 'owner' && a.owner.includes(op);
}

/** Every (collection, principal, operation) with its expected outcome. */
export const MATRIX_ROWS = Object.keys(ACCESS).flatMap((name) =>
  PRINCIPALS.flatMap((who) => OPS.map((op) => ({ name, who, op, allowed: expectedOutcome(name, who, op) }))),
);
