/**
 * Real trigger events from Google's Firestore emulator, for the suites where the delivery itself is under test (its
 * `time`, its order). scripts/test.js starts the emulator with `--functions_emulator` set to
 * FIRESTORE_EMULATOR_EVENTS_HOST; for every trigger registered with it (as the Functions emulator registers a v2
 * document trigger) the emulator then POSTs each matching write's event there, one at a time, as a CloudEvent in
 * binary mode: the attributes in `ce-*` headers (`time` is stamped when the event is sent, to the second), the
 * DocumentEventData protobuf base64-encoded in the body. `FirestoreEventSink` listens there and hands back each
 * event as the raw CloudEvent a deployed function is called with, for the real trigger (firebase-functions decodes
 * the snapshots, `updateTime`s included, from the protobuf).
 */
import * as http from 'node:http';
import { firestoreEmulatorHost } from './emulator';

/** Where the running Firestore emulator delivers trigger events (`host:port`), when the test runner set it up. */
export const firestoreEventsHost = process.env.FIRESTORE_EMULATOR_EVENTS_HOST;

/** `describe` when the Firestore emulator runs and delivers trigger events (FIRESTORE_EMULATOR_EVENTS_HOST), else a named skip. */
export function describeWithFirestoreEvents(name: string, fn: () => void): void {
  if (firestoreEmulatorHost && firestoreEventsHost) {
    describe(name, fn);
    return;
  }
  const why = firestoreEmulatorHost
    ? 'FIRESTORE_EMULATOR_EVENTS_HOST is not set: the Firestore emulator was not started by scripts/test.js, so it delivers no trigger events'
    : 'FIRESTORE_EMULATOR_HOST is not set: no Firestore emulator is running; `npm test` starts one (scripts/lib/emulators.js finds it)';
  describe(name, () => {
    console.warn(`SKIPPED "${name}": ${why}`);
    test.skip(`skipped: ${why}`, () => undefined);
  });
}

/** A CloudEvent as a deployed function receives it: its attributes, and `data` the DocumentEventData protobuf. */
export interface RawCloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  time: string;
  datacontenttype: string;
  /** `users/{uid}/segments/{id}`: the document written. */
  document: string;
  data: Buffer;
  [attribute: string]: unknown;
}

/**
 * Listens at FIRESTORE_EMULATOR_EVENTS_HOST (one sink at a time) and records every event the emulator delivers, in
 * delivery order. While held (`hold`), the sink records an event but does not answer it, and the emulator, which
 * delivers one event at a time, sends the next only after `release`: the events of writes made meanwhile are sent,
 * and stamped, late.
 */
export class FirestoreEventSink {
  readonly events: RawCloudEvent[] = [];
  private readonly waiting: { n: number; resolve: () => void }[] = [];
  private held: (() => void)[] | null = null;

  private constructor(private readonly server: http.Server) {}

  /** Starts listening at FIRESTORE_EMULATOR_EVENTS_HOST. */
  static async open(): Promise<FirestoreEventSink> {
    const [host, port] = (firestoreEventsHost ?? '').split(':');
    const server = http.createServer();
    const sink = new FirestoreEventSink(server);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => sink.receive(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(port), host, resolve);
    });
    return sink;
  }

  /**
   * Registers a trigger of `google.cloud.firestore.document.v1.written` for `pattern` (a path pattern such as
   * `users/u1/segments/{segmentId}`) with the emulator, under `triggerId` (registrations are never removed: name a
   * path no other suite writes).
   */
  async register(projectId: string, triggerId: string, pattern: string): Promise<void> {
    const body = {
      eventType: 'google.cloud.firestore.document.v1.written',
      database: '(default)',
      namespace: '(default)',
      document: { value: pattern, matchType: 'PATH_PATTERN' },
    };
    const url = `http://${firestoreEmulatorHost}/emulator/v1/projects/${projectId}/eventarcTrigger?eventarcTriggerId=${encodeURIComponent(triggerId)}`;
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`registering the trigger ${triggerId}: HTTP ${res.status} ${await res.text()}`);
  }

  /** From now on, events are recorded but not answered until `release`. */
  hold(): void {
    this.held ??= [];
  }

  /** Answers the held events; the emulator goes on delivering. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const answer of held) answer();
  }

  /**
   * The first `n` events delivered, once they are all in.
   * @throws Error naming how many came when they do not within `timeoutMs`.
   */
  async waitFor(n: number, timeoutMs = 60_000): Promise<RawCloudEvent[]> {
    if (this.events.length < n) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.waiting.push({ n, resolve })),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the emulator delivered ${this.events.length} events of the ${n} awaited`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return this.events.slice(0, n);
  }

  /** Stops listening (held events are answered first). */
  async close(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const attributes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('ce-')) attributes[k.slice(3)] = v;
      this.events.push({ ...attributes, data: Buffer.from(Buffer.concat(chunks).toString('latin1'), 'base64') } as RawCloudEvent);
      for (const w of this.waiting.filter((x) => this.events.length >= x.n)) {
        this.waiting.splice(this.waiting.indexOf(w), 1);
        w.resolve();
      }
      // A fresh connection per event: the emulator's client would reuse one the server has timed out meanwhile,
      // and that event would only come much later, on its retry.
      const answer = () => res.writeHead(200, { connection: 'close' }).end();
      if (this.held) this.held.push(answer);
      else answer();
    });
  }
}
