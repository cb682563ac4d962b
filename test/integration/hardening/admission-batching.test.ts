import type { NextFunction, Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { RateLimitedError } from '../../../src/errors.js';
import { admission } from '../../../src/http/admission.js';
import { AuthFailureLimit } from '../../../src/http/auth-failure-limit.js';
import { registration, startTestService, type TestService } from '../../support/harness.js';

/**
 * The admission check runs on a connection of its own that auto-pipelines: the checks of requests
 * that arrive together go to Redis in one write, and each is still counted once and atomically.
 * The middleware is called here as Express calls it, on the service's own connection and Redis.
 */
let svc: TestService;
const NOW = Date.UTC(2026, 0, 1, 12, 0, 30);

beforeAll(async () => {
  svc = await startTestService({ roles: ['api'] });
});

afterAll(async () => {
  await svc?.cleanup();
});

function check(perMinute: number) {
  const s = svc.services;
  const failures = new AuthFailureLimit(s.redis, s.keys, 20, () => NOW);
  return admission(s.admissionRedis, s.keys, s.tokens, failures, { perMinute, now: () => NOW });
}

/** One GET of `path` by `tokenId` (anonymous when undefined) through `middleware`. */
async function admit(
  middleware: ReturnType<typeof check>,
  path: string,
  tokenId?: string,
): Promise<{ admitted: boolean; headers: Record<string, string>; locals: Response['locals'] }> {
  const headers: Record<string, string> = {};
  const locals = (
    tokenId ? { principal: { tokenId, subject: 's', role: 'reader' } } : {}
  ) as Response['locals'];
  const req = {
    method: 'GET',
    path,
    ip: '192.0.2.7',
    socket: {},
    get: () => undefined,
  } as unknown as Request;
  const res = {
    locals,
    set(name: string, value: string) {
      headers[name] = value;
      return this;
    },
  } as unknown as Response;
  let admitted = false;
  const next: NextFunction = () => {
    admitted = true;
  };
  await middleware(req, res, next);
  return { admitted, headers, locals };
}

describe('admission', () => {
  test('the checks of requests that arrive together go to Redis in one write; each is counted once', async () => {
    const s = svc.services;
    const middleware = check(1000);
    await s.redis.hset(s.keys.catalogMeta(), 'version', '41');
    await admit(middleware, '/catalog', 'warm-up'); // connects and loads the script
    const write = vi.spyOn(s.admissionRedis.stream, 'write');
    try {
      const results = await Promise.all(
        Array.from({ length: 16 }, () => admit(middleware, '/catalog', 'together')),
      );
      expect(write).toHaveBeenCalledTimes(1);
      expect(results.every((r) => r.admitted)).toBe(true);
      expect(results.map((r) => r.locals.catalogVersion)).toEqual(Array(16).fill(41));
      const remaining = results.map((r) => Number(r.headers['RateLimit-Remaining']));
      expect([...remaining].sort((a, b) => b - a)).toEqual(
        Array.from({ length: 16 }, (_, i) => 1000 - 1 - i),
      );
    } finally {
      write.mockRestore();
    }
  });

  test('requests over the limit that arrive together: exactly the limit is admitted', async () => {
    const middleware = check(10);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 25 }, () => admit(middleware, '/connectors', 'burst')),
    );
    const admitted = outcomes.filter((o) => o.status === 'fulfilled' && o.value.admitted);
    const limited = outcomes.filter(
      (o) => o.status === 'rejected' && o.reason instanceof RateLimitedError,
    );
    expect(admitted).toHaveLength(10);
    expect(limited).toHaveLength(15);
  });

  test('a connector route gets its connector read by the check itself: one command, one write', async () => {
    const s = svc.services;
    const body = registration();
    const created = await svc.api.post('/v1/connectors', body);
    expect(created.status).toBe(201);
    const middleware = check(1000);
    const write = vi.spyOn(s.admissionRedis.stream, 'write');
    const sent = vi.spyOn(s.admissionRedis, 'sendCommand');
    try {
      const [one, missing] = await Promise.all([
        admit(middleware, `/connectors/${body.id}`, 'prefetch'),
        admit(middleware, '/connectors/source-absent', 'prefetch'),
      ]);
      expect(write).toHaveBeenCalledTimes(1);
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['evalsha', 'evalsha']);
      const [version, doc] = one.locals.prefetched!.raw;
      expect(Number(version)).toBeGreaterThan(0);
      expect(JSON.parse(doc!)).toMatchObject({ state: 'community.active' });
      expect(doc).toContain(`"${body.id}"`);
      expect(missing.locals.prefetched).toEqual({ id: 'source-absent', raw: [null, null] });
    } finally {
      write.mockRestore();
      sent.mockRestore();
    }
  });
});
