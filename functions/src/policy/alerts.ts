/**
 * The visa-alert policy: which push notifications are due for a traveller, given the cached statuses of the rules
 * they track (`users/{uid}/visaStatus/{ruleId}`, one per kind of rule), the notification settings and the local
 * time; and when the scheduled run should next look at the traveller (`users/{uid}.nextAlertAt`). Pure: no
 * Firebase, no I/O, `now` injected. The same policy for every kind: thresholds, quiet hours, one push per rule per
 * run, each alert once (its id is the dedupe record).
 *
 * Alerts about a stay (AlertDoc.kind), for a `rolling-window` rule (Schengen 90/180: days remaining in the 180-day
 * period ending today, Reg. (EU) 2016/399 Art. 6(1)) or a `per-stay` rule (days left in this visit, e.g. the US Visa
 * Waiver Program's 90 days per admission), when the rule applies to the traveller (`applies` true; EU/EEA/Swiss
 * nationals get no Schengen alerts):
 * - `threshold`: the traveller's stay runs today (`currentStayStart` set) and the days remaining are at or below a
 *   configured threshold. Only the *lowest* threshold reached is due (30 days are not announced to someone who has
 *   5 left). Deduplicated per threshold per stay: the alert id holds the threshold and the stay's entry date.
 *   During one continuous stay the days remaining never rise (each day of stay adds one day, at most one drops out
 *   of the window; a visit's limit is fixed at its entry), so every threshold fires at most once per stay. A
 *   traveller outside the territory gets no threshold alert: the count cannot fall while away, and a planned return
 *   is covered by `plannedViolation`.
 * - `overstay`: the stay runs today and is over the limit (`overstayDays > 0`). Replaces the threshold alert. Once
 *   per stay.
 * - `plannedViolation`: a planned trip (segments after today) would break the rule: `firstViolationDate` is after
 *   `asOf`. Once per violation date (a changed plan with a new violation date alerts again).
 *
 * Alerts about a day count in a period, for a `tax-year-presence` rule (the UK's 183 days in a tax year from
 * 6 April) or a `weighted-lookback` rule (the US substantial presence test in a calendar year), deduplicated per
 * tax year (or year) by its first day:
 * - `threshold`: the days still to count before the rule's number is reached (`daysRemaining`) are at or below a
 *   configured threshold; the lowest one reached, once per tax year. The count never falls within a tax year, so
 *   each threshold fires at most once; it is due whether or not the traveller is there today.
 * - `reached`: the count is reached this tax year (`met`): once per tax year, under the `overstay` setting (the
 *   limit alerts).
 * - `plannedReach`: planned trips reach it later this tax year (`metOn` after `asOf`, not yet met): once per date,
 *   under the `plannedTrips` setting.
 *
 * At most one push per rule per run (the most urgent: overstay or reached, then threshold, then the planned ones;
 * they would replace each other on the device anyway, having the same `apns-collapse-id`), and after a push the next
 * one waits for the next local day. Pushes happen only inside the delivery window (local 09:00-21:00, {@link isDeliverable}) and
 * outside the user's quiet hours.
 */
import type { IsoDate } from '@travel-time-tracker/core/dates';
import { addDays, compareDates } from '@travel-time-tracker/core/dates';
import type { AlertDoc, NotificationSettings, UserProfile, VisaStatusDoc, VisaStatusDocOf } from '../model/documents';
import { formatLocalTime, isTimeZone, localClock, zonedInstant } from '@travel-time-tracker/core/timeZones';
import { isDeliverable, nextDeliverableInstant } from './time';

/** A status about a stay (rolling-window, per-stay): days remaining, overstay, first violation. */
export type StayStatus = VisaStatusDocOf<'rolling-window'> | VisaStatusDocOf<'per-stay'>;
/** A status about a day count in a tax year or year (tax-year-presence, weighted-lookback). */
export type PeriodStatus = VisaStatusDocOf<'tax-year-presence'> | VisaStatusDocOf<'weighted-lookback'>;

/** Whether a status is about a stay (`StayStatus`). */
export function isStayStatus(s: VisaStatusDoc): s is StayStatus {
  return s.kind === 'rolling-window' || s.kind === 'per-stay';
}

