import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServerHandle } from '../../src/redis/redis-server.js';

let server: RedisServerHandle | undefined;

/**
 * Every test run gets a throwaway redis-server on a free port (never the machine's shared one),
 * unless REDIS_URL is given. Each test then works under its own key prefix.
 */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.REDIS_URL;
  if (!url) {
    server = await startRedisServer({ persistent: false });
    url = server.url;
  }
  project.provide('redisUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
