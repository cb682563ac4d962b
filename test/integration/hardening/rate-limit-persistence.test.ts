import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../src/redis/redis-server.js';
import {
  registration,
  startTestService,
  uniquePrefix,
  type TestService,
} from '../../support/harness.js';

/**
 * The rate-limit counter lives in Redis's memory only (src/store/lua/admit-request.lua): counting
 * a request writes nothing to the AOF, so under appendfsync always no request waits for a disk
 * flush just to be counted. What the request changes is still written. A Redis of this test's own,
 * with the service's persistence (AOF, appendfsync always).
 */

let dir: string;
let server: RedisServerHandle;
let svc: TestService;
const prefix = uniquePrefix();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lifecycle-ratelimit-aof-'));
  server = await startRedisServer({ persistent: true, dir });
  svc = await startTestService({
    prefix,
    roles: ['api'],
    env: { REDIS_URL: server.url, LIFECYCLE_RATE_LIMIT_PER_MINUTE: '50' },
  });
});

afterAll(async () => {
  await svc?.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function appendOnlyFiles(): string {
  const aofDir = join(dir, 'appendonlydir');
  return readdirSync(aofDir)
    .filter((name) => name.endsWith('.aof'))
    .map((name) => readFileSync(join(aofDir, name), 'latin1'))
    .join('');
}

test('requests are counted against the limit, and the count never reaches the AOF', async () => {
  const body = registration();
  const created = await svc.api.post('/v1/connectors', body);
  expect(created.status, created.text).toBe(201);
  const remaining: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await svc.api.get(`/v1/connectors/${body.id}`);
    expect(res.status).toBe(200);
    remaining.push(Number(res.headers.get('ratelimit-remaining')));
  }
  // counted: each request takes one more from the minute's allowance
  expect(remaining[1]).toBe(remaining[0]! - 1);
  expect(remaining[2]).toBe(remaining[0]! - 2);

  const aof = appendOnlyFiles();
  // the change the request made is in the AOF (so the file is the one being written) …
  expect(aof).toContain(`${prefix}:connector:{${body.id}}`);
  // … the rate-limit counters are not
  expect(aof).not.toContain(`${prefix}:ratelimit:`);
});
