import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ADMIN_TOKEN,
  TestClock,
  startTestService,
  uniquePrefix,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { rawRequest } from './helpers.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * SPEC §10: failed authentications are limited per client address; the address honours
 * LIFECYCLE_TRUST_PROXY; /metrics needs LIFECYCLE_METRICS_TOKEN when it is set. Each test uses
 * addresses of its own (any 127.x.y.z reaches the server on loopback) and moves the services' clock
 * to the start of a fresh UTC minute, so that its burst stays within one window.
 */
const LIMIT = 5;
const clock = new TestClock();
const METRICS_TOKEN = 'metrics-token-0123456789';

let a: TestService;
let b: TestService; // a second API process on the same prefix
let trusting: TestService; // LIFECYCLE_TRUST_PROXY=loopback, anonymous limit of LIMIT a minute

beforeAll(async () => {
  const prefix = uniquePrefix();
  const env = {
    LIFECYCLE_AUTH_FAILURES_PER_MINUTE: String(LIMIT),
    LIFECYCLE_METRICS_TOKEN: METRICS_TOKEN,
  };
  a = await startTestService({ prefix, roles: ['api'], env, clock: clock.now });
  b = await startTestService({ prefix, roles: ['api'], env, clock: clock.now });
  trusting = await startTestService({
    roles: ['api'],
    clock: clock.now,
    env: {
      ...env,
      LIFECYCLE_TRUST_PROXY: 'loopback',
      LIFECYCLE_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    },
  });
});

