/**
 * Sends prepared push messages through a `PushTransport` in batches of at most `maxBatchSize`, retries
 * transient failures with exponential backoff and full jitter, and reports which device tokens FCM says are
 * gone, so the caller deletes exactly those devices.
 *
 * Error handling follows FCM's HTTP v1 error codes as firebase-admin reports them
 * (https://firebase.google.com/docs/cloud-messaging/manage-tokens and .../send-message#admin_sdk_error_reference):
 * - stale token, delete the device: `messaging/registration-token-not-registered` (UNREGISTERED: app uninstalled,
 *   token expired), `messaging/invalid-registration-token`, and `messaging/invalid-argument` only when the message
 *   says the token "is not a valid FCM registration token" (other INVALID_ARGUMENTs are our own payload bugs);
 * - transient, retry, never delete: `messaging/internal-error`, `messaging/server-unavailable`,
 *   `messaging/unknown-error`, `messaging/message-rate-exceeded`, `messaging/device-message-rate-exceeded`,
 *   `messaging/quota-exceeded`, `app/network-error`, `app/network-timeout`, and a whole call that threw without
 *   a code (a dropped connection);
 * - anything else (e.g. `messaging/third-party-auth-error`: the APNs key is missing or wrong in the Firebase
 *   console; `messaging/mismatched-credential`): a permanent failure of this message, reported, token kept.
 *
 * Why a retry loop of its own: firebase-admin's HTTP client retries only HTTP 503 and dropped connections
 * (`ECONNRESET`, `ETIMEDOUT`; `defaultRetryConfig` in its utils/api-request, not configurable for messaging), so
 * `messaging/internal-error` (500) and the rate and quota errors (429), which FCM asks senders to retry with
 * exponential backoff, come back to us (firebase-admin-node#2604). And one `sendEach` call answers per message:
 * only the messages whose result was transient are sent again. A retry library (p-retry, exponential-backoff)
 * retries a whole function call, which would resend the delivered messages too; the backoff itself is one line.
 */
import { setTimeout as defaultSleep } from 'node:timers/promises';
import type { TokenMessage } from 'firebase-admin/messaging';
import type { PushTransport } from './transport';

/** How an FCM error is handled. */
export type FcmErrorClass = 'staleToken' | 'transient' | 'permanent';

const STALE_TOKEN_CODES = new Set(['messaging/registration-token-not-registered', 'messaging/invalid-registration-token']);
const TRANSIENT_CODES = new Set([
  'messaging/internal-error',
  'messaging/server-unavailable',
  'messaging/unknown-error',
  'messaging/message-rate-exceeded',
  'messaging/device-message-rate-exceeded',
  'messaging/quota-exceeded',
  'app/network-error',
  'app/network-timeout',
]);

/** Classifies an FCM error by its firebase-admin `code` (and message, for `invalid-argument`). */
export function classifyFcmError(code: string | undefined, message: string): FcmErrorClass {
  if (code === undefined || code === '') return 'transient';
  if (STALE_TOKEN_CODES.has(code)) return 'staleToken';
  if (code === 'messaging/invalid-argument') {
    return /not a valid FCM registration token/i.test(message) ? 'staleToken' : 'permanent';
  }
  return TRANSIENT_CODES.has(code) ? 'transient' : 'permanent';
}

/** One message to one device of one user. */
export interface Delivery {
  uid: string;
  deviceId: string;
  alertId: string;
  message: TokenMessage;
}

export interface SendReport {
  delivered: Delivery[];
  /** FCM said the token is gone: delete these devices. */
  staleTokens: Delivery[];
  /** Gave up: permanent errors, and transient ones still failing after the last attempt. */
  failed: { delivery: Delivery; code: string; message: string }[];
  /** `sendEach` calls made (including retries). */
  calls: number;
  /** Attempts used (1 = no retry). */
  attempts: number;
}

export interface RetryOptions {
  /** Attempts per message, including the first (default 4). */
  maxAttempts?: number;
  /** Backoff before retry n (n >= 1) is uniformly random in [0, baseDelayMs * 2^(n-1)] (default 500 ms). */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Sends every delivery, retrying transient failures (per message, and whole calls that threw) up to
 * `maxAttempts`, with full-jitter exponential backoff between attempts. Never throws for FCM errors: every
 * delivery ends in exactly one of `delivered`, `staleTokens`, `failed`.
 */
export async function sendDeliveries(transport: PushTransport, deliveries: readonly Delivery[], options: RetryOptions = {}): Promise<SendReport> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 500;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const report: SendReport = { delivered: [], staleTokens: [], failed: [], calls: 0, attempts: 0 };
  let pending: Delivery[] = [...deliveries];
  let lastError = new Map<Delivery, { code: string; message: string }>();

  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
    if (attempt > 1) await sleep(Math.floor(random() * baseDelayMs * 2 ** (attempt - 2)));
    report.attempts = attempt;
    const retry: Delivery[] = [];
    const errors = new Map<Delivery, { code: string; message: string }>();
    for (let i = 0; i < pending.length; i += transport.maxBatchSize) {
      const chunk = pending.slice(i, i + transport.maxBatchSize);
      report.calls += 1;
      let results;
      try {
        results = await transport.sendEach(chunk.map((d) => d.message));
      } catch (e) {
        const code = errorCode(e) ?? 'app/network-error';
        const message = e instanceof Error ? e.message : String(e);
        const cls = classifyFcmError(errorCode(e), message);
        for (const d of chunk) {
          if (cls === 'transient') {
            retry.push(d);
            errors.set(d, { code, message });
          } else report.failed.push({ delivery: d, code, message });
        }
        continue;
      }
      chunk.forEach((d, k) => {
        const r = results[k];
        if (!r) {
          retry.push(d);
          errors.set(d, { code: 'messaging/unknown-error', message: 'no result for this message' });
        } else if (r.ok) report.delivered.push(d);
        else {
          const cls = classifyFcmError(r.code, r.message);
          if (cls === 'staleToken') report.staleTokens.push(d);
          else if (cls === 'transient') {
            retry.push(d);
            errors.set(d, { code: r.code, message: r.message });
          } else report.failed.push({ delivery: d, code: r.code, message: r.message });
        }
      });
    }
    pending = retry;
    lastError = errors;
  }
  for (const d of pending) {
    const e = lastError.get(d) ?? { code: 'messaging/unknown-error', message: 'gave up' };
    report.failed.push({ delivery: d, ...e });
  }
  return report;
}
