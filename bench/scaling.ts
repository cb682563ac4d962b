import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_LOAD } from './api-throughput.js';
import { eventLoad, type LoadResult } from './load.js';
import {
  benchRedis,
  startServiceUnderTest,
  startWorkerProcess,
  waitForDrain,
} from './service-under-test.js';

export interface ScaleStep {
  /** 0: one process with every role (the default); n: one API process and n worker processes */
  workerProcesses: number;
  load: LoadResult;
  /** after the last event was accepted: until the outbox and the catalog/notification/delivery queues are empty */
  drainSeconds: number;
  /** events over (load + drain): events fully processed per second */
  processedPerSecond: number;
  webhooks: number;
}

/**
 * The API figure's load (256 connectors, 32 clients, PUBLISH_RELEASE, one webhook subscription)
 * against one API process (`--role api --role scheduler`) and 1, 2, 4 worker processes
 * (`--role worker`) on one Redis, and against the default single process for reference.
 */
export async function measureScaling({
  steps = [0, 1, 2, 4],
  events = 5000,
  warmup = 1000,
} = {}): Promise<ScaleStep[]> {
  let webhooks = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      webhooks += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const results: ScaleStep[] = [];
  try {
    for (const n of steps) {
      const redis = await benchRedis(true);
      const api = await startServiceUnderTest({
        redis,
        roles: n === 0 ? [] : ['api', 'scheduler'],
      });
      const workers = [];
      try {
        for (let i = 0; i < n; i += 1) workers.push(await startWorkerProcess(redis));
        const sub = await fetch(`${api.base}/v1/subscriptions`, {
          method: 'POST',
          headers: api.headers,
          body: JSON.stringify({
            url: hook,
            secret: 'bench-secret',
            events: ['connector.release_published'],
          }),
        });
        if (sub.status !== 201) throw new Error(`subscribe: ${sub.status}`);
        const ids = Array.from({ length: API_LOAD.connectors }, (_, i) => `source-scale-${i}`);
        await Promise.all(ids.map((id) => api.register(id)));
        const tags = new Map<string, number>();
        const load = { clients: API_LOAD.clients, tags };
        await eventLoad(api, ids, { ...load, events: warmup });
        await waitForDrain(api.base);
        webhooks = 0;
        const result = await eventLoad(api, ids, { ...load, events });
        const drainSeconds = await waitForDrain(api.base);
        results.push({
          workerProcesses: n,
          load: result,
          drainSeconds,
          processedPerSecond: result.requests / (result.seconds + drainSeconds),
          webhooks,
        });
      } finally {
        await api.stop();
        await Promise.all(workers.map((w) => w.stop()));
        await redis.stop();
      }
    }
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
  }
  return results;
}
