import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

/** The settings of SPEC §10, parsed once in config (SPEC §9: a clear message for each bad value). */

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('security settings', () => {
  test('defaults: 20 failures a minute, no trusted proxy, public metrics, any repository', () => {
    const config = loadConfig({});
    expect(config.authFailuresPerMinute).toBe(20);
    expect(config.trustProxy).toBe(false);
    expect(config.metricsToken).toBeUndefined();
    expect(config.allowedDockerRepositories).toEqual([]);
  });

  test.each([
    ['false', false],
    ['true', true],
    ['TRUE', true],
    ['0', 0],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.1, 192.168.0.0/16,fc00::/7', ['10.0.0.1', '192.168.0.0/16', 'fc00::/7']],
    ['loopback,linklocal,uniquelocal', ['loopback', 'linklocal', 'uniquelocal']],
  ])('LIFECYCLE_TRUST_PROXY=%s', (raw, expected) => {
    expect(loadConfig({ LIFECYCLE_TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  test.each(['yes', '10.0.0.300', '10.0.0.0/33', '-1', 'loopback,,nonsense'])(
    'LIFECYCLE_TRUST_PROXY=%s is refused, naming the setting',
    (raw) => {
      const found = problems({ LIFECYCLE_TRUST_PROXY: raw });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^LIFECYCLE_TRUST_PROXY=/);
    },
  );

  test('LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: comma-separated globs', () => {
    expect(
      loadConfig({ LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: ' airbyte/*, ghcr.io/acme/* ,' })
        .allowedDockerRepositories,
    ).toEqual(['airbyte/*', 'ghcr.io/acme/*']);
    expect(problems({ LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: 'airbyte/*,two words' })[0]).toMatch(
      /^LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES=/,
    );
  });

  test('LIFECYCLE_AUTH_FAILURES_PER_MINUTE and LIFECYCLE_METRICS_TOKEN are checked', () => {
    expect(loadConfig({ LIFECYCLE_AUTH_FAILURES_PER_MINUTE: '5' }).authFailuresPerMinute).toBe(5);
    expect(problems({ LIFECYCLE_AUTH_FAILURES_PER_MINUTE: '0' })[0]).toMatch(
      /^LIFECYCLE_AUTH_FAILURES_PER_MINUTE=/,
    );
    expect(problems({ LIFECYCLE_METRICS_TOKEN: 'short' })[0]).toMatch(/^LIFECYCLE_METRICS_TOKEN=/);
    expect(
      loadConfig({ LIFECYCLE_METRICS_TOKEN: 'a-long-enough-metrics-token' }).metricsToken,
    ).toBe('a-long-enough-metrics-token');
  });

  test('a bad secret setting is named, its value never shown', () => {
    const found = problems({
      LIFECYCLE_ADMIN_TOKEN: 'short-admin',
      LIFECYCLE_METRICS_TOKEN: 'short-metrics',
      REDIS_URL: 'http://:hunter2-password@redis:6379',
    });
    expect(found).toHaveLength(3);
    expect(found.join('\n')).not.toMatch(/short-admin|short-metrics|hunter2/);
    expect(found).toContain(
      'LIFECYCLE_ADMIN_TOKEN=<secret, 11 characters>: must be at least 16 characters',
    );
  });
});
