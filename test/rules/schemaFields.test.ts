/**
 * Offline checks of firestore.rules that need no rules runtime, read as text (rulesSource.ts):
 * - every client-writable zod field, enum value and length limit appears in the rules (derived from `.shape`), so
 *   a field added to a schema without a rule fails here before anyone runs the emulator;
 * - every collection of the data model and every collection the Firestore repository touches has a `match` block,
 *   client writes only where the data model allows them, no recursive wildcard, and a row in the access matrix
 *   that the emulator suite runs (test/rules/accessMatrix.ts).
 * What the rules DO with those fields is proven on the emulator (test/rules/firestore.rules*.test.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_RESIDENCE_PERMITS } from '@travel-time-tracker/core/applicability';
import { RuleIdSchema } from '@travel-time-tracker/core/referenceData';
import { MAX_TRACKED_RULES } from '@travel-time-tracker/core/ruleResults';
import { MAX_TRAVEL_DATE, MIN_TRAVEL_DATE, SEGMENT_LIMITS, TravelModeSchema } from '@travel-time-tracker/core/segment';
import {
  DEVICE_LIMITS,
  DeviceDocSchema,
  NotificationSettingsSchema,
  PROFILE_LIMITS,
  ProfileEditableSchema,
  SegmentDocSchema,
  UserProfileSchema,
} from '../../functions/src/model/documents';
import { ACCESS, OWNER } from './accessMatrix';
import { functionBody, matchBlocks, stringLiterals, withoutComments } from './rulesSource';

const ROOT = path.resolve(__dirname, '../..');
const firestoreSrc = fs.readFileSync(path.join(ROOT, 'firestore.rules'), 'utf8');
const DOCS = '/databases/{database}/documents';

const literalsOf = (fn: string) => stringLiterals(functionBody(firestoreSrc, fn));
/** Optional editable fields, written by an update only (not part of a create: the rules' expression budget). */
const UPDATE_ONLY = ['residencePermits', 'trackedRules'];
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('rulesSource reads the rules text as intended', () => {
  // The helpers below must be able to fail: braces inside a regex string, comments and nested blocks.
  const sample = [
    "rules_version = '2';",
    'service cloud.firestore {',
    '  match /a/{id} {',
    "    // function commented(x) { return x == 'no'; }",
    "    function f(x) { return x.matches('[A-Z]{2}') && x in ['p', 'q']; }",
    '    allow get, list: if f(id);',
    '    match /b/{bid} { allow create: if true; }',
    '  }',
    '}',
  ].join('\n');

  test('function bodies, literals and match blocks', () => {
    expect(stringLiterals(functionBody(sample, 'f'))).toEqual(['[A-Z]{2}', 'p', 'q']);
    expect(() => functionBody(sample, 'commented')).toThrow(/no function commented/);
    expect(matchBlocks(sample)).toEqual([
      { path: '/a/{id}', allows: ['get', 'list'] },
      { path: '/a/{id}/b/{bid}', allows: ['create'] },
    ]);
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
    // A profile created by the app: every required UserProfileSchema field except those only scheduled runs write
    // (the optional residencePermits and trackedRules are written by an update, checked below).
    {
      fn: 'profileCreateKeys',
      expected: Object.keys(UserProfileSchema.shape).filter((k) => !['nextAlertAt', 'nextRecomputeAt', ...UPDATE_ONLY].includes(k)),
    },
  ])('$fn() lists exactly the schema fields', ({ fn, expected }) => {
    expect(sorted(literalsOf(fn))).toEqual(sorted(expected));
  });

  test('the optional profile fields, residencePermits and trackedRules, are editable but not part of a create', () => {
    // A create checks every field it holds; with these lists at their limits too it exceeds the rules' budget of
    // 1 000 expressions per request (firestore.rules, isValidProfileFields).
    const optional = Object.entries(ProfileEditableSchema.shape)
      .filter(([, v]) => v.safeParse(undefined).success)
      .map(([k]) => k);
    expect(sorted(optional)).toEqual(sorted(UPDATE_ONLY));
    for (const k of UPDATE_ONLY) {
      expect(literalsOf('profileEditableKeys')).toContain(k);
      expect(literalsOf('profileCreateKeys')).not.toContain(k);
    }
  });

  test('a tracked rule id in the rules is exactly RuleIdSchema (lower-case letters, digits, hyphens, 1 to its maximum)', () => {
    const max = RuleIdSchema.maxLength!;
    expect(literalsOf('isRuleId')).toEqual([`[a-z0-9-]{1,${max}}`]);
    const rules = new RegExp(`^${literalsOf('isRuleId')[0]}$`);
    for (const id of ['schengen-90-180', 'a', 'x'.repeat(max), 'x'.repeat(max + 1), '', 'Uk-srt', 'uk_srt', 'uk srt', 'ü']) {
      expect({ id, rules: rules.test(id) }).toEqual({ id, rules: RuleIdSchema.safeParse(id).success });
    }
  });

  test('the year range of isTravelDate is exactly the schema travel-date years', () => {
    // The rules check the year in the date's regular expression (cheaper than int() on a split).
    const m = /function isTravelDate\(v\) \{[\s\S]*?v\.matches\('(\([^)]*\))-/.exec(text);
    expect(m).not.toBeNull();
    const year = new RegExp(`^${m![1]}$`);
    const accepted = Array.from({ length: 600 }, (_, i) => 1700 + i).filter((y) => year.test(String(y)));
    expect([accepted[0], accepted[accepted.length - 1], accepted.length]).toEqual([
      Number(MIN_TRAVEL_DATE.slice(0, 4)),
      Number(MAX_TRAVEL_DATE.slice(0, 4)),
      Number(MAX_TRAVEL_DATE.slice(0, 4)) - Number(MIN_TRAVEL_DATE.slice(0, 4)) + 1,
    ]);
  });

  test('device and notification validation name exactly the schema fields', () => {
    expect(sorted(new Set(literalsOf('isValidDevice').filter((l) => l in DeviceDocSchema.shape)))).toEqual(sorted(Object.keys(DeviceDocSchema.shape)));
    const notifLits = literalsOf('isNotifications');
    for (const k of Object.keys(NotificationSettingsSchema.shape)) expect(notifLits).toContain(k);
    for (const k of ['start', 'end']) expect(notifLits).toContain(k);
  });

  test('profile fields outside ProfileEditableSchema (backend-only or set at creation) are not editable on update', () => {
    const backendOnly = Object.keys(UserProfileSchema.shape).filter((k) => !(k in ProfileEditableSchema.shape));
    expect(backendOnly).toEqual(expect.arrayContaining(['email', 'createdAt', 'updatedAt', 'nextAlertAt', 'nextRecomputeAt']));
    for (const k of backendOnly) expect(literalsOf('profileEditableKeys')).not.toContain(k);
  });

  test.each([
    { what: 'travel modes', fn: 'isValidSegment', expected: TravelModeSchema.options },
    { what: 'device platforms', fn: 'isValidDevice', expected: DeviceDocSchema.shape.platform.options },
  ])('$what equal the zod enum', ({ fn, expected }) => {
    for (const v of expected) expect(literalsOf(fn)).toContain(v);
  });

  const text = withoutComments(firestoreSrc).replace(/\s+/g, ' ');
  test.each([
    ...Object.entries(SEGMENT_LIMITS).map(([k, n]) => ({ text: `isBoundedString(d.${k}, ${n})` })),
    { text: `isBoundedString(d.displayName, ${PROFILE_LIMITS.displayName})` },
    { text: `isBoundedString(d.email, ${PROFILE_LIMITS.email})` },
    { text: `d.timeZone.size() <= ${PROFILE_LIMITS.timeZone}` },
    { text: `l.size() <= ${PROFILE_LIMITS.nationalities}` },
    { text: `(l.size() <= ${PROFILE_LIMITS.nationalities - 1} || isCountry(l[${PROFILE_LIMITS.nationalities - 1}]))` },
    { text: `(l.size() <= ${PROFILE_LIMITS.thresholds - 1} || isThreshold(l[${PROFILE_LIMITS.thresholds - 1}]))` },
    { text: `d.fcmToken.size() <= ${DEVICE_LIMITS.fcmToken}` },
    { text: `isBoundedString(d.appVersion, ${DEVICE_LIMITS.appVersion})` },
    { text: `l.size() <= ${MAX_RESIDENCE_PERMITS}` },
    { text: `l.size() <= ${MAX_TRACKED_RULES} && l.toSet().size() == l.size()` },
    { text: `(l.size() <= ${MAX_TRACKED_RULES - 1} || isRuleId(l[${MAX_TRACKED_RULES - 1}]))` },
    { text: `isRuleIdList(d.trackedRules)` },
    { text: `(l.size() <= ${MAX_RESIDENCE_PERMITS - 1} || isPermit(l[${MAX_RESIDENCE_PERMITS - 1}]))` },
    { text: 'isTravelDate(d.departureDate)' },
    { text: 'isTravelDate(d.arrivalDate)' },
  ])('limit from the schema appears in the rules: $text', ({ text: expected }) => {
    expect(text).toContain(expected);
  });

  test('the travel-date range is whole calendar years (what the rules check)', () => {
    expect(MIN_TRAVEL_DATE.slice(4)).toBe('-01-01');
    expect(MAX_TRAVEL_DATE.slice(4)).toBe('-12-31');
  });
});

describe('firestore.rules covers the data model', () => {
  /** The data model of docs/data-model.md: collection path -> what a client may write. */
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
  const blocks = new Map(matchBlocks(firestoreSrc).map((b) => [b.path, b]));

  test.each(DATA_MODEL)('$path has a match block; client writes: $clientWrites', ({ path: p, clientWrites }) => {
    const block = blocks.get(DOCS + p);
    expect(block).toBeDefined();
    expect(sorted(new Set(block!.allows.filter((m) => WRITE_METHODS.includes(m))))).toEqual(sorted(clientWrites));
  });

  test('no other path is matched and there is no recursive wildcard', () => {
    expect(sorted(blocks.keys())).toEqual(sorted([DOCS, ...DATA_MODEL.map((d) => DOCS + d.path)]));
    expect(firestoreSrc).not.toMatch(/=\*\*/);
  });

  test('every collection of the data model has a row in the access matrix the emulator suite runs', () => {
    // '/users/{uid}/segments/{segmentId}' -> 'users/OWNER/segments'
    const collections = DATA_MODEL.map((d) =>
      d.path
        .slice(1)
        .replace(/\/\{[^}]+\}$/, '')
        .replace('{uid}', 'OWNER'),
    );
    const inMatrix = Object.values(ACCESS).map((a) => a.collection(OWNER).replace(OWNER, 'OWNER'));
    expect(sorted(inMatrix)).toEqual(sorted(collections));
  });

  /** Backend-only collections: no match block, so firestore.rules deny every client read and write. */
  const BACKEND_ONLY = ['deletedUsers', 'users/timeline'];

  test('the backend-only collections have no match block, and the Firestore repository names them', () => {
    const repoSrc = fs.readFileSync(path.join(ROOT, 'functions/src/repository/firestore.ts'), 'utf8');
    const matched = [...blocks.keys()].map((p) => p.slice(DOCS.length + 1).replace(/\/\{[^}]+\}/g, ''));
    for (const c of BACKEND_ONLY) {
      expect(matched).not.toContain(c);
      expect(repoSrc).toContain(`'${c.split('/').pop()}'`);
    }
  });

  test('every collection the Firestore repository reads or writes has a match block', () => {
    const repoSrc = fs.readFileSync(path.join(ROOT, 'functions/src/repository/firestore.ts'), 'utf8');
    const used = new Set<string>(['countries', 'visaRules']); // written through writeReference(collection)
    for (const m of repoSrc.matchAll(/\.collection\((?:'|")([A-Za-z]+)(?:'|")\)/g)) used.add(m[1] as string);
    for (const m of repoSrc.matchAll(/this\.sub\(uid, '([A-Za-z]+)'\)/g)) used.add(`users/${m[1]}`);
    expect(used.size).toBeGreaterThan(5);
    const matched = [...blocks.keys()].map((p) => p.slice(DOCS.length + 1).replace(/\/\{[^}]+\}/g, ''));
    for (const c of used) expect(matched).toContain(c);
  });
});
