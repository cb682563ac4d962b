import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, rmSync } from 'node:fs';
import { freePort, startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.js';
import { SERVICE_NODE_FLAGS } from '../src/service-node-flags.js';

export const BENCH_TOKEN = 'bench-admin-token-0123456789';

/** Every process the bench started; killed when the bench exits, however it exits. */
const children = new Set<ChildProcess>();
/** The data folders of the bench's Redis servers still running; removed with them. */
const dataDirs = new Set<string>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The built service, as deployed (`npm run build`). */
export const SERVICE_ENTRY = 'dist/src/main.js';

/** Builds the service (`npm run build` → dist/) once per bench run, before anything is measured. */
export function buildService(): void {
  if (process.env.BENCH_SKIP_BUILD && existsSync(SERVICE_ENTRY)) return;
  const started = performance.now();
  const result = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.status})`);
  console.log(`built ${SERVICE_ENTRY} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

export interface ServiceUnderTest {
  base: string;
  redis: RedisServerHandle;
  process: ChildProcess;
  headers: Record<string, string>;
  register(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** The bench Redis's AOF fsync: the service's `always`, or `everysec` (BENCH_APPENDFSYNC). */
export const BENCH_APPENDFSYNC =
  process.env.BENCH_APPENDFSYNC === 'everysec' ? ('everysec' as const) : ('always' as const);

/**
 * A Redis with the service's settings (AOF when persistent) for one measurement; `stop()` also
 * removes its data folder (an API figure leaves tens of megabytes of AOF behind).
 */
export async function benchRedis(persistent = true): Promise<RedisServerHandle> {
  const dir = `/tmp/lifecycle-bench-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
  dataDirs.add(dir);
  const redis = await startRedisServer({ persistent, appendfsync: BENCH_APPENDFSYNC, dir });
  track(redis.process);
  return {
    ...redis,
    async stop() {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
      dataDirs.delete(dir);
    },
  };
}

function serviceEnv(redisUrl: string, port: number, env: Record<string, string>) {
  return {
    ...process.env,
    REDIS_URL: redisUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    // warn: no request lines (the machine line of bench/run.ts says so)
    LOG_LEVEL: 'warn',
    LIFECYCLE_ADMIN_TOKEN: BENCH_TOKEN,
    // The bench measures throughput, not the abuse limit.
    LIFECYCLE_RATE_LIMIT_PER_MINUTE: '100000000',
    // The bench's webhook receiver listens on 127.0.0.1.
    LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...env,
  };
}

function nodeArgs(roles: string[]): string[] {
  return [
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []),
    ...SERVICE_NODE_FLAGS,
    SERVICE_ENTRY,
    ...roles.flatMap((r) => ['--role', r]),
  ];
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * The service in its own process (`node dist/src/main.js`, as deployed) with a Redis of its own
 * (or `redis`, shared with other processes, which the caller stops); the bench only drives it.
 * `roles`: the `--role` arguments (none: every role in this one process).
 */
export async function startServiceUnderTest({
  persistent = true,
  env = {},
  roles = [],
  redis: shared,
}: {
  persistent?: boolean;
  env?: Record<string, string>;
  roles?: string[];
  redis?: RedisServerHandle;
} = {}): Promise<ServiceUnderTest> {
  const redis = shared ?? (await benchRedis(persistent));
  const port = await freePort();
  const child = track(
    spawn(process.execPath, nodeArgs(roles), {
      env: serviceEnv(redis.url, port, env),
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
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
      await stopChild(child);
      if (!shared) await redis.stop();
    },
  };
}

/**
 * A process of the service with the worker role only (the outbox relay and the BullMQ workers) on
 * `redis`; resolves once it logged that its workers started.
 */
export async function startWorkerProcess(
  redis: RedisServerHandle,
  env: Record<string, string> = {},
): Promise<{ process: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, nodeArgs(['worker']), {
      env: serviceEnv(redis.url, port, { ...env, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  let seen = '';
  let started = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker process did not start')), 30_000);
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      if (started) return; // later log lines are read and dropped
      seen = (seen + chunk.toString()).slice(-2000);
      if (seen.includes('workers started')) {
        started = true;
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { process: child, stop: () => stopChild(child) };
}

/**
 * Polls GET /readyz until the outbox is empty and no catalog, notification or delivery job waits or
 * runs; returns the seconds it took.
 */
export async function waitForDrain(base: string, timeoutMs = 300_000): Promise<number> {
  const started = performance.now();
  const busy = ['catalog', 'notifications', 'deliveries'];
  for (;;) {
    const res = await fetch(`${base}/readyz`);
    const ready = (await res.json()) as {
      outboxBacklog: number;
      queues: Record<string, Record<string, number>>;
    };
    const pending = busy.reduce((sum, q) => {
      const c = ready.queues[q] ?? {};
      return sum + (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    }, ready.outboxBacklog);
    if (pending === 0) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`backlog not drained after ${timeoutMs} ms: ${JSON.stringify(ready)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
