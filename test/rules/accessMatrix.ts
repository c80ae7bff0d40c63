/**
 * Who may do what on each Firestore collection of the data model and on the Storage import files, and the
 * field-validation cases of client writes (profile create/update, segment create/update, device create, uploads):
 * the expectation tables of the emulator suites (test/rules/firestore.rules.emulator.test.ts on Google's Firestore
 * emulator; test/rules/storage.rules.emulator.test.ts where a Storage emulator runs). test/rules/tables.test.ts checks,
 * offline, that every verdict on a field's value is the zod schema's.
 */
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../functions/src/model/documents';

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

/**
 * What the owner may still do under `users/{uid}` once the account's deletion marker `deletedUsers/{uid}` exists
 * (deleteAccount and the Auth deletion trigger write it before they erase; the owner's ID token stays valid up to an
 * hour): read and delete what it could before, never create nor update, in EVERY collection under `users/{uid}`, so a
 * collection added to ACCESS is covered without a new case.
 */
export function expectedAfterDeletion(name: string, op: Op): boolean {
  return expectedOutcome(name, 'owner', op) && op !== 'create' && op !== 'update';
}

/** Every (collection under `users/{uid}`, operation) by the owner of a deleted account, with its expected outcome. */
export const AFTER_DELETION_ROWS = Object.keys(ACCESS)
  .filter((name) => ACCESS[name]!.collection(OWNER).startsWith('users'))
  .flatMap((name) => OPS.map((op) => ({ name, op, allowed: expectedAfterDeletion(name, op) })));

// ---- profile created by the app (fallback to beforeUserCreated) ----

/**
 * A fresh copy of DEFAULT_NOTIFICATION_SETTINGS built in this module's realm. Not `structuredClone`: under Jest that
 * is Node's own global, so its objects and arrays come from the host realm, and the web SDK (firebase/firestore)
 * rejects them ("Unsupported field value: a custom Object object") because their prototype is not this realm's
 * `Object.prototype`. The emulator suites pass these documents to the web SDK, so every copy is explicit.
 */
export function notificationSettings(): NotificationSettings {
  const n = DEFAULT_NOTIFICATION_SETTINGS;
  return { ...n, thresholds: [...n.thresholds], quietHours: n.quietHours === null ? null : { ...n.quietHours } };
}

/** Placeholder for the server time of the write: `serverTimestamp()`, which the rules see as `request.time`. */
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
    notifications: notificationSettings(),
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
  /** Why the rules deny a document the zod schema accepts (see RulesOnly); absent: the verdict is the schema's. */
  rulesOnly?: RulesOnly;
}

/**
 * The reasons the rules may deny a document that its zod schema (which describes what is STORED, whoever writes
 * it) accepts: the client may not write it, although the backend may. test/rules/tables.test.ts checks that every
 * other verdict in these tables is the schema's.
 */
export type RulesOnly =
  | 'server time: a client writes serverTimestamp(), never its device clock'
  | 'backend-only field: written by the backend (Admin SDK), never by the app'
  | "set at creation: a profile's email, createdAt and updatedAt, a segment's createdAt and source"
  | "the e-mail address is the signed-in account's"
  | 'ownership: only the owner writes under users/{uid}'
  | 'permits and tracked rules are added by an update once the profile exists (a create checks every field, within the rules budget of 1 000 expressions)';
const SERVER_CLOCK: RulesOnly = 'server time: a client writes serverTimestamp(), never its device clock';
const BACKEND_ONLY: RulesOnly = 'backend-only field: written by the backend (Admin SDK), never by the app';
const SET_ONCE: RulesOnly = "set at creation: a profile's email, createdAt and updatedAt, a segment's createdAt and source";
const BY_UPDATE: RulesOnly =
  'permits and tracked rules are added by an update once the profile exists (a create checks every field, within the rules budget of 1 000 expressions)';

/**
 * Ten distinct valid nationalities and ten thresholds: the rules check list elements one by one (no loops), so only
 * a list of the maximum length makes every element check evaluate to a value (the coverage gate lists checks that
 * never did). Each list's last element is the one the "bad 10th" cases below replace.
 */
const TEN_COUNTRIES = ['US', 'IE', 'FR', 'DE', 'IT', 'ES', 'PT', 'NL', 'BE', 'AT'];
/** A residence permit as the app writes it (ResidencePermitSchema, core/applicability.ts). */
const PERMIT = { country: 'FR', validFrom: '2024-01-01', validTo: '2025-12-31', kind: 'residence-permit' };
/** Three permits, each valid: the most the profile may hold (MAX_RESIDENCE_PERMITS). */
const THREE_PERMITS = TEN_COUNTRIES.slice(0, 3).map((country, i) => ({ ...PERMIT, country, kind: i % 2 ? 'long-stay-visa' : 'residence-permit' }));

const TEN_THRESHOLDS = [90, 60, 45, 30, 21, 14, 7, 3, 1, 0];
/**
 * Ten distinct rule ids (MAX_TRACKED_RULES), the last of 64 characters (RuleIdSchema's longest): ids of the seed and
 * ids it does not have, which the rules accept alike (the backend warns about an unknown one).
 */
