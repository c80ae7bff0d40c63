/**
 * Test double of the push transport (functions/src/alerts/transport.ts `PushTransport`): records every message it is
 * given and answers per token from a script, so tests and the alert benchmark can assert the exact FCM message and
 * simulate FCM errors without a network. Never deployed.
 */
import type { TokenMessage } from 'firebase-admin/messaging';
import { FCM_MAX_BATCH, type PushResult, type PushTransport } from '../../functions/src/alerts/transport';

/** A scripted failure for one token. */
export interface ScriptedFailure {
  code: string;
  message?: string;
}

/** Error thrown by `RecordingTransport` for a scripted whole-call failure (shaped like a firebase-admin error). */
export class TransportCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
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
