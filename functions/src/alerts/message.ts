/**
 * What a visa alert says, and the FCM message that carries it to an iOS device through APNs.
 *
 * The text is plain English (the backend does not know the device language); the payload also carries the
 * structured fields so that the app can show its own localized text or screen. The payload the app receives is
 * documented in README.md (visa alerts).
 *
 * APNs request headers (Apple, "Sending notification requests to APNs"):
 * - `apns-push-type: alert` (required since iOS 13 for alerts), `apns-priority: 10` (deliver immediately),
 * - `apns-collapse-id`: one per rule, so a newer alert about the same rule replaces the older one on the device,
 * - `apns-expiration`: the alert's numbers are only true for about a day; APNs drops it after that.
 */
import type { TokenMessage } from 'firebase-admin/messaging';
import type { IsoDate } from '../core/dates';
import { loadReferenceData } from '../core/referenceData';
import type { AlertCandidate } from '../policy/alerts';

/** Scheme and host of the deep link the app opens for an alert: `traveltimetracker://visa-status/{ruleId}`. */
export const DEEP_LINK_BASE = 'traveltimetracker://visa-status/';

/** APNs keeps an undelivered alert this long (seconds): tomorrow's run sends fresher numbers anyway. */
export const ALERT_EXPIRATION_SECONDS = 24 * 60 * 60;

/** What the message needs to know about a rule (from seed/visaRules.json). */
export interface AlertRuleInfo {
  id: string;
  /** Human name, e.g. `Schengen short stay (90/180)`. */
  name: string;
  /** Where the days are counted, in a sentence: `the Schengen area`. */
  regionName: string;
  maxDays: number;
  periodDays: number;
}

/** Region ids of the seed to the words used in a sentence. */
const REGION_NAMES: Readonly<Record<string, string>> = { SCHENGEN: 'the Schengen area' };

/** AlertRuleInfo of a seed rule (`{ id, name, region, params: { maxDays, periodDays } }`). */
export function ruleInfo(rule: { id: string; name: string; region: string; params: { maxDays: number; periodDays: number } }): AlertRuleInfo {
  return {
    id: rule.id,
    name: rule.name,
    regionName: REGION_NAMES[rule.region] ?? rule.region,
    maxDays: rule.params.maxDays,
    periodDays: rule.params.periodDays,
  };
}

/** The rules of seed/visaRules.json, as the messages name them. */
export function seedAlertRules(): AlertRuleInfo[] {
  return loadReferenceData().rules.map((r) => ruleInfo(r));
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

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/** Title and body of the notification, in plain language. */
export interface AlertText {
  title: string;
  body: string;
}

/** The text of an alert: which rule, days remaining, the latest exit date (or the violation date). */
export function alertText(alert: AlertCandidate, rule: AlertRuleInfo): AlertText {
  const s = alert.status;
  const limit = `${rule.maxDays} days in any ${rule.periodDays}-day period`;
  switch (alert.kind) {
    case 'threshold': {
      const exit = s.latestExitDate ? ` Latest exit date: ${formatDate(s.latestExitDate)}.` : '';
      if (s.daysRemaining === 0) {
        return {
          title: `Last day in ${rule.regionName}`,
          body: `Today is your last allowed day in ${rule.regionName} under the ${rule.name} rule (${limit}).${exit}`,
        };
      }
      return {
        title: `${days(s.daysRemaining)} left in ${rule.regionName}`,
        body: `You have ${days(s.daysRemaining)} left under the ${rule.name} rule (${limit}).${exit}`,
      };
    }
    case 'overstay':
      return {
        title: `Overstay in ${rule.regionName}`,
        body: `You are ${days(s.overstayDays)} over the ${rule.name} rule (${limit}). Leave ${rule.regionName} as soon as you can.`,
      };
    case 'plannedViolation': {
      const when = s.firstViolationDate ? ` on ${formatDate(s.firstViolationDate)}` : '';
      return {
        title: `Planned trip breaks the ${rule.name} rule`,
        body: `Your planned travel would exceed ${limit}${when}. Open the app to see the dates that comply.`,
      };
    }
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
  kind: AlertCandidate['kind'];
  threshold: number | null;
  daysRemaining: number;
  overstayDays: number;
  latestExitDate: IsoDate | null;
  firstViolationDate: IsoDate | null;
  /** The rule's status date (the traveller's local today when sent). */
  asOf: IsoDate;
  deepLink: string;
}

/** The payload fields of an alert. */
export function alertPayloadFields(alert: AlertCandidate): AlertPayloadFields {
  const s = alert.status;
  return {
    type: 'visaAlert',
    alertId: alert.alertId,
    ruleId: alert.ruleId,
    kind: alert.kind,
    threshold: alert.threshold,
    daysRemaining: s.daysRemaining,
    overstayDays: s.overstayDays,
    latestExitDate: s.latestExitDate,
    firstViolationDate: s.firstViolationDate,
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