const TEN_RULES = [
  'schengen-90-180',
  'tr-visa-exempt-90-180',
  'us-vwp-90-per-admission',
  'uk-visitor-6-months',
  'jp-temporary-visitor-90',
  'uk-srt-183',
  'us-substantial-presence',
  'nz-183-12-months',
  '2026-rule',
  `r${'x'.repeat(63)}`,
];

/** Creates of `users/${OWNER}` (the document does not exist yet) and whether the rules allow them. */
export const PROFILE_CREATE_CASES: ProfileCreateCase[] = [
  { name: 'valid profile with the account e-mail', who: 'owner', patch: {}, ok: true },
  { name: 'valid profile without e-mail', who: 'owner', patch: { email: null }, ok: true },
  { name: 'no nationality yet, no display name', who: 'owner', patch: { nationalities: [], displayName: null }, ok: true },
  { name: 'with nextAlertAt (backend-only)', who: 'owner', patch: { nextAlertAt: null }, ok: false, rulesOnly: BACKEND_ONLY },
  { name: 'with nextRecomputeAt (backend-only)', who: 'owner', patch: { nextRecomputeAt: null }, ok: false, rulesOnly: BACKEND_ONLY },
  { name: 'e-mail of another account', who: 'owner', patch: { email: EMAIL[OTHER] }, ok: false, rulesOnly: "the e-mail address is the signed-in account's" },
  { name: 'createdAt from the device clock', who: 'owner', patch: { createdAt: DEVICE_TIME }, ok: false, rulesOnly: SERVER_CLOCK },
  { name: 'updatedAt from the device clock', who: 'owner', patch: { updatedAt: DEVICE_TIME }, ok: false, rulesOnly: SERVER_CLOCK },
  { name: 'another user creates it', who: 'other', patch: { email: EMAIL[OTHER] }, ok: false, rulesOnly: 'ownership: only the owner writes under users/{uid}' },
  { name: 'missing timeZone', who: 'owner', patch: { timeZone: undefined }, ok: false },
  { name: 'missing email', who: 'owner', patch: { email: undefined }, ok: false },
  { name: 'invalid nationality', who: 'owner', patch: { nationalities: ['USA'] }, ok: false },
  { name: 'unknown field', who: 'owner', patch: { admin: true }, ok: false },
  {
    name: '10 nationalities, 10 thresholds',
    who: 'owner',
    patch: { nationalities: TEN_COUNTRIES, notifications: { ...notificationSettings(), thresholds: TEN_THRESHOLDS } },
    ok: true,
  },
  { name: 'e-mail as a number', who: 'owner', patch: { email: 42 }, ok: false },
  // Permits and tracked rules are added by an update once the profile exists (a create checks every field, and the
  // rules' budget of 1 000 expressions per request does not hold a profile at every limit at once).
  { name: 'with a residence permit', who: 'owner', patch: { residencePermits: [PERMIT] }, ok: false, rulesOnly: BY_UPDATE },
  { name: 'with tracked rules', who: 'owner', patch: { trackedRules: ['schengen-90-180'] }, ok: false, rulesOnly: BY_UPDATE },
  { name: 'createdAt as a string', who: 'owner', patch: { createdAt: '2025-05-01T12:00:00Z' }, ok: false },
];

/** appCreatedProfile() with `patch` applied and each placeholder replaced by `time(placeholder)`. */
export function profileCreateData<T>(patch: Record<string, unknown>, time: (t: symbol) => T): Record<string, unknown> {
  return withPatch(appCreatedProfile(), patch, time);
}

// ---- field validation of client writes ----
//
// Conventions of the tables below: a `patch` replaces fields of the base document; a value `undefined` removes the
// field (on an update: FieldValue.delete() on the emulator); SERVER_TIME is the server time of the write and
// DEVICE_TIME a fixed past instant (a device clock, or the time a stored document was written).

export interface WriteCase {
  name: string;
  patch: Record<string, unknown>;
  ok: boolean;
  /** Why the rules deny a document the zod schema accepts; absent: the verdict is the schema's. */
  rulesOnly?: RulesOnly;
}

export interface UpdateCase extends WriteCase {
  /** Fields replacing those of the stored document before the update. */
  stored: Record<string, unknown>;
}

/** base with `patch` applied (`undefined` removes a field) and each placeholder replaced by `time(placeholder)`. */
export function withPatch<T>(base: Record<string, unknown>, patch: Record<string, unknown>, time: (t: symbol) => T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries({ ...base, ...patch })) {
    if (v === undefined) continue;
    out[k] = v === SERVER_TIME || v === DEVICE_TIME ? time(v) : v;
  }
  return out;
}

