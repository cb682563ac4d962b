import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { RedisUnavailableError } from '../errors.js';

export interface RedisServerHandle {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** AOF with fsync on every write, data under `dir` (the service's own Redis). */
  persistent: boolean;
  dir?: string;
  /** when persistent: `always` (the default: no acknowledged write is lost) or `everysec` */
  appendfsync?: 'always' | 'everysec';
  port?: number;
  binary?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts a redis-server of our own and waits until it answers PING. */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
  ];
  if (options.persistent) {
    const dir = resolve(options.dir ?? '.data/redis');
    mkdirSync(dir, { recursive: true });
    args.push(
      '--appendonly',
      'yes',
      '--appendfsync',
      options.appendfsync ?? 'always',
      '--dir',
      dir,
    );
  } else {
    args.push('--appendonly', 'no');
  }
  const binary = options.binary ?? 'redis-server';
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<Error>((resolveExit) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      resolveExit(
        err.code === 'ENOENT'
          ? new RedisUnavailableError(
              `redis-server was not found on the PATH. Install it (Debian/Ubuntu: "apt-get install redis-server", macOS: "brew install redis"), run "docker compose up redis", or set REDIS_URL to a Redis 7 server.`,
            )
          : err,
      );
    });
    child.once('exit', (code) =>
      resolveExit(
        new RedisUnavailableError(`redis-server exited with code ${code}: ${output.trim()}`),
      ),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  const ready = waitForPing(url, 10_000);
  const first = await Promise.race([ready.then(() => null), exited]);
  if (first) {
    child.kill('SIGKILL');
    throw first;
  }
  return {
    url,
    port,
    process: child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}
