/** Builders for alert tests: profiles and rule statuses with readable defaults. */
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings, type UserProfile, type VisaStatusDocOf } from '../../../functions/src/model/documents';
import type { TokenMessage } from 'firebase-admin/messaging';
import { addDays } from '@travel-time-tracker/core/dates';
import { seedAlertRules, type AlertPayloadFields } from '../../../functions/src/alerts/message';
import type { AlertDeps } from '../../../functions/src/alerts/run';
import { logEventsTo, type LogSink } from '../../../functions/src/log';
import type { Repository } from '../../../functions/src/repository/types';
import { recomputeUser } from '../../../functions/src/services/recompute/recompute';
import type { MemoryAlertQueue } from '../../fakes/memoryAlertQueue';
import type { RecordingTransport } from '../../fakes/recordingTransport';

export const RULE = 'schengen-90-180';

/**
 * The alert run's dependencies as the tests use them: the seed's rules, the real recompute, no wait between send
 * retries, and the run's log events to `log` (dropped by default).
 */
export function alertTestDeps(repo: Repository, transport: RecordingTransport, queue: MemoryAlertQueue, log: LogSink = () => undefined): AlertDeps {
  return { repo, transport, queue, rules: seedAlertRules(), recompute: recomputeUser, retry: { sleep: async () => undefined }, log: logEventsTo(log) };
}

export function profile(overrides: Partial<Omit<UserProfile, 'notifications'>> & { notifications?: Partial<NotificationSettings> } = {}): UserProfile {
  const { notifications, ...rest } = overrides;
  return {
    displayName: null,
    nationalities: ['US'],
    homeCountry: 'US',
    timeZone: 'Europe/Berlin',
    email: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    nextAlertAt: null,
    ...rest,
    notifications: { ...DEFAULT_NOTIFICATION_SETTINGS, ...notifications },
  };
}

/**
 * A Schengen status on `asOf`. `daysRemaining` drives daysUsed/overstay unless given; `stay` is the current
 * stay's entry date (null = not present).
 */
export function status(asOf: string, o: Partial<VisaStatusDocOf<'rolling-window'>> & { stay?: string | null } = {}): VisaStatusDocOf<'rolling-window'> {
  const { stay, ...rest } = o;
  const daysRemaining = rest.daysRemaining ?? 90;
  const overstayDays = rest.overstayDays ?? 0;
  return {
    ruleId: RULE,
    kind: 'rolling-window',
    asOf,
    applies: true,
    reason: null,
    permitDaysExcluded: 0,
    daysUsed: 90 - daysRemaining + overstayDays,
    daysRemaining,
    overstayDays,
    windowStart: addDays(asOf, -179),
    windowEnd: asOf,
    latestExitDate: stay && overstayDays === 0 ? addDays(asOf, daysRemaining) : null,
    nextEntryDate: null,
    firstViolationDate: null,
    currentStayStart: stay ?? null,
    computedAt: new Date(`${asOf}T00:00:00Z`),
    segmentsHash: 'h',
    ...rest,
  };
}

/** The custom keys of an alert message's APNs payload. */
export function payloadOf(m: TokenMessage): AlertPayloadFields {
  return m.apns?.payload as unknown as AlertPayloadFields;
}
