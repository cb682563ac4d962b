import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../src/redis/redis-server.js';

async function waitUntilUp(base: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ThroughputResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const TOKEN = 'bench-admin-token-0123456789';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Events per second through the HTTP API: `connectors` connectors, `clients` concurrent clients,
 * each sending PUBLISH_RELEASE events (a full commit with history and outbox, plus the relay and
 * the catalog worker running in the same process) to connectors of its own.
 */
export async function measureApiThroughput({
  connectors = 200,
  clients = 32,
  eventsTotal = 6000,
  persistent = true,
} = {}): Promise<ThroughputResult> {
  const redis = await startRedisServer({ persistent, dir: `/tmp/lifecycle-bench-${process.pid}` });
  // The service runs in its own process, as deployed; this process only generates load.
  const port = await freePort();
  const service = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
      '--import',
      'tsx',
      'src/main.ts',
    ],
    {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LIFECYCLE_ADMIN_TOKEN: TOKEN,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(base);
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  try {
    const ids = Array.from({ length: connectors }, (_, i) => `source-bench-${i}`);
    await Promise.all(
      ids.map((id) =>
        fetch(`${base}/v1/connectors`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            id,
            name: id,
            type: 'source',
            language: 'python',
            dockerRepository: `airbyte/${id}`,
            dockerImageTag: '1.0.0',
            cdkVersion: '6.0.0',
            maintainers: ['bench'],
          }),
        }).then((r) => r.text()),
      ),
    );
    const patch = new Map(ids.map((id) => [id, 0]));
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        const mine = ids.filter((_, i) => i % clients === client);
        let turn = 0;
        while (sent < eventsTotal && mine.length > 0) {
          sent += 1;
          const id = mine[turn++ % mine.length]!;
          const next = (patch.get(id) ?? 0) + 1;
          patch.set(id, next);
          const t0 = performance.now();
          const res = await fetch(`${base}/v1/connectors/${id}/events`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: `1.0.${next}` }),
          });
          await res.text();
          latencies.push(performance.now() - t0);
          if (res.status !== 200) errors += 1;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      events: latencies.length,
      seconds,
      eventsPerSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      errors,
    };
  } finally {
    if (process.env.BENCH_REDIS_STATS) {
      const client = new Redis(redis.url);
      const info = await client.info('commandstats');
      await client.quit();
      const rows = info
        .split('\n')
        .filter((l) => l.startsWith('cmdstat_'))
        .map((l) => ({
          cmd: l.split(':')[0],
          usec: Number(/usec=(\d+)/.exec(l)?.[1]),
          calls: Number(/calls=(\d+)/.exec(l)?.[1]),
        }))
        .sort((a, b) => b.usec - a.usec)
        .slice(0, 12);
      console.table(rows);
    }
    service.kill('SIGTERM');
    await once(service, 'exit');
    await redis.stop();
  }
}
