import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * The worker of the bench's latency ceilings (./raw-hop-worker.ts, ./outbox-hop-worker.ts): each
 * job of `queue` is POSTed as JSON to `target` (fetch), nothing else; concurrency 8.
 */
export async function startPostWorker(
  queue: string,
  target: string,
  connection: Redis,
): Promise<Worker> {
  const worker = new Worker(
    queue,
    async (job) => {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(job.data),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`receiver answered ${res.status}`);
    },
    { connection, concurrency: 8 },
  );
  await worker.waitUntilReady();
  return worker;
}
