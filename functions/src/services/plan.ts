/**
 * Trip planning (Firebase-free): would one or more hypothetical trips keep the traveller within every visa rule?
 * Reads the user's stored segments and profile, evaluates with the core (core/planning.ts), stores nothing.
 */
import { z } from 'zod';
import { addDays, isIsoDate, todayIn } from '../core/dates';
import { planTrips, type PlannedStay, type TripPlanResult } from '../core/planning';
import { CountryCodeSchema, TravelDateSchema } from '../core/segment';
import { ValidationError, parseOrThrow } from '../core/validation';
import { log } from '../log';
import type { Repository } from '../repository/types';
import { coreSegmentsOf, decodeTimeline, safeTimeZone } from './recompute';

/** At most this many trips per request (a plan, not a history). */
export const MAX_PLANNED_TRIPS = 20;
/** A planned trip may not start more than this many days after today (about 5 years). */
export const MAX_PLAN_HORIZON_DAYS = 1830;

/**
 * One hypothetical trip: `entryDate` is the local date of arrival in `country`, `exitDate` the local date of
 * departure (both days count as days of stay, Regulation (EU) 2016/399 Art. 6(1)); both are travel dates
 * (core/segment.ts MIN_TRAVEL_DATE..MAX_TRAVEL_DATE).
 */
export const PlannedTripSchema = z
  .strictObject({ country: CountryCodeSchema, entryDate: TravelDateSchema, exitDate: TravelDateSchema })
  // Invalid dates are reported by their own field check; this compares only two real dates.
  .refine((t) => !isIsoDate(t.entryDate) || !isIsoDate(t.exitDate) || t.exitDate >= t.entryDate, {
    message: 'must not be before entryDate',
    path: ['exitDate'],
  });

/** `planTrip` request data: `{ trips: [{ country, entryDate, exitDate }, ...] }`. */
export const PlanTripRequestSchema = z.strictObject({
  trips: z.array(PlannedTripSchema).min(1, { message: 'must contain at least one trip' }).max(MAX_PLANNED_TRIPS, {
    message: `must contain at most ${MAX_PLANNED_TRIPS} trips`,
  }),
});
export type PlanTripRequest = z.infer<typeof PlanTripRequestSchema>;

/** `planTrip` response: the evaluation date (user's local today) and one result per visa rule. */
export interface PlanTripResponse {
  asOf: string;
  results: TripPlanResult[];
}

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
  log.planEvaluated({ uid, trips: stays.length, segments: segments.length, rules: results.length });
  return { asOf, results };
}
