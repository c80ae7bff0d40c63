/**
 * Trip planning (Firebase-free): would one or more hypothetical trips keep the traveller within every visa rule?
 * Reads the user's stored segments and profile, evaluates with the core (core/planning.ts), stores nothing.
 */
import { z } from 'zod';
import { addDays } from '../core/dates';
import { PlannedStaySchema } from '../core/evaluate';
import { todayIn } from '../core/timeZones';
import { TripPlanResultSchema, planTrips, type PlannedStay } from '../core/planning';
import { IsoDateSchema } from '../core/segment';
import { ValidationError, parseOrThrow } from '../core/validation';
import { logEvent } from '../log';
import type { Repository } from '../repository/types';
import { coreSegmentsOf, decodeTimeline, safeTimeZone } from './recompute';

/** At most this many trips per request (a plan, not a history). */
export const MAX_PLANNED_TRIPS = 20;
/** A planned trip may not start more than this many days after today (about 5 years). */
export const MAX_PLAN_HORIZON_DAYS = 1830;

/** `planTrip` request data: `{ trips: [{ country, entryDate, exitDate }, ...] }`, each trip a core `PlannedStaySchema`. */
export const PlanTripRequestSchema = z.strictObject({
  trips: z.array(PlannedStaySchema).min(1, { message: 'must contain at least one trip' }).max(MAX_PLANNED_TRIPS, {
    message: `must contain at most ${MAX_PLANNED_TRIPS} trips`,
  }),
});
export type PlanTripRequest = z.infer<typeof PlanTripRequestSchema>;

/**
 * `planTrip` response: `asOf`, the evaluation date (the user's local today, `YYYY-MM-DD` in the profile's time zone),
 * and one result per visa rule (core/planning.ts `TripPlanResultSchema`). The app's contract
 * (schemas/callables/plan-trip-response.json) is generated from this schema; the handler tests parse real responses
 * with it, so the two cannot drift apart.
 */
export const PlanTripResponseSchema = z.strictObject({
  asOf: IsoDateSchema,
  results: z.array(TripPlanResultSchema),
});
export type PlanTripResponse = z.infer<typeof PlanTripResponseSchema>;

/**
 * Validates the request and plans the trips against the user's stored history.
 * @throws ValidationError (core/validation.ts) naming the field, e.g. `planTrip data: trips[0].exitDate must not
 *   be before entryDate`, or a trip that starts before today / too far ahead.
 */
export async function planTripForUser(repo: Repository, uid: string, data: unknown, now: Date): Promise<PlanTripResponse> {
  const request = parseOrThrow(PlanTripRequestSchema, data, 'planTrip data');
  const profile = await repo.getProfile(uid);
  const asOf = todayIn(safeTimeZone(profile?.timeZone), now);
  const horizon = addDays(asOf, MAX_PLAN_HORIZON_DAYS);
  const problems: { path: string; message: string }[] = [];
  request.trips.forEach((t, i) => {
    if (t.entryDate < asOf) problems.push({ path: `trips[${i}].entryDate`, message: `must be today (${asOf}) or later` });
    else if (t.entryDate > horizon) problems.push({ path: `trips[${i}].entryDate`, message: `must be at most ${MAX_PLAN_HORIZON_DAYS} days ahead (${horizon})` });
  });
  if (problems.length > 0) {
    throw new ValidationError(`planTrip data: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
  }
  // Invalid stored segments are left out, as in the status recompute (their warning is on the summary document).
  // The timeline holds every segment in one or two documents; a user without one yet is read the old way.
  const tl = decodeTimeline(uid, await repo.readTimeline(uid));
  const { segments } = coreSegmentsOf(tl ? tl.liveSegments() : await repo.listSegments(uid));
  const stays: PlannedStay[] = request.trips.map((t) => ({ country: t.country, entryDate: t.entryDate, exitDate: t.exitDate }));
  const results = planTrips(segments, stays, { asOf, nationalities: profile?.nationalities ?? [], residencePermits: profile?.residencePermits ?? [] });
  logEvent('INFO', 'plan.evaluated', { uid, trips: stays.length, segments: segments.length, rules: results.length });
  return { asOf, results };
}
