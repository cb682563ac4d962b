import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startPostWorker } from './post-worker.js';

/**
 * The least that an effect committed atomically with its state can cost on its way to a webhook
 * (issue 13's latency figure): the bench commits a key and an outbox stream entry in one script;
 * this process relays the stream (OUTBOX_STREAM) to BullMQ (XREADGROUP → addBulk → XACK + XDEL,
 * as the service's relay does) and POSTs each job as JSON to TARGET_URL, nothing else. The raw
 * hop (./raw-hop-worker.ts) is the same without the outbox.
 */
const OUTBOX_STREAM = process.env.OUTBOX_STREAM!;
const OUTBOX_GROUP = 'relay';
const target = process.env.TARGET_URL!;
const url = process.env.REDIS_URL!;
const connection = new Redis(url, { maxRetriesPerRequest: null });
const reader = new Redis(url, { maxRetriesPerRequest: null });
const queue = new Queue('outbox-hop', { connection });

try {
  await connection.xgroup('CREATE', OUTBOX_STREAM, OUTBOX_GROUP, '$', 'MKSTREAM');
} catch (err) {
  if (!String(err).includes('BUSYGROUP')) throw err;
}

let running = true;
const relay = (async () => {
  while (running) {
    const reply = (await reader.xreadgroup(
      'GROUP',
      OUTBOX_GROUP,
      'relay-1',
      'COUNT',
      100,
      'BLOCK',
      500,
      'STREAMS',
      OUTBOX_STREAM,
      '>',
    )) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    await queue.addBulk(
      entries.map(([id, fields]) => ({
        name: 'hop',
        data: { key: fields[1] },
        opts: { jobId: `outbox-${id}`, removeOnComplete: true, removeOnFail: true },
      })),
    );
    const ids = entries.map(([id]) => id);
    await connection
      .multi()
      .xack(OUTBOX_STREAM, OUTBOX_GROUP, ...ids)
      .xdel(OUTBOX_STREAM, ...ids)
      .exec();
  }
})();

const worker = await startPostWorker('outbox-hop', target, connection);
console.log('ready');
process.on('SIGTERM', () => {
  running = false;
  Promise.all([relay, worker.close(), queue.close()]).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
