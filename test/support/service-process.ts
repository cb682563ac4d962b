import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../../src/redis/redis-server.js';
import { SERVICE_BUNDLE } from './bundles.js';
import { ADMIN_TOKEN, redisUrl, waitFor } from './harness.js';

export interface ServiceProcess {
  child: ChildProcess;
  url: string | null;
  output(): string;
  /** resolves with the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `src/main.ts` as a real process (as `npm start` does, from the bundle that
 * test/support/global-bundles.ts builds once per test run), with the given roles and env.
 */
export async function spawnService(
  prefix: string,
  { roles = [], env = {} }: { roles?: string[]; env?: Record<string, string> } = {},
): Promise<ServiceProcess> {
  const api = roles.length === 0 || roles.includes('api');
  const port = api ? await freePort() : 0;
  const child = spawn(process.execPath, [SERVICE_BUNDLE, ...roles.flatMap((r) => ['--role', r])], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LIFECYCLE_ADMIN_TOKEN: ADMIN_TOKEN,
      LIFECYCLE_KEY_PREFIX: prefix,
      // test receivers listen on 127.0.0.1
      LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = api ? `http://127.0.0.1:${port}` : null;
  const ready = waitFor(
    async () => (url ? (await fetch(`${url}/healthz`)).ok : out.includes('workers started')),
    { timeoutMs: 90_000, what: 'service to start' },
  );
  const early = exited.then((code) => {
    throw new Error(`service exited early with code ${code}: ${out}`);
  });
  await Promise.race([ready, early]);
  early.catch(() => undefined);
  return {
    child,
    url,
    output: () => out,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
