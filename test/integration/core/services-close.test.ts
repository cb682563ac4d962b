import { describe, expect, test } from 'vitest';
import { createServices } from '../../../src/app-services.js';
import { createLogger } from '../../../src/logger.js';
import { redisUrl, testConfig, uniquePrefix } from '../../support/harness.js';

describe('closing the services', () => {
  test('a connection never used (the admission connection of a process that served no request) is closed without being opened', async () => {
    const s = createServices(testConfig(uniquePrefix()), createLogger('silent'), redisUrl());
    const events: string[] = [];
    s.admissionRedis.on('connecting', () => events.push('connecting'));
    await s.redis.ping(); // the main connection is used
    await s.close();
    expect(events).toEqual([]);
    expect(s.admissionRedis.status).toBe('end');
  });
});