/** A manual segment as the app creates it in `users/${OWNER}/segments/{id}`. */
export function newSegment(): Record<string, unknown> {
  return {
    departureCountry: 'US',
    arrivalCountry: 'FR',
    departureDate: '2025-04-10',
    arrivalDate: '2025-04-11',
    mode: 'flight',
    source: 'manual',
    createdAt: SERVER_TIME,
    updatedAt: SERVER_TIME,
  };
}

/** A segment as stored before an update (written earlier). */
export function storedSegment(): Record<string, unknown> {
  return { ...newSegment(), createdAt: DEVICE_TIME, updatedAt: DEVICE_TIME };
}

/** An emoji outside the Basic Multilingual Plane: 1 code point, 2 UTF-16 code units (zod counts code units). */
const ASTRAL = '\u{1F600}';

/** Creates of a segment by its owner. */
export const SEGMENT_CREATE_CASES: WriteCase[] = [
  { name: 'valid manual segment', patch: {}, ok: true },
  {
    name: 'all optional fields',
    patch: { departureTime: '23:10', arrivalTime: '06:05', departureAirport: 'JFK', arrivalAirport: 'LFPG', transit: false, flightNumber: 'AF7', notes: 'n' },
    ok: true,
  },
  { name: 'date line: arrival one day before departure', patch: { departureDate: '2025-04-24', arrivalDate: '2025-04-23' }, ok: true },
  { name: 'arrival two days before departure', patch: { departureDate: '2025-04-24', arrivalDate: '2025-04-22' }, ok: false },
  { name: 'date line over a month end', patch: { departureDate: '2025-03-01', arrivalDate: '2025-02-28' }, ok: true },
  { name: 'non-existent date 2025-02-29', patch: { departureDate: '2025-02-29', arrivalDate: '2025-03-01' }, ok: false },
  { name: 'non-existent date 2023-02-29', patch: { departureDate: '2023-02-28', arrivalDate: '2023-02-29' }, ok: false },
  { name: '1900-02-29 (1900 is not a leap year)', patch: { departureDate: '1900-02-28', arrivalDate: '1900-02-29' }, ok: false },
  { name: 'leap day 2024-02-29', patch: { departureDate: '2024-02-29', arrivalDate: '2024-02-29' }, ok: true },
  // int() of "08" and "09" must read decimal (an octal reading would reject every August/September date).
  { name: 'September 8th and 9th (leading zeros)', patch: { departureDate: '2025-09-08', arrivalDate: '2025-09-09' }, ok: true },
  { name: 'year 0000', patch: { departureDate: '0000-01-01', arrivalDate: '0000-01-01' }, ok: false },
  // Travel dates are bounded to 1900-01-01 .. 2199-12-31 (TravelDateSchema in core/segment.ts).
  { name: 'departure 1899-12-31 (before the travel-date range)', patch: { departureDate: '1899-12-31', arrivalDate: '1900-01-01' }, ok: false },
  { name: 'first travel date 1900-01-01', patch: { departureDate: '1900-01-01', arrivalDate: '1900-01-01' }, ok: true },
  { name: 'last travel date 2199-12-31', patch: { departureDate: '2199-12-31', arrivalDate: '2199-12-31' }, ok: true },
  { name: 'arrival 2200-01-01 (after the travel-date range)', patch: { departureDate: '2199-12-31', arrivalDate: '2200-01-01' }, ok: false },
  { name: 'typo year 0219 on both dates (0219-05-01)', patch: { departureDate: '0219-05-01', arrivalDate: '0219-05-01' }, ok: false },
  { name: 'month without leading zero', patch: { departureDate: '2025-4-10' }, ok: false },
  { name: 'date with a time', patch: { departureDate: '2025-04-10T10:00' }, ok: false },
  { name: 'lower-case country', patch: { arrivalCountry: 'fr' }, ok: false },
  { name: 'unknown mode', patch: { mode: 'hovercraft' }, ok: false },
  { name: 'unknown field', patch: { country: 'FR' }, ok: false },
  { name: 'notes of exactly 500 characters', patch: { notes: 'x'.repeat(500) }, ok: true },
  { name: 'notes over 500 characters', patch: { notes: 'x'.repeat(501) }, ok: false },
  { name: 'notes of 250 emoji (500 UTF-16 code units)', patch: { notes: ASTRAL.repeat(250) }, ok: true },
  // The schema (stringOfAtMost) and the backend count UTF-16 code units: 300 emoji are 600. Fails on the emulator if
  // the runtime's string.size() counts code points instead, i.e. the rules would then accept what the schema rejects.
  { name: 'notes of 300 emoji (600 UTF-16 code units)', patch: { notes: ASTRAL.repeat(300) }, ok: false },
  { name: 'flight number over 12 characters', patch: { flightNumber: 'x'.repeat(13) }, ok: false },
  { name: 'transit null', patch: { transit: null }, ok: false },
  { name: 'departure time null', patch: { departureTime: null }, ok: false },
  { name: 'source is an import id', patch: { source: 'import-123' }, ok: false, rulesOnly: SET_ONCE },
  { name: 'source missing', patch: { source: undefined }, ok: false },
  { name: 'updatedAt from the device clock', patch: { updatedAt: DEVICE_TIME }, ok: false, rulesOnly: SERVER_CLOCK },
  { name: 'createdAt from the device clock', patch: { createdAt: DEVICE_TIME }, ok: false, rulesOnly: SERVER_CLOCK },
  { name: 'missing mode', patch: { mode: undefined }, ok: false },
  // Ported from the offline model's tables (test/rules/rules.test.ts, removed): each decided by one field.
  { name: 'same-day arrival', patch: { departureDate: '2025-04-10', arrivalDate: '2025-04-10' }, ok: true },
  { name: 'leap day 2000-02-29 (2000 is a leap year)', patch: { departureDate: '2000-02-29', arrivalDate: '2000-02-29' }, ok: true },
  { name: 'April 31st', patch: { departureDate: '2025-04-31', arrivalDate: '2025-05-01' }, ok: false },
  { name: 'arrival 1899-12-31 (date line, departure 1900-01-01)', patch: { departureDate: '1900-01-01', arrivalDate: '1899-12-31' }, ok: false },
  { name: 'both 2200-01-01', patch: { departureDate: '2200-01-01', arrivalDate: '2200-01-01' }, ok: false },
  { name: 'year 9999', patch: { departureDate: '9999-12-31', arrivalDate: '9999-12-31' }, ok: false },
  { name: 'years below 100: 0099-12-31 to 0100-01-05', patch: { departureDate: '0099-12-31', arrivalDate: '0100-01-05' }, ok: false },
  { name: 'missing arrivalDate', patch: { arrivalDate: undefined }, ok: false },
  { name: 'date as a number', patch: { departureDate: 20250410 }, ok: false },
  { name: 'alpha-3 country', patch: { arrivalCountry: 'FRA' }, ok: false },
  { name: 'one-letter country', patch: { arrivalCountry: 'F' }, ok: false },
  { name: 'empty country', patch: { departureCountry: '' }, ok: false },
  { name: 'country with a digit', patch: { arrivalCountry: 'F1' }, ok: false },
  { name: 'country with an accented letter', patch: { arrivalCountry: 'ÉS' }, ok: false },
  { name: 'times 00:00 and 23:59', patch: { departureTime: '00:00', arrivalTime: '23:59' }, ok: true },
  { name: 'time 24:00', patch: { departureTime: '24:00' }, ok: false },
  { name: 'time without leading zero 7:05', patch: { arrivalTime: '7:05' }, ok: false },
  { name: 'time 12:60', patch: { departureTime: '12:60' }, ok: false },
  { name: 'time 12:5', patch: { arrivalTime: '12:5' }, ok: false },
  { name: 'time with seconds 12:05:00', patch: { departureTime: '12:05:00' }, ok: false },
  { name: 'ICAO code with a digit K1A', patch: { arrivalAirport: 'K1A' }, ok: true },
  { name: 'airport of 2 letters', patch: { arrivalAirport: 'CD' }, ok: false },
  { name: 'airport of 5 characters', patch: { departureAirport: 'LFPGX' }, ok: false },
  { name: 'lower-case airport', patch: { departureAirport: 'jfk' }, ok: false },
  { name: 'transit as a string', patch: { transit: 'yes' }, ok: false },
  { name: 'transit true', patch: { transit: true }, ok: true },
  { name: 'mode null', patch: { mode: null }, ok: false },
  ...(['flight', 'train', 'car', 'bus', 'ferry', 'other'] as const).map((mode) => ({ name: `travel mode ${mode}`, patch: { mode }, ok: true })),
  { name: 'a mode of the old vocabulary (air)', patch: { mode: 'air' }, ok: false },
  { name: 'mode in capitals (Flight)', patch: { mode: 'Flight' }, ok: false },
  { name: 'purpose of exactly 200 characters', patch: { purpose: 'x'.repeat(200) }, ok: true },
  { name: 'purpose over 200 characters', patch: { purpose: 'x'.repeat(201) }, ok: false },
  { name: 'purpose as a number', patch: { purpose: 1 }, ok: false },
  { name: 'entry point of a land crossing', patch: { mode: 'car', entryPoint: 'Hendaye / Irun bridge' }, ok: true },
  { name: 'entry point over 100 characters', patch: { entryPoint: 'x'.repeat(101) }, ok: false },
  { name: 'entry point as a list', patch: { entryPoint: ['Dover'] }, ok: false },
  { name: 'flight number of exactly 12 characters', patch: { flightNumber: 'x'.repeat(12) }, ok: true },
  { name: 'notes as a number', patch: { notes: 5 }, ok: false },
  { name: 'createdAt as a string', patch: { createdAt: '2025-05-01' }, ok: false },
];

