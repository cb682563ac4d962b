import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService, type RunningService, type ServiceRole } from '../../src/service.js';
import type { HostLookup } from '../../src/notifications/webhook-target-policy.js';
import type { WorkerRuntimeOptions } from '../../src/worker-runtime.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix of its own for each test: tests never see each other's data. */
export function uniquePrefix(): string {
  return `t${randomBytes(6).toString('hex')}`;
}

export function testConfig(prefix: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    REDIS_URL: redisUrl(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    LIFECYCLE_ADMIN_TOKEN: ADMIN_TOKEN,
    LIFECYCLE_KEY_PREFIX: prefix,
    // test receivers listen on 127.0.0.1; the SSRF tests set it to false
    LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...env,
  });
}

/** Deletes every key of a prefix (ours and BullMQ's). */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl());
  try {
    for (const pattern of [`${prefix}:*`, `${prefix}-bull:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    await redis.quit();
  }
}

export interface TestService extends RunningService {
  prefix: string;
  config: Config;
  api: ApiClient;
  /** an API client with another token */
  as(token: string | null): ApiClient;
  tokenFor(
    role: 'reader' | 'contributor' | 'maintainer' | 'admin',
    subject?: string,
  ): Promise<string>;
  cleanup(): Promise<void>;
}

export interface StartTestServiceOptions {
  env?: Record<string, string>;
  roles?: ServiceRole[];
  worker?: Partial<WorkerRuntimeOptions>;
  prefix?: string;
  /** the resolver of webhook target names (default: the system resolver) */
  lookup?: HostLookup;
  /** the time as the service's rules see it (see `TestClock`) */
  clock?: () => Date;
  /** when given, the service logs at trace level into it, one JSON line an entry (else silent) */
  logLines?: string[];
}

/** Starts API + workers in this process against the test Redis, under a fresh prefix. */
export async function startTestService(
  options: StartTestServiceOptions = {},
): Promise<TestService> {
  const prefix = options.prefix ?? uniquePrefix();
  const config = testConfig(prefix, options.env);
  const lines = options.logLines;
  const logger = lines
    ? createLogger(
        'trace',
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString('utf8'));
            done();
          },
        }),
      )
    : createLogger('silent');
  const running = await startService(config, logger, {
    ...(options.roles ? { roles: options.roles } : {}),
    deps: {
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    },
    worker: {
      lockDurationMs: 5_000,
      stalledIntervalMs: 1_000,
      relayClaimIdleMs: 1_000,
      ...options.worker,
    },
  });
  const base = running.url ?? '';
  const api = new ApiClient(base, ADMIN_TOKEN);
  return {
    ...running,
    prefix,
    config,
    api,
    as: (token) => new ApiClient(base, token),
    async tokenFor(role, subject = `${role}-${randomBytes(3).toString('hex')}`) {
      const res = await api.post('/v1/tokens', { subject, role });
      if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${res.text}`);
      return (res.body as { token: string }).token;
    },
    async cleanup() {
      await running.stop();
      await deletePrefix(prefix);
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class ApiClient {
  constructor(
    readonly base: string,
    readonly token: string | null,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const init: RequestInit = {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    };
    const res = await fetch(`${this.base}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
  event<T = any>(id: string, event: Record<string, unknown>, headers?: Record<string, string>) {
    return this.post<T>(`/v1/connectors/${id}/events`, event, headers);
  }
}

/**
 * A clock that runs with real time, shifted by an offset the test moves: `clock.travel(days)` moves
 * the service's "now" forward (or back) without waiting.
 */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  travel(days: number): void {
    this.offsetMs += days * 86_400_000;
  }

  /** Moves "now" forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /**
   * Moves "now" forward to the start of the next UTC minute (the rate limits' fixed windows): what
   * follows runs in a fresh window, with (almost) a whole minute of real time before it ends.
   */
  toNextMinute(): void {
    const now = this.now().getTime();
    this.offsetMs += 60_000 - (now % 60_000);
  }
}

/** Polls until `check` returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

let seq = 0;
/** A valid registration body; ids are unique per call. */
export function registration(overrides: Record<string, unknown> = {}) {
  seq += 1;
  const type = (overrides.type as string | undefined) ?? 'source';
  return {
    id: `${type}-test-${process.pid}-${seq}`,
    name: `Test connector ${seq}`,
    type,
    language: 'python',
    dockerRepository: `airbyte/${type}-test-${seq}`,
    dockerImageTag: '1.0.0',
    cdkVersion: '6.0.0',
    maintainers: ['alice'],
    ...overrides,
  };
}

export const ACCEPTANCE_SCRIPT =
  'bash scripts/example-acceptance.sh {connectorId} {image} {reportDir}';
