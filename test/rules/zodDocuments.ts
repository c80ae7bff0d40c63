/**
 * fast-check generators of the documents the app writes (profile, segment, device), derived from the zod schemas'
 * fields (functions/src/model/documents.ts, packages/core/src/segment.ts): a valid document, then at most one
 * change to it: another valid value of a field, a value of the right type that the schema refuses (out of range,
 * too long, bad date, bad country code, ...), a value of the wrong type, a missing field, or an unknown extra field;
 * inside a map or a list too. Whether a generated document is valid is never decided here: the property test
 * (firestore.rules.property.test.ts) asks the zod schema and compares with the rules on the emulator.
 *
 * Timestamps are the placeholders SERVER_TIME (the server time of the write) and DEVICE_TIME (an earlier instant)
 * of accessMatrix.ts; `toZod` turns both into Dates, the test turns them into serverTimestamp() and a Timestamp.
 */
import fc from 'fast-check';
import { MAX_TRAVEL_DATE, MIN_TRAVEL_DATE, SEGMENT_LIMITS, TravelModeSchema } from '@travel-time-tracker/core/segment';
import { MAX_TRACKED_RULES } from '@travel-time-tracker/core/ruleResults';
import { DEVICE_LIMITS, DeviceDocSchema, PROFILE_LIMITS, UserProfileSchema } from '../../functions/src/model/documents';
import { DEVICE_TIME, EMAIL, OWNER, SERVER_TIME } from './accessMatrix';

export type Doc = Record<string, unknown>;
/** Firestore value types, as the rules' `is` sees them. */
type Tag = 'string' | 'null' | 'int' | 'float' | 'bool' | 'list' | 'map' | 'timestamp';

export interface Field {
  /** The types the schema accepts for this field: a wrong-type value is of any other. */
  tags: Tag[];
  /** Values the schema is meant to accept (it decides: a generated value may still be refused). */
  valid: fc.Arbitrary<unknown>;
  /** Values of an accepted type that the schema is meant to refuse: out of range, too long, badly formatted. */
  bad?: fc.Arbitrary<unknown>;
  optional?: boolean;
  /** A map's own fields, mutated one at a time like the document's. */
  map?: Shape;
  /** A list's element, for replacing one element by a bad or wrong-type value. */
  elem?: Field;
}
export type Shape = Record<string, Field>;

/** One generated write: the document as it would be stored, and what was changed from a valid one. */
export interface Sample {
  what: string;
  doc: Doc;
}

// ---- values ----

/** One value of each Firestore type, for wrong-type mutations (arrays and maps built here, in the test realm). */
const WRONG: { tag: Tag; value: unknown }[] = [
  { tag: 'int', value: 42 },
  { tag: 'float', value: 1.5 },
  { tag: 'bool', value: true },
  { tag: 'null', value: null },
  { tag: 'string', value: 'text' },
  { tag: 'list', value: [] },
  { tag: 'list', value: ['US'] },
  { tag: 'map', value: {} },
  { tag: 'map', value: { start: '22:00', end: '08:00' } },
  { tag: 'timestamp', value: DEVICE_TIME },
];

/** A value of none of `tags`; inside a list no list (Firestore has no nested arrays: the SDK refuses them). */
function wrongType(tags: Tag[], inList = false): fc.Arbitrary<unknown> {
  const pool = WRONG.filter((w) => !tags.includes(w.tag) && !(inList && w.tag === 'list'));
  return fc.constantFrom(...pool.map((w) => w.value));
}

/** One code point outside the Basic Multilingual Plane: 1 code point, 2 UTF-16 code units. */
const astralChar = fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c));

/**
 * Text of at most `max` UTF-16 code units (what JavaScript's `length` and the rules' `size()` count), in every
 * shape: short ASCII, short text of any Unicode code points, ASCII up to the limit, emoji (2 code units each) up
 * to the limit.
 */
