/**
 * Who may do what on each Firestore collection of the data model, and the field-validation cases of a profile
 * created by the app: the expectation tables shared by the offline rules matrix (test/rules/matrix.test.ts, a
 * model of the runtime) and the emulator matrix (test/emulator/firestore.rules.test.ts, the real runtime).
 */
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../functions/src/model/documents';

export type Principal = 'unauthenticated' | 'owner' | 'other';
export type Op = 'get' | 'list' | 'create' | 'update' | 'delete';
export const PRINCIPALS: Principal[] = ['unauthenticated', 'owner', 'other'];
export const OPS: Op[] = ['get', 'list', 'create', 'update', 'delete'];
export const OWNER = 'alice';
export const OTHER = 'bob';
/** The `email` claim of each signed-in principal's ID token. */
export const EMAIL: Record<string, string> = { [OWNER]: 'alice@example.com', [OTHER]: 'bob@example.com' };

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
  // The backend creates the profile (beforeUserCreated); the owner may also create it (fallback) and update the
  // editable fields; only the backend deletes it (deleteAccount).
  users: { collection: () => 'users', owner: ['get', 'create', 'update'] },
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

// ---- profile created by the app (fallback to beforeUserCreated) ----

/** Placeholder for the server time of the write: `serverTimestamp()` on the emulator, `request.time` offline. */
export const SERVER_TIME = Symbol('server time of the write');
/** Placeholder for a time taken from the device clock (a fixed past instant). */
export const DEVICE_TIME = Symbol('device clock');

/** The profile the app writes to `users/{OWNER}` on first launch when it does not exist. */
export function appCreatedProfile(): Record<string, unknown> {
  return {
    displayName: 'Alice',
    nationalities: ['US'],
    homeCountry: null,
    timeZone: 'America/New_York',
    notifications: structuredClone(DEFAULT_NOTIFICATION_SETTINGS),
    email: EMAIL[OWNER],
    createdAt: SERVER_TIME,
    updatedAt: SERVER_TIME,
  };
}

export interface ProfileCreateCase {
  name: string;
  /** Who writes `users/${OWNER}`. */
  who: 'owner' | 'other';
  /** Fields replacing those of appCreatedProfile(); `undefined` removes the field. */
  patch: Record<string, unknown>;
  ok: boolean;
}

/** Creates of `users/${OWNER}` (the document does not exist yet) and whether the rules allow them. */
export const PROFILE_CREATE_CASES: ProfileCreateCase[] = [
  { name: 'valid profile with the account e-mail', who: 'owner', patch: {}, ok: true },
  { name: 'valid profile without e-mail', who: 'owner', patch: { email: null }, ok: true },
  { name: 'no nationality yet, no display name', who: 'owner', patch: { nationalities: [], displayName: null }, ok: true },
  { name: 'with nextAlertAt (backend-only)', who: 'owner', patch: { nextAlertAt: null }, ok: false },
  { name: 'with nextRecomputeAt (backend-only)', who: 'owner', patch: { nextRecomputeAt: null }, ok: false },
  { name: 'e-mail of another account', who: 'owner', patch: { email: EMAIL[OTHER] }, ok: false },
  { name: 'createdAt from the device clock', who: 'owner', patch: { createdAt: DEVICE_TIME }, ok: false },
  { name: 'updatedAt from the device clock', who: 'owner', patch: { updatedAt: DEVICE_TIME }, ok: false },
  { name: 'another user creates it', who: 'other', patch: { email: EMAIL[OTHER] }, ok: false },
  { name: 'missing timeZone', who: 'owner', patch: { timeZone: undefined }, ok: false },
  { name: 'missing email', who: 'owner', patch: { email: undefined }, ok: false },
  { name: 'invalid nationality', who: 'owner', patch: { nationalities: ['USA'] }, ok: false },
  { name: 'unknown field', who: 'owner', patch: { admin: true }, ok: false },
];

/** appCreatedProfile() with `patch` applied and each placeholder replaced by `time(placeholder)`. */
export function profileCreateData<T>(patch: Record<string, unknown>, time: (t: symbol) => T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...appCreatedProfile(), ...patch })) {
    if (v === undefined) continue;
    out[k] = v === SERVER_TIME || v === DEVICE_TIME ? time(v) : v;
  }
  return out;
}
