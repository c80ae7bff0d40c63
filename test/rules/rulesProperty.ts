/**
 * Property, on Google's Firestore emulator: firestore.rules accept a client write exactly when the zod schema of
 * the stored document accepts the result, for documents generated from the schemas' fields (zodDocuments.ts: valid
 * documents and single-field changes: wrong type, out-of-range value, too-long string, unknown extra field,
 * missing field, bad date, bad country code, inside maps and lists too): profile create and update, segment create
 * and update, the id a segment is created under, device create. Where the rules are deliberately stricter than the schema (server timestamps, set-once
 * and backend-only fields, the account's e-mail, a client never claiming an import) the generators keep to the
 * rules, with the reason at each, and the table cases of firestore.rules.test.ts check the refusals.
 *
 * Each run is an emulator round trip (two for an update: the stored document is written with rules disabled). The
 * seed is fixed, so a failure reproduces: fast-check reports it with the counterexample (RULES_PROPERTY_SEED and
 * RULES_PROPERTY_RUNS override seed and runs per write kind).
 *
 * Registered by test/rules/firestore.rules.emulator.test.ts inside its suite, on its test environment: every upload of
 * the rules starts the emulator's coverage report afresh, so one suite uploads them once and the coverage gate of
 * scripts/test.js sees the tables and this property together, whatever order Jest picks for the files.
 */
import type { RulesTestEnvironment } from '@firebase/rules-unit-testing';
import fc from 'fast-check';
import { Timestamp, deleteDoc, deleteField, doc, serverTimestamp, setDoc, updateDoc, type DocumentData, type Firestore } from 'firebase/firestore';
import { z } from 'zod';
import { DeviceDocSchema, SegmentDocSchema, SegmentIdSchema, UserProfileSchema } from '../../functions/src/model/documents';
import { DEVICE_TIME, EMAIL, OWNER, SERVER_TIME, newSegment } from './accessMatrix';
import {
  DEVICE_CREATE,
  PROFILE_CREATE,
  PROFILE_UPDATE,
  SEGMENT_CREATE,
  mutatedDoc,
  segmentDatesArb,
  segmentIdArb,
  segmentUpdate,
  storedProfileArb,
  validSegment,
  storedSegmentArb,
  toZod,
  type Doc,
  type Sample,
} from './zodDocuments';

const SEED = Number(process.env.RULES_PROPERTY_SEED ?? 20251130);
const RUNS = Number(process.env.RULES_PROPERTY_RUNS ?? 100);
const PAST = Timestamp.fromDate(new Date('2025-01-01T00:00:00Z'));

/** The value as the web SDK writes it: placeholders as serverTimestamp() and a past Timestamp. */
function toFirestore(v: unknown): unknown {
  if (v === SERVER_TIME) return serverTimestamp();
  if (v === DEVICE_TIME) return PAST;
  if (Array.isArray(v)) return v.map(toFirestore);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toFirestore(x)]));
  return v;
}

/** The fields of an update that turns `stored` into `after`: changed values, and deleteField() for removed ones. */
function patchOf(stored: Doc, after: Doc): DocumentData {
  const patch: DocumentData = {};
  for (const [k, v] of Object.entries(after)) if (stored[k] !== v) patch[k] = toFirestore(v);
  for (const k of Object.keys(stored)) if (!(k in after)) patch[k] = deleteField();
  return patch;
}

/** True when the write succeeds, false when the rules deny it; anything else (the SDK refusing data) is thrown. */
async function allowed(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'permission-denied') return false;
    throw e;
  }
}

interface UpdateSample extends Sample {
  stored: Doc;
}

/**
 * Registers the property tests in the calling suite; `environment()` is its rules test environment (firestore.rules
 * loaded, the database cleared before each test).
 */
