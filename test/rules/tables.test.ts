/**
 * The field-validation tables of accessMatrix.ts (run on the Firestore emulator by
 * test/rules/firestore.rules.emulator.test.ts) against the zod schemas, offline: every verdict in the tables is the
 * schema's, except where a case names why the rules alone deny it (`rulesOnly`: server time, backend-only or
 * set-once fields, the account's e-mail, ownership), and those are documents the schema accepts. So a table row
 * cannot assert a verdict the backend's own schema contradicts, and every difference between the rules and the
 * schemas is written down with its reason. Needs no rules runtime.
 */
import { DeviceDocSchema, SegmentDocSchema, UserProfileSchema } from '../../functions/src/model/documents';
import {
  DEVICE_CREATE_CASES,
  PROFILE_CREATE_CASES,
  PROFILE_UPDATE_CASES,
  SEGMENT_CREATE_CASES,
  SEGMENT_UPDATE_CASES,
  SERVER_TIME,
  appCreatedProfile,
  newDevice,
  newSegment,
  storedProfile,
  storedSegment,
  withPatch,
  type RulesOnly,
} from './accessMatrix';

/** zod sees timestamps as Dates: SERVER_TIME the time of the write, DEVICE_TIME an earlier instant. */
const asDate = (t: symbol) => new Date(t === SERVER_TIME ? Date.UTC(2025, 4, 1, 12) : Date.UTC(2025, 0, 1));

interface Row {
  table: string;
  name: string;
  ok: boolean;
  rulesOnly?: RulesOnly;
  /** The document as stored after the write (an update: the stored document with the written fields). */
  doc: Record<string, unknown>;
  schema: { safeParse(v: unknown): { success: boolean } };
}

const rows: Row[] = [
  ...SEGMENT_CREATE_CASES.map((c) => ({ table: 'segment create', ...c, doc: withPatch(newSegment(), c.patch, asDate), schema: SegmentDocSchema })),
  ...SEGMENT_UPDATE_CASES.map((c) => ({
    table: 'segment update',
    ...c,
    doc: withPatch(withPatch(storedSegment(), c.stored, asDate), { updatedAt: SERVER_TIME, ...c.patch }, asDate),
    schema: SegmentDocSchema,
  })),
  ...PROFILE_CREATE_CASES.map((c) => ({ table: 'profile create', ...c, doc: withPatch(appCreatedProfile(), c.patch, asDate), schema: UserProfileSchema })),
  ...PROFILE_UPDATE_CASES.map((c) => ({
    table: 'profile update',
    ...c,
    doc: withPatch(withPatch(storedProfile(), c.stored, asDate), c.patch, asDate),
    schema: UserProfileSchema,
  })),
  ...DEVICE_CREATE_CASES.map((c) => ({ table: 'device create', ...c, doc: withPatch(newDevice(), c.patch, asDate), schema: DeviceDocSchema })),
];

describe('rules tables agree with the zod schemas', () => {
  test.each(rows.filter((r) => !r.rulesOnly))('$table: $name -> $ok is the schema verdict', ({ doc, schema, ok }) => {
    expect(schema.safeParse(doc).success).toBe(ok);
  });

  test.each(rows.filter((r) => r.rulesOnly))('$table: $name is denied by the rules alone ($rulesOnly)', ({ doc, schema, ok }) => {
    expect(ok).toBe(false);
    expect(schema.safeParse(doc).success).toBe(true);
  });

  test.each(['segment create', 'segment update', 'profile create', 'profile update', 'device create'])('%s: the table has cases of both outcomes', (table) => {
    expect(new Set(rows.filter((r) => r.table === table).map((r) => r.ok))).toEqual(new Set([true, false]));
  });
});
