import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../src/redis/redis-server.js';
import { percentile } from './service-under-test.js';

/** Raw BullMQ on the same kind of Redis: jobs added (in batches) and processed per second. */
export async function measureRawBullmq({ jobs = 20_000, concurrency = 32 } = {}) {
  const redis = await startRedisServer({
    persistent: true,
    dir: `/tmp/lifecycle-bench-bullmq-${process.pid}`,
  });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const worker = new Worker(
    'raw',
    () => {
      done += 1;
      if (done === jobs) resolveAll();
      return Promise.resolve(null);
    },
    { connection: workerConnection, concurrency },
  );
  await worker.waitUntilReady();
  const started = performance.now();
  for (let i = 0; i < jobs; i += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, jobs - i) }, (_, j) => ({
        name: 'job',
        data: { n: i + j },
        opts: { jobId: `job-${i + j}`, removeOnComplete: true },
      })),
    );
  }
  await all;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  await redis.stop();
  return { jobs, seconds, jobsPerSecond: jobs / seconds };
}

/** The minimal Express handler with the same Redis round trips as one event, in its own process. */
export async function measureMinimalExpress({
  connectors = 200,
  clients = 32,
  requests = 6000,
} = {}) {
  const redis = await startRedisServer({
    persistent: true,
    dir: `/tmp/lifecycle-bench-express-${process.pid}`,
  });
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/minimal-express-server.ts'], {
    env: { ...process.env, REDIS_URL: redis.url, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const latencies: number[] = [];
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      let n = 0;
      while (sent < requests) {
        sent += 1;
        const id = `source-min-${(client + n++ * clients) % connectors}`;
        const t0 = performance.now();
        const res = await fetch(`${base}/v1/connectors/${id}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: `1.0.${n}` }),
        });
        await res.text();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  child.kill('SIGTERM');
  await once(child, 'exit');
  await redis.stop();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
