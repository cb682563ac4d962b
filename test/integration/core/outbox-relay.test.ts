import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import {
  registration,
  redisUrl,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';

/**
 * A crash between the commit and the enqueue: the change is committed with its outbox entries, but
 * no relay moves them (the process died). When a relay runs again, every effect runs, once.
 */
describe('outbox relay', () => {
  const started: TestService[] = [];
  afterEach(async () => {
    while (started.length) await started.pop()!.cleanup();
  });

  async function start(options: Parameters<typeof startTestService>[0] = {}) {
    const svc = await startTestService(options);
    started.push(svc);
    return svc;
  }

  /** Removes the connector's catalog entry, as an earlier release left it to the relay to write. */
  async function leaveCatalogEntryToRelay(svc: TestService, id: string) {
    const { redis, keys } = svc.services;
    await redis.del(keys.catalogEntries());
    await redis.hdel(keys.catalogMeta(), `v:${id}`);
  }

  it('runs the effects of a change committed while no relay or worker ran, exactly once', async () => {
    // API only: commits land in the outbox; nothing relays them (as if the process died right after).
    const api = await start({ roles: ['api'] });
    const sub = await api.api.post('/v1/subscriptions', {
      url: 'https://hooks.example.com/lifecycle',
      secret: 'outbox-relay-secret-0123',
    });
    expect(sub.status, sub.text).toBe(201);
    const body = registration();
    expect((await api.api.post('/v1/connectors', body)).status).toBe(201);
    expect(
      (await api.api.event(body.id, { type: 'DEPRECATE', reason: 'x', noticeDays: 1 })).status,
    ).toBe(200);
    const redis = api.services.redis;
    // 2 notifications and 1 timer; the catalog effects were the commits' own writes.
    expect(await redis.xlen(api.services.keys.outbox())).toBe(3);
    const catalog = (await api.api.get('/v1/catalog')).body;
    expect(catalog.catalogVersion).toBe(2);
    expect(catalog.connectors.map((c: { status: string }) => c.status)).toEqual(['deprecated']);

    // A worker process comes up on the same Redis and prefix.
    const worker = await start({ roles: ['worker'], prefix: api.prefix });
    await waitFor(async () => (await redis.xlen(api.services.keys.outbox())) === 0, {
      what: 'outbox drained',
    });

    // Each effect was carried out once: each of the 2 notifications as its delivery to the one
    // subscription (no notification job), 1 timer; no catalog job.
    const queues = worker.services.queues;
    expect(await redis.scard(api.services.keys.catalogDirty())).toBe(0);
    expect(await queues.get('catalog').getJobs(['completed', 'active', 'wait', 'delayed'])).toEqual(
      [],
    );
    expect(await queues.get('notifications').getJobs(['wait', 'active', 'completed'])).toEqual([]);
    const deliveries = await queues
      .get('deliveries')
      .getJobs(['wait', 'active', 'completed', 'delayed', 'failed']);
    expect(deliveries.map((j: Job) => j.data.type).sort()).toEqual([
      'connector.deprecated',
      'connector.registered',
    ]);
    expect(new Set(deliveries.map((j: Job) => j.id)).size).toBe(2);
    for (const job of deliveries) {
      expect(job.id).toBe(`${job.data.eventId}-${sub.body.id}`);
      expect(job.data.subscriptionId).toBe(sub.body.id);
    }
    const timers = await queues.get('timers').getJobs(['delayed']);
    expect(timers).toHaveLength(1);
    expect(timers[0]!.data).toMatchObject({ timer: 'archiveDue', connectorId: body.id });
  });

  it('takes over entries a crashed relay had read but not acknowledged, and adds each job once', async () => {
    const api = await start({ roles: ['api'] });
    const sub = await api.api.post('/v1/subscriptions', {
      url: 'https://hooks.example.com/lifecycle',
      secret: 'outbox-relay-secret-0123',
    });
    expect(sub.status, sub.text).toBe(201);
    const body = registration();
    await api.api.post('/v1/connectors', body);
    const { redis, keys } = api.services;
    const outbox = keys.outbox();
    // Its commit wrote a notification to the outbox. A catalog effect too, as an earlier release
    // did, which left the catalog entry to the relay.
    await leaveCatalogEntryToRelay(api, body.id);
    await redis.xadd(
      outbox,
      '*',
      'effect',
      JSON.stringify({
        id: 'earlier-release-1',
        connectorId: body.id,
        eventId: 'earlier-release',
        occurredAt: new Date().toISOString(),
        effect: { kind: 'catalog' },
        version: 1,
      }),
    );

    // A relay reads the entries, then dies before it adds the jobs or acknowledges them.
    const dead = new Redis(redisUrl());
    await dead.xgroup('CREATE', outbox, 'relay', '0', 'MKSTREAM').catch(() => undefined);
    const read = (await dead.xreadgroup(
      'GROUP',
      'relay',
      'dead-relay',
      'COUNT',
      100,
      'STREAMS',
      outbox,
      '>',
    )) as [string, [string, string[]][]][] | null;
    const readIds = read?.[0]?.[1].map(([id]) => id) ?? [];
    expect(readIds.length).toBe(2);
    await dead.quit();

    const worker = await start({
      roles: ['worker'],
      prefix: api.prefix,
      worker: { relayClaimIdleMs: 200 },
    });
    const queues = worker.services.queues;
    await waitFor(async () => (await api.services.redis.xlen(outbox)) === 0, {
      what: 'claimed and relayed',
    });
    const pending = (await api.services.redis.xpending(outbox, 'relay')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
    // The catalog refresh went to a flush job (kept only until done), the notification to its
    // one delivery. The catalog changed once more, listing the connector again.
    const all = [
      ...(await queues.get('catalog').getJobs(['completed', 'active', 'wait'])),
      ...(await queues.get('notifications').getJobs(['completed', 'active', 'wait'])),
    ];
    expect(all.filter((j) => j.name !== 'flush')).toEqual([]);
    const deliveries = await queues
      .get('deliveries')
      .getJobs(['wait', 'active', 'completed', 'delayed', 'failed']);
    expect(deliveries.map((j: Job) => [j.data.type, j.data.subscriptionId])).toEqual([
      ['connector.registered', sub.body.id],
    ]);
    const doc = await waitFor(
      async () => {
        const res = (await api.api.get('/v1/catalog')).body;
        return res.catalogVersion === 2 ? res : undefined;
      },
      { what: 'catalog refreshed once' },
    );
    expect(doc.connectors.map((c: { id: string }) => c.id)).toEqual([body.id]);
  });

  it('re-adding an outbox entry that was already relayed does not run its job twice', async () => {
    const svc = await start();
    const body = registration();
    await svc.api.post('/v1/connectors', body);
    expect(
      (await svc.api.event(body.id, { type: 'DEPRECATE', reason: 'x', noticeDays: 1 })).status,
    ).toBe(200);
    const timers = svc.services.queues.get('timers');
    const archiveDue = async () =>
      (await timers.getJobs(['delayed', 'wait', 'active', 'completed'])).filter(
        (j: Job) => (j.data as { timer: string }).timer === 'archiveDue',
      );
    const [job] = await waitFor(async () => {
      const jobs = await archiveDue();
      return jobs.length === 1 ? jobs : undefined;
    });
    // The relay crashed after adding the job but before acknowledging: it adds the same id again.
    await svc.services.queues.add([
      { queue: 'timers', name: job!.name, data: job!.data, opts: { jobId: job!.id!, delay: 0 } },
    ]);
    const after = await archiveDue();
    expect(after.map((j: Job) => j.id)).toEqual([job!.id]);
    expect(await after[0]!.isDelayed()).toBe(true);
    expect(after[0]!.data).toEqual(job!.data);
  });

  it('a catalog flush job that crashed after taking connectors refreshes them on its retry', async () => {
    const svc = await start({ roles: ['api'] });
    const body = registration();
    await svc.api.post('/v1/connectors', body);
    const { redis, keys, catalog } = svc.services;
    // An earlier release left the catalog entry to the relay, which marked the connector dirty; a
    // flush job took it, then its process died.
    await leaveCatalogEntryToRelay(svc, body.id);
    await redis.sadd(keys.catalogDirty(), body.id);
    await redis.eval(
      "return redis.call('SMOVE', KEYS[1], KEYS[2], ARGV[1])",
      2,
      keys.catalogDirty(),
      keys.catalogFlushing('flush-crashed'),
      body.id,
    );
    expect((await svc.api.get('/v1/catalog')).body.connectors).toEqual([]);
    // Its retry (same job id) refreshes what it had taken.
    expect(await catalog.flushDirty('flush-crashed')).toBe(2);
    const doc = await waitFor(
      async () => {
        const res = (await svc.api.get('/v1/catalog')).body;
        return res.catalogVersion === 2 ? (res as { connectors: { id: string }[] }) : undefined;
      },
      { what: 'the refreshed catalog' },
    );
    expect(doc.connectors.map((c) => c.id)).toEqual([body.id]);
    expect(await redis.exists(keys.catalogFlushing('flush-crashed'))).toBe(0);
  });

  it('moves poison entries to the dead-letter stream and goes on with the next ones', async () => {
    const svc = await start();
    const redis = svc.services.redis;
    const outbox = svc.services.keys.outbox();
    const envelope = {
      id: 'poison-1',
      connectorId: 'source-poison',
      eventId: 'poison',
      version: 1,
      occurredAt: new Date().toISOString(),
    };
    await redis.xadd(outbox, '*', 'effect', '{this is not JSON');
    await redis.xadd(
      outbox,
      '*',
      'effect',
      JSON.stringify({ ...envelope, effect: { kind: 'teleport' } }),
    );
    await redis.xadd(outbox, '*', 'something', 'else');
    await redis.xadd(
      outbox,
      '*',
      'effect',
      JSON.stringify({ ...envelope, id: 'poison-2', effect: { kind: 'notify', type: 'nope' } }),
    );

    // A normal event after the poison: its effects still happen.
    const body = registration();
    expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    await waitFor(
      async () =>
        (await svc.api.get('/v1/catalog')).body.connectors.some(
          (c: { id: string }) => c.id === body.id,
        ),
      { what: 'the catalog to list the new connector' },
    );
    await waitFor(async () => (await redis.xlen(outbox)) === 0, { what: 'outbox drained' });
    const pending = (await redis.xpending(outbox, 'relay')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);

    const dead = await redis.xrange(svc.services.keys.outboxDeadLetters(), '-', '+');
    const reasons = dead.map(([, fields]) => fields[fields.indexOf('reason') + 1]);
    expect(reasons).toEqual(['unparseable', 'unknown_effect', 'unparseable', 'invalid']);
    const [, first] = dead[0]!;
    expect(first[first.indexOf('effect') + 1]).toBe('{this is not JSON');
    expect(first[first.indexOf('detail') + 1]).toMatch(/not JSON/);
    expect(dead[1]![1][dead[1]![1].indexOf('detail') + 1]).toBe('unknown effect kind "teleport"');

    const metric = await svc.services.metrics.registry.getSingleMetricAsString(
      'lifecycle_outbox_dead_letters_total',
    );
    expect(metric).toContain('lifecycle_outbox_dead_letters_total{reason="unparseable"} 2');
    expect(metric).toContain('lifecycle_outbox_dead_letters_total{reason="unknown_effect"} 1');
    expect(metric).toContain('lifecycle_outbox_dead_letters_total{reason="invalid"} 1');
    const exposed = (await svc.as(null).get('/metrics')).text;
    expect(exposed).toContain('lifecycle_outbox_dead_letter_entries 4');
  });
});
