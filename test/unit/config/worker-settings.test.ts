import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

/** LIFECYCLE_JOB_LOCK_MS: how long a worker's claim on a running job lasts without renewal. */
describe('worker settings', () => {
  test('the job lock lasts 10 s unless LIFECYCLE_JOB_LOCK_MS says otherwise', () => {
    expect(loadConfig({}).jobLockMs).toBe(10_000);
    expect(loadConfig({ LIFECYCLE_JOB_LOCK_MS: '3000' }).jobLockMs).toBe(3_000);
  });

  test.each(['999', '2.5s', '-1', 'soon'])(
    'LIFECYCLE_JOB_LOCK_MS=%s is refused by name',
    (value) => {
      const load = () => loadConfig({ LIFECYCLE_JOB_LOCK_MS: value });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(new RegExp(`LIFECYCLE_JOB_LOCK_MS="${value}"`));
    },
  );
});
