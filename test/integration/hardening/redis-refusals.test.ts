import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  freePort,
  startRedisServer,
  type RedisServerHandle,
} from '../../../src/redis/redis-server.js';
import {
  registration,
  startTestService,
  waitFor,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { leakDefect } from './helpers.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * A Redis that refuses writes for a while (MISCONF: cannot persist, READONLY: turned into a
 * replica, OOM: maxmemory reached) gives 503 REDIS_UNAVAILABLE with Retry-After, not a 500.
 * A redis-server of this test's own: the shared test Redis's configuration is never changed.
 */

let dir: string;
let server: RedisServerHandle;
let admin: Redis;
let svc: TestService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lifecycle-refusals-'));
  server = await startRedisServer({ persistent: true, dir });
  admin = new Redis(server.url);
  svc = await startTestService({ roles: ['api'], env: { REDIS_URL: server.url } });
});

afterAll(async () => {
  await svc?.stop();
  admin?.disconnect();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function expectUnavailable(res: ApiResponse) {
  const problem = expectProblem(res, 503);
  expect(problem.code).toBe('REDIS_UNAVAILABLE');
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(leakDefect(res.text)).toBeNull();
}

async function expectRefusedThenServed(
  refuse: () => Promise<unknown>,
  restore: () => Promise<unknown>,
) {
  expect((await svc.api.get('/v1/connectors')).status).toBe(200);
  await refuse();
  const body = registration();
  expectUnavailable(await svc.api.post('/v1/connectors', body));
  expectUnavailable(await svc.api.event(body.id, { type: 'ARCHIVE', reason: 'x' }));
  await restore();
  expectProblem(await svc.api.get(`/v1/connectors/${body.id}`), 404); // nothing was written
  const created = await svc.api.post('/v1/connectors', body);
  expect(created.status, created.text).toBe(201);
}

describe('Redis refusing writes', () => {
  test('OOM (maxmemory reached, noeviction) → 503', async () => {
    await expectRefusedThenServed(
      () => admin.config('SET', 'maxmemory', '1'),
      () => admin.config('SET', 'maxmemory', '0'),
    );
  });

  test('READONLY (a replica of an unreachable master) → 503', async () => {
    const unreachable = await freePort();
    await expectRefusedThenServed(
      () => admin.replicaof('127.0.0.1', String(unreachable)),
      () => admin.replicaof('NO', 'ONE'),
    );
  });

  test('MISCONF (the last snapshot failed) → 503', async () => {
    await expectRefusedThenServed(
      async () => {
        // A snapshot into a directory that is gone fails; with a save point, writes then stop.
        await admin.config('SET', 'save', '3600 1');
        rmSync(dir, { recursive: true, force: true });
        await admin.bgsave();
        await waitFor(
          async () => {
            const info = await admin.info('persistence');
            return /rdb_bgsave_in_progress:0/.test(info) && /rdb_last_bgsave_status:err/.test(info);
          },
          { what: 'the snapshot to fail' },
        );
      },
      () => admin.config('SET', 'save', ''),
    );
  });
});
