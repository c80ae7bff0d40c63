/**
 * Offline checks of firestore.rules and storage.rules (no emulator needed):
 * - both parse (test/rules/rulesParser.ts) and every name and call resolves;
 * - every collection of the data model, and every collection the Firestore repository touches, has a `match`;
 * - backend-only collections and fields have no client write path;
 * - the client-writable field lists, enums and length limits equal the zod schemas' (derived from `.shape`);
 * - the validation functions, evaluated with a model of the rules runtime (rulesEval.ts), accept and reject the
 *   same documents as the zod schemas (tables of cases plus property tests for dates).
 * The emulator matrix (test/emulator/rules.test.ts) remains the authority on the real runtime.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { isIsoDate, toDayNumber } from '../../functions/src/core/dates';
import {
  AirportCodeSchema,
  CountryCodeSchema,
  LocalTimeSchema,
  MAX_DATE_LINE_SHIFT_DAYS,
  MAX_TRAVEL_DATE,
  MIN_TRAVEL_DATE,
  SEGMENT_LIMITS,
  TravelDateSchema,
  TravelModeSchema,
  arrivalNotBeforeDeparture,
} from '../../functions/src/core/segment';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  DeviceDocSchema,
  NotificationSettingsSchema,
  PROFILE_LIMITS,
  ProfileEditableSchema,
  SegmentDocSchema,
  UserProfileSchema,
} from '../../functions/src/model/documents';
import { CONFIG_DEFAULTS } from '../../functions/src/config';
import { BACKEND_MARKER_KEY } from '../../functions/src/services/importJob';
import { RTimestamp, callRulesFunction, type EvalEnv, type RValue } from './rulesEval';
import {
  checkScopes,
  functionsByName,
  matchPaths,
  parseRules,
  stringLiterals,
  type RulesFile,
} from './rulesParser';

const ROOT = path.resolve(__dirname, '../..');
const firestoreSrc = fs.readFileSync(path.join(ROOT, 'firestore.rules'), 'utf8');
const storageSrc = fs.readFileSync(path.join(ROOT, 'storage.rules'), 'utf8');
const firestore = parseRules(firestoreSrc, 'firestore.rules');
const storage = parseRules(storageSrc, 'storage.rules');
const fns = functionsByName(firestore);

const DOCS = '/databases/{database}/documents';

/** The data model of README.md (data model): collection path -> who may write from a client. */
const DATA_MODEL: { path: string; clientWrites: string[] }[] = [
  { path: '/countries/{iso2}', clientWrites: [] },
  { path: '/visaRules/{ruleId}', clientWrites: [] },
  { path: '/users/{uid}', clientWrites: ['create', 'update'] },
  { path: '/users/{uid}/segments/{segmentId}', clientWrites: ['create', 'delete', 'update'] },
  { path: '/users/{uid}/visaStatus/{ruleId}', clientWrites: [] },
  { path: '/users/{uid}/summaries/{summaryId}', clientWrites: [] },
  { path: '/users/{uid}/imports/{importId}', clientWrites: [] },
  { path: '/users/{uid}/devices/{deviceId}', clientWrites: ['create', 'delete', 'update'] },
  { path: '/users/{uid}/alerts/{alertId}', clientWrites: [] },
];
const WRITE_METHODS = ['write', 'create', 'update', 'delete'];

function literalsOf(name: string): string[] {
  const f = fns.get(name);
  if (!f) throw new Error(`firestore.rules has no function ${name}()`);
  return stringLiterals(f.body);
}
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('rules files parse and resolve', () => {
  test.each([
    { file: 'firestore.rules', rules: firestore, service: 'cloud.firestore' },
    { file: 'storage.rules', rules: storage, service: 'firebase.storage' },
  ])('$file: rules_version 2, one $service service, every name resolves', ({ rules, service }) => {
    expect(rules.version).toBe('2');
    expect(rules.services.map((s) => s.name)).toEqual([service]);
    expect(checkScopes(rules)).toEqual([]);
  });

  // The checks above must be able to fail: each broken variant is rejected.
  const good = "rules_version = '2';\nservice cloud.firestore { match /a/{id} { function f(x) { return x == 1; } allow read: if f(1) && id != ''; } }";
  test.each([
    { what: 'unbalanced brace', src: good.replace(/}$/, ''), error: /unclosed service|expected "}"/ },
    { what: 'unknown method', src: good.replace('allow read', 'allow fetch'), error: /"fetch" is not a rules method/ },
    { what: 'missing semicolon', src: good.replace("!= '';", "!= ''"), error: /expected ";"/ },
    { what: 'unknown type after is', src: good.replace('x == 1', 'x is text'), error: /"text" is not a rules type/ },
    { what: 'unterminated string', src: good.replace("!= ''", "!= '"), error: /unterminated string/ },
  ])('parser rejects $what', ({ src, error }) => {
    expect(() => parseRules(src, 'x.rules')).toThrow(error);
  });

  test.each([
    { what: 'misspelt helper', src: good.replace('if f(1)', 'if g(1)'), problem: /undeclared function "g"/ },
    { what: 'wrong arity', src: good.replace('if f(1)', 'if f(1, 2)'), problem: /f\(\) takes 1 argument/ },
    { what: 'unbound wildcard', src: good.replace("id != ''", "uid != ''"), problem: /unknown name "uid"/ },
  ])('scope check reports $what', ({ src, problem }) => {
    const problems = checkScopes(parseRules(src, 'x.rules'));
    expect(problems.map((p) => p.message).join('\n')).toMatch(problem);
  });
});

