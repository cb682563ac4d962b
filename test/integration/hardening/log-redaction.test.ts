import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Keys } from '../../../src/store/keys.js';
import {
  redisUrl,
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * ioredis errors carry the failed command with its arguments (`command.args`): snapshot JSON,
 * token hashes, secrets. A logged error keeps the command's name and drops the arguments.
 */

const lines: string[] = [];
let svc: TestService;
let redis: Redis;

beforeAll(async () => {
  svc = await startTestService({ roles: ['api'], logLines: lines });
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  await redis?.quit();
  await svc?.cleanup();
});

describe('logged Redis errors', () => {
  test('carry the message and the command name, never its arguments', async () => {
    const canary = `canary-${randomUUID()}`;
    const body = registration({ name: canary });
    // The commit script fails (WRONGTYPE) with the snapshot, holding the canary, in its arguments.
    await redis.set(new Keys(svc.prefix).connector(body.id), 'not a hash');
    expectProblem(await svc.api.post('/v1/connectors', body), 500);

    const logged = await waitFor(() => lines.find((line) => line.includes('"unhandled error"')), {
      what: 'the error to be logged',
    });
    const entry = JSON.parse(logged) as { err: Record<string, unknown> };
    expect(entry.err.message).toMatch(/WRONGTYPE/);
    expect(['eval', 'evalsha']).toContain(entry.err.command);
    expect(logged).not.toContain('"args"');
    expect(lines.filter((line) => line.includes(canary))).toEqual([]);
  });
});
