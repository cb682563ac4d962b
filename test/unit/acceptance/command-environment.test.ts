/** The acceptance command's environment and the scrubbing of secrets (SPEC §10). */
import { describe, expect, it } from 'vitest';
import { acceptanceEnvironment } from '../../../src/acceptance/command-environment.js';
import { OutputTail } from '../../../src/acceptance/output-tail.js';
import {
  REDACTED,
  redisUrlSecrets,
  scrubSecrets,
  secretList,
} from '../../../src/acceptance/secret-scrubber.js';
import { ConfigError, loadConfig } from '../../../src/config.js';

const TOKEN = 'admin-token-0123456789abcdef';

describe('acceptanceEnvironment', () => {
  it('keeps the base names and the passthrough names that are set, nothing else', () => {
    const source = {
      PATH: '/usr/bin',
      HOME: '/home/svc',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/tmp/x',
      LIFECYCLE_ADMIN_TOKEN: TOKEN,
      REDIS_URL: 'redis://:pw@host:6379',
      DOCKER_HOST: 'unix:///run/docker.sock',
      OTHER: 'x',
    };
    expect(acceptanceEnvironment(source, ['DOCKER_HOST', 'NOT_SET'])).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/svc',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/tmp/x',
      DOCKER_HOST: 'unix:///run/docker.sock',
    });
  });
});

describe('LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH', () => {
  const load = (env: Record<string, string>) =>
    loadConfig({ LIFECYCLE_ADMIN_TOKEN: TOKEN, PATH: '/usr/bin', ...env });

  it('passes the listed names through, with PATH', () => {
    const config = load({
      LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH: ' DOCKER_HOST , AWS_REGION,DOCKER_HOST',
      DOCKER_HOST: 'tcp://docker:2375',
    });
    expect(config.acceptance.passthrough).toEqual(['DOCKER_HOST', 'AWS_REGION']);
    expect(config.acceptance.environment).toEqual({
      PATH: '/usr/bin',
      DOCKER_HOST: 'tcp://docker:2375',
    });
  });

  it.each([
    ['LIFECYCLE_ADMIN_TOKEN', /setting of the service itself/],
    ['LIFECYCLE_ANYTHING', /setting of the service itself/],
    ['REDIS_URL', /setting of the service itself/],
    ['CONNECTOR_ID', /set by the runner/],
    ['NOT-A-NAME', /not an environment variable name/],
  ])('refuses %s', (name, message) => {
    let error: unknown;
    try {
      load({ LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH: `DOCKER_HOST,${name}` });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(1);
    expect((error as ConfigError).problems[0]).toMatch(/^LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH=/);
    expect((error as ConfigError).problems[0]).toMatch(message);
  });
});

describe('secrets', () => {
  it('are the tokens, the Redis URL and its password (raw and decoded), longest first', () => {
    const config = loadConfig({
      LIFECYCLE_ADMIN_TOKEN: TOKEN,
      LIFECYCLE_METRICS_TOKEN: 'metrics-token-42',
      REDIS_URL: 'redis://default:p%40ss-word@redis:6379/0',
    });
    expect(config.secrets).toEqual([
      'redis://default:p%40ss-word@redis:6379/0',
      TOKEN,
      'metrics-token-42',
      'p%40ss-word',
      'p@ss-word',
    ]);
    expect(config.secrets).not.toContain('default');
  });

  it('ignores values too short to be secrets, and URLs without a password', () => {
    expect(secretList(['abc', undefined, 'abcd', 'abcd'])).toEqual(['abcd']);
    expect(redisUrlSecrets('redis://redis:6379')).toEqual(['redis://redis:6379']);
    expect(redisUrlSecrets(undefined)).toEqual([]);
  });

  it('scrubs every occurrence, a secret containing another replaced whole', () => {
    const secrets = secretList(['token-1234', 'xtoken-1234x']);
    expect(scrubSecrets('a xtoken-1234x b token-1234 c token-1234', secrets)).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
  });
});

describe('OutputTail', () => {
  const SECRET = 'super-secret-value-0123456789';

  it('scrubs a secret split across chunks', () => {
    const tail = new OutputTail(1024, [SECRET]);
    tail.push('before super-secret-');
    tail.push('value-0123456789 after');
    expect(tail.toString()).toBe(`before ${REDACTED} after`);
  });

  it('never leaves a piece of a secret where the tail is cut', () => {
    for (let offset = 0; offset < SECRET.length + 2; offset++) {
      const tail = new OutputTail(64, [SECRET]);
      // The secret ends up across the place where the kept tail begins, whatever the chunking.
      tail.push('x'.repeat(100 + offset));
      tail.push(SECRET);
      tail.push('y'.repeat(64 - offset));
      const text = tail.toString();
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64);
      for (let k = 4; k <= SECRET.length; k++) expect(text).not.toContain(SECRET.slice(-k));
    }
  });
});