describe('firestore.rules covers the data model', () => {
  const paths = new Map(matchPaths(firestore).map((m) => [m.path, m.block]));

  test.each(DATA_MODEL)('$path has a match block; client writes: $clientWrites', ({ path: p, clientWrites }) => {
    const block = paths.get(DOCS + p);
    expect(block).toBeDefined();
    const writes = block!.allows.flatMap((a) => a.methods).filter((m) => WRITE_METHODS.includes(m));
    expect(sorted(new Set(writes))).toEqual(sorted(clientWrites));
  });

  test('no other path is matched and there is no recursive wildcard', () => {
    const expected = new Set([DOCS, ...DATA_MODEL.map((d) => DOCS + d.path)]);
    expect(sorted(paths.keys())).toEqual(sorted(expected));
    expect(firestoreSrc).not.toMatch(/=\*\*/);
  });

  test('every collection the Firestore repository reads or writes has a match block', () => {
    const repoSrc = fs.readFileSync(path.join(ROOT, 'functions/src/repository/firestore.ts'), 'utf8');
    const used = new Set<string>();
    for (const m of repoSrc.matchAll(/\.collection\((?:'|")([A-Za-z]+)(?:'|")\)/g)) used.add(m[1] as string);
    for (const m of repoSrc.matchAll(/this\.sub\(uid, '([A-Za-z]+)'\)/g)) used.add(`users/${m[1]}`);
    const reference = ['countries', 'visaRules']; // collection(collection) in the seed methods
    for (const r of reference) used.add(r);
    expect(used.size).toBeGreaterThan(5);
    const matched = [...paths.keys()].map((p) => p.slice(DOCS.length + 1).replace(/\/\{[^}]+\}/g, ''));
    for (const c of used) expect(matched).toContain(c);
  });

  test('every allow on a user path requires the owner', () => {
    for (const { path: p, block } of matchPaths(firestore)) {
      if (!p.includes('/users/{uid}')) continue;
      for (const a of block.allows) {
        expect({ path: p, calls: a.condition && JSON.stringify(a.condition).includes('"name":"isOwner"') }).toEqual({ path: p, calls: true });
      }
    }
  });
});

describe('client-writable fields equal the zod schemas', () => {
  const segmentShape = SegmentDocSchema.shape;
  const requiredOf = (shape: Record<string, { safeParse(v: unknown): { success: boolean } }>) =>
    Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);

  test.each([
    { fn: 'segmentKeys', expected: Object.keys(segmentShape) },
    { fn: 'segmentRequiredKeys', expected: requiredOf(segmentShape) },
    { fn: 'profileEditableKeys', expected: Object.keys(ProfileEditableSchema.shape) },
    // A profile created by the app: every UserProfileSchema field except those only scheduled runs write.
    {
      fn: 'profileCreateKeys',
      expected: Object.keys(UserProfileSchema.shape).filter((k) => k !== 'nextAlertAt' && k !== 'nextRecomputeAt'),
    },
  ])('$fn() lists exactly the schema fields', ({ fn, expected }) => {
    expect(sorted(literalsOf(fn))).toEqual(sorted(expected));
  });

  test('device and notification validation name exactly the schema fields', () => {
    const deviceLits = literalsOf('isValidDevice');
    for (const k of Object.keys(DeviceDocSchema.shape)) expect(deviceLits).toContain(k);
    const notifLits = literalsOf('isNotifications');
    for (const k of Object.keys(NotificationSettingsSchema.shape)) expect(notifLits).toContain(k);
  });

  test('profile fields outside ProfileEditableSchema (backend-only or set at creation) are not editable on update', () => {
    const backendOnly = Object.keys(UserProfileSchema.shape).filter((k) => !(k in ProfileEditableSchema.shape));
    expect(backendOnly).toEqual(expect.arrayContaining(['email', 'createdAt', 'updatedAt', 'nextAlertAt']));
    for (const k of backendOnly) expect(literalsOf('profileEditableKeys')).not.toContain(k);
  });

  test.each([
    { what: 'travel modes', rules: () => literalsOf('isValidSegment'), expected: TravelModeSchema.options },
    { what: 'device platforms', rules: () => literalsOf('isValidDevice'), expected: DeviceDocSchema.shape.platform.options },
  ])('$what equal the zod enum', ({ rules, expected }) => {
    for (const v of expected) expect(rules()).toContain(v);
  });

  test.each([
    ...Object.entries(SEGMENT_LIMITS).map(([k, n]) => ({ text: `isBoundedString(d.${k}, ${n})` })),
    { text: `isBoundedString(d.displayName, ${PROFILE_LIMITS.displayName})` },
    { text: `isBoundedString(d.email, ${PROFILE_LIMITS.email})` },
    { text: `d.timeZone.size() <= ${PROFILE_LIMITS.timeZone}` },
    { text: `l.size() <= ${PROFILE_LIMITS.nationalities}` },
    { text: `(l.size() <= ${PROFILE_LIMITS.nationalities - 1} || isCountry(l[${PROFILE_LIMITS.nationalities - 1}]))` },
    { text: `(l.size() <= ${PROFILE_LIMITS.thresholds - 1} || isThreshold(l[${PROFILE_LIMITS.thresholds - 1}]))` },
    { text: `d.fcmToken.size() <= ${DeviceDocSchema.shape.fcmToken.maxLength}` },
    { text: `isBoundedString(d.appVersion, ${DeviceDocSchema.shape.appVersion.maxLength})` },
    // The travel-date range is whole years (checked below: MIN is a 1 January, MAX a 31 December).
    { text: `int(v.split('-')[0]) >= ${Number(MIN_TRAVEL_DATE.slice(0, 4))}` },
    { text: `int(v.split('-')[0]) <= ${Number(MAX_TRAVEL_DATE.slice(0, 4))}` },
    { text: 'isTravelDate(d.departureDate)' },
    { text: 'isTravelDate(d.arrivalDate)' },
  ])('limit from the schema appears in the rules: $text', ({ text }) => {
    expect(firestoreSrc.replace(/\s+/g, ' ')).toContain(text);
  });
});

// ---- behaviour of the validation functions (model of the rules runtime) ----

const REQUEST_TIME = new RTimestamp(Date.UTC(2025, 4, 1, 12, 0, 0));

function toRules(v: unknown): RValue {
  if (v instanceof Date) return new RTimestamp(v.getTime());
  if (Array.isArray(v)) return v.map(toRules);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, toRules(x)]));
  }
  return v as RValue;
}