/** Ids a segment is created under by its owner (a valid segment); the verdict is SegmentIdSchema's. */
export const SEGMENT_ID_CASES: { name: string; id: string; ok: boolean }[] = [
  { name: 'a UUID', id: '3f2b8c1e-9d4a-4f6b-8e2c-7a1d5b9c0e4f', ok: true },
  { name: 'a Firestore auto-id', id: 'a1B2c3D4e5F6g7H8i9J0', ok: true },
  { name: 'one character', id: 'x', ok: true },
  { name: 'underscores and hyphens', id: 'trip_2025-04-10', ok: true },
  { name: 'exactly 128 characters', id: 'x'.repeat(128), ok: true },
  { name: '129 characters', id: 'x'.repeat(129), ok: false },
  { name: '1 500 characters (the longest id Firestore allows)', id: 'x'.repeat(1500), ok: false },
  { name: 'a space', id: 'my trip', ok: false },
  { name: 'a dot', id: 'trip.1', ok: false },
  { name: 'percent signs (escaped to 3 bytes each in the timeline)', id: '%'.repeat(100), ok: false },
  { name: 'a letter outside ASCII', id: 'résumé', ok: false },
  { name: 'an emoji', id: ASTRAL, ok: false },
];

/** Updates of `users/${OWNER}/segments/s1` by its owner; `updatedAt: SERVER_TIME` is written unless patched. */
export const SEGMENT_UPDATE_CASES: UpdateCase[] = [
  { name: 'edit with server updatedAt', stored: {}, patch: { arrivalCountry: 'DE' }, ok: true },
  { name: 'edit with a device-clock updatedAt', stored: {}, patch: { arrivalCountry: 'DE', updatedAt: DEVICE_TIME }, ok: false, rulesOnly: SERVER_CLOCK },
  { name: 'createdAt changed', stored: {}, patch: { createdAt: SERVER_TIME }, ok: false, rulesOnly: SET_ONCE },
  { name: 'createdAt removed', stored: {}, patch: { createdAt: undefined }, ok: false },
  { name: 'imported segment keeps its import id', stored: { source: 'import-1' }, patch: { notes: 'fixed' }, ok: true },
  { name: 'imported segment becomes manual', stored: { source: 'import-1' }, patch: { source: 'manual' }, ok: true },
  { name: 'imported segment claims another import', stored: { source: 'import-1' }, patch: { source: 'import-2' }, ok: false, rulesOnly: SET_ONCE },
  { name: 'manual segment claims an import id', stored: {}, patch: { source: 'import-1' }, ok: false, rulesOnly: SET_ONCE },
  { name: 'source removed', stored: {}, patch: { source: undefined }, ok: false },
  { name: 'optional notes removed', stored: { notes: 'old' }, patch: { notes: undefined }, ok: true },
  { name: 'purpose and entry point added by an edit', stored: {}, patch: { purpose: 'work', entryPoint: 'Calais' }, ok: true },
  { name: 'purpose removed', stored: { purpose: 'holiday' }, patch: { purpose: undefined }, ok: true },
  { name: 'edit makes arrival 2 days early', stored: {}, patch: { arrivalDate: '2025-04-08' }, ok: false },
  { name: 'edit to typo year 0219 on both dates', stored: {}, patch: { departureDate: '0219-04-10', arrivalDate: '0219-04-11' }, ok: false },
  { name: 'edit to the last travel date 2199-12-31', stored: {}, patch: { departureDate: '2199-12-31', arrivalDate: '2199-12-31' }, ok: true },
  { name: 'unknown field added', stored: {}, patch: { admin: true }, ok: false },
];

