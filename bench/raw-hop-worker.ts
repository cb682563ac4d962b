import { Redis } from 'ioredis';
import { startPostWorker } from './post-worker.js';

/**
 * The ceiling's worker for the notification latency (issue 13): one raw BullMQ hop, in its own
 * process; each job is POSTed as JSON to TARGET_URL (fetch), nothing else.
 */
const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
const worker = await startPostWorker('hop', process.env.TARGET_URL!, connection);
console.log('ready');
process.on('SIGTERM', () => {
  worker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
