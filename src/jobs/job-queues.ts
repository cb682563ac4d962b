import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES, type PlannedJob, type QueueKey } from './job-catalog.js';

/** The BullMQ queues, opened once and shared by the API, the relay and the workers. */
export class JobQueues {
  readonly queues: Record<QueueKey, Queue>;

  constructor(
    connection: Redis,
    readonly prefix: string,
    onError: (err: Error) => void = () => {},
  ) {
    this.queues = Object.fromEntries(
      (Object.keys(QUEUES) as QueueKey[]).map((key) => {
        const queue = new Queue(QUEUES[key].name, { connection, prefix });
        // Never printed raw to stderr: connection trouble goes to the logger.
        queue.on('error', onError);
        return [key, queue];
      }),
    ) as Record<QueueKey, Queue>;
  }

  get(key: QueueKey): Queue {
    return this.queues[key];
  }

  /** Adds planned jobs; a job whose id already exists is left as it is (BullMQ dedupes by id). */
  async add(jobs: PlannedJob[]): Promise<void> {
    const byQueue = new Map<QueueKey, PlannedJob[]>();
    for (const job of jobs) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job]);
    await Promise.all(
      [...byQueue].map(([key, list]) =>
        this.queues[key].addBulk(list.map((j) => ({ name: j.name, data: j.data, opts: j.opts }))),
      ),
    );
  }

  async counts(): Promise<Record<QueueKey, Record<string, number>>> {
    const entries = await Promise.all(
      (Object.keys(this.queues) as QueueKey[]).map(
        async (key) =>
          [
            key,
            await this.queues[key].getJobCounts(
              'wait',
              'active',
              'delayed',
              'failed',
              'completed',
              'prioritized',
            ),
          ] as const,
      ),
    );
    return Object.fromEntries(entries) as Record<QueueKey, Record<string, number>>;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
  }
}