/** The profile as stored at `users/${OWNER}` (created earlier, by the backend or the app). */
export function storedProfile(): Record<string, unknown> {
  return {
    displayName: 'Alice',
    nationalities: ['US'],
    homeCountry: 'US',
    timeZone: 'America/New_York',
    notifications: notificationSettings(),
    email: EMAIL[OWNER],
    createdAt: DEVICE_TIME,
    updatedAt: DEVICE_TIME,
    nextAlertAt: null,
  };
}

/** Updates of `users/${OWNER}` by its owner (only profileEditableKeys() may change). */
export const PROFILE_UPDATE_CASES: UpdateCase[] = [
  { name: 'display name', stored: {}, patch: { displayName: 'Al' }, ok: true },
  // Residence permits and long-stay visas (optional; absent = none).
  { name: 'a residence permit added', stored: {}, patch: { residencePermits: [PERMIT] }, ok: true },
  { name: 'a long-stay visa valid one day', stored: {}, patch: { residencePermits: [{ ...PERMIT, kind: 'long-stay-visa', validTo: '2024-01-01' }] }, ok: true },
  { name: 'permits removed', stored: { residencePermits: [PERMIT] }, patch: { residencePermits: undefined }, ok: true },
  { name: 'no permits (empty list)', stored: {}, patch: { residencePermits: [] }, ok: true },
  { name: '3 permits', stored: {}, patch: { residencePermits: THREE_PERMITS }, ok: true },
  {
    name: '3 permits added to a profile with 10 nationalities and 10 thresholds (the largest profile)',
    stored: { nationalities: TEN_COUNTRIES, notifications: { ...notificationSettings(), thresholds: TEN_THRESHOLDS } },
    patch: { residencePermits: THREE_PERMITS },
    ok: true,
  },
  { name: 'a bad nationality is refused whatever else changes', stored: {}, patch: { residencePermits: [PERMIT], nationalities: ['usa'] }, ok: false },
  {
    name: '3 permits ending on the 29th, 30th and 31st (calendar check)',
    stored: {},
    patch: {
      residencePermits: [
        { ...PERMIT, validTo: '2024-02-29' },
        { ...PERMIT, validTo: '2025-04-30' },
        { ...PERMIT, validTo: '2025-12-31' },
      ],
    },
    ok: true,
  },
  { name: 'permit ending on 2025-02-29 (no such day)', stored: {}, patch: { residencePermits: [{ ...PERMIT, validTo: '2025-02-29' }] }, ok: false },
  { name: '4 permits', stored: {}, patch: { residencePermits: [...THREE_PERMITS, PERMIT] }, ok: false },
  {
    name: 'bad 3rd permit (validTo before validFrom)',
    stored: {},
    patch: { residencePermits: [...THREE_PERMITS.slice(0, 2), { ...PERMIT, validFrom: '2026-01-01' }] },
    ok: false,
  },
  { name: 'permit country lower case', stored: {}, patch: { residencePermits: [{ ...PERMIT, country: 'fr' }] }, ok: false },
  { name: 'permit validFrom not a date', stored: {}, patch: { residencePermits: [{ ...PERMIT, validFrom: '2024-02-30' }] }, ok: false },
  { name: 'permit validTo in year 0219', stored: {}, patch: { residencePermits: [{ ...PERMIT, validTo: '0219-12-31' }] }, ok: false },
  { name: 'permit of an unknown kind', stored: {}, patch: { residencePermits: [{ ...PERMIT, kind: 'visa' }] }, ok: false },
  { name: 'permit without kind', stored: {}, patch: { residencePermits: [withoutKey(PERMIT, 'kind')] }, ok: false },
  { name: 'permit with an extra key', stored: {}, patch: { residencePermits: [{ ...PERMIT, number: 'X123' }] }, ok: false },
  { name: 'permit as a string', stored: {}, patch: { residencePermits: ['FR:2024-01-01:2025-12-31'] }, ok: false },
  { name: 'permits as a map', stored: {}, patch: { residencePermits: PERMIT }, ok: false },
  // Tracked rules (optional; absent = the default rule, [] = none): ids matching RuleIdSchema, at most 10, none twice.
  { name: 'tracked rules set', stored: {}, patch: { trackedRules: ['uk-srt-183', 'us-substantial-presence'] }, ok: true },
  { name: 'no tracked rule (empty list)', stored: {}, patch: { trackedRules: [] }, ok: true },
  { name: 'tracked rules removed (back to the default)', stored: { trackedRules: ['uk-srt-183'] }, patch: { trackedRules: undefined }, ok: true },
  { name: '10 tracked rules, the last of 64 characters', stored: {}, patch: { trackedRules: TEN_RULES }, ok: true },
  {
    name: '10 tracked rules added to a profile with 10 nationalities, 10 thresholds and 3 permits (the largest profile)',
    stored: { nationalities: TEN_COUNTRIES, notifications: { ...notificationSettings(), thresholds: TEN_THRESHOLDS }, residencePermits: THREE_PERMITS },
    patch: { trackedRules: TEN_RULES },
    ok: true,
  },
  { name: '11 tracked rules', stored: {}, patch: { trackedRules: [...TEN_RULES, 'one-more'] }, ok: false },
  { name: 'a tracked rule named twice', stored: {}, patch: { trackedRules: ['uk-srt-183', 'schengen-90-180', 'uk-srt-183'] }, ok: false },
  { name: 'bad 10th tracked rule (upper case)', stored: {}, patch: { trackedRules: [...TEN_RULES.slice(0, 9), 'UK-SRT-183'] }, ok: false },
  { name: 'tracked rule id of 65 characters', stored: {}, patch: { trackedRules: [`r${'x'.repeat(64)}`] }, ok: false },
  { name: 'empty tracked rule id', stored: {}, patch: { trackedRules: [''] }, ok: false },
  { name: 'tracked rule id with an underscore', stored: {}, patch: { trackedRules: ['uk_srt_183'] }, ok: false },
  { name: 'tracked rule id as a number', stored: {}, patch: { trackedRules: [183] }, ok: false },
  { name: 'tracked rules as a string', stored: {}, patch: { trackedRules: 'uk-srt-183' }, ok: false },
  { name: 'tracked rules null', stored: {}, patch: { trackedRules: null }, ok: false },
  { name: 'nationalities and home country', stored: {}, patch: { nationalities: ['US', 'IE'], homeCountry: 'IE' }, ok: true },
  {
    name: 'notifications off, no quiet hours',
    stored: {},
    patch: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, enabled: false, quietHours: null } },
    ok: true,
  },
  { name: 'invalid nationality', stored: {}, patch: { nationalities: ['USA'] }, ok: false },
  { name: '11 nationalities', stored: {}, patch: { nationalities: Array.from({ length: 11 }, () => 'FR') }, ok: false },
  { name: 'threshold above 90', stored: {}, patch: { notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, thresholds: [120] } }, ok: false },
  { name: 'empty time zone', stored: {}, patch: { timeZone: '' }, ok: false },
  { name: 'email (backend-only)', stored: {}, patch: { email: 'x@example.com' }, ok: false, rulesOnly: SET_ONCE },
  { name: 'nextAlertAt (backend-only)', stored: {}, patch: { nextAlertAt: SERVER_TIME }, ok: false, rulesOnly: BACKEND_ONLY },
  { name: 'nextAlertAt removed (backend-only)', stored: {}, patch: { nextAlertAt: undefined }, ok: false, rulesOnly: BACKEND_ONLY },
  { name: 'nextRecomputeAt (backend-only)', stored: {}, patch: { nextRecomputeAt: SERVER_TIME }, ok: false, rulesOnly: BACKEND_ONLY },
  { name: 'createdAt (set at creation)', stored: {}, patch: { createdAt: SERVER_TIME }, ok: false, rulesOnly: SET_ONCE },
  { name: 'updatedAt (set at creation)', stored: {}, patch: { updatedAt: SERVER_TIME }, ok: false, rulesOnly: SET_ONCE },
  { name: 'nationalities removed', stored: {}, patch: { nationalities: undefined }, ok: false },
  { name: 'unknown field', stored: {}, patch: { admin: true }, ok: false },
  // Ported from the offline model's tables (test/rules/rules.test.ts, removed).
  {
    name: 'nulls where allowed (display name, home country, quiet hours)',
    stored: {},
    patch: { displayName: null, homeCountry: null, notifications: { ...notificationSettings(), quietHours: null } },
    ok: true,
  },
  { name: '10 nationalities', stored: {}, patch: { nationalities: TEN_COUNTRIES }, ok: true },
  { name: 'bad 10th nationality', stored: {}, patch: { nationalities: [...TEN_COUNTRIES.slice(0, 9), 'fr'] }, ok: false },
  { name: '10 thresholds 0..90', stored: {}, patch: { notifications: { ...notificationSettings(), thresholds: TEN_THRESHOLDS } }, ok: true },
  {
    name: 'bad 10th threshold (91)',
    stored: {},
    patch: { notifications: { ...notificationSettings(), thresholds: [...TEN_THRESHOLDS.slice(0, 9), 91] } },
    ok: false,
  },
  { name: '11 thresholds', stored: {}, patch: { notifications: { ...notificationSettings(), thresholds: [...TEN_THRESHOLDS, 0] } }, ok: false },
  { name: 'threshold 1.5', stored: {}, patch: { notifications: { ...notificationSettings(), thresholds: [1.5] } }, ok: false },
  { name: 'threshold -1', stored: {}, patch: { notifications: { ...notificationSettings(), thresholds: [-1] } }, ok: false },
  { name: 'quiet hours 25:00', stored: {}, patch: { notifications: { ...notificationSettings(), quietHours: { start: '25:00', end: '08:00' } } }, ok: false },
  { name: 'quiet hours without end', stored: {}, patch: { notifications: { ...notificationSettings(), quietHours: { start: '22:00' } } }, ok: false },
  {
    name: 'quiet hours with an extra key',
    stored: {},
    patch: { notifications: { ...notificationSettings(), quietHours: { start: '22:00', end: '08:00', days: 5 } } },
    ok: false,
  },
  { name: 'extra notification key', stored: {}, patch: { notifications: { ...notificationSettings(), sound: true } }, ok: false },
  { name: 'missing notification key', stored: {}, patch: { notifications: withoutKey(notificationSettings(), 'overstay') }, ok: false },
  { name: 'notifications enabled as a string', stored: {}, patch: { notifications: { ...notificationSettings(), enabled: 'yes' } }, ok: false },
  { name: 'display name of exactly 100 characters', stored: {}, patch: { displayName: 'x'.repeat(100) }, ok: true },
  { name: 'display name too long (101)', stored: {}, patch: { displayName: 'x'.repeat(101) }, ok: false },
  // Lengths are UTF-16 code units, as the rules' size() counts (stringOfAtMost in core/segment.ts).
  { name: 'display name of 50 emoji (100 UTF-16 code units)', stored: {}, patch: { displayName: ASTRAL.repeat(50) }, ok: true },
  { name: 'display name of 51 emoji (102 UTF-16 code units)', stored: {}, patch: { displayName: ASTRAL.repeat(51) }, ok: false },
  { name: 'time zone of 64 characters', stored: {}, patch: { timeZone: 'x'.repeat(64) }, ok: true },
  { name: 'time zone of 65 characters', stored: {}, patch: { timeZone: 'x'.repeat(65) }, ok: false },
  { name: 'home country lower case', stored: {}, patch: { homeCountry: 'ie' }, ok: false },
];

