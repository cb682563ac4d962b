/**
 * A service with a Redis of its own, for the dashboard's screenshot and measurement scripts: the
 * whole service in this process, an admin token, and helpers to fill it with connectors.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startRedisServer } from '../src/redis/redis-server.js';
import { startService } from '../src/service.js';

export interface SampleService {
  url: string;
  adminToken: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  waitForState(id: string, state: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSampleService(env: Record<string, string> = {}): Promise<SampleService> {
  const dir = join(tmpdir(), `lifecycle-sample-${process.pid}`);
  const redis = await startRedisServer({ persistent: false, dir });
  const adminToken = `sample-admin-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    REDIS_URL: redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LIFECYCLE_ADMIN_TOKEN: adminToken,
    LIFECYCLE_RATE_LIMIT_PER_MINUTE: '100000000',
    LIFECYCLE_ACCEPTANCE_COMMAND:
      'bash test/integration/fixtures/acceptance.sh {connectorId} {image} {reportDir}',
    ...env,
  });
  const running = await startService(config, createLogger('warn'));
  const url = running.url!;

  async function api<T>(method: string, path: string, body?: unknown, token = adminToken) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  return {
    url,
    adminToken,
    api,
    async waitForState(id, state, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while ((await api<{ state: string }>('GET', `/v1/connectors/${id}`)).state !== state) {
        if (Date.now() > deadline) throw new Error(`${id} never reached ${state}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await running.stop();
      await redis.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A registration body with the defaults a sample needs. */
export function sampleConnector(
  id: string,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const type = id.startsWith('destination-') ? 'destination' : 'source';
  return {
    id,
    name,
    type,
    language: 'python',
    dockerRepository: `airbyte/${id}`,
    dockerImageTag: '1.0.0',
    cdkVersion: '6.0.0',
    maintainers: ['alice'],
    ...extra,
  };
}
