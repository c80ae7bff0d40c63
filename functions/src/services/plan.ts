/**
 * Trip planning (Firebase-free): would one or more hypothetical trips keep the traveller within every rule they
 * track? Reads the user's profile and timeline (or, for a user without a timeline yet, the segments), evaluates
 * with the core ({@link planTripsPrepared} for the default rules' `results`, {@link planRulesPrepared} for every
 * tracked rule), stores nothing.
 */
import { z } from 'zod';
import { addDays, daysBetween, isIsoDate } from '@travel-time-tracker/core/dates';
import { PlannedStaySchema, prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { RulePlanSchema, planRulesPrepared } from '@travel-time-tracker/core/planRules';
import { TripPlanResultSchema, planTripsPrepared, type PlannedStay } from '@travel-time-tracker/core/planning';
import { trackedDefinitions } from '@travel-time-tracker/core/ruleResults';
import { IsoDateSchema } from '@travel-time-tracker/core/segment';
import { todayIn } from '@travel-time-tracker/core/timeZones';
import { ValidationError, parseOrThrow } from '@travel-time-tracker/core/validation';
import { log } from '../log';
import { ensureProfile } from './account';
import type { Repository } from '../repository/types';
import { coreSegmentsOf } from './recompute/segments';
import { safeTimeZone } from './recompute/schedule';
import { decodeTimeline } from './recompute/timelineUpdate';
import { knownNationalities } from './recompute/documents';

/** At most this many trips per request (a plan, not a history). */
export const MAX_PLANNED_TRIPS = 20;
/** A planned trip may not start more than this many days after today (about 5 years). */
export const MAX_PLAN_HORIZON_DAYS = 1830;
/**
 * A planned trip lasts at most this many days, its entry and exit days included (about 5 years): longer than the
 * window of any rule (the longest, the US substantial presence test, looks back 3 years) and than any stay a visa or
 * tax rule lets a visitor make, so no real plan reaches it. With the entry at most `MAX_PLAN_HORIZON_DAYS` ahead, a
 * whole plan lies within 10 years of today, and the planning's work, which grows with the square of the plan's span
 * ({@link planTripsPrepared} checks each shift of the plan over its span), stays bounded: unbounded, a trip to
 * 2199-12-31 costs 23 to 45 s of CPU and ends in `internal`; within these bounds the worst plan costs about 0.2 s, 1.3 s
 * for a history holding a segment in 2199 (measured with every rule tracked).
 */
export const MAX_TRIP_DAYS = 1830;

/** One trip of a plan: a core `PlannedStaySchema` that lasts at most `MAX_TRIP_DAYS` days. */
export const PlannedTripSchema = PlannedStaySchema.refine(
  // Invalid or reversed dates are reported by their own checks; this measures only a real trip.
  (s) => !isIsoDate(s.entryDate) || !isIsoDate(s.exitDate) || daysBetween(s.entryDate, s.exitDate) < MAX_TRIP_DAYS,
  { message: `must be at most ${MAX_TRIP_DAYS - 1} days after entryDate (a trip lasts at most ${MAX_TRIP_DAYS} days)`, path: ['exitDate'] },
);

/**
 * `planTrip` request data: `{ trips: [{ country, entryDate, exitDate }, ...] }`: 1 to `MAX_PLANNED_TRIPS` trips, each
 * a `PlannedTripSchema`. The entry date's bounds depend on the user's today and are checked by `planTripForUser`.
 */
export const PlanTripRequestSchema = z.strictObject({
  trips: z
    .array(PlannedTripSchema)
    .min(1, { message: 'must contain at least one trip' })
    .max(MAX_PLANNED_TRIPS, {
      message: `must contain at most ${MAX_PLANNED_TRIPS} trips`,
    }),
});
export type PlanTripRequest = z.infer<typeof PlanTripRequestSchema>;

/**
 * `planTrip` response:
 * - `asOf`: the evaluation date, the user's local today (`YYYY-MM-DD` in the profile's time zone);
 * - `results`: the default rules (the Schengen short-stay rule) in the shape the app has read since before
 *   rules of other kinds could be tracked ({@link TripPlanResultSchema}), whatever the profile tracks;
 * - `rules`: one entry per rule the profile tracks (`trackedRules`; absent = the default rules, `[]` = none), in
 *   the profile's order: `ruleId`, `kind`, `applies`, `reason`, the kind's outputs as of `asOf` with the planned
 *   trips counted, and `plan`, the verdict on the plan ({@link RulePlanSchema}): `{ type: "limit", complies,
 *   firstViolationDate }` for rolling-window and per-stay, `{ type: "threshold", metDuringPlan, metOn, years }`
 *   for tax-year-presence and weighted-lookback (reaching a threshold is not a violation);
 * - `unknownRuleIds`: ids the profile tracks that the reference data does not have (a rule withdrawn), not
 *   evaluated.
 * The handler tests parse real responses with this schema, so the two cannot drift apart.
 */
export const PlanTripResponseSchema = z.strictObject({
  asOf: IsoDateSchema,
  results: z.array(TripPlanResultSchema),
  rules: z.array(RulePlanSchema),
  unknownRuleIds: z.array(z.string()).describe('Tracked rule ids the reference data does not have; not evaluated.'),
});
export type PlanTripResponse = z.infer<typeof PlanTripResponseSchema>;

/**
 * Validates the request and plans the trips against the user's stored history.
 * @throws ValidationError naming the field, e.g. `planTrip data: trips[0].exitDate must not
 *   be before entryDate`, a trip longer than `MAX_TRIP_DAYS`, or a trip that starts before today / too far ahead.
 */
export async function planTripForUser(repo: Repository, uid: string, data: unknown, now: Date): Promise<PlanTripResponse> {
  const request = parseOrThrow(PlanTripRequestSchema, data, 'planTrip data');
  // A sign-up whose profile was not written (its blocking function failed) gets it here, with the defaults.
  const profile = await ensureProfile(repo, uid, now);
  const asOf = todayIn(safeTimeZone(profile?.timeZone), now);
  const horizon = addDays(asOf, MAX_PLAN_HORIZON_DAYS);
  const problems: { path: string; message: string }[] = [];
  request.trips.forEach((t, i) => {
    if (t.entryDate < asOf) problems.push({ path: `trips[${i}].entryDate`, message: `must be today (${asOf}) or later` });
    else if (t.entryDate > horizon)
      problems.push({ path: `trips[${i}].entryDate`, message: `must be at most ${MAX_PLAN_HORIZON_DAYS} days ahead (${horizon})` });
  });
  if (problems.length > 0) {
    throw new ValidationError(`planTrip data: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  }
  // Invalid stored segments are left out, as in the status recompute (their warning is on the summary document).
  // The timeline holds every segment in one or two documents; a user without one yet is read the old way.
  const tl = decodeTimeline(uid, await repo.readTimeline(uid));
  const { segments } = coreSegmentsOf(tl ? tl.liveSegments() : await repo.listSegments(uid));
  const stays: PlannedStay[] = request.trips.map((t) => ({ country: t.country, entryDate: t.entryDate, exitDate: t.exitDate }));
  // One preparation for both answers: the segments are validated and parsed once; the rules come from the bundled
  // reference data, so tracking more rules costs no read.
  const prepared = prepareEvaluation(segments, {
    asOf,
    nationalities: knownNationalities(profile?.nationalities).nationalities,
    residencePermits: profile?.residencePermits ?? [],
  });
  const results = planTripsPrepared(prepared, stays);
  const tracked = trackedDefinitions(prepared.reference, profile?.trackedRules);
  const rules = planRulesPrepared(prepared, stays, tracked.definitions);
  log.planEvaluated({ uid, trips: stays.length, segments: segments.length, rules: rules.length, unknownRules: tracked.unknown.join(',') || undefined });
  return { asOf, results, rules, unknownRuleIds: tracked.unknown };
}