function textUpTo(max: number, min = 0): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ minLength: min, maxLength: Math.min(max, 8) }),
    fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 4) }),
    fc.string({ unit: 'grapheme-ascii', minLength: Math.max(min, max - 2), maxLength: max }),
    fc.array(astralChar, { minLength: Math.max(min, Math.floor(max / 2) - 1), maxLength: Math.floor(max / 2) }).map((a) => a.join('')),
  );
}
/**
 * Text just over `max` UTF-16 code units: ASCII, and text that is within `max` when counted in code points but
 * not in code units (max - 1 letters and an emoji; emoji only), where the schema and the rules once differed.
 */
function textOver(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'grapheme-ascii', minLength: max + 1, maxLength: max + 3 }),
    fc.tuple(fc.string({ minLength: max - 1, maxLength: max - 1 }), astralChar).map(([s, e]) => s + e),
    fc.array(astralChar, { minLength: Math.floor(max / 2) + 1, maxLength: Math.min(max, Math.floor(max / 2) + 2) }).map((a) => a.join('')),
  );
}

const country = fc.stringMatching(/^[A-Z]{2}$/);
const badCountry = fc.oneof(fc.constantFrom('fr', 'FRA', 'F', '', 'F1', 'ÉS', 'Fr', ' FR'), fc.string({ maxLength: 3 }));

const MS_PER_DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY;
const isoOf = (day: number) => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** A real travel date (1900-01-01 .. 2199-12-31). */
const travelDay = fc.integer({ min: dayOf(MIN_TRAVEL_DATE), max: dayOf(MAX_TRAVEL_DATE) });
const travelDate = travelDay.map(isoOf);
/** Strings that look like dates and mostly are not travel dates: impossible days, years outside the range, formats. */
const badDate = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  fc
    .tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 28, max: 31 }))
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  fc.constantFrom('2025-02-29', '1900-02-29', '1899-12-31', '2200-01-01', '0219-05-01', '2025-4-10', '2025-04-10T10:00', '20250410', ''),
);
const time = fc.stringMatching(/^([01]\d|2[0-3]):[0-5]\d$/);
const badTime = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.boolean()).map(([h, m, p]) => `${p ? pad(h, 2) : h}:${pad(m, 2)}`),
  fc.constantFrom('24:00', '12:60', '7:05', '12:5', '12:05:00', '', ' 12:00'),
);

// ---- shapes (field by field as the zod schemas) ----

const timestamp = (value: symbol): Field => ({ tags: ['timestamp'], valid: fc.constant(value) });

const NOTIFICATIONS: Shape = {
  enabled: { tags: ['bool'], valid: fc.boolean() },
  thresholds: {
    tags: ['list'],
    valid: fc.oneof(
      fc.array(fc.integer({ min: 0, max: 90 }), { maxLength: 5 }),
      fc.array(fc.integer({ min: 0, max: 90 }), { minLength: PROFILE_LIMITS.thresholds - 1, maxLength: PROFILE_LIMITS.thresholds }),
    ),
    bad: fc.array(fc.integer({ min: 0, max: 90 }), { minLength: PROFILE_LIMITS.thresholds + 1, maxLength: PROFILE_LIMITS.thresholds + 2 }),
    elem: {
      tags: ['int'],
      valid: fc.integer({ min: 0, max: 90 }),
      bad: fc.oneof(fc.integer({ min: 91, max: 10_000 }), fc.integer({ min: -10_000, max: -1 })),
    },
  },
  overstay: { tags: ['bool'], valid: fc.boolean() },
  plannedTrips: { tags: ['bool'], valid: fc.boolean() },
  quietHours: {
    tags: ['map', 'null'],
    valid: fc.option(fc.record({ start: time, end: time }), { nil: null }),
    map: {
      start: { tags: ['string'], valid: time, bad: badTime },
      end: { tags: ['string'], valid: time, bad: badTime },
    },
  },
};

