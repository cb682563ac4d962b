import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * The ceiling's worker for the notification latency (issue 13): one raw BullMQ hop, in its own
 * process; each job is POSTed as JSON to TARGET_URL (fetch), nothing else.
 */
const target = process.env.TARGET_URL!;
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const worker = new Worker(
  'hop',
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
console.log('ready');
process.on('SIGTERM', () => {
  worker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