/** `obj` without `key` (a document or map missing a required field). */
function withoutKey<T extends object>(obj: T, key: keyof T): Partial<T> {
  const out: Partial<T> = { ...obj };
  delete out[key];
  return out;
}

/** A device as the app registers it at `users/${OWNER}/devices/{deviceId}`. */
export function newDevice(): Record<string, unknown> {
  return { fcmToken: 'token', platform: 'ios', appVersion: '1.0.0', lastSeenAt: SERVER_TIME };
}

/** Creates of a device by its owner. */
export const DEVICE_CREATE_CASES: WriteCase[] = [
  { name: 'valid', patch: {}, ok: true },
  { name: 'token of 4096 characters', patch: { fcmToken: 't'.repeat(4096) }, ok: true },
  { name: 'token of 4097 characters', patch: { fcmToken: 't'.repeat(4097) }, ok: false },
  { name: 'android platform', patch: { platform: 'android' }, ok: false },
  { name: 'empty token', patch: { fcmToken: '' }, ok: false },
  { name: 'lastSeenAt from the device clock', patch: { lastSeenAt: DEVICE_TIME }, ok: false, rulesOnly: SERVER_CLOCK },
  { name: 'extra field', patch: { model: 'iPhone' }, ok: false },
  { name: 'missing appVersion', patch: { appVersion: undefined }, ok: false },
  // Ported from the offline model's tables (test/rules/rules.test.ts, removed).
  { name: 'app version of 32 characters', patch: { appVersion: 'v'.repeat(32) }, ok: true },
  { name: 'app version of 33 characters', patch: { appVersion: 'v'.repeat(33) }, ok: false },
  { name: 'app version of 17 emoji (34 UTF-16 code units)', patch: { appVersion: ASTRAL.repeat(17) }, ok: false },
  { name: 'missing lastSeenAt', patch: { lastSeenAt: undefined }, ok: false },
  { name: 'platform macos', patch: { platform: 'macos' }, ok: true },
];