const ruleId = fc.stringMatching(/^[a-z0-9-]{1,64}$/);
/** Strings that are no rule id (RuleIdSchema): upper case, other characters, empty, 65 characters. */
const badRuleId = fc.oneof(
  fc.constantFrom('Schengen-90-180', 'uk_srt_183', 'uk srt', '', 'é', 'uk-srt-183 '),
  fc.stringMatching(/^[a-z0-9-]{65,66}$/),
  fc.string({ maxLength: 6 }),
);

/**
 * trackedRules (optional): distinct rule ids, short lists and lists at the limit; refused: one id too many, or a
 * repeat (the rules compare the list with its set).
 */
const TRACKED_RULES: Field = {
  tags: ['list'],
  valid: fc.oneof(fc.uniqueArray(ruleId, { maxLength: 3 }), fc.uniqueArray(ruleId, { minLength: MAX_TRACKED_RULES - 1, maxLength: MAX_TRACKED_RULES })),
  bad: fc.oneof(
    fc.uniqueArray(ruleId, { minLength: MAX_TRACKED_RULES + 1, maxLength: MAX_TRACKED_RULES + 2 }),
    fc.tuple(fc.uniqueArray(ruleId, { minLength: 1, maxLength: MAX_TRACKED_RULES - 1 }), fc.nat()).map(([ids, i]) => [...ids, ids[i % ids.length]!]),
  ),
  elem: { tags: ['string'], valid: ruleId, bad: badRuleId },
  optional: true,
};

/** ProfileEditableSchema: the fields the owner may change on update (all but trackedRules also on create). */
const PROFILE_EDITABLE: Shape = {
  displayName: { tags: ['string', 'null'], valid: fc.option(textUpTo(PROFILE_LIMITS.displayName), { nil: null }), bad: textOver(PROFILE_LIMITS.displayName) },
  nationalities: {
    tags: ['list'],
    valid: fc.oneof(
      fc.array(country, { maxLength: 3 }),
      fc.array(country, { minLength: PROFILE_LIMITS.nationalities - 1, maxLength: PROFILE_LIMITS.nationalities }),
    ),
    bad: fc.array(country, { minLength: PROFILE_LIMITS.nationalities + 1, maxLength: PROFILE_LIMITS.nationalities + 2 }),
    elem: { tags: ['string'], valid: country, bad: badCountry },
  },
  homeCountry: { tags: ['string', 'null'], valid: fc.option(country, { nil: null }), bad: badCountry },
  timeZone: {
    tags: ['string'],
    valid: fc.oneof(fc.constantFrom('Europe/Berlin', 'America/New_York', 'UTC', 'Pacific/Auckland'), textUpTo(PROFILE_LIMITS.timeZone, 1)),
    bad: fc.oneof(fc.constant(''), textOver(PROFILE_LIMITS.timeZone)),
  },
  notifications: {
    tags: ['map'],
    valid: fc.record(Object.fromEntries(Object.entries(NOTIFICATIONS).map(([k, f]) => [k, f.valid]))),
    map: NOTIFICATIONS,
  },
  trackedRules: TRACKED_RULES,
};

/**
 * The profile the app creates (UserProfileSchema without the backend-only nextAlertAt / nextRecomputeAt, which the
 * generator never adds: the rules refuse them from a client although the stored document may carry them). Where
 * the rules are stricter than the schema for a reason, the generator keeps to it, so that every comparison is exact:
 * - email: the signed-in account's address or null, never another valid address (the rules tie it to the token);
 *   its bad values are ones the schema refuses too (longer than 254);
 * - createdAt, updatedAt: the server time of the write (a device clock is refused by the rules: the table cases in
 *   accessMatrix.ts check that), or a value of the wrong type, or missing;
 * - trackedRules (like residencePermits, which no generator writes) is not part of a create: the rules' budget of
 *   1 000 expressions per request does not hold a create at every limit with it (the tables check the refusal).
 */
export const PROFILE_CREATE: Shape = {
  ...withoutField(PROFILE_EDITABLE, 'trackedRules'),
  email: { tags: ['string', 'null'], valid: fc.constantFrom(EMAIL[OWNER], null), bad: textOver(PROFILE_LIMITS.email) },
  createdAt: timestamp(SERVER_TIME),
  updatedAt: timestamp(SERVER_TIME),
};

