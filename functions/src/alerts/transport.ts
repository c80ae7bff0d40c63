/**
 * The push transport: the one seam between the alert sender and Firebase Cloud Messaging.
 *
 * `FcmTransport` sends through firebase-admin's `Messaging.sendEach` (FCM HTTP v1, one request per message,
 * at most 500 messages per call). `RecordingTransport` keeps every message it is given and answers per token
 * from a script, so tests can assert the exact FCM message and simulate FCM errors without a network.
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

/** A scripted failure for one token. */
export interface ScriptedFailure {
  code: string;
  message?: string;
}

/** Error thrown by `RecordingTransport` for a scripted whole-call failure (shaped like a firebase-admin error). */
export class TransportCallError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'TransportCallError';
  }
}

/**
 * Test transport: records every call and answers from a per-token script. A token's script is consumed one
 * outcome per send; its last outcome repeats (so `['messaging/internal-error', 'ok']` fails once, then delivers).
 * Tokens without a script are delivered. `failCalls` makes the next calls throw as a network failure would.
 */
export class RecordingTransport implements PushTransport {
  /** Every call, as the list of messages given (deep copies). */
  readonly calls: TokenMessage[][] = [];
  /** Messages that were delivered (deep copies), in order. */
  readonly delivered: TokenMessage[] = [];

  private scripts = new Map<string, (ScriptedFailure | 'ok')[]>();
  private callFailures: ScriptedFailure[] = [];
  private counter = 0;

  constructor(readonly maxBatchSize: number = FCM_MAX_BATCH) {}

  /** Sets what sends to `token` answer, in order (the last repeats). */
  script(token: string, ...outcomes: (ScriptedFailure | 'ok')[]): this {
    this.scripts.set(token, outcomes);
    return this;
  }

  /** The next `failures.length` calls throw these errors instead of sending anything. */
  failCalls(...failures: ScriptedFailure[]): this {
    this.callFailures.push(...failures);
    return this;
  }

  async sendEach(messages: readonly TokenMessage[]): Promise<PushResult[]> {
    if (messages.length > this.maxBatchSize) {
      throw new RangeError(`sendEach takes at most ${this.maxBatchSize} messages, got ${messages.length}`);
    }
    this.calls.push(messages.map((m) => structuredClone(m)));
    const callFailure = this.callFailures.shift();
    if (callFailure) throw new TransportCallError(callFailure.code, callFailure.message ?? callFailure.code);
    return messages.map((m) => {
      const script = this.scripts.get(m.token);
      let outcome: ScriptedFailure | 'ok' = 'ok';
      if (script && script.length > 0) {
        outcome = script.length > 1 ? (script.shift() as ScriptedFailure | 'ok') : (script[0] as ScriptedFailure | 'ok');
      }
      if (outcome === 'ok') {
        this.delivered.push(structuredClone(m));
        this.counter += 1;
        return { ok: true as const, messageId: `projects/demo/messages/${this.counter}` };
      }
      return { ok: false as const, code: outcome.code, message: outcome.message ?? outcome.code };
    });
  }
}
