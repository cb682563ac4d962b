import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotency } from '../../../src/http/idempotency.js';
import { problemHandler } from '../../../src/http/problem.js';
import { Keys } from '../../../src/store/keys.js';
import type { CommitInput } from '../../../src/store/commit-call.js';
import {
  deletePrefix,
  redisUrl,
  registration,
  startTestService,
  uniquePrefix,
  waitFor,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { fetchRequest } from './helpers.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * SPEC §10: idempotency keys belong to the token that used them; retryable answers are not kept;
 * and a request that outlives its in-progress claim cannot run twice.
 */

const replayed = (res: ApiResponse) => res.headers.get('idempotent-replayed') === 'true';
const key = () => `claim-${randomUUID()}`;

describe('Idempotency-Key in the service', () => {
  let svc: TestService;
  let redis: Redis;

  beforeAll(async () => {
    svc = await startTestService({
      roles: ['api'],
      env: { LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis?.quit();
    await svc?.cleanup();
  });

  test('keys belong to the token: two tokens of one subject use the same key independently', async () => {
    const first = svc.as(await svc.tokenFor('contributor', 'idem-same-subject'));
    const second = svc.as(await svc.tokenFor('contributor', 'idem-same-subject'));
    const reg = registration();
    const k = key();
    const mine = await first.post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(mine.status, mine.text).toBe(201);

    // the other token has never used the key: its request runs (and finds the connector)
    const theirs = await second.post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(replayed(theirs)).toBe(false);
    expect(expectProblem(theirs, 409).code).toBe('ALREADY_EXISTS');
    // each token gets its own answer replayed
    const mineAgain = await first.post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(replayed(mineAgain)).toBe(true);
    expect(mineAgain.status).toBe(201);
    const theirsAgain = await second.post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(replayed(theirsAgain)).toBe(true);
    expect(theirsAgain.status).toBe(409);
  });

  test('a 409 for a lost concurrent change is not kept: the retry does the work', async () => {
    const reg = registration();
    expect((await svc.api.post('/v1/connectors', reg)).status).toBe(201);
    const store = svc.services.store;
    const commit = store.commit.bind(store);
    // The next commit loses its compare-and-set: another change is committed just before it.
    store.commit = async (input: CommitInput) => {
      store.commit = commit;
      const winner = await svc.api.event(reg.id, {
        type: 'PUBLISH_RELEASE',
        dockerImageTag: '1.5.0',
      });
      expect(winner.status, winner.text).toBe(200);
      return commit(input);
    };
    const k = key();
    const body = { type: 'PUBLISH_RELEASE', dockerImageTag: '2.0.0' };
    const lost = await svc.api.event(reg.id, body, { 'idempotency-key': k });
    expect(expectProblem(lost, 409).code).toBe('CONCURRENT_CHANGE');

    const retry = await svc.api.event(reg.id, body, { 'idempotency-key': k });
    expect(replayed(retry)).toBe(false);
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body).toMatchObject({ version: 3, dockerImageTag: '2.0.0' });
    // and that answer is kept
    const again = await svc.api.event(reg.id, body, { 'idempotency-key': k });
    expect(replayed(again)).toBe(true);
    expect(again.body).toEqual(retry.body);
  });

  test('a 5xx is not kept: once the store is sound again, the retry does the work', async () => {
    const reg = registration();
    const connectorKey = svc.services.keys.connector(reg.id);
    await redis.set(connectorKey, 'not a hash'); // the commit fails with WRONGTYPE: a 500
    const k = key();
    const failed = await svc.api.post('/v1/connectors', reg, { 'idempotency-key': k });
    expectProblem(failed, 500);
    await redis.del(connectorKey);

    const retry = await svc.api.post('/v1/connectors', reg, { 'idempotency-key': k });
    expect(replayed(retry)).toBe(false);
    expect(retry.status, retry.text).toBe(201);
  });
});

describe('the in-progress claim of a slow request', () => {
  // Long enough that a busy machine does not miss a heartbeat (every third of it).
  const CLAIM_TTL_MS = 1_500;
  const TOKEN_ID = 'claims-token';
  const prefix = uniquePrefix();
  const keys = new Keys(prefix);
  let redis: Redis;
  let server: Server;
  let base: string;
  let runs = 0;
  const held: (() => void)[] = [];

  beforeAll(async () => {
    redis = new Redis(redisUrl());
    const app = express();
    app.use((_req, res, next) => {
      res.locals.requestId = randomUUID();
      res.locals.principal = { subject: 'claims', role: 'admin', tokenId: TOKEN_ID };
      next();
    });
    app.use(idempotency(redis, keys, { claimTtlMs: CLAIM_TTL_MS }));
    // Counts its runs; with `x-hold` it waits until the test lets it go.
    app.post('/work', async (req, res) => {
      const run = ++runs;
      if (req.get('x-hold')) await new Promise<void>((resolve) => held.push(resolve));
      res.status(201).json({ run });
    });
    app.use(problemHandler(pino({ level: 'silent' })));
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const release of held.splice(0)) release();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await redis?.quit();
    await deletePrefix(prefix);
  });

  const post = (k: string, hold = false) =>
    fetchRequest(base, 'POST', '/work', {
      'idempotency-key': k,
      ...(hold ? { 'x-hold': '1' } : {}),
    });

  test('a request held past its claim TTL keeps its claim: the same key never runs twice', async () => {
    const k = key();
    const before = runs;
    const slow = post(k, true);
    await waitFor(() => held.length === 1, { what: 'the slow request to start' });
    const startedAt = Date.now();

    // For three claim TTLs, every retry finds the claim still held.
    const answers: string[] = [];
    await waitFor(
      async () => {
        const retry = await post(k);
        answers.push(retry.status === 409 ? String(retry.body.code) : String(retry.status));
        return Date.now() - startedAt > 3 * CLAIM_TTL_MS;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'three claim TTLs to pass' },
    );
    expect(new Set(answers)).toEqual(new Set(['IDEMPOTENCY_KEY_IN_PROGRESS']));
    expect(runs - before).toBe(1);

    held.shift()!();
    const first = await slow;
    expect(first.status).toBe(201);
    const replay = await post(k);
    expect(replayed(replay)).toBe(true);
    expect(replay.body).toEqual(first.body);
    expect(runs - before).toBe(1);
  });

  test('the final response is written only while the claim is still ours', async () => {
    const k = key();
    const slow = post(k, true);
    await waitFor(() => held.length === 1, { what: 'the slow request to start' });

    // The claim is lost (as after an expiry): another request takes the key and finishes.
    const recordKey = keys.idempotency(
      createHash('sha256').update(`token:${TOKEN_ID}\n${k}`).digest('hex'),
    );
    expect(await redis.del(recordKey)).toBe(1);
    const other = await post(k);
    expect(other.status).toBe(201);

    held.shift()!();
    const first = await slow;
    expect(first.status).toBe(201); // its own client still gets its answer
    expect(first.body.run).not.toBe(other.body.run);

    // the record is the one of the request that held the claim at the end
    const replay = await post(k);
    expect(replayed(replay)).toBe(true);
    expect(replay.body).toEqual(other.body);
  });
});
