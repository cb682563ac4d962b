import { request as httpRequest, Agent, type OutgoingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import type { ApiResponse } from '../../support/harness.js';

/** mulberry32: a small seeded PRNG, so that a failing run can be reproduced from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Prng = ReturnType<typeof prng>;

export interface RawRequest {
  method: string;
  path: string;
  /** header values may hold bytes 0x80-0xff (sent as latin1); an array sends the header twice */
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string;
  /** the client's own address (any 127.x.y.z reaches the server on loopback) */
  localAddress?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/**
 * A request through node:http: bytes are sent exactly as given (no normalisation of the body, no
 * implicit content type, header values with latin1 bytes, repeated headers).
 */
export function rawRequest(base: string, req: RawRequest): Promise<ApiResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        ...(req.localAddress ? { localAddress: req.localAddress, agent: false } : { agent }),
        headers: {
          ...(body !== undefined ? { 'content-length': String(body.length) } : {}),
          ...req.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
          }
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers, body: parsed, text });
        });
      },
    );
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

/** A fetch whose body is a string or raw bytes, parsed like ApiClient's responses. */
export async function fetchRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<ApiResponse> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Runs `tasks` with at most `concurrency` at a time; results in the order of the tasks. */
export async function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    for (;;) {
      const i = nextIndex++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Why a response is not a well-formed problem of its own status, or null when it is. */
export function problemDefect(res: ApiResponse): string | null {
  const type = res.headers.get('content-type') ?? '';
  if (!/^application\/problem\+json/.test(type)) return `content-type is "${type}"`;
  const body = res.body as Record<string, unknown> | null;
  if (typeof body !== 'object' || body === null) return 'body is not a JSON object';
  if (body.status !== res.status) return `body.status ${String(body.status)} ≠ ${res.status}`;
  for (const field of ['type', 'title', 'detail'] as const) {
    const value = body[field];
    if (typeof value !== 'string' || value.length === 0) {
      return `no ${field}`;
    }
  }
  return null;
}

/** Text that must never reach a client: stack frames and paths of the server's own files. */
export function leakDefect(text: string): string | null {
  if (/\n\s*at [^\n]+\(?[^\n]*:\d+:\d+\)?/.test(text) || /\bat [\w.<>]+ \(/.test(text)) {
    return 'a stack frame';
  }
  if (text.includes('/work/')) return 'a server path (/work/)';
  if (text.includes('node_modules')) return 'node_modules';
  if (/\.(?:ts|js):\d+/.test(text)) return 'a source location';
  return null;
}

export function expectNoLeak(res: ApiResponse): void {
  expect(leakDefect(res.text), res.text.slice(0, 500)).toBeNull();
}

/** Every key under `${prefix}:` except rate-limit and auth-failure counters and idempotency
 * records, with a digest of its content: what changed in the service's state shows up here. */
export async function redisState(redis: Redis, prefix: string): Promise<Record<string, string>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(
      ...batch.filter(
        (k) =>
          !k.includes(':ratelimit:') &&
          !k.includes(':auth-failures:') &&
          !k.includes(':idempotency:'),
      ),
    );
  } while (cursor !== '0');
  keys.sort();
  // two pipelined round trips: every key's type, then every key's content
  const types = (await redis.pipeline(keys.map((key) => ['type', key])).exec())!.map(
    ([, type]) => type as string,
  );
  const reads = keys.map((key, i): [string, ...string[]] => {
    switch (types[i]) {
      case 'string':
        return ['get', key];
      case 'hash':
        return ['hgetall', key];
      case 'list':
        return ['lrange', key, '0', '-1'];
      case 'set':
        return ['smembers', key];
      case 'zset':
        return ['zrange', key, '0', '-1', 'WITHSCORES'];
      case 'stream':
        return ['xrange', key, '-', '+'];
      default:
        return ['type', key];
    }
  });
  const contents = (await redis.pipeline(reads).exec())!;
  const state: Record<string, string> = {};
  keys.forEach((key, i) => {
    const type = types[i]!;
    const [err, raw] = contents[i]!;
    if (err) throw err;
    const content =
      type === 'hash'
        ? Object.entries(raw as Record<string, string>).sort(([a], [b]) => a.localeCompare(b))
        : type === 'set'
          ? (raw as string[]).sort()
          : raw;
    state[key] = `${type}:${createHash('sha256')
      .update(JSON.stringify(content))
      .digest('hex')
      .slice(0, 16)}`;
  });
  return state;
}