afterAll(async () => {
  await trusting?.cleanup();
  await b?.stop();
  await a?.cleanup();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (password: string) => ({
  authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
});

function get(
  svc: TestService,
  from: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  return rawRequest(svc.api.base, { method: 'GET', path, headers, localAddress: from });
}

function expectLockedOut(res: ApiResponse) {
  const problem = expectProblem(res, 429);
  expect(problem.code).toBe('AUTH_FAILURES_LIMITED');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

async function fail(
  svc: TestService,
  from: string,
  n: number,
  headers: Record<string, string> = bearer('lc_wrong'),
) {
  for (let i = 0; i < n; i++) {
    expectProblem(await get(svc, from, '/v1/connectors', headers), 401);
  }
}

describe('failed authentications per client address', () => {
  test(`after ${LIMIT} wrong tokens, every request with credentials from that address is a 429`, async () => {
    const from = '127.0.0.11';
    clock.toNextMinute();
    await fail(a, from, LIMIT);

    // a correct token, on every route
    expectLockedOut(await get(a, from, '/v1/connectors', bearer(ADMIN_TOKEN)));
    expectLockedOut(await get(a, from, '/v1/catalog', bearer(ADMIN_TOKEN)));
    expectLockedOut(await get(a, from, '/admin/queues', basic(ADMIN_TOKEN)));
    expectLockedOut(await get(a, from, '/metrics', bearer(METRICS_TOKEN)));
    expectLockedOut(await get(a, from, '/openapi.json', bearer(ADMIN_TOKEN)));
    expectLockedOut(await get(a, from, '/v1/connectors', bearer('lc_wrong')));
    // without credentials nothing changes
    expect((await get(a, from, '/v1/catalog')).status).toBe(200);
    expectProblem(await get(a, from, '/v1/connectors'), 401);
    // nor for another address
    expect((await get(a, '127.0.0.12', '/v1/connectors', bearer(ADMIN_TOKEN))).status).toBe(200);
  });

  test('the lock-out ends with the minute of the service clock', async () => {
    const from = '127.0.0.23';
    clock.toNextMinute();
    await fail(a, from, LIMIT);
    const locked = await get(a, from, '/v1/connectors', bearer(ADMIN_TOKEN));
    expectLockedOut(locked);
    clock.advance(Number(locked.headers.get('retry-after')) * 1000);
    expect((await get(a, from, '/v1/connectors', bearer(ADMIN_TOKEN))).status).toBe(200);
  });

  test('a missing token does not count', async () => {
    const from = '127.0.0.13';
    clock.toNextMinute();
    for (let i = 0; i < 3 * LIMIT; i++) {
      expectProblem(await get(a, from, '/v1/connectors'), 401);
    }
    expect((await get(a, from, '/v1/connectors', bearer(ADMIN_TOKEN))).status).toBe(200);
  });

  test('malformed Authorization headers and wrong Basic passwords count', async () => {
    clock.toNextMinute();
    await fail(a, '127.0.0.14', LIMIT, { authorization: 'Bearer two words' });
    expectLockedOut(await get(a, '127.0.0.14', '/v1/connectors', bearer(ADMIN_TOKEN)));

    for (let i = 0; i < LIMIT; i++) {
      expectProblem(await get(a, '127.0.0.15', '/admin/queues', basic('not-the-password')), 401);
    }
    expectLockedOut(await get(a, '127.0.0.15', '/admin/queues', basic(ADMIN_TOKEN)));
  });

  test('two API processes share the count', async () => {
    const from = '127.0.0.16';
    clock.toNextMinute();
    await fail(a, from, LIMIT - 2);
    await fail(b, from, 2);
    expectLockedOut(await get(a, from, '/v1/connectors', bearer(ADMIN_TOKEN)));
    expectLockedOut(await get(b, from, '/v1/connectors', bearer(ADMIN_TOKEN)));
  });
});

describe('LIFECYCLE_METRICS_TOKEN', () => {
  test('GET /metrics needs that bearer token; a wrong one counts as a failure', async () => {
    const from = '127.0.0.17';
    clock.toNextMinute();
    const missing = await get(a, from, '/metrics');
    expectProblem(missing, 401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectProblem(await get(a, from, '/metrics', bearer(ADMIN_TOKEN)), 401); // only that token
    const ok = await get(a, from, '/metrics', bearer(METRICS_TOKEN));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('http_request_duration_seconds');
    for (let i = 1; i < LIMIT; i++) {
      expectProblem(await get(a, from, '/metrics', bearer(`wrong-${i}`)), 401);
    }
    expectLockedOut(await get(a, from, '/metrics', bearer(METRICS_TOKEN)));
  });
});

describe('LIFECYCLE_TRUST_PROXY', () => {
  test('X-Forwarded-For is ignored by default: the socket address is the client', async () => {
    clock.toNextMinute();
    await fail(a, '127.0.0.18', LIMIT, {
      ...bearer('lc_wrong'),
      'x-forwarded-for': '10.1.1.1',
    });
    const sameSocket = await get(a, '127.0.0.18', '/v1/connectors', {
      ...bearer(ADMIN_TOKEN),
      'x-forwarded-for': '10.9.9.9',
    });
    expectLockedOut(sameSocket);
    const sameForwardedFor = await get(a, '127.0.0.19', '/v1/connectors', {
      ...bearer(ADMIN_TOKEN),
      'x-forwarded-for': '10.1.1.1',
    });
    expect(sameForwardedFor.status).toBe(200);
  });

  test('honoured from a trusted proxy: the forwarded address is the client', async () => {
    clock.toNextMinute();
    await fail(trusting, '127.0.0.20', LIMIT, {
      ...bearer('lc_wrong'),
      'x-forwarded-for': '10.2.2.2',
    });
    const otherClient = await get(trusting, '127.0.0.20', '/v1/catalog', {
      ...bearer(ADMIN_TOKEN),
      'x-forwarded-for': '10.3.3.3',
    });
    expect(otherClient.status).toBe(200);
    const sameClient = await get(trusting, '127.0.0.21', '/v1/catalog', {
      ...bearer(ADMIN_TOKEN),
      'x-forwarded-for': '10.2.2.2',
    });
    expectLockedOut(sameClient);
  });

  test('the anonymous rate limit counts the forwarded address too', async () => {
    clock.toNextMinute();
    const through = (client: string) =>
      get(trusting, '127.0.0.22', '/v1/catalog', { 'x-forwarded-for': client });
    for (let i = 0; i < LIMIT; i++) expect((await through('10.4.4.4')).status).toBe(200);
    expect(expectProblem(await through('10.4.4.4'), 429).code).toBe('RATE_LIMITED');
    expect((await through('10.5.5.5')).status).toBe(200);
  });
});
