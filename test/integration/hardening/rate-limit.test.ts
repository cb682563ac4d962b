import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  TestClock,
  startTestService,
  uniquePrefix,
  type ApiClient,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { rawRequest } from './helpers.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * LIFECYCLE_RATE_LIMIT_PER_MINUTE per token (per address when anonymous), counted in Redis and so
 * shared by every API process. The window is a fixed UTC minute of the service's clock: each test
 * moves the clock to the start of a fresh minute, so that its burst stays within one window.
 */
const LIMIT = 20;
const clock = new TestClock();

let a: TestService;
let b: TestService; // a second API process on the same Redis prefix

beforeAll(async () => {
  const prefix = uniquePrefix();
  const env = { LIFECYCLE_RATE_LIMIT_PER_MINUTE: String(LIMIT) };
  a = await startTestService({ prefix, roles: ['api'], env, clock: clock.now });
  b = await startTestService({ prefix, roles: ['api'], env, clock: clock.now });
});

afterAll(async () => {
  await b?.stop();
  await a?.cleanup();
});

async function burst(client: ApiClient, n: number, path = '/v1/connectors?limit=1') {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await client.get(path)).status);
  return statuses;
}

function expectLimited(res: ApiResponse) {
  const problem = expectProblem(res, 429);
  expect(problem.code).toBe('RATE_LIMITED');
  const retryAfter = res.headers.get('retry-after') ?? '';
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
}

describe('rate limit', () => {
  test(`the ${LIMIT + 1}st request of a token in a minute is a 429; other tokens are not affected`, async () => {
    const limited = a.as(await a.tokenFor('reader'));
    const other = a.as(await a.tokenFor('reader'));
    clock.toNextMinute();

    expect(await burst(limited, LIMIT)).toEqual(Array.from({ length: LIMIT }, () => 200));
    const last = await limited.get('/v1/connectors?limit=1');
    expectLimited(last);
    expect(last.headers.get('ratelimit-limit')).toBe(String(LIMIT));
    expect(last.headers.get('ratelimit-remaining')).toBe('0');
    // every route of /v1 counts, writes included
    expectLimited(
      await limited.post('/v1/subscriptions', { url: 'http://x.example', secret: 's' }),
    );

    // another token of the same process, right now
    const fine = await other.get('/v1/connectors?limit=1');
    expect(fine.status).toBe(200);
    expect(Number(fine.headers.get('ratelimit-remaining'))).toBe(LIMIT - 1);
    // health and metrics are outside the limit
    expect((await limited.get('/healthz')).status).toBe(200);
  });

  test('anonymous requests are limited per address', async () => {
    const anonymous = a.as(null);
    const stranger = a.as(await a.tokenFor('reader'));
    clock.toNextMinute();

    expect(await burst(anonymous, LIMIT, '/v1/catalog')).toEqual(
      Array.from({ length: LIMIT }, () => 200),
    );
    expectLimited(await anonymous.get('/v1/machine'));
    // another address is not affected (any 127.x.y.z reaches the server on loopback)
    const elsewhere = await rawRequest(a.api.base, {
      method: 'GET',
      path: '/v1/catalog',
      localAddress: '127.0.0.2',
    });
    expect(elsewhere.status).toBe(200);
    // nor is a token used from the limited address
    expect((await stranger.get('/v1/catalog')).status).toBe(200);
  });

  test('two API processes share the limit', async () => {
    const token = await a.tokenFor('reader');
    const viaA = a.as(token);
    const viaB = b.as(token);
    expect(a.api.base).not.toBe(b.api.base);
    clock.toNextMinute();

    expect(await burst(viaA, LIMIT / 2)).toEqual(Array.from({ length: LIMIT / 2 }, () => 200));
    expect(await burst(viaB, LIMIT / 2)).toEqual(Array.from({ length: LIMIT / 2 }, () => 200));
    expectLimited(await viaA.get('/v1/connectors?limit=1'));
    expectLimited(await viaB.get('/v1/connectors?limit=1'));
  });

  test('the limit ends with the minute of the service clock', async () => {
    const limited = a.as(await a.tokenFor('reader'));
    clock.toNextMinute();
    expect(await burst(limited, LIMIT)).toEqual(Array.from({ length: LIMIT }, () => 200));
    const last = await limited.get('/v1/connectors?limit=1');
    expectLimited(last);
    const retryAfter = Number(last.headers.get('retry-after'));
    clock.advance(retryAfter * 1000);
    const next = await limited.get('/v1/connectors?limit=1');
    expect(next.status).toBe(200);
    expect(next.headers.get('ratelimit-remaining')).toBe(String(LIMIT - 1));
  });
});
