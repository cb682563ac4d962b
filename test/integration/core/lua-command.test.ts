import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { READ_CONNECTORS } from '../../../src/store/redis-scripts.js';
import { redisUrl, uniquePrefix } from '../../support/harness.js';

/** `LuaCommand.runMany`: each reply is the script's result or its error, however many calls. */
describe('LuaCommand.runMany', () => {
  let redis: Redis;
  const prefix = uniquePrefix();
  const wrongType = `${prefix}:not-a-hash`;
  const hash = `${prefix}:a-hash`;
  beforeAll(async () => {
    redis = new Redis(redisUrl());
    await redis.set(wrongType, 'x');
    await redis.hset(hash, 'version', '3', 'doc', '{}');
  });
  afterAll(async () => {
    await redis.del(wrongType, hash);
    await redis.quit();
  });

  it('one call goes without a pipeline, and its error comes back as its reply', async () => {
    const pipeline = vi.spyOn(redis, 'pipeline');
    try {
      expect(await READ_CONNECTORS.runMany(redis, [{ keys: [hash], args: [] }])).toEqual([
        [['3', '{}']],
      ]);
      const [failed] = await READ_CONNECTORS.runMany(redis, [{ keys: [wrongType], args: [] }]);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toContain('WRONGTYPE');
      expect(pipeline).not.toHaveBeenCalled();
    } finally {
      pipeline.mockRestore();
    }
  });

  it('several calls go in one pipeline, each with its own result or error', async () => {
    const replies = await READ_CONNECTORS.runMany(redis, [
      { keys: [wrongType], args: [] },
      { keys: [hash, `${prefix}:missing`], args: [] },
    ]);
    expect(replies[0]).toBeInstanceOf(Error);
    expect(replies[1]).toEqual([
      ['3', '{}'],
      [null, null],
    ]);
  });
});