/**
 * Subcollections of `users/{uid}`: a collection group query over any of them (`collectionGroup('segments')`)
 * would span every user, so it is denied to everyone, the owner included (no recursive wildcard in the rules).
 */
export const COLLECTION_GROUPS = ['segments', 'visaStatus', 'summaries', 'imports', 'alerts', 'devices', 'timeline'];

// ---- Cloud Storage: users/{uid}/imports/{importId}.csv|.txt (storage.rules) ----

/** What the owner may do on its import files; nobody else may do anything. `update` = overwrite. */
export const STORAGE_OWNER_MAY: Op[] = ['get', 'list', 'create'];
export const STORAGE_ROWS = PRINCIPALS.flatMap((who) => OPS.map((op) => ({ who, op, allowed: who === 'owner' && STORAGE_OWNER_MAY.includes(op) })));

export interface UploadCase {
  name: string;
  /** Object name under `users/${OWNER}/imports/`. */
  file: string;
  contentType: string;
  size: number;
  /** Custom metadata of the upload. */
  customMetadata?: Record<string, string>;
  ok: boolean;
}

const MiB = 1024 * 1024;
/** Uploads by the owner (the object does not exist yet). */
export const UPLOAD_CASES: UploadCase[] = [
  { name: '.csv text/csv', file: 'a.csv', contentType: 'text/csv', size: 40, ok: true },
  { name: '.txt text/plain; charset=utf-8', file: 'a.txt', contentType: 'text/plain; charset=utf-8', size: 40, ok: true },
  { name: 'application/vnd.ms-excel', file: 'a.csv', contentType: 'application/vnd.ms-excel', size: 40, ok: true },
  { name: 'exactly 10 MiB', file: 'a.csv', contentType: 'text/csv', size: 10 * MiB, ok: true },
  { name: '10 MiB + 1 byte', file: 'a.csv', contentType: 'text/csv', size: 10 * MiB + 1, ok: false },
  { name: 'empty file', file: 'a.csv', contentType: 'text/csv', size: 0, ok: false },
  { name: 'octet-stream', file: 'a.csv', contentType: 'application/octet-stream', size: 40, ok: false },
  { name: 'image', file: 'a.csv', contentType: 'image/png', size: 40, ok: false },
  { name: 'other extension', file: 'a.xlsx', contentType: 'text/csv', size: 40, ok: false },
  { name: 'id with a space', file: 'a b.csv', contentType: 'text/csv', size: 40, ok: false },
  { name: 'unrelated custom metadata', file: 'a.csv', contentType: 'text/csv', size: 40, customMetadata: { app: 'ios 1.0' }, ok: true },
  // The import trigger ignores objects marked as written by the backend (services/import/upload.ts).
  { name: 'backend marker tttWrittenBy=backend', file: 'a.csv', contentType: 'text/csv', size: 40, customMetadata: { tttWrittenBy: 'backend' }, ok: false },
  { name: 'backend marker key with another value', file: 'a.csv', contentType: 'text/csv', size: 40, customMetadata: { tttWrittenBy: 'app' }, ok: false },
];