/** The first and last day of the tax year (or year) a period status counts. */
export function periodOf(s: PeriodStatus): { start: IsoDate; end: IsoDate } {
  return s.kind === 'tax-year-presence' ? { start: s.taxYearStart, end: s.taxYearEnd } : { start: s.yearStart, end: s.yearEnd };
}

/** AlertDoc.kind. */
export type AlertKind = AlertDoc['kind'];

/** Order in which alerts of one rule are preferred when several are due the same day (lower first). */
export const ALERT_PRIORITY: Readonly<Record<AlertKind, number>> = { overstay: 0, reached: 0, threshold: 1, plannedViolation: 2, plannedReach: 2 };

/** One alert whose condition holds for a status, before deduplication against already sent alerts. */
export interface AlertCandidate {
  /** Deterministic `users/{uid}/alerts/{alertId}` id: the dedupe record (see `alertId`). */
  alertId: string;
  ruleId: string;
  kind: AlertKind;
  /** The threshold reached (days remaining), for `threshold` alerts; else null. */
  threshold: number | null;
  /** Entry date of the current stay (local date) for a stay's `threshold`/`overstay`; else null. */
  stayStart: IsoDate | null;
  /** First day of the tax year (or year) for a day count's `threshold`/`reached`; else null. */
  periodStart: IsoDate | null;
  /** The status the alert is about (the message quotes its numbers). */
  status: VisaStatusDoc;
}

/**
 * Deterministic alert id (a valid Firestore document id: no `/`): `{ruleId}_threshold-{t}_{stayStart or
 * periodStart}`, `{ruleId}_overstay_{stayStart}`, `{ruleId}_planned_{firstViolationDate}`,
 * `{ruleId}_reached_{periodStart}`, `{ruleId}_planned-reach_{metOn}`.
 */
export function alertId(ruleId: string, kind: AlertKind, key: { threshold?: number | null; date: IsoDate }): string {
  const safeRule = ruleId.replace(/\//g, '_');
  switch (kind) {
    case 'threshold':
      return `${safeRule}_threshold-${key.threshold ?? 'x'}_${key.date}`;
    case 'overstay':
      return `${safeRule}_overstay_${key.date}`;
    case 'plannedViolation':
      return `${safeRule}_planned_${key.date}`;
    case 'reached':
      return `${safeRule}_reached_${key.date}`;
    case 'plannedReach':
      return `${safeRule}_planned-reach_${key.date}`;
  }
}

function thresholdsOf(settings: NotificationSettings): number[] {
  return [...new Set(settings.thresholds)].sort((a, b) => a - b);
}

/**
 * The alerts whose conditions hold for one status on its `asOf` date under `settings`, most urgent first.
 * Ignores `settings.enabled`, quiet hours and what was already sent (see `evaluateAlerts`).
 */
export function alertCandidatesFor(status: VisaStatusDoc, settings: NotificationSettings): AlertCandidate[] {
  if (!status.applies) return [];
  return isStayStatus(status) ? stayCandidates(status, settings) : periodCandidates(status, settings);
}

function candidate(
  status: VisaStatusDoc,
  kind: AlertKind,
  key: { threshold?: number; date: IsoDate },
  at: { stayStart?: IsoDate; periodStart?: IsoDate },
): AlertCandidate {
  return {
    alertId: alertId(status.ruleId, kind, key),
    ruleId: status.ruleId,
    kind,
    threshold: key.threshold ?? null,
    stayStart: at.stayStart ?? null,
    periodStart: at.periodStart ?? null,
    status,
  };
}

function stayCandidates(status: StayStatus, settings: NotificationSettings): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const stay = status.currentStayStart;
  if (stay !== null && status.overstayDays > 0) {
    if (settings.overstay) out.push(candidate(status, 'overstay', { date: stay }, { stayStart: stay }));
  } else if (stay !== null) {
    const reached = thresholdsOf(settings).find((t) => status.daysRemaining <= t);
    if (reached !== undefined) out.push(candidate(status, 'threshold', { threshold: reached, date: stay }, { stayStart: stay }));
  }
  const v = status.firstViolationDate;
  if (settings.plannedTrips && v !== null && compareDates(v, status.asOf) > 0) out.push(candidate(status, 'plannedViolation', { date: v }, {}));
  return out;
}

