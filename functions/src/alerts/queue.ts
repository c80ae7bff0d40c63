/**
 * Fan-out of a scheduled run over users: the scheduled function enqueues one task per page of due users, a task
 * function (onTaskDispatched) processes it. Two runs use it, with one payload shape (a run instant and a page of
 * uids) and one port: the alert run (`sendAlerts` enqueues, `sendAlertBatch` processes) and the daily recompute
 * (`recomputeDaily` enqueues, `recomputeBatch` processes). Behind an interface so that the schedulers run offline:
 * `CloudTasksAlertQueue` enqueues through firebase-admin `getFunctions().taskQueue(...)` on the named function's
 * queue; an in-memory queue of the tests keeps the tasks for tests and the benchmark.
 *
 * Task ids are deterministic (a hash of the run time and the page's uids): a retried scheduler run enqueues the
 * same ids, which Cloud Tasks refuses as duplicates (`functions/task-already-exists`) for about an hour after the
 * first one ran. Hashes, not readable ids, because Cloud Tasks asks for uniformly distributed ids
 * (sequential or timestamp-prefixed ids slow the queue down).
 */
import { createHash } from 'node:crypto';
import type { TaskQueue } from 'firebase-admin/functions';
import { z } from 'zod';

/** The payload of one task of a fan-out (`sendAlertBatch`, `recomputeBatch`). */
export const AlertBatchTaskSchema = z.strictObject({
  /** ISO 8601 instant of the scheduled run that enqueued it (the `due` bound of the page query). */
  runAt: z.string().datetime({ offset: true }),
  /** Users to look at; each is re-read and skipped unless still due. */
  uids: z.array(z.string().min(1).max(128)).min(1).max(1000),
});
export type AlertBatchTask = z.infer<typeof AlertBatchTaskSchema>;

/** Whether a task was added, or refused as a duplicate of one already enqueued (or recently run). */
export type EnqueueOutcome = 'enqueued' | 'duplicate';

export interface AlertTaskQueue {
  /** Enqueues `task` under `id`; a duplicate id is not an error (the task exists). */
  enqueue(task: AlertBatchTask, id: string): Promise<EnqueueOutcome>;
}

/** Deterministic task id: 40 hex characters of SHA-256 over the run time and the uids. */
export function alertTaskId(task: AlertBatchTask): string {
  return createHash('sha256').update(task.runAt).update('\n').update(task.uids.join('\n')).digest('hex').slice(0, 40);
}

/** Production queue: a task function's Cloud Tasks queue (`sendAlertBatch`, `recomputeBatch`), through firebase-admin. */
export class CloudTasksAlertQueue implements AlertTaskQueue {
  /** `queue` is resolved lazily (e.g. `() => getFunctions().taskQueue('locations/europe-west1/functions/sendAlertBatch')`). */
  constructor(
    private readonly queue: () => TaskQueue<AlertBatchTask>,
    private readonly dispatchDeadlineSeconds = 300,
  ) {}

  async enqueue(task: AlertBatchTask, id: string): Promise<EnqueueOutcome> {
    try {
      await this.queue().enqueue(task, { id, dispatchDeadlineSeconds: this.dispatchDeadlineSeconds });
      return 'enqueued';
    } catch (e) {
      if ((e as { code?: unknown } | null)?.code === 'functions/task-already-exists') return 'duplicate';
      throw e;
    }
  }
}
