import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashToken } from '../../../src/auth/token-store.js';
import { startTestService, uniquePrefix, type TestService } from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * Each API process answers known tokens from a cache of its own, checked against the tokens'
 * version in the admission round trip: a revocation through any process is honoured by every
 * process from its next request.
 */
let a: TestService;
let b: TestService; // a second API process on the same Redis prefix

beforeAll(async () => {
  const prefix = uniquePrefix();
  a = await startTestService({ prefix, roles: ['api'] });
  b = await startTestService({ prefix, roles: ['api'] });
});

afterAll(async () => {
  await b?.stop();
  await a?.cleanup();
});

async function tokenOnBoth(subject: string) {
  const created = await a.api.post('/v1/tokens', { subject, role: 'reader' });
  expect(created.status, created.text).toBe(201);
  const { id, token } = created.body as { id: string; token: string };
  // Twice each: the first use after the create (a version move) fills the cache once the
  // process has seen the new version.
  for (const svc of [a, b, a, b]) {
    expect((await svc.as(token).get('/v1/whoami')).body).toEqual({ subject, role: 'reader' });
  }
  return { id, token };
}

describe('token cache', () => {
  test('a known token is answered from the process cache while the tokens do not change', async () => {
    const { token } = await tokenOnBoth('cached-reader');
    // Remove the token's lookup key behind the service's back (no version move): the processes
    // that have seen the token still know it, which only their cache can explain.
    await a.services.redis.del(a.services.keys.tokenByHash(hashToken(token)));
    expect((await a.as(token).get('/v1/whoami')).status).toBe(200);
    expect((await b.as(token).get('/v1/whoami')).status).toBe(200);
  });

  test('a token revoked through one process is refused at once by the other', async () => {
    const { id, token } = await tokenOnBoth('revoked-reader');
    const kept = await tokenOnBoth('kept-reader');
    expect((await b.api.delete(`/v1/tokens/${id}`)).status).toBe(204);

    const refused = expectProblem(await a.as(token).get('/v1/whoami'), 401);
    expect(refused.code).toBe('UNAUTHORIZED');
    expectProblem(await b.as(token).get('/v1/whoami'), 401);
    expectProblem(await a.as(token).post('/v1/subscriptions', { url: 'http://x.example' }), 401);
    // other tokens go on working on both
    expect((await a.as(kept.token).get('/v1/whoami')).status).toBe(200);
    expect((await b.as(kept.token).get('/v1/whoami')).status).toBe(200);
  });
});