function periodCandidates(status: PeriodStatus, settings: NotificationSettings): AlertCandidate[] {
  const periodStart = periodOf(status).start;
  if (status.met) return settings.overstay ? [candidate(status, 'reached', { date: periodStart }, { periodStart })] : [];
  const out: AlertCandidate[] = [];
  const reached = thresholdsOf(settings).find((t) => status.daysRemaining <= t);
  if (reached !== undefined) out.push(candidate(status, 'threshold', { threshold: reached, date: periodStart }, { periodStart }));
  const on = status.metOn;
  if (settings.plannedTrips && on !== null && compareDates(on, status.asOf) > 0) out.push(candidate(status, 'plannedReach', { date: on }, { periodStart }));
  return out;
}

/** Result of `evaluateAlerts`. */
export interface AlertEvaluation {
  /** The zone actually used: the profile's, or `UTC` when the profile's is unknown (`timeZoneInvalid`). */
  timeZone: string;
  timeZoneInvalid: boolean;
  /** The traveller's local date and time `HH:MM` at `now`. */
  localDate: IsoDate;
  localTime: string;
  /** False when notifications are disabled. */
  enabled: boolean;
  /** True when a push may be sent now (delivery window, quiet hours). */
  deliverableNow: boolean;
  /**
   * Rules whose cached status is not for the traveller's local today (or that have no status): the caller must
   * recompute them (recomputeUser) and evaluate again before trusting `candidates`.
   */
  staleRuleIds: string[];
  /** Candidate alerts per rule, most urgent first within a rule; empty when disabled. */
  candidates: AlertCandidate[];
}

/** The zone to compute in: the profile's, or UTC when the runtime does not know it. */
export function effectiveTimeZone(profile: Pick<UserProfile, 'timeZone'>): { timeZone: string; invalid: boolean } {
  return isTimeZone(profile.timeZone) ? { timeZone: profile.timeZone, invalid: false } : { timeZone: 'UTC', invalid: true };
}

/**
 * Which alerts are due for a traveller at `now`.
 * @param statuses the cached statuses; `expectedRuleIds` (optional) names rules that must have one.
 * An unknown time zone on the profile is not an error here (it would silence the user for good): UTC is used and
 * `timeZoneInvalid` reports it so that the caller can log it.
 */
export function evaluateAlerts(
  profile: Pick<UserProfile, 'timeZone' | 'notifications'>,
  statuses: readonly VisaStatusDoc[],
  now: Date,
  expectedRuleIds: readonly string[] = [],
): AlertEvaluation {
  const { timeZone, invalid } = effectiveTimeZone(profile);
  const clock = localClock(now, timeZone);
  const settings = profile.notifications;
  const have = new Set(statuses.map((s) => s.ruleId));
  const staleRuleIds = [...expectedRuleIds.filter((id) => !have.has(id)), ...statuses.filter((s) => s.asOf !== clock.date).map((s) => s.ruleId)];
  const candidates = settings.enabled
    ? [...statuses]
        .sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))
        .flatMap((s) => alertCandidatesFor(s, settings).sort((a, b) => ALERT_PRIORITY[a.kind] - ALERT_PRIORITY[b.kind]))
    : [];
  return {
    timeZone,
    timeZoneInvalid: invalid,
    localDate: clock.date,
    localTime: formatLocalTime(clock.minutes),
    enabled: settings.enabled,
    deliverableNow: settings.enabled && isDeliverable(now, timeZone, settings.quietHours),
    staleRuleIds: [...new Set(staleRuleIds)],
    candidates,
  };
}

/** Options of `computeNextAlertAt` for the alert run itself, which knows what it has just sent. */
export interface NextAlertOptions {
  /** Alert ids already recorded (sent now or earlier): they are not due again. */
  sentAlertIds?: ReadonlySet<string>;
  /** True when a push went to this traveller in this run: nothing more before the next local day. */
  pushedToday?: boolean;
}

/**
 * A per-stay status with no current stay gives the limit of a visit entered on its `asOf`; a visit entered later
 * may be allowed up to this many days fewer (calendar months: 6 months is 181 to 184 days).
 */
const VISIT_LENGTH_SLACK_DAYS = 3;

