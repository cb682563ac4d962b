import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import {
  ADMIN_TOKEN,
  redisUrl,
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';

const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const USER = `acceptance-${randomBytes(4).toString('hex')}`;
const PASSTHROUGH_VALUE = `passthrough-${randomBytes(6).toString('hex')}`;

/**
 * The acceptance command runs third-party code: it gets a minimal environment, never the service's
 * settings, and what it prints is kept without the values of secret settings (SPEC §10).
 */
describe('the acceptance command environment', () => {
  let svc: TestService;
  let admin: Redis;
  let securedUrl: string;

  beforeAll(async () => {
    // A Redis user with a password, so that REDIS_URL carries a real secret.
    admin = new Redis(redisUrl());
    await admin.acl('SETUSER', USER, 'on', `>${PASSWORD}`, '~*', '&*', '+@all');
    const url = new URL(redisUrl());
    url.username = USER;
    url.password = PASSWORD;
    securedUrl = url.toString();
    const settings: Record<string, string> = {
      REDIS_URL: securedUrl,
      LIFECYCLE_ADMIN_TOKEN: ADMIN_TOKEN,
      LIFECYCLE_METRICS_TOKEN: METRICS_TOKEN,
      LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH: 'ACCEPTANCE_EXTRA, UNSET_EXTRA',
      ACCEPTANCE_EXTRA: PASSTHROUGH_VALUE,
      NOT_PASSED_THROUGH: 'should-not-appear',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LIFECYCLE_ACCEPTANCE_COMMAND: [
        'bash test/integration/fixtures/print-environment.sh',
        ADMIN_TOKEN,
        METRICS_TOKEN,
        PASSWORD,
        securedUrl,
      ].join(' '),
    };
    // As in production, where the service reads its settings from its own environment.
    for (const [name, value] of Object.entries(settings)) vi.stubEnv(name, value);
    svc = await startTestService({ env: settings });
  });
  afterAll(async () => {
    await svc?.cleanup();
    vi.unstubAllEnvs();
    await admin.acl('DELUSER', USER);
    await admin.quit();
  });

  it('has the minimal environment and passthrough names, and no secret in its output', async () => {
    const body = registration();
    expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    expect((await svc.api.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    const run = await waitFor(
      async () => {
        const runs = (await svc.api.get(`/v1/connectors/${body.id}/acceptance-runs`)).body.items;
        return runs[0]?.outcome ? runs[0] : undefined;
      },
      { what: 'the run to end' },
    );
    expect(run.outcome).toBe('passed');
    const lines = (run.outputTail as string).split('\n');
    const names = lines
      .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));

    expect(lines).toContain(`ACCEPTANCE_EXTRA=${PASSTHROUGH_VALUE}`);
    expect(lines).toContain(`CONNECTOR_ID=${body.id}`);
    expect(lines).toContain(`CONNECTOR_IMAGE=${body.dockerRepository}:${body.dockerImageTag}`);
    expect(names).toContain('PATH');
    expect(names).toContain('ACCEPTANCE_REPORT_DIR');
    // Nothing of the service's own settings, nothing not listed.
    expect(names.filter((n) => n.startsWith('LIFECYCLE_'))).toEqual([]);
    expect(names).not.toContain('REDIS_URL');
    expect(names).not.toContain('NOT_PASSED_THROUGH');
    expect(names).not.toContain('UNSET_EXTRA');
    // The secrets it echoed literally are scrubbed; the line itself is kept.
    const output = run.outputTail as string;
    for (const secret of [ADMIN_TOKEN, METRICS_TOKEN, PASSWORD, securedUrl]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('arguments: [redacted] [redacted] [redacted] [redacted]');
  });
});
