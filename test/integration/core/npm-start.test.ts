import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningUrl } from '../../support/service-process.js';
import { ADMIN_TOKEN, waitFor } from '../../support/harness.js';

const run = promisify(execFile);

/** The pids of every process below `pid` (children, grandchildren, ...). */
async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of stdout.trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A supervisor that signals only the pid it started (systemd without KillMode=control-group, a
 * process manager, a CI step) must stop the whole service: npm, the node process and the
 * redis-server that node started.
 */
describe('npm start under a supervisor', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lifecycle-npm-start-'));
    // `npm start` runs the built service; build it once (prestart is skipped below).
    await run('npm', ['run', 'build'], { timeout: 170_000 });
  }, 180_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM to the pid of `npm start` stops node and its redis-server cleanly', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LIFECYCLE_ADMIN_TOKEN: ADMIN_TOKEN,
      LIFECYCLE_DATA_DIR: dataDir,
    };
    // Without REDIS_URL the service starts a redis-server of its own: it must stop too.
    delete env.REDIS_URL;
    const npm = spawn('npm', ['start', '--ignore-scripts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = once(npm, 'exit');
    let below: number[] = [];
    let url: string | null = null;
    try {
      await waitFor(
        async () => {
          url ??= listeningUrl(out);
          return url !== null && (await fetch(`${url}/readyz`)).ok;
        },
        { timeoutMs: 60_000, what: `npm start to serve /readyz (${out})` },
      );
      below = await descendants(npm.pid!);
      // node and redis-server at least
      expect(below.length).toBeGreaterThanOrEqual(2);

      npm.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      await waitFor(() => below.every((pid) => !alive(pid)), {
        timeoutMs: 20_000,
        what: 'every process below npm to exit',
      });
      expect(out).toContain('shutting down');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
      for (const pid of below) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);
});
