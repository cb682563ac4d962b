import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  redisUrl,
  startTestService,
  type TestService,
} from '../../support/harness.js';
import { errorPaths, expectProblem, UUID_PATTERN } from '../../support/api-helpers.js';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
});
afterAll(async () => {
  await svc?.cleanup();
});

/** Every string stored under the service's prefix (values of strings, hashes, lists, sets, zsets). */
async function storedStrings(prefix: string): Promise<string[]> {
  const redis = new Redis(redisUrl());
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        out.push(key);
        const type = await redis.type(key);
        if (type === 'string') out.push((await redis.get(key)) ?? '');
        else if (type === 'hash') out.push(...Object.entries(await redis.hgetall(key)).flat());
        else if (type === 'list') out.push(...(await redis.lrange(key, 0, -1)));
        else if (type === 'set') out.push(...(await redis.smembers(key)));
        else if (type === 'zset') out.push(...(await redis.zrange(key, '0', '-1')));
      }
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return out;
}

describe('POST /v1/tokens', () => {
  test('an admin creates a token: 201 {id, token, subject, role}, and the token works', async () => {
    const res = await svc.api.post('/v1/tokens', { subject: 'reader-bob', role: 'reader' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subject: 'reader-bob', role: 'reader' });
    expect(res.body.id).toMatch(UUID_PATTERN);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.token.length).toBeGreaterThanOrEqual(32);

    const reader = svc.as(res.body.token);
    const list = await reader.get('/v1/connectors');
    expect(list.status).toBe(200);
    // ... with the role it was given: a reader may not register.
    const register = await reader.post('/v1/connectors', {});
    expectProblem(register, 403);
  });

  test('each token is different and each has its own id', async () => {
    const a = await svc.api.post('/v1/tokens', { subject: 'same-subject', role: 'contributor' });
    const b = await svc.api.post('/v1/tokens', { subject: 'same-subject', role: 'contributor' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.token).not.toBe(b.body.token);
    expect(a.body.id).not.toBe(b.body.id);
  });

  test('tokens are stored hashed, never in clear', async () => {
    const res = await svc.api.post('/v1/tokens', { subject: 'secret-keeper', role: 'maintainer' });
    expect(res.status).toBe(201);
    const token = res.body.token as string;
    const stored = await storedStrings(svc.prefix);
    expect(stored.some((s) => s.includes('secret-keeper'))).toBe(true); // we did look at the record
    expect(stored.filter((s) => s.includes(token))).toEqual([]);
  });

  test('every role can be created', async () => {
    for (const role of ['reader', 'contributor', 'maintainer', 'admin']) {
      const res = await svc.api.post('/v1/tokens', { subject: `s-${role}`, role });
      expect(res.status).toBe(201);
      expect(res.body.role).toBe(role);
    }
  });

  test('a new admin token may create tokens too', async () => {
    const admin = svc.as(await svc.tokenFor('admin'));
    const res = await admin.post('/v1/tokens', { subject: 'made-by-admin', role: 'reader' });
    expect(res.status).toBe(201);
  });

  test.each(['reader', 'contributor', 'maintainer'] as const)('403 for a %s', async (role) => {
    const client = svc.as(await svc.tokenFor(role));
    const res = await client.post('/v1/tokens', { subject: 'x', role: 'admin' });
    expectProblem(res, 403);
  });

  test('401 without a token', async () => {
    const res = await svc.as(null).post('/v1/tokens', { subject: 'x', role: 'reader' });
    expectProblem(res, 401);
    expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer/);
  });

  test('401 with an unknown token', async () => {
    const res = await svc
      .as('lc_not-a-real-token')
      .post('/v1/tokens', { subject: 'x', role: 'reader' });
    expectProblem(res, 401);
  });

  test('401 with a malformed Authorization header', async () => {
    for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer two words']) {
      const res = await svc
        .as(null)
        .post('/v1/tokens', { subject: 'x', role: 'reader' }, { authorization });
      expectProblem(res, 401);
    }
  });

  test('400 for a bad role, naming body.role', async () => {
    const res = await svc.api.post('/v1/tokens', { subject: 'x', role: 'superuser' });
    expect(errorPaths(res)).toContain('body.role');
  });

  test('400 for extra fields', async () => {
    const res = await svc.api.post('/v1/tokens', { subject: 'x', role: 'reader', expiresIn: 5 });
    expectProblem(res, 400);
  });

  test('400 for missing or invalid fields, naming each', async () => {
    const missing = await svc.api.post('/v1/tokens', {});
    expect(errorPaths(missing)).toEqual(expect.arrayContaining(['body.subject', 'body.role']));
    const badSubject = await svc.api.post('/v1/tokens', { subject: '', role: 'reader' });
    expect(errorPaths(badSubject)).toContain('body.subject');
    const wrongType = await svc.api.post('/v1/tokens', { subject: 42, role: 'reader' });
    expect(errorPaths(wrongType)).toContain('body.subject');
    const notObject = await svc.api.post('/v1/tokens', ['reader']);
    expectProblem(notObject, 400);
  });
});

describe('DELETE /v1/tokens/:id', () => {
  test('revokes (204): the token then gets 401, other tokens keep working', async () => {
    const created = await svc.api.post('/v1/tokens', { subject: 'to-revoke', role: 'maintainer' });
    const kept = await svc.api.post('/v1/tokens', { subject: 'to-keep', role: 'maintainer' });
    const client = svc.as(created.body.token);
    expect((await client.get('/v1/connectors')).status).toBe(200);

    const res = await svc.api.delete(`/v1/tokens/${created.body.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    expectProblem(await client.get('/v1/connectors'), 401);
    expect((await svc.as(kept.body.token).get('/v1/connectors')).status).toBe(200);
  });

  test('404 for an unknown id, and for an already revoked one', async () => {
    expectProblem(await svc.api.delete('/v1/tokens/00000000-0000-4000-8000-000000000000'), 404);
    const created = await svc.api.post('/v1/tokens', { subject: 'twice', role: 'reader' });
    expect((await svc.api.delete(`/v1/tokens/${created.body.id}`)).status).toBe(204);
    expectProblem(await svc.api.delete(`/v1/tokens/${created.body.id}`), 404);
  });

  test('only an admin may revoke', async () => {
    const victim = await svc.api.post('/v1/tokens', { subject: 'victim', role: 'reader' });
    const maintainer = svc.as(await svc.tokenFor('maintainer'));
    expectProblem(await maintainer.delete(`/v1/tokens/${victim.body.id}`), 403);
    expectProblem(await svc.as(null).delete(`/v1/tokens/${victim.body.id}`), 401);
    // still valid
    expect((await svc.as(victim.body.token).get('/v1/connectors')).status).toBe(200);
  });
});

describe('GET /v1/whoami', () => {
  test("answers the calling token's subject and role, never the token", async () => {
    const created = await svc.api.post('/v1/tokens', { subject: 'who-reader', role: 'reader' });
    const res = await svc.as(created.body.token).get('/v1/whoami');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ subject: 'who-reader', role: 'reader' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await svc.api.get('/v1/whoami')).body.role).toBe('admin');
  });

  test('401 without a token, or with a revoked one', async () => {
    expectProblem(await svc.as(null).get('/v1/whoami'), 401);
    const created = await svc.api.post('/v1/tokens', { subject: 'who-gone', role: 'reader' });
    expect((await svc.api.delete(`/v1/tokens/${created.body.id}`)).status).toBe(204);
    expectProblem(await svc.as(created.body.token).get('/v1/whoami'), 401);
  });
});
