import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../src/redis/redis-server.js';
import { benchRedis, track } from './service-under-test.js';

export interface BenchServer {
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts one of the bench's own servers (`bench/<script>`) in its own process and waits until it
 * prints `ready`.
 */
export async function startBenchServer(
  script: string,
  env: Record<string, string>,
): Promise<BenchServer> {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', `bench/${script}`], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout.once('data', () => resolve());
  });
  child.stdout.resume();
  return {
    base: `http://127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The ceiling of the API figure: Express + JSON parse + 2 Redis round trips
 * (./minimal-express-server.ts) in its own process on a Redis of its own with the service's
 * settings; the caller drives it with the same load as the service. `burnUs`: CPU time (µs) it
 * spends on top per request (./api-budget.ts).
 */
export async function startMinimalExpress({ burnUs = 0 } = {}): Promise<{
  base: string;
  pids: { server: number | undefined; redis: number | undefined };
  stop(): Promise<void>;
}> {
  const redis = await benchRedis(true);
  const server = await startBenchServer('minimal-express-server.ts', {
    REDIS_URL: redis.url,
    BURN_US: String(burnUs),
  });
  return {
    base: server.base,
    pids: { server: server.process.pid, redis: redis.process.pid },
    async stop() {
      await server.stop();
      await redis.stop();
    },
  };
}
