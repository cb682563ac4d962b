import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  ADMIN_TOKEN,
  deletePrefix,
  redisUrl,
  registration,
  uniquePrefix,
  waitFor,
} from '../../support/harness.js';
import { spawnService, type ServiceProcess } from '../../support/service-process.js';

const LOCK_MS = 3_000;

const HANG_COMMAND =
  'bash test/integration/fixtures/acceptance.sh {connectorId} {image} {reportDir}';

describe('service processes: restart, crash and shutdown', () => {
  const processes: ServiceProcess[] = [];
  const prefixes: string[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')));
    await Promise.all(prefixes.splice(0).map((p) => deletePrefix(p)));
  });

  async function spawn(prefix: string, options: Parameters<typeof spawnService>[1] = {}) {
    const p = await spawnService(prefix, options);
    processes.push(p);
    return p;
  }

  /** An API and a worker process, and a certification gate whose acceptance run is running. */
  async function startRunningGate() {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const api = await spawn(prefix, { roles: ['api'] });
    const client = new ApiClient(api.url!, ADMIN_TOKEN);
    const env = {
      LIFECYCLE_ACCEPTANCE_COMMAND: HANG_COMMAND,
      LIFECYCLE_ACCEPTANCE_TIMEOUT_S: '600',
      // a crashed worker's job goes back after about 3 s + 3 s instead of 10 s + 3 s
      LIFECYCLE_JOB_LOCK_MS: String(LOCK_MS),
    };
    const worker = await spawn(prefix, { roles: ['worker'], env });
    const body = registration({ dockerImageTag: '1.0.0-hang' });
    await client.post('/v1/connectors', body);
    expect((await client.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    const run = await waitFor(async () => {
      const runs = (await client.get(`/v1/connectors/${body.id}/acceptance-runs`)).body.items;
      return runs[0]?.status === 'running' ? runs[0] : undefined;
    });
    // The worker holds the job under a lock of LIFECYCLE_JOB_LOCK_MS, renewed while it runs.
    const redis = new Redis(redisUrl());
    try {
      const ttl = await redis.pttl(`${prefix}-bull:acceptance:${run.id}:lock`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(LOCK_MS);
    } finally {
      await redis.quit();
    }
    return { prefix, client, env, worker, body };
  }

  it('SIGTERM stops taking requests, exits 0, and a restart finds everything as it was', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const first = await spawn(prefix);
    const api = new ApiClient(first.url!, ADMIN_TOKEN);
    const body = registration();
    expect((await api.post('/v1/connectors', body)).status).toBe(201);
    expect(
      (await api.event(body.id, { type: 'DEPRECATE', reason: 'old', noticeDays: 10 })).status,
    ).toBe(200);
    const before = (await api.get(`/v1/connectors/${body.id}`)).body;
    // What the test means: the catalog shows the deprecation (catalog jobs may apply out of order,
    // so catalogVersion is no measure of it).
    await waitFor(
      async () => (await api.get('/v1/catalog')).body.connectors[0]?.status === 'deprecated',
      { timeoutMs: 20_000, what: 'the catalog to show the deprecation' },
    );
    expect(await first.kill('SIGTERM')).toBe(0);

    const second = await spawn(prefix);
    const api2 = new ApiClient(second.url!, ADMIN_TOKEN);
    expect((await api2.get(`/v1/connectors/${body.id}`)).body).toEqual(before);
    expect((await api2.get(`/v1/connectors/${body.id}/history`)).body.items).toHaveLength(2);
    expect((await api2.get('/v1/catalog')).body.connectors[0].status).toBe('deprecated');
    expect(await second.kill('SIGTERM')).toBe(0);
  });

  it('an acceptance run interrupted by a kill -9 of its worker runs again after restart', async () => {
    const { prefix, client, env, worker, body } = await startRunningGate();
    await worker.kill('SIGKILL');

    // The job is handed back once its 3 s lock expires; a new worker (now with a short timeout) runs it.
    await spawn(prefix, {
      roles: ['worker'],
      env: { ...env, LIFECYCLE_ACCEPTANCE_TIMEOUT_S: '0.5' },
    });
    const run = await waitFor(
      async () => {
        const runs = (await client.get(`/v1/connectors/${body.id}/acceptance-runs`)).body.items;
        return runs[0]?.status === 'timeout' ? runs[0] : undefined;
      },
      { timeoutMs: 90_000, what: 'the interrupted run to run again' },
    );
    expect(run.attempts).toBe(2);
    // The run is recorded first, then its result is fed back to the machine.
    await waitFor(
      async () => (await client.get(`/v1/connectors/${body.id}`)).body.state === 'community.active',
      { what: 'the failed gate to return the connector to community.active' },
    );
  }, 180_000);

  it('SIGTERM hands a running acceptance job back: another worker finishes it', async () => {
    const { prefix, client, env, worker, body } = await startRunningGate();
    expect(await worker.kill('SIGTERM')).toBe(0);
    const handedBack = (await client.get(`/v1/connectors/${body.id}/acceptance-runs`)).body
      .items[0];
    expect(handedBack.status).toBe('queued');

    await spawn(prefix, {
      roles: ['worker'],
      env: { ...env, LIFECYCLE_ACCEPTANCE_TIMEOUT_S: '0.5' },
    });
    const run = await waitFor(async () => {
      const runs = (await client.get(`/v1/connectors/${body.id}/acceptance-runs`)).body.items;
      return runs[0]?.status === 'timeout' ? runs[0] : undefined;
    });
    expect(run.attempts).toBe(2);
  }, 180_000);

  it('refuses to start with a clear message for each bad configuration value', async () => {
    const prefix = uniquePrefix();
    await expect(
      spawnService(prefix, { env: { PORT: 'eighty', LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS: '-3' } }),
    ).rejects.toThrow(/PORT="eighty"[\s\S]*LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS="-3"/);
  });
});
