import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/service.js';
import { Keys } from '../../../src/store/keys.js';
import {
  ADMIN_TOKEN,
  ApiClient,
  deletePrefix,
  redisUrl,
  registration,
  testConfig,
  uniquePrefix,
  waitFor,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * ioredis errors carry the failed command with its arguments (`command.args`): snapshot JSON,
 * token hashes, secrets. A logged error keeps the command's name and drops the arguments.
 */

const prefix = uniquePrefix();
const lines: string[] = [];
let running: RunningService;
let api: ApiClient;
let redis: Redis;

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  running = await startService(testConfig(prefix), createLogger('trace', destination), {
    roles: ['api'],
  });
  api = new ApiClient(running.url!, ADMIN_TOKEN);
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  await redis?.quit();
  await running?.stop();
  await deletePrefix(prefix);
});

describe('logged Redis errors', () => {
  test('carry the message and the command name, never its arguments', async () => {
    const canary = `canary-${randomUUID()}`;
    const body = registration({ name: canary });
    // The commit script fails (WRONGTYPE) with the snapshot, holding the canary, in its arguments.
    await redis.set(new Keys(prefix).connector(body.id), 'not a hash');
    expectProblem(await api.post('/v1/connectors', body), 500);

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
