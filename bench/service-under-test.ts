import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.js';

export const BENCH_TOKEN = 'bench-admin-token-0123456789';

export interface ServiceUnderTest {
  base: string;
  redis: RedisServerHandle;
  process: ChildProcess;
  headers: Record<string, string>;
  register(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** The service in its own process (as deployed) with a Redis of its own; the bench only drives it. */
export async function startServiceUnderTest({
  persistent = true,
  env = {},
}: { persistent?: boolean; env?: Record<string, string> } = {}): Promise<ServiceUnderTest> {
  const redis = await startRedisServer({
    persistent,
    dir: `/tmp/lifecycle-bench-${process.pid}-${Date.now()}`,
  });
  const port = await freePort();
  const child = spawn(
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
        LIFECYCLE_ADMIN_TOKEN: BENCH_TOKEN,
        // The bench measures throughput, not the abuse limit.
        LIFECYCLE_RATE_LIMIT_PER_MINUTE: '100000000',
        // The bench's webhook receiver listens on 127.0.0.1.
        LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        ...env,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const headers = { authorization: `Bearer ${BENCH_TOKEN}`, 'content-type': 'application/json' };
  return {
    base,
    redis,
    process: child,
    headers,
    async register(id: string) {
      const res = await fetch(`${base}/v1/connectors`, {
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
      });
      if (res.status !== 201) throw new Error(`register ${id}: ${res.status} ${await res.text()}`);
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await redis.stop();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
