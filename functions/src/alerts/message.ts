/**
 * What a visa alert says, and the FCM message that carries it to an iOS device through APNs.
 *
 * The text is plain English (the backend does not know the device language); the payload also carries the
 * structured fields so that the app can show its own localized text or screen. The payload the app receives is
 * documented in docs/alerts.md (The payload the app receives).
 *
 * APNs request headers (Apple, "Sending notification requests to APNs"):
 * - `apns-push-type: alert` (required since iOS 13 for alerts), `apns-priority: 10` (deliver immediately),
 * - `apns-collapse-id`: one per rule, so a newer alert about the same rule replaces the older one on the device,
 * - `apns-expiration`: the alert's numbers are only true for about a day; APNs drops it after that.
 */
import type { TokenMessage } from 'firebase-admin/messaging';
import type { IsoDate } from '@travel-time-tracker/core/dates';
import { loadReferenceData, type ReferenceData, type RuleDefinition, type RuleKind, type VisaRule } from '@travel-time-tracker/core/referenceData';
import {
  DAY_COUNT_ONLY,
  assumptionSentence,
  capitalized,
  days,
  daysLeftInVisit,
  daysShortOf,
  limitOf,
  moreDaysWouldMeet,
  overVisitLimit,
  placeInSentence,
  placeOf,
  weightedDaysOf,
  willBeMetOn,
  willReach,
} from '@travel-time-tracker/core/ruleWording';
import type { VisaStatusDoc } from '../model/documents';
import { isStayStatus, periodOf, type AlertCandidate, type PeriodStatus, type StayStatus } from '../policy/alerts';

/** Scheme and host of the deep link the app opens for an alert: `traveltimetracker://visa-status/{ruleId}`. */
export const DEEP_LINK_BASE = 'traveltimetracker://visa-status/';

/** APNs keeps an undelivered alert this long (seconds): tomorrow's run sends fresher numbers anyway. */
export const ALERT_EXPIRATION_SECONDS = 24 * 60 * 60;

/** What the message needs to know about a rule (from seed/visaRules.json, in the words of {@link placeOf} and its siblings). */
export interface AlertRuleInfo {
  id: string;
  /** Human name, e.g. `Schengen short stay (90/180)`. */
  name: string;
  kind: RuleKind;
  /** Where the days are counted, in a sentence: `the Schengen area`, `the United Kingdom`, `Japan`. */
  regionName: string;
  /** The same as a name before "tax year": `United Kingdom` ("the United Kingdom tax year"). */
  placeName: string;
  /**
   * The limit in words: `90 days in any 180-day period`, `at most 90 days per visit`, `at least 183 days in a tax
   * year`, `at least 31 days this year and 183 weighted days over 3 years`.
   */
  limit: string;
}

/** AlertRuleInfo of a seed rule of any kind; `ref` names its countries (the seed's when not given). */
export function ruleInfo(rule: RuleDefinition | VisaRule, ref: Pick<ReferenceData, 'countryName'> | undefined = loadReferenceData()): AlertRuleInfo {
  const def = rule as RuleDefinition;
  return { id: def.id, name: def.name, kind: def.kind, regionName: placeInSentence(def, ref), placeName: placeOf(def, ref), limit: limitOf(def) };
}

