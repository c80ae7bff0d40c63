/**
 * `planTrip` callable (2nd gen): would the given hypothetical trips keep to every rule the traveller tracks?
 *
 * Request data: `{ trips: [{ country: "FR", entryDate: "2027-03-01", exitDate: "2027-04-15" }, ...] }`
 * (ISO 3166-1 alpha-2; local calendar dates `YYYY-MM-DD` at the destination; 1 to 20 trips).
 * Response ({@link PlanTripResponse}): `{ asOf, results, rules, unknownRuleIds }`: `results` the
 * default rules as before (`{ ruleId, applies, reason, complies, latestExitDate, firstViolationDate,
 * earliestCompliantEntryDate }`, the core's trip planning), `rules` one entry per tracked rule with its kind's outputs and
 * `plan`, the verdict of its kind. Nothing is stored, so repeating a call is harmless.
 * Errors ({@link answerCallable}): `unauthenticated` without a signed-in user; `invalid-argument` naming the field
 * (`planTrip data: trips[0].exitDate must not be before entryDate`); `internal` with a fixed sentence for anything
 * unexpected (the cause is logged with the uid). App Check is enforced when the ENFORCE_APP_CHECK param is true (the default), never on the emulators.
 */
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import { appCheckEnforcement, REGION, requireAppCheck, FUNCTION_SETTINGS } from '../config';
import { planTripForUser, type PlanTripResponse } from '../services/plan';
import { wiring } from '../wiring';
import { answerCallable } from './errors';

export const planTrip = onCall<unknown, Promise<PlanTripResponse>>(
  { region: REGION, enforceAppCheck: appCheckEnforcement(), memory: '256MiB', timeoutSeconds: 30, ...FUNCTION_SETTINGS.planTrip },
  async (request) => {
    const uid = request.auth?.uid;
    if (!uid) throw new HttpsError('unauthenticated', 'sign in to plan a trip');
    if (requireAppCheck(request.app)) throw new HttpsError('unauthenticated', 'this app could not be verified (App Check)');
    const { repo, clock } = wiring();
    return answerCallable({ uid, callable: 'planTrip', internalMessage: 'the trip could not be planned; try again later' }, () =>
      planTripForUser(repo, uid, request.data, clock()),
    );
  },
);
