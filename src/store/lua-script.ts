import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { toError } from '../errors.js';

/** A Lua script run by its SHA (EVALSHA), loaded with EVAL only when Redis does not know it yet. */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!toError(err).message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }

  /**
   * Runs the script once per call in one pipeline (one round trip). The script is loaded first in
   * the same pipeline, so that no call meets NOSCRIPT. Each reply is the result or its Error.
   */
  async runMany(
    redis: Redis,
    calls: { keys: string[]; args: (string | number)[] }[],
  ): Promise<unknown[]> {
    const pipeline = redis.pipeline();
    pipeline.script('LOAD', this.source);
    for (const call of calls)
      pipeline.evalsha(this.sha, call.keys.length, ...call.keys, ...call.args);
    const replies = (await pipeline.exec()) ?? [];
    return replies.slice(1).map(([err, value]) => err ?? value);
  }
}