/** Profile update: only ProfileEditableSchema fields change (email and the timestamps are set once, at creation). */
export const PROFILE_UPDATE: Shape = PROFILE_EDITABLE;

/** A profile as stored (by the backend or an earlier create), before an update. */
export const storedProfileArb: fc.Arbitrary<Doc> = validDoc(PROFILE_EDITABLE).map((d) => ({
  ...d,
  email: EMAIL[OWNER],
  createdAt: DEVICE_TIME,
  updatedAt: DEVICE_TIME,
  nextAlertAt: null,
}));

/** segmentFields (core/segment.ts): what the app and the import write. */
const SEGMENT_FIELDS: Shape = {
  departureCountry: { tags: ['string'], valid: country, bad: badCountry },
  arrivalCountry: { tags: ['string'], valid: country, bad: badCountry },
  departureDate: { tags: ['string'], valid: travelDate, bad: badDate },
  arrivalDate: { tags: ['string'], valid: travelDate, bad: badDate },
  departureTime: { tags: ['string'], valid: time, bad: badTime, optional: true },
  arrivalTime: { tags: ['string'], valid: time, bad: badTime, optional: true },
  departureAirport: {
    tags: ['string'],
    valid: fc.stringMatching(/^[A-Z0-9]{3,4}$/),
    bad: fc.oneof(fc.constantFrom('jfk', 'JF', 'LFPGX', '', 'JF K'), fc.stringMatching(/^[A-Za-z0-9]{0,6}$/)),
    optional: true,
  },
  arrivalAirport: { tags: ['string'], valid: fc.stringMatching(/^[A-Z0-9]{3,4}$/), bad: fc.constantFrom('cdg', 'CD', 'LFPGX'), optional: true },
  mode: { tags: ['string'], valid: fc.constantFrom(...TravelModeSchema.options), bad: fc.constantFrom('bus', 'AIR', '', 'air ') },
  transit: { tags: ['bool'], valid: fc.boolean(), optional: true },
  flightNumber: { tags: ['string'], valid: textUpTo(SEGMENT_LIMITS.flightNumber), bad: textOver(SEGMENT_LIMITS.flightNumber), optional: true },
  notes: { tags: ['string'], valid: textUpTo(SEGMENT_LIMITS.notes), bad: textOver(SEGMENT_LIMITS.notes), optional: true },
};

/**
 * A segment the app creates. source is 'manual' (the rules refuse an import id from a client: only the backend
 * writes imported segments), its bad values ones the schema refuses too (empty, over 128); the timestamps are the
 * server time of the write (see PROFILE_CREATE).
 */
export const SEGMENT_CREATE: Shape = {
  ...SEGMENT_FIELDS,
  source: { tags: ['string'], valid: fc.constant('manual'), bad: fc.oneof(fc.constant(''), textOver(128)) },
  createdAt: timestamp(SERVER_TIME),
  updatedAt: timestamp(SERVER_TIME),
};

/**
 * A valid segment of `shape`: validDoc with the arrival 0 to 20 days after the departure or, 1 in 10, the day
 * before (an eastward date-line crossing); independent dates would put the arrival days or centuries earlier.
 */
export function validSegment(shape: Shape): fc.Arbitrary<Doc> {
  const maxDay = dayOf(MAX_TRAVEL_DATE);
  return fc
    .tuple(validDoc(shape), travelDay, fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 9 }, { arbitrary: fc.constant(-1), weight: 1 }))
    .map(([doc, dep, delta]) => ({ ...doc, departureDate: isoOf(dep), arrivalDate: isoOf(Math.min(maxDay, Math.max(dep + delta, dayOf(MIN_TRAVEL_DATE)))) }));
}

/**
 * A segment id the app creates under (SegmentIdSchema decides): ids of the allowed characters up to the limit and
 * just over it, and allowed ids with one other character (space, dot, percent, non-ASCII, emoji) put in. Never `/`
 * (it would name another path) nor `__...__` (ids Firestore itself reserves and refuses with an error, not a
 * denial), so that every id reaches the rules.
 */