export function describeRulesProperties(environment: () => RulesTestEnvironment): void {
  describe('firestore.rules accept exactly what the zod schemas accept (property)', () => {
    /**
     * Runs the property with `check(sample, admin, owner)` returning whether the rules allowed the write; the schema
     * is asked about `sample.doc` (the document as stored after the write). Both verdicts must appear in a fair share
     * of the runs, so the property cannot hold by generating only valid or only invalid documents.
     */
    async function property<S extends Sample>(
      arb: fc.Arbitrary<S>,
      schema: { safeParse(v: unknown): { success: boolean } },
      check: (sample: S, admin: Firestore, owner: Firestore) => Promise<boolean>,
    ): Promise<void> {
      const owner = environment().authenticatedContext(OWNER, { email: EMAIL[OWNER] }).firestore() as unknown as Firestore;
      const seen = { accepted: 0, refused: 0 };
      await environment().withSecurityRulesDisabled(async (ctx) => {
        const admin = ctx.firestore() as unknown as Firestore;
        await fc.assert(
          fc.asyncProperty(arb, async (sample) => {
            const schemaOk = schema.safeParse(toZod(sample.doc)).success;
            const rulesOk = await check(sample, admin, owner);
            seen[schemaOk ? 'accepted' : 'refused'] += 1;
            if (rulesOk !== schemaOk) {
              throw new Error(`${sample.what}: the rules ${rulesOk ? 'allow' : 'deny'} a document the schema ${schemaOk ? 'accepts' : 'refuses'}`);
            }
          }),
          // A counterexample is already one field away from a valid document: report it at once (each shrinking
          // step would be another emulator round trip) with the seed that reproduces it.
          { seed: SEED, numRuns: RUNS, endOnFailure: true },
        );
      });
      expect(seen.accepted).toBeGreaterThanOrEqual(RUNS / 5);
      expect(seen.refused).toBeGreaterThanOrEqual(RUNS / 5);
    }

    test(`profile create (UserProfileSchema), seed ${SEED}`, async () => {
      const ref = (f: Firestore) => doc(f, `users/${OWNER}`);
      await property(mutatedDoc(PROFILE_CREATE), UserProfileSchema, async (s, admin, owner) => {
        const ok = await allowed(setDoc(ref(owner), toFirestore(s.doc) as DocumentData));
        if (ok) await deleteDoc(ref(admin)); // the next run creates it again
        return ok;
      });
    });

    test(`profile update (UserProfileSchema on the stored profile with the edit), seed ${SEED}`, async () => {
      const arb: fc.Arbitrary<UpdateSample> = storedProfileArb.chain((stored) =>
        mutatedDoc(PROFILE_UPDATE, fc.constant(stored)).map((s) => ({ ...s, stored })),
      );
      await property(arb, UserProfileSchema, async (s, admin, owner) => {
        await setDoc(doc(admin, `users/${OWNER}`), toFirestore(s.stored) as DocumentData);
        const patch = patchOf(s.stored, s.doc);
        // An unchanged document is still written (its time zone again), as the app saves an unedited form.
        if (Object.keys(patch).length === 0) patch.timeZone = s.stored.timeZone;
        return allowed(updateDoc(doc(owner, `users/${OWNER}`), patch));
      });
    });

    let id = 0;
    test(`segment create (SegmentDocSchema), seed ${SEED}`, async () => {
      await property(mutatedDoc(SEGMENT_CREATE, validSegment(SEGMENT_CREATE)), SegmentDocSchema, (s, _admin, owner) =>
        allowed(setDoc(doc(owner, `users/${OWNER}/segments/p${++id}`), toFirestore(s.doc) as DocumentData)),
      );
    });

    test(`segment dates: real travel dates, range ends, date-line order (SegmentDocSchema), seed ${SEED}`, async () => {
      await property(segmentDatesArb, SegmentDocSchema, (s, _admin, owner) =>
        allowed(setDoc(doc(owner, `users/${OWNER}/segments/d${++id}`), toFirestore(s.doc) as DocumentData)),
      );
    });

    test(`segment update (SegmentDocSchema on the stored segment with the edit), seed ${SEED}`, async () => {
      const arb: fc.Arbitrary<UpdateSample> = storedSegmentArb.chain((stored) =>
        mutatedDoc(segmentUpdate(stored), fc.constant({ ...stored, updatedAt: SERVER_TIME })).map((s) => ({ ...s, stored })),
      );
      await property(arb, SegmentDocSchema, async (s, admin, owner) => {
        const p = `users/${OWNER}/segments/u${++id}`;
        await setDoc(doc(admin, p), toFirestore(s.stored) as DocumentData);
        return allowed(updateDoc(doc(owner, p), patchOf(s.stored, s.doc)));
      });
    });

    test(`segment create under generated ids (SegmentIdSchema), seed ${SEED}`, async () => {
      const valid = newSegment();
      await property(segmentIdArb, z.strictObject({ id: SegmentIdSchema }), async (s, admin, owner) => {
        const p = `users/${OWNER}/segments/${s.doc.id as string}`;
        const ok = await allowed(setDoc(doc(owner, p), toFirestore(valid) as DocumentData));
        if (ok) await deleteDoc(doc(admin, p)); // an id may come again
        return ok;
      });
    });

    test(`device create (DeviceDocSchema), seed ${SEED}`, async () => {
      await property(mutatedDoc(DEVICE_CREATE), DeviceDocSchema, (s, _admin, owner) =>
        allowed(setDoc(doc(owner, `users/${OWNER}/devices/p${++id}`), toFirestore(s.doc) as DocumentData)),
      );
    });
  });
}