function env(rules: RulesFile = firestore): EvalEnv {
  return { functions: functionsByName(rules), vars: { request: { time: REQUEST_TIME } } };
}

const now = new Date(REQUEST_TIME.ms);
const baseSegment = {
  departureCountry: 'US',
  arrivalCountry: 'FR',
  departureDate: '2025-04-10',
  arrivalDate: '2025-04-11',
  mode: 'air',
  source: 'manual',
  createdAt: now,
  updatedAt: now,
};

describe('segment validation: rules accept exactly what SegmentDocSchema accepts', () => {
  const cases: { name: string; doc: Record<string, unknown> }[] = [
    { name: 'minimal', doc: baseSegment },
    { name: 'all optional fields', doc: { ...baseSegment, departureTime: '23:10', arrivalTime: '06:05', departureAirport: 'JFK', arrivalAirport: 'LFPG', transit: true, flightNumber: 'AF 7', notes: 'x'.repeat(500) } },
    { name: 'same-day arrival', doc: { ...baseSegment, arrivalDate: '2025-04-10' } },
    { name: 'date line: arrival one day before departure', doc: { ...baseSegment, departureCountry: 'NZ', arrivalCountry: 'US', departureDate: '2025-04-24', arrivalDate: '2025-04-23' } },
    { name: 'date line over a month end', doc: { ...baseSegment, departureDate: '2025-03-01', arrivalDate: '2025-02-28' } },
    { name: 'arrival two days before departure', doc: { ...baseSegment, departureDate: '2025-04-24', arrivalDate: '2025-04-22' } },
    { name: 'leap day 2024', doc: { ...baseSegment, departureDate: '2024-02-29', arrivalDate: '2024-02-29' } },
    { name: 'non-existent 2025-02-29', doc: { ...baseSegment, departureDate: '2025-02-29', arrivalDate: '2025-03-01' } },
    { name: '1900-02-29 (not leap)', doc: { ...baseSegment, departureDate: '1900-02-29', arrivalDate: '1900-03-01' } },
    { name: '2000-02-29 (leap)', doc: { ...baseSegment, departureDate: '2000-02-29', arrivalDate: '2000-02-29' } },
    // timestamp.date takes years 1-9999 as written (the model once mapped 0-99 to 1900-1999 like Date.UTC).
    { name: 'years below 100: 0099-12-31 to 0100-01-05', doc: { ...baseSegment, departureDate: '0099-12-31', arrivalDate: '0100-01-05' } },
    { name: 'years below 100: 0100-01-01 to 0099-12-30', doc: { ...baseSegment, departureDate: '0100-01-01', arrivalDate: '0099-12-30' } },
    // Travel-date range 1900-01-01 .. 2199-12-31 (TravelDateSchema).
    { name: 'departure 1899-12-31', doc: { ...baseSegment, departureDate: '1899-12-31', arrivalDate: '1900-01-01' } },
    { name: 'arrival 1899-12-31 (date line, departure 1900-01-01)', doc: { ...baseSegment, departureDate: '1900-01-01', arrivalDate: '1899-12-31' } },
    { name: 'first travel date 1900-01-01', doc: { ...baseSegment, departureDate: '1900-01-01', arrivalDate: '1900-01-01' } },
    { name: 'last travel date 2199-12-31', doc: { ...baseSegment, departureDate: '2199-12-31', arrivalDate: '2199-12-31' } },
    { name: 'arrival 2200-01-01', doc: { ...baseSegment, departureDate: '2199-12-31', arrivalDate: '2200-01-01' } },
    { name: 'both 2200-01-01', doc: { ...baseSegment, departureDate: '2200-01-01', arrivalDate: '2200-01-01' } },
    { name: 'typo year 0219 on both dates', doc: { ...baseSegment, departureDate: '0219-05-01', arrivalDate: '0219-05-01' } },
    { name: 'year 9999', doc: { ...baseSegment, departureDate: '9999-12-31', arrivalDate: '9999-12-31' } },
    { name: 'April 31st', doc: { ...baseSegment, departureDate: '2025-04-31', arrivalDate: '2025-05-01' } },
    { name: 'date with time', doc: { ...baseSegment, departureDate: '2025-04-10T10:00' } },
    { name: 'lower-case country', doc: { ...baseSegment, arrivalCountry: 'fr' } },
    { name: 'alpha-3 country', doc: { ...baseSegment, arrivalCountry: 'FRA' } },
    { name: 'unknown mode', doc: { ...baseSegment, mode: 'bus' } },
    { name: 'time 24:00', doc: { ...baseSegment, departureTime: '24:00' } },
    { name: 'time without leading zero', doc: { ...baseSegment, departureTime: '7:05' } },
    { name: 'airport of 2 letters', doc: { ...baseSegment, arrivalAirport: 'CD' } },
    { name: 'transit as string', doc: { ...baseSegment, transit: 'yes' } },
    { name: 'flight number too long', doc: { ...baseSegment, flightNumber: 'x'.repeat(SEGMENT_LIMITS.flightNumber + 1) } },
    { name: 'notes too long', doc: { ...baseSegment, notes: 'x'.repeat(SEGMENT_LIMITS.notes + 1) } },
    { name: 'unknown field', doc: { ...baseSegment, country: 'FR' } },
    { name: 'missing arrivalDate', doc: { ...baseSegment, arrivalDate: undefined } },
    { name: 'createdAt as string', doc: { ...baseSegment, createdAt: '2025-05-01' } },
    { name: 'mode null', doc: { ...baseSegment, mode: null } },
  ];

  test.each(cases)('$name', ({ doc }) => {
    const zodOk = SegmentDocSchema.safeParse(doc).success;
    expect(callRulesFunction(env(), 'isValidSegment', toRules(doc))).toBe(zodOk);
  });

  test('the table covers both outcomes', () => {
    const outcomes = new Set(cases.map((c) => SegmentDocSchema.safeParse(c.doc).success));
    expect(outcomes).toEqual(new Set([true, false]));
  });

  test('updatedAt must be the request time (last write wins on server time)', () => {
    const stale = { ...baseSegment, updatedAt: new Date(REQUEST_TIME.ms - 1000) };
    expect(SegmentDocSchema.safeParse(stale).success).toBe(true);
    expect(callRulesFunction(env(), 'isValidSegment', toRules(stale))).toBe(false);
  });

  test('property: isIsoDate in the rules equals core/dates isIsoDate', () => {
    const dateLike = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
        ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      ),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(dateLike, (s) => callRulesFunction(env(), 'isIsoDate', s) === isIsoDate(s)),
      { numRuns: 3000 },
    );
  });

  test('the travel-date range is whole calendar years (what the rules check)', () => {
    expect(MIN_TRAVEL_DATE.slice(4)).toBe('-01-01');
    expect(MAX_TRAVEL_DATE.slice(4)).toBe('-12-31');
  });

  test('property: isTravelDate in the rules equals TravelDateSchema', () => {
    const year = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(219, 1899, 1900, 2019, 2199, 2200));
    const dateLike = fc.oneof(
      fc.tuple(year, fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
        ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      ),
      fc.string({ maxLength: 12 }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(dateLike, (s) => {
        const zodOk = TravelDateSchema.safeParse(s).success;
        if (zodOk) accepted++;
        return callRulesFunction(env(), 'isTravelDate', s) === zodOk;
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  // isValidSegment now stops at the travel-date range, so the date comparison of years below 100 (timestamp.date
  // takes them as written) is checked on arrivalNotBeforeDeparture itself.
  test.each([
    { departureDate: '0099-12-31', arrivalDate: '0100-01-05' },
    { departureDate: '0100-01-01', arrivalDate: '0099-12-30' },
    { departureDate: '0100-01-01', arrivalDate: '0099-12-31' },
  ])('arrivalNotBeforeDeparture agrees with the core on $departureDate -> $arrivalDate', (d) => {
    expect(callRulesFunction(env(), 'arrivalNotBeforeDeparture', d)).toBe(arrivalNotBeforeDeparture(d));
  });

  test('property: arrivalNotBeforeDeparture equals the core rule (at most one day earlier)', () => {
    const day = fc.integer({ min: toDayNumber('1950-01-01'), max: toDayNumber('2100-12-31') });
    const iso = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
    fc.assert(
      fc.property(day, fc.integer({ min: -5, max: 5 }), (dep, delta) => {
        const d = { departureDate: iso(dep), arrivalDate: iso(dep + delta) };
        return callRulesFunction(env(), 'arrivalNotBeforeDeparture', d) === delta >= -MAX_DATE_LINE_SHIFT_DAYS;
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    { fn: 'isCountry', schema: CountryCodeSchema, values: ['FR', 'fr', 'FRA', 'F', '', 'F1', 'ÉS'] },
    { fn: 'isLocalTime', schema: LocalTimeSchema, values: ['00:00', '23:59', '24:00', '7:05', '12:60', '12:5', '12:05:00'] },
    { fn: 'isAirport', schema: AirportCodeSchema, values: ['JFK', 'LFPG', 'jfk', 'JF', 'LFPGX', 'K1A'] },
  ])('$fn agrees with the zod schema on $values', ({ fn, schema, values }) => {
    for (const v of values) expect([v, callRulesFunction(env(), fn, v)]).toEqual([v, schema.safeParse(v).success]);
  });
});

describe('profile and device validation: rules accept exactly what the schemas accept', () => {
  const profile = {
    displayName: 'Ada',
    nationalities: ['US', 'GB'],
    homeCountry: 'US',
    timeZone: 'Europe/Berlin',
    notifications: DEFAULT_NOTIFICATION_SETTINGS,
  };
  const n = DEFAULT_NOTIFICATION_SETTINGS;
  test.each([
    { name: 'default', doc: profile },
    { name: 'nulls where allowed', doc: { ...profile, displayName: null, homeCountry: null, notifications: { ...n, quietHours: null } } },
    { name: '10 nationalities', doc: { ...profile, nationalities: Array.from({ length: 10 }, () => 'FR') } },
    { name: '11 nationalities', doc: { ...profile, nationalities: Array.from({ length: 11 }, () => 'FR') } },
    { name: 'bad 10th nationality', doc: { ...profile, nationalities: [...Array.from({ length: 9 }, () => 'FR'), 'fr'] } },
    { name: 'empty time zone', doc: { ...profile, timeZone: '' } },
    { name: 'threshold 91', doc: { ...profile, notifications: { ...n, thresholds: [91] } } },
    { name: 'threshold 1.5', doc: { ...profile, notifications: { ...n, thresholds: [1.5] } } },
    { name: 'quiet hours 25:00', doc: { ...profile, notifications: { ...n, quietHours: { start: '25:00', end: '08:00' } } } },
    { name: 'extra notification key', doc: { ...profile, notifications: { ...n, sound: true } } },
    { name: 'missing notification key', doc: { ...profile, notifications: { ...n, overstay: undefined } } },
    { name: 'display name too long', doc: { ...profile, displayName: 'x'.repeat(PROFILE_LIMITS.displayName + 1) } },
  ])('profile: $name', ({ doc }) => {
    expect(callRulesFunction(env(), 'isValidProfileEdit', toRules(doc))).toBe(ProfileEditableSchema.safeParse(doc).success);
  });

  const device = { fcmToken: 'tok', platform: 'ios', appVersion: '1.2.3', lastSeenAt: now };
  test.each([
    { name: 'valid', doc: device },
    { name: 'android', doc: { ...device, platform: 'android' } },
    { name: 'empty token', doc: { ...device, fcmToken: '' } },
    { name: 'long version', doc: { ...device, appVersion: 'x'.repeat(33) } },
    { name: 'extra field', doc: { ...device, model: 'iPhone' } },
    { name: 'missing lastSeenAt', doc: { ...device, lastSeenAt: undefined } },
  ])('device: $name', ({ doc }) => {
    expect(callRulesFunction(env(), 'isValidDevice', toRules(doc))).toBe(DeviceDocSchema.safeParse(doc).success);
  });
});

describe('storage.rules', () => {
  const paths = matchPaths(storage);
  const imports = paths.find((p) => p.path === '/b/{bucket}/o/users/{uid}/imports/{fileName}');

  test('only users/{uid}/imports/{fileName} is matched, and clients can only create there', () => {
    expect(paths.map((p) => p.path)).toEqual(['/b/{bucket}/o', '/b/{bucket}/o/users/{uid}/imports/{fileName}']);
    expect(sorted(imports!.block.allows.flatMap((a) => a.methods))).toEqual(['create', 'get', 'list']);
    expect(paths[0]!.block.allows).toEqual([]);
  });

  test('size limit is 10 MiB and more than zero, the same limit as the import function default', () => {
    expect(storageSrc).toContain('request.resource.size <= 10 * 1024 * 1024');
    expect(storageSrc).toContain('request.resource.size > 0');
    // One limit: a file the rules let through is not refused by size by onImportUploaded (IMPORT_MAX_BYTES).
    expect(CONFIG_DEFAULTS.importMaxBytes).toBe(10 * 1024 * 1024);
  });

  test('uploads may not carry the marker the import trigger reserves for objects the backend writes', () => {
    expect(storageSrc).toContain(`!('${BACKEND_MARKER_KEY}' in request.resource.metadata)`);
  });

  const storageEnv = (fileName: string, contentType: string): EvalEnv => ({
    functions: functionsByName(storage),
    vars: { fileName, request: { resource: { contentType } } },
  });
  test.each([
    { fileName: 'a1b2-C3_d.csv', ok: true },
    { fileName: 'x.txt', ok: true },
    { fileName: 'x.CSV', ok: false },
    { fileName: 'x.csv.exe', ok: false },
    { fileName: '.csv', ok: false },
    { fileName: 'a b.csv', ok: false },
    { fileName: `${'x'.repeat(129)}.csv`, ok: false },
  ])('file name $fileName -> $ok', ({ fileName, ok }) => {
    expect(callRulesFunction(storageEnv(fileName, 'text/csv'), 'isImportFileName')).toBe(ok);
  });

  test.each([
    { contentType: 'text/csv', ok: true },
    { contentType: 'text/csv; charset=utf-8', ok: true },
    { contentType: 'text/plain', ok: true },
    { contentType: 'application/vnd.ms-excel', ok: true },
    { contentType: 'application/vndxms-excel', ok: false },
    { contentType: 'application/octet-stream', ok: false },
    { contentType: 'image/png', ok: false },
    { contentType: 'text/csvx', ok: false },
  ])('content type $contentType -> $ok', ({ contentType, ok }) => {
    expect(callRulesFunction(storageEnv('x.csv', contentType), 'isTextContentType')).toBe(ok);
  });
});
