/**
 * Production dependencies of the alert functions, built lazily on first use (so loading a module costs nothing),
 * and the override used by tests: `setAlertDeps({ transport: new RecordingTransport(), queue: new MemoryAlertQueue() })`.
 * The repository and clock come from the shared handler seam (triggers/deps.ts), so one `setHandlerDeps` call
 * gives every handler the same in-memory repository.
 */
import { REGION } from '../config';
import { loadReferenceData } from '../core/referenceData';
import { recomputeUser } from '../services/recompute';
import { handlerDeps } from '../triggers/deps';
import type { AlertDeps } from './run';
import { ruleInfo, type AlertRuleInfo } from './message';
import { CloudTasksAlertQueue, type AlertBatchTask, type AlertTaskQueue } from './queue';
import { FcmTransport, type PushTransport } from './transport';

/** Name of the task function (functions/src/tasks/sendAlertBatch.ts), as exported from index.ts. */
export const ALERT_TASK_FUNCTION = 'sendAlertBatch';

export interface AlertHandlerDeps extends AlertDeps {
  clock: () => Date;
}

let overrides: Partial<AlertHandlerDeps> = {};
let transport: PushTransport | undefined;
let queue: AlertTaskQueue | undefined;

/** Replaces some or all alert dependencies (tests); `setAlertDeps()` restores production values. */
export function setAlertDeps(deps?: Partial<AlertHandlerDeps>): void {
  overrides = { ...(deps ?? {}) };
}

function adminApp(): import('firebase-admin/app').App {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { getApps, initializeApp } = require('firebase-admin/app') as typeof import('firebase-admin/app');
  return getApps()[0] ?? initializeApp();
}

function productionTransport(): PushTransport {
  transport ??= new FcmTransport(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getMessaging } = require('firebase-admin/messaging') as typeof import('firebase-admin/messaging');
    return getMessaging(adminApp());
  });
  return transport;
}

function productionQueue(): AlertTaskQueue {
  queue ??= new CloudTasksAlertQueue(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getFunctions } = require('firebase-admin/functions') as typeof import('firebase-admin/functions');
    return getFunctions(adminApp()).taskQueue<AlertBatchTask>(`locations/${REGION.value()}/functions/${ALERT_TASK_FUNCTION}`);
  });
  return queue;
}

/** Every rule of seed/visaRules.json (any kind a user may track), as the messages name them. */
export function seedAlertRules(): AlertRuleInfo[] {
  const ref = loadReferenceData();
  return ref.definitions.map((d) => ruleInfo(d, ref));
}

/** The dependencies for this invocation (overrides first, then production values). */
export function alertDeps(): AlertHandlerDeps {
  const base = handlerDeps();
  return {
    repo: overrides.repo ?? base.repo,
    clock: overrides.clock ?? base.clock,
    transport: overrides.transport ?? productionTransport(),
    queue: overrides.queue ?? productionQueue(),
    rules: overrides.rules ?? seedAlertRules(),
    recompute: overrides.recompute ?? recomputeUser,
    retry: overrides.retry,
    log: overrides.log,
  };
}