/**
 * Earliest local date on which an alert not yet sent could be due for this status, assuming the recorded and
 * planned segments stay as they are (any segment change recomputes the status, which recomputes `nextAlertAt`; so
 * does the daily recompute on the first day of a new tax year or year: the recompute's schedule wakes a
 * traveller on each date a status can change with time alone).
 * A lower bound, never later than the truth:
 * - about a stay: days remaining fall by at most one per day, and a new stay (with fresh dedupe keys) can start at
 *   the earliest on the day after tomorrow when present today (an exit, a day away, an entry), tomorrow when away;
 * - about a day count: the days still to count fall by at most one per day (one day counted per day).
 */
function earliestDueDate(s: VisaStatusDoc, settings: NotificationSettings, sent: ReadonlySet<string>): IsoDate | null {
  if (!s.applies) return null;
  const dates: IsoDate[] = [];
  if (alertCandidatesFor(s, settings).some((c) => !sent.has(c.alertId))) dates.push(s.asOf);
  const thresholds = thresholdsOf(settings);
  const maxT = thresholds[thresholds.length - 1];
  const d = s.daysRemaining;
  const next = thresholds.filter((t) => t < d).pop();
  if (!isStayStatus(s)) {
    if (s.met) return dates[0] ?? null;
    if (next !== undefined) dates.push(addDays(s.asOf, d - next));
    if (settings.overstay) dates.push(addDays(s.asOf, d));
    dates.sort(compareDates);
    return dates[0] ?? null;
  }
  const present = s.currentStayStart !== null;
  const newStay = present ? 2 : 1;
  // Days remaining at the entry of a new stay: today's for a rolling window (they only grow while away).
  const fresh = s.kind === 'per-stay' && !present ? d - VISIT_LENGTH_SLACK_DAYS : d;
  if (maxT !== undefined) {
    if (present && s.overstayDays === 0 && next !== undefined) dates.push(addDays(s.asOf, d - next));
    dates.push(addDays(s.asOf, Math.max(newStay, fresh - maxT)));
  }
  if (settings.overstay) {
    // The first day over the limit is at least d + 1 days ahead.
    if (present && s.overstayDays === 0) dates.push(addDays(s.asOf, d + 1));
    dates.push(addDays(s.asOf, Math.max(newStay, fresh + 1)));
  }
  dates.sort(compareDates);
  return dates[0] ?? null;
}

/**
 * The next instant at which the scheduled alert run should look at this traveller (stored as the indexed
 * `users/{uid}.nextAlertAt`), or null when nothing can ever be due: notifications disabled, no status, or no rule
 * applies (e.g. an EU national and only the Schengen rule).
 *
 * It is the first deliverable instant (local 09:00-21:00 outside quiet hours, in the profile's zone; UTC when that
 * zone is unknown) on or after the earliest local date on which an alert could be due (`earliestDueDate` above),
 * and never before `now`. Called by the recompute service after every status evaluation (without options: an
 * already-sent alert then costs one extra look, after which the run stores a later date) and by the alert run
 * after processing the traveller (with `sentAlertIds`, `pushedToday`).
 * @throws RangeError only for a malformed quiet-hours time (the schema prevents it).
 */
export function computeNextAlertAt(
  profile: Pick<UserProfile, 'timeZone' | 'notifications'>,
  statuses: readonly VisaStatusDoc[],
  now: Date,
  options: NextAlertOptions = {},
): Date | null {
  const settings = profile.notifications;
  if (!settings.enabled) return null;
  const sent = options.sentAlertIds ?? new Set<string>();
  let earliest: IsoDate | null = null;
  for (const s of statuses) {
    const d = earliestDueDate(s, settings, sent);
    if (d !== null && (earliest === null || compareDates(d, earliest) < 0)) earliest = d;
  }
  if (earliest === null) return null;
  const { timeZone } = effectiveTimeZone(profile);
  const today = localClock(now, timeZone).date;
  let date = compareDates(earliest, today) < 0 ? today : earliest;
  if (options.pushedToday && compareDates(date, today) <= 0) date = addDays(today, 1);
  const from = date === today ? now : zonedInstant(date, 0, timeZone);
  return nextDeliverableInstant(from.getTime() < now.getTime() ? now : from, timeZone, settings.quietHours);
}
