/**
 * The app's profile-update contract (schemas/firestore/user-profile-update.json, the generated Swift
 * `UserProfileUpdate`) against the security rules' own verdicts: every update of the profile table that the rules
 * accept (PROFILE_UPDATE_CASES, run on Google's Firestore emulator by test/rules/firestore.rules.emulator.test.ts) is valid
 * against the JSON Schema as the app sends it (only the fields it changes), and every update the rules refuse for
 * the values it writes is invalid, except the checks JSON Schema cannot express (BEYOND_JSON_SCHEMA, each with its
 * reason; the file's description names them), which the backend's zod schema refuses. A field removed with
 * FieldValue.delete() has no JSON form: such a case is left out of the refusals (the rules' verdict on a removal,
 * e.g. `nationalities removed`, is about the stored document, which the update schema does not describe).
 */
import { ProfileUpdateSchema } from '../../functions/src/model/documents';
import { loadContract } from '../helpers/contract';
import { DEVICE_TIME, PROFILE_UPDATE_CASES, SERVER_TIME } from './accessMatrix';

const FILE = 'firestore/user-profile-update.json';
const contract = loadContract();

/** The update as the app writes it, in JSON: removed fields left out, server timestamps as a date-time string. */
function updateJson(patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = v === SERVER_TIME || v === DEVICE_TIME ? new Date(Date.UTC(2025, 4, 1)) : v;
  }
  return out;
}

const removes = (patch: Record<string, unknown>) => Object.values(patch).some((v) => v === undefined);

/** Refusals of the rules that the JSON Schema does not express, by case name, with the reason. */
const BEYOND_JSON_SCHEMA: Record<string, string> = {
  'permit ending on 2025-02-29 (no such day)': 'a real calendar date (`format: date` checks the shape)',
  'permit validFrom not a date': 'a real calendar date (`format: date` checks the shape)',
  'permit validTo in year 0219': 'the travel-date range 1900-01-01..2199-12-31',
  'bad 3rd permit (validTo before validFrom)': "cross-field: a permit's validTo is not before its validFrom",
  'a tracked rule named twice': 'no rule id twice (a zod refinement)',
};
const refused = PROFILE_UPDATE_CASES.filter((c) => !c.ok && !removes(c.patch));

describe(`${FILE} accepts what firestore.rules accept`, () => {
  test.each(PROFILE_UPDATE_CASES.filter((c) => c.ok))('accepted by the rules: $name', ({ patch }) => {
    expect(contract(FILE, updateJson(patch))).toEqual([]);
  });

  test.each(refused.filter((c) => !(c.name in BEYOND_JSON_SCHEMA)))('refused by the rules: $name', ({ patch }) => {
    expect(contract(FILE, updateJson(patch))).not.toEqual([]);
  });

  test.each(refused.filter((c) => c.name in BEYOND_JSON_SCHEMA))('refused by the rules and by zod, not expressed in JSON Schema: $name', ({ name, patch }) => {
    expect(BEYOND_JSON_SCHEMA[name]).toBeDefined();
    expect(ProfileUpdateSchema.safeParse(updateJson(patch)).success).toBe(false);
  });

  test('every exception names a refused case of the table', () => {
    expect(Object.keys(BEYOND_JSON_SCHEMA).filter((n) => !refused.some((c) => c.name === n))).toEqual([]);
  });

  test('the accepted updates include single-field ones, which a schema requiring every editable field refuses', () => {
    const singleField = PROFILE_UPDATE_CASES.filter((c) => c.ok && Object.keys(c.patch).length === 1);
    expect(singleField.length).toBeGreaterThan(5);
  });
});
