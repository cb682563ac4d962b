import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentChangeError } from '../../../src/errors.js';
import { queuedAcceptanceRun } from '../../../src/store/records.js';
import {
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';

describe('compare-and-set on version', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => {
    await svc.cleanup();
  });

  it('two concurrent events on one connector: one wins, the other gets 409 and changes nothing', async () => {
    for (let round = 0; round < 10; round++) {
      const body = registration();
      expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
      // Two events that exclude each other whatever the order: after either DEPRECATE the other is
      // not allowed (community.deprecated), so exactly one can commit, never both.
      const [a, b] = await Promise.all([
        svc.api.event(body.id, { type: 'DEPRECATE', reason: 'first', noticeDays: 5 }),
        svc.api.event(body.id, { type: 'DEPRECATE', reason: 'second', noticeDays: 5 }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.headers.get('content-type')).toContain('application/problem+json');
      const history = (await svc.api.get(`/v1/connectors/${body.id}/history`)).body.items;
      expect(history).toHaveLength(2);
      const connector = (await svc.api.get(`/v1/connectors/${body.id}`)).body;
      expect(connector.version).toBe(2);
      expect(history[1].type).toBe('DEPRECATE');
      expect(history[1].payload.reason).toBe(a.status === 200 ? 'first' : 'second');
    }
  });

  it('a commit against a stale version is refused and writes nothing (no history, no outbox)', async () => {
    const body = registration();
    await svc.api.post('/v1/connectors', body);
    const store = svc.services.store;
    const current = await store.require(body.id);
    const attempt = (reason: string) =>
      store.commit({
        expectedVersion: current.version,
        previous: current,
        next: { ...current, updatedAt: new Date().toISOString() },
        history: {
          eventId: `e-${reason}`,
          type: 'ARCHIVE',
          actor: 'test',
          at: new Date().toISOString(),
          from: current.state,
          to: 'archived.idle',
          payload: { reason },
        },
        outbox: [
          {
            id: `e-${reason}-0`,
            connectorId: body.id,
            eventId: `e-${reason}`,
            occurredAt: new Date().toISOString(),
            effect: { kind: 'catalog' },
          },
        ],
        runs: [],
      });
    const results = await Promise.allSettled([attempt('a'), attempt('b')]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(ConcurrentChangeError);
    expect(await store.history(body.id)).toHaveLength(2);
    // The winner's effect is relayed (the catalog shows its version); the loser's never exists.
    const loserId = results[0].status === 'fulfilled' ? 'e-b-0' : 'e-a-0';
    await waitFor(
      async () =>
        (await svc.api.get('/v1/catalog')).body.connectors.some(
          (c: { id: string; version?: number }) => c.id === body.id,
        ) && (await svc.services.redis.xlen(svc.services.keys.outbox())) === 0,
      { what: 'the winner relayed' },
    );
    const entries = await svc.services.redis.xrange(svc.services.keys.outbox(), '-', '+');
    expect(entries.map(([, f]) => f.join(' ')).join('\n')).not.toContain(loserId);
  });

  it('a commit whose guard key moved is refused and writes nothing; run records stay final', async () => {
    const body = registration();
    await svc.api.post('/v1/connectors', body);
    const { store, usage, keys } = svc.services;
    const current = await store.require(body.id);
    const stamp = await usage.stamp(body.id);
    // A usage report lands after the stamp was read.
    await usage.upsert([
      { connectorId: body.id, date: '2030-01-01', activeConnections: 5, syncs: 1 },
    ]);
    expect(await usage.stamp(body.id)).not.toBe(stamp);
    const at = new Date().toISOString();
    const commit = (value: string) =>
      store.commit({
        expectedVersion: current.version,
        previous: current,
        next: { ...current, updatedAt: at },
        history: {
          eventId: `guarded-${value}`,
          type: 'DEPRECATE',
          actor: 'test',
          at,
          from: current.state,
          to: current.state,
          payload: {},
        },
        outbox: [],
        runs: [],
        guard: { key: keys.usageStamp(body.id), value },
      });
    const refused = await commit(stamp).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ConcurrentChangeError);
    expect((refused as ConcurrentChangeError).details).toMatchObject({ guard: true });
    expect((await store.require(body.id)).version).toBe(current.version);
    expect(await store.history(body.id)).toHaveLength(1);
    expect(await commit(await usage.stamp(body.id))).toBe(current.version + 1);

    // Run records: once final, never overwritten.
    const run = queuedAcceptanceRun({
      id: 'run-x',
      connectorId: body.id,
      eventId: 'x',
      eventType: 'REQUEST_CERTIFICATION',
      purpose: 'certification',
      image: 'airbyte/x:1.0.0',
      queuedAt: at,
    });
    expect(await store.saveRun({ ...run, status: 'running' })).toMatchObject({ status: 'running' });
    const passed = { ...run, status: 'passed' as const, outcome: 'passed' as const };
    expect(await store.saveRun(passed)).toEqual(passed);
    const late = { ...run, status: 'failed' as const, outcome: 'failed' as const };
    expect(await store.saveRun(late)).toEqual(passed);
    expect(await store.saveRun({ ...run, status: 'running' })).toEqual(passed);
    expect(await store.getRun(body.id, 'run-x')).toEqual(passed);
  });
});