export const segmentIdArb: fc.Arbitrary<Sample> = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{129,140}$/),
    fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,127}$/), fc.constantFrom(' ', '.', '%', '+', 'é', '\u{1F600}', '~', ':'), fc.nat())
      .map(([id, c, at]) => id.slice(0, at % (id.length + 1)) + c + id.slice(at % (id.length + 1))),
  )
  .map((id) => (/^__.*__$/.test(id) ? `a${id}` : id))
  .map((id) => ({ what: `segment id "${id}"`, doc: { id } }));

/** A segment as stored before an update: written earlier, by the app ('manual') or by an import. */
export const storedSegmentArb: fc.Arbitrary<Doc> = fc
  .tuple(validSegment(SEGMENT_FIELDS), fc.constantFrom('manual', 'import-7f3a'))
  .map(([d, source]) => ({ ...d, source, createdAt: DEVICE_TIME, updatedAt: DEVICE_TIME }));

/**
 * An edit of `stored`: createdAt keeps its stored value (the rules make it immutable; only a wrong type or its
 * removal, which the schema refuses too, is generated), source stays what it was or becomes 'manual' (a client
 * never claims an import), updatedAt is the server time of the write.
 */
export function segmentUpdate(stored: Doc): Shape {
  return {
    ...SEGMENT_FIELDS,
    source: { tags: ['string'], valid: fc.constantFrom('manual', stored.source), bad: fc.oneof(fc.constant(''), textOver(128)) },
    createdAt: timestamp(stored.createdAt as symbol),
    updatedAt: timestamp(SERVER_TIME),
  };
}

/** DeviceDocSchema; lastSeenAt is the server time of the write (see PROFILE_CREATE). */
export const DEVICE_CREATE: Shape = {
  fcmToken: {
    tags: ['string'],
    valid: textUpTo(DEVICE_LIMITS.fcmToken, 1),
    bad: fc.oneof(fc.constant(''), textOver(DEVICE_LIMITS.fcmToken)),
  },
  platform: { tags: ['string'], valid: fc.constantFrom(...DeviceDocSchema.shape.platform.options), bad: fc.constantFrom('android', 'iOS', '', 'web') },
  appVersion: { tags: ['string'], valid: textUpTo(DEVICE_LIMITS.appVersion), bad: textOver(DEVICE_LIMITS.appVersion) },
  lastSeenAt: timestamp(SERVER_TIME),
};

/**
 * A manual segment whose two dates vary together: each a real travel date, a date near either end of the range,
 * or a bad date, and the arrival often a few days either side of the departure (one day earlier is the date-line
 * crossing the schema allows, two is not). The single-field mutations above change one date at a time, so they
 * rarely meet the cross-field rule or the range ends.
 */
export const segmentDatesArb: fc.Arbitrary<Sample> = fc
  .tuple(
    validSegment(SEGMENT_CREATE),
    fc.oneof(travelDay, fc.constantFrom(dayOf(MIN_TRAVEL_DATE), dayOf(MAX_TRAVEL_DATE))),
    fc.integer({ min: -3, max: 3 }),
    fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.tuple(fc.boolean(), badDate), weight: 1 }),
  )
  .map(([doc, dep, delta, bad]) => {
    const d = { ...doc, departureDate: isoOf(dep), arrivalDate: isoOf(dep + delta) };
    if (bad) d[bad[0] ? 'departureDate' : 'arrivalDate'] = bad[1];
    return { what: `departure ${d.departureDate}, arrival ${d.arrivalDate}`, doc: d };
  });

// ---- documents and mutations ----

function withoutField(shape: Shape, key: string): Shape {
  return Object.fromEntries(Object.entries(shape).filter(([k]) => k !== key));
}

