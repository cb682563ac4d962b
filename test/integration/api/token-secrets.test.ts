import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  type ApiClient,
  redisUrl,
  registration,
  startTestService,
  type TestService,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * SPEC §10: a token is never written in clear, to Redis or to the logs — not even to keep the
 * response of POST /v1/tokens for an idempotent replay (a replay answers 409 instead).
 */

const logLines: string[] = [];
let svc: TestService;
let api: ApiClient;
let redis: Redis;

beforeAll(async () => {
  svc = await startTestService({
    env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT },
    logLines,
  });
  api = svc.api;
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  await redis?.quit();
  await svc?.cleanup();
});

/** Every key of the test Redis (every prefix, BullMQ's too) and everything stored in it. */
async function everythingStored(): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      out.push(key);
      const type = await redis.type(key);
      switch (type) {
        case 'string':
          out.push((await redis.get(key)) ?? '');
          break;
        case 'hash':
          out.push(...Object.entries(await redis.hgetall(key)).flat());
          break;
        case 'list':
          out.push(...(await redis.lrange(key, 0, -1)));
          break;
        case 'set':
          out.push(...(await redis.smembers(key)));
          break;
        case 'zset':
          out.push(...(await redis.zrange(key, '0', '-1')));
          break;
        case 'stream':
          for (const [id, fields] of await redis.xrange(key, '-', '+')) out.push(id, ...fields);
          break;
        case 'none':
          break; // deleted since the scan
        default:
          throw new Error(`key ${key} has a type this test does not read: ${type}`);
      }
    }
  } while (cursor !== '0');
  return out;
}

describe('a new token is never stored or logged in clear', () => {
  const key = `token-${randomUUID()}`;
  const keyedBody = { subject: 'secret-keyed', role: 'contributor' };
  let keyed: { id: string; token: string };

  test('created with and without Idempotency-Key: no key or value of Redis, no log line holds it', async () => {
    const plain = await api.post('/v1/tokens', { subject: 'secret-plain', role: 'contributor' });
    expect(plain.status, plain.text).toBe(201);
    const res = await api.post('/v1/tokens', keyedBody, { 'idempotency-key': key });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    keyed = res.body;
    const tokens = [plain.body.token as string, keyed.token];

    // Both tokens work: a registration fills the store, the outbox and BullMQ's queues.
    for (const token of tokens) {
      const reg = registration();
      const created = await svc.as(token).post('/v1/connectors', reg);
      expect(created.status, created.text).toBe(201);
    }

    const stored = await everythingStored();
    expect(stored.some((s) => s.includes(`${svc.prefix}-bull:`))).toBe(true); // BullMQ's keys read too
    expect(stored.some((s) => s.includes('secret-keyed'))).toBe(true); // the token record read too
    for (const token of tokens) {
      expect(stored.filter((s) => s.includes(token))).toEqual([]);
      expect(logLines.filter((line) => line.includes(token))).toEqual([]);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });

  test('a replay of POST /v1/tokens is a 409 IDEMPOTENT_REPLAY_UNAVAILABLE naming the token id', async () => {
    const replay = await api.post('/v1/tokens', keyedBody, { 'idempotency-key': key });
    const problem = expectProblem(replay, 409);
    expect(problem.code).toBe('IDEMPOTENT_REPLAY_UNAVAILABLE');
    expect(problem.tokenId).toBe(keyed.id);
    expect(replay.text).not.toContain(keyed.token);
    // no second token was made: the same key with another body is still refused as a reuse
    const other = await api.post(
      '/v1/tokens',
      { subject: 'someone-else', role: 'reader' },
      { 'idempotency-key': key },
    );
    expect(expectProblem(other, 422).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
