/**
 * Test double of the alert task queue (functions/src/alerts/queue.ts `AlertTaskQueue`) for tests and the alert
 * benchmark. Never deployed.
 */
import type { AlertBatchTask, AlertTaskQueue, EnqueueOutcome } from '../../functions/src/alerts/queue';

/** In-memory queue with Cloud Tasks' id deduplication; `drain` hands the tasks to a worker. */
export class MemoryAlertQueue implements AlertTaskQueue {
  readonly tasks: { id: string; task: AlertBatchTask }[] = [];
  private readonly seen = new Set<string>();

  async enqueue(task: AlertBatchTask, id: string): Promise<EnqueueOutcome> {
    if (this.seen.has(id)) return 'duplicate';
    this.seen.add(id);
    this.tasks.push({ id, task: structuredClone(task) });
    return 'enqueued';
  }

  /** Removes and returns the queued tasks, oldest first. */
  take(): { id: string; task: AlertBatchTask }[] {
    return this.tasks.splice(0, this.tasks.length);
  }
}
