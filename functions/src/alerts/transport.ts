/**
 * The push transport: the one seam between the alert sender and Firebase Cloud Messaging.
 *
 * `FcmTransport` sends through firebase-admin's `Messaging.sendEach` (FCM HTTP v1, one request per message,
 * at most 500 messages per call). The tests script their own transport (a fake that records what it was given).
 */
import type { Messaging, TokenMessage } from 'firebase-admin/messaging';

/** Largest number of messages `Messaging.sendEach` accepts in one call. */
export const FCM_MAX_BATCH = 500;

/** Outcome of one message: FCM's message id, or its error code (e.g. `messaging/registration-token-not-registered`). */
export type PushResult = { ok: true; messageId: string } | { ok: false; code: string; message: string };

export interface PushTransport {
  /** Largest number of messages per `sendEach` call. */
  readonly maxBatchSize: number;
  /**
   * Sends each message independently; returns one result per message, in order.
   * @throws when the whole call failed (network, auth, or a message firebase-admin rejects before sending);
   *   the error's `code` (e.g. `app/network-error`, `messaging/invalid-argument`) says which.
   */
  sendEach(messages: readonly TokenMessage[]): Promise<PushResult[]>;
}

/** Production transport through firebase-admin messaging. */
export class FcmTransport implements PushTransport {
  readonly maxBatchSize = FCM_MAX_BATCH;

  /** `messaging` is resolved lazily so that constructing the transport does not initialize the Admin SDK. */
  constructor(private readonly messaging: () => Messaging) {}

  async sendEach(messages: readonly TokenMessage[]): Promise<PushResult[]> {
    if (messages.length > this.maxBatchSize) {
      throw new RangeError(`sendEach takes at most ${this.maxBatchSize} messages, got ${messages.length}`);
    }
    if (messages.length === 0) return [];
    // firebase-admin renames keys (threadId -> thread-id) in place while validating: send copies so that a retry
    // sends what the builder produced.
    const res = await this.messaging().sendEach(messages.map((m) => structuredClone(m)));
    return res.responses.map((r) =>
      r.success
        ? { ok: true as const, messageId: r.messageId ?? '' }
        : { ok: false as const, code: r.error?.code ?? 'messaging/unknown-error', message: r.error?.message ?? 'no error detail' },
    );
  }
}
