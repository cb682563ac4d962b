import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
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
 * The URL of the API that the service's log in `output` says it listens on (its
 * "connector-lifecycle API listening" line, at LOG_LEVEL info), or null before that line.
 * A service started with PORT=0 listens on a port the system picks, so no other process can take
 * it first (a port found free and then bound later can be, by a test running in parallel).
 */
export function listeningUrl(output: string): string | null {
  for (const line of output.split('\n')) {
    if (!line.includes('connector-lifecycle API listening')) continue;
    try {
      return (JSON.parse(line) as { url: string }).url;
    } catch {
      // a line cut short: the rest is still to come
    }
  }
  return null;
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
  const child = spawn(process.execPath, [SERVICE_BUNDLE, ...roles.flatMap((r) => ['--role', r])], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl(),
      PORT: '0',
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
  let url: string | null = null;
  const ready = waitFor(
    async () => {
      if (!api) return out.includes('workers started');
      url ??= listeningUrl(out);
      return url !== null && (await fetch(`${url}/healthz`)).ok;
    },
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