/** A document with every required field and each optional field present or not, all from `valid`. */
export function validDoc(shape: Shape): fc.Arbitrary<Doc> {
  const entries = Object.entries(shape);
  return fc.record(Object.fromEntries(entries.map(([k, f]) => [k, f.valid])), {
    requiredKeys: entries.filter(([, f]) => !f.optional).map(([k]) => k),
  });
}

/**
 * Field names that are no field of any schema here, for "unknown extra field" mutations. Names the stored document
 * may legitimately carry (nextAlertAt, nextRecomputeAt: backend-only) are left out: the schema accepts them, the
 * rules refuse them from a client, and the tables check that.
 */
const KNOWN_KEYS = new Set([
  ...Object.keys(UserProfileSchema.shape),
  ...Object.keys(SEGMENT_CREATE),
  ...Object.keys(DEVICE_CREATE),
  ...Object.keys(NOTIFICATIONS),
  'start',
  'end',
]);
const extraKey = fc
  .oneof(fc.constantFrom('admin', 'role', 'country', 'deleted', 'uid', 'sound'), fc.stringMatching(/^[a-z][A-Za-z]{0,8}$/))
  .filter((k) => !KNOWN_KEYS.has(k) && k !== '__proto__');
const anyValue = fc.constantFrom(...WRONG.map((w) => w.value));

const without = (d: Doc, k: string): Doc => Object.fromEntries(Object.entries(d).filter(([key]) => key !== k));

/** Every single change of `base` (of shape `shape`), each described by `what`; nested maps and lists included. */
function changes(shape: Shape, base: Doc, prefix: string): fc.Arbitrary<Sample>[] {
  const out: fc.Arbitrary<Sample>[] = [];
  for (const [k, f] of Object.entries(shape)) {
    const name = `${prefix}${k}`;
    const set =
      (what: string) =>
      (v: unknown): Sample => ({ what: `${name}: ${what}`, doc: { ...base, [k]: v } });
    out.push(f.valid.map(set('another valid value')));
    if (f.bad) out.push(f.bad.map(set('refused value of the right type')));
    out.push(wrongType(f.tags).map(set('wrong type')));
    if (k in base) out.push(fc.constant({ what: `${name}: missing`, doc: without(base, k) }));
    const current = base[k];
    if (f.map && current !== null && typeof current === 'object' && !Array.isArray(current)) {
      out.push(fc.oneof(...changes(f.map, current as Doc, `${name}.`)).map((s) => ({ what: s.what, doc: { ...base, [k]: s.doc } })));
    }
    if (f.elem && Array.isArray(current) && current.length > 0) {
      const elem = f.elem;
      out.push(
        fc
          .tuple(fc.nat(current.length - 1), fc.oneof(elem.bad ?? elem.valid, wrongType(elem.tags, true)))
          .map(([i, v]) => ({ what: `${name}[${i}]: refused or wrong-type element`, doc: { ...base, [k]: current.map((x, j) => (j === i ? v : x)) } })),
      );
    }
  }
  out.push(fc.tuple(extraKey, anyValue).map(([key, v]) => ({ what: `${prefix}${key}: unknown extra field`, doc: { ...base, [key]: v } })));
  return out;
}

/**
 * A document of `shape` built on `base` (a valid one when not given): unchanged (1 in 5) or with one change.
 */
export function mutatedDoc(shape: Shape, base?: fc.Arbitrary<Doc>): fc.Arbitrary<Sample> {
  return (base ?? validDoc(shape)).chain((doc) =>
    fc.oneof({ arbitrary: fc.constant({ what: 'unchanged', doc }), weight: 1 }, { arbitrary: fc.oneof(...changes(shape, doc, '')), weight: 4 }),
  );
}

/** The document as zod sees it: timestamps (placeholders) as Dates, arrays and maps copied. */
export function toZod(v: unknown): unknown {
  if (v === SERVER_TIME) return new Date();
  if (v === DEVICE_TIME) return new Date('2025-01-01T00:00:00Z');
  if (Array.isArray(v)) return v.map(toZod);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toZod(x)]));
  return v;
}