/** Every rule of seed/visaRules.json (any kind a user may track), as the messages name them. */
export function seedAlertRules(): AlertRuleInfo[] {
  const ref = loadReferenceData();
  return ref.definitions.map((d) => ruleInfo(d, ref));
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * `Thursday 9 July 2026` for a `YYYY-MM-DD` local date: a calendar date, never shifted through a zone, and
 * spelled out by hand because ICU versions disagree on punctuation ("Thursday, 9 July").
 */
export function formatDate(date: IsoDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${weekday} ${d} ${MONTHS[m - 1]} ${y}`;
}

/** Title and body of the notification, in plain language. */
export interface AlertText {
  title: string;
  body: string;
}

/**
 * The text of an alert, in words that fit the kind of rule (the core's rule wording, shared with the report): a stay's
 * days remaining or overstay and its latest exit date (or the violation date); a tax year's day count, the day it is
 * or will be reached. When the status's verdict rests on days no record supports (`dependsOnAssumption`), the body
 * says which (`assumptionSentence`: the gap, or the days since the last recorded trip). The tax kinds say what the
 * rule counts and end with `DAY_COUNT_ONLY`, never tax advice.
 */
export function alertText(alert: AlertCandidate, rule: AlertRuleInfo): AlertText {
  const s = alert.status;
  const text = isStayStatus(s) ? stayText(alert.kind, s, rule) : periodText(alert.kind, s, rule);
  // Absent on statuses written before the evidence: nothing is said then.
  if (s.dependsOnAssumption !== true) return text;
  const note = assumptionSentence(s.assumption, loadReferenceData(), formatDate);
  const tail = text.body.endsWith(DAY_COUNT_ONLY) ? DAY_COUNT_ONLY : '';
  const body = tail ? text.body.slice(0, -tail.length).trimEnd() : text.body;
  return { ...text, body: tail ? `${body} ${note} ${tail}` : `${body} ${note}` };
}

function stayText(kind: AlertCandidate['kind'], s: StayStatus, rule: AlertRuleInfo): AlertText {
  const where = rule.regionName;
  const exit = s.latestExitDate ? ` Latest exit date: ${formatDate(s.latestExitDate)}.` : '';
  const visit = s.kind === 'per-stay';
  switch (kind) {
    case 'threshold':
      if (s.daysRemaining === 0) {
        return visit
          ? {
              title: `Last day of this visit to ${where}`,
              body: `Today is the last allowed day of this visit to ${where} under the ${rule.name} rule (${rule.limit}).${exit}`,
            }
          : { title: `Last day in ${where}`, body: `Today is your last allowed day in ${where} under the ${rule.name} rule (${rule.limit}).${exit}` };
      }
      return visit
        ? {
            title: capitalized(daysLeftInVisit(s.daysRemaining)),
            body: `You have ${daysLeftInVisit(s.daysRemaining)} to ${where} under the ${rule.name} rule (${rule.limit}).${exit}`,
          }
        : {
            title: `${days(s.daysRemaining)} left in ${where}`,
            body: `You have ${days(s.daysRemaining)} left under the ${rule.name} rule (${rule.limit}).${exit}`,
          };
    case 'overstay':
      return visit
        ? {
            title: `Overstay in ${where}`,
            body: `You are ${overVisitLimit(s.overstayDays)} to ${where} under the ${rule.name} rule (${rule.limit}). Leave ${where} as soon as you can.`,
          }
        : {
            title: `Overstay in ${where}`,
            body: `You are ${days(s.overstayDays)} over the ${rule.name} rule (${rule.limit}). Leave ${where} as soon as you can.`,
          };
    default: {
      const when = s.firstViolationDate ? ` on ${formatDate(s.firstViolationDate)}` : '';
      const what = visit ? `make a visit to ${where} longer than allowed (${rule.limit})` : `exceed ${rule.limit}`;
      return {
        title: `Planned trip breaks the ${rule.name} rule`,
        body: `Your planned travel would ${what}${when}. Open the app to see the dates that comply.`,
      };
    }
  }
}

function periodText(kind: AlertCandidate['kind'], s: PeriodStatus, rule: AlertRuleInfo): AlertText {
  const { start, end } = periodOf(s);
  const where = rule.regionName;
  if (s.kind === 'tax-year-presence') {
    const year = `the tax year ${formatDate(start)} to ${formatDate(end)}`;
    const counted = s.convention === 'midnight' ? 'a day counts when you are there at midnight' : 'any part of a day counts';
    switch (kind) {
      case 'reached':
        return {
          title: `${s.threshold} days in the ${rule.placeName} tax year`,
          body: `You reached ${s.threshold} days in ${where} in ${year} on ${formatDate(s.metOn!)} (${counted}): the day count of the ${rule.name}. ${DAY_COUNT_ONLY}`,
        };
      case 'plannedReach':
        return {
          title: `Your plans reach ${s.threshold} days in the ${rule.placeName} tax year`,
          body: `With your planned trips, ${willReach(s.threshold, rule.placeName, formatDate(s.metOn!))} (${rule.name}; ${counted}). ${DAY_COUNT_ONLY}`,
        };
      default:
        return {
          title: `${days(s.daysRemaining)} from ${s.threshold} days in the ${rule.placeName} tax year`,
          body: `You have ${days(s.daysThisTaxYear)} in ${where} in ${year} (${counted}): ${daysShortOf(s.daysRemaining, s.threshold)}, the day count of the ${rule.name}. ${DAY_COUNT_ONLY}`,
        };
    }
  }
  const weighted = weightedDaysOf(s.weightedDays.display, s.threshold);
  switch (kind) {
    case 'reached':
      return {
        title: `${capitalized(rule.name)}: met`,
        body: `Your days in ${where} meet the ${rule.name} since ${formatDate(s.metOn!)}: ${weighted}, ${days(s.daysThisYear)} this year (${rule.limit}). ${DAY_COUNT_ONLY}`,
      };
    case 'plannedReach':
      return {
        title: `Your plans meet the ${rule.name}`,
        body: `With your planned trips, the ${rule.name} ${willBeMetOn(formatDate(s.metOn!))} (${rule.limit}). ${DAY_COUNT_ONLY}`,
      };
    default:
      return {
        title: `${days(s.daysRemaining)} from meeting the ${rule.name}`,
        body: `You have ${weighted} this year (${days(s.daysThisYear)} in ${where} this year, and a share of the years before): ${moreDaysWouldMeet(s.daysRemaining)} (${rule.limit}). ${DAY_COUNT_ONLY}`,
      };
  }
}

/** `apns-collapse-id` / thread id of a rule: at most 64 bytes (APNs limit). */
export function collapseId(ruleId: string): string {
  return `visa-${ruleId}`.slice(0, 64);
}

/**
 * Custom keys at the root of the APNs payload (next to `aps`), as the app reads them from `userInfo`.
 * Numbers are JSON numbers; absent values are null.
 */
export interface AlertPayloadFields {
  type: 'visaAlert';
  alertId: string;
  ruleId: string;
  /** The alert's kind (AlertDoc.kind). */
  kind: AlertCandidate['kind'];
  /** The rule's kind (the status document's `kind`). */
  ruleKind: VisaStatusDoc['kind'];
  /** The threshold reached (days remaining), for `threshold` alerts; else null. */
  threshold: number | null;
  /** A stay: days remaining in the period or visit; a day count: days still to count before it is reached. */
  daysRemaining: number;
  /** A stay: days over the limit; 0 for a day count. */
  overstayDays: number;
  /** A stay's latest exit date and first violation date; null for a day count. */
  latestExitDate: IsoDate | null;
  firstViolationDate: IsoDate | null;
  /** A day count: the number of days it needs (183), and the day it was or will be reached; null for a stay. */
  requiredDays: number | null;
  metOn: IsoDate | null;
  /** A day count: the first and last day of its tax year (or year); null for a stay. */
  periodStart: IsoDate | null;
  periodEnd: IsoDate | null;
  /** The rule's status date (the traveller's local today when sent). */
  asOf: IsoDate;
  deepLink: string;
}

/** The payload fields of an alert. */
export function alertPayloadFields(alert: AlertCandidate): AlertPayloadFields {
  const s = alert.status;
  const stay = isStayStatus(s) ? s : null;
  const count = isStayStatus(s) ? null : s;
  return {
    type: 'visaAlert',
    alertId: alert.alertId,
    ruleId: alert.ruleId,
    kind: alert.kind,
    ruleKind: s.kind,
    threshold: alert.threshold,
    daysRemaining: s.daysRemaining,
    overstayDays: stay?.overstayDays ?? 0,
    latestExitDate: stay?.latestExitDate ?? null,
    firstViolationDate: stay?.firstViolationDate ?? null,
    requiredDays: count?.threshold ?? null,
    metOn: count?.metOn ?? null,
    periodStart: count ? periodOf(count).start : null,
    periodEnd: count ? periodOf(count).end : null,
    asOf: s.asOf,
    deepLink: `${DEEP_LINK_BASE}${encodeURIComponent(alert.ruleId)}`,
  };
}

/**
 * The FCM message for one device token (firebase-admin `TokenMessage`, APNs only: the app is iOS).
 * @param now the send time; sets `apns-expiration` to `now + ALERT_EXPIRATION_SECONDS` (UNIX seconds).
 */
export function buildAlertMessage(token: string, alert: AlertCandidate, rule: AlertRuleInfo, now: Date): TokenMessage {
  const text = alertText(alert, rule);
  const id = collapseId(alert.ruleId);
  return {
    token,
    apns: {
      headers: {
        'apns-push-type': 'alert',
        'apns-priority': '10',
        'apns-collapse-id': id,
        'apns-expiration': String(Math.floor(now.getTime() / 1000) + ALERT_EXPIRATION_SECONDS),
      },
      payload: {
        aps: { alert: { title: text.title, body: text.body }, sound: 'default', threadId: id },
        ...alertPayloadFields(alert),
      },
    },
  };
}
