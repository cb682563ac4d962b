import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentChangeError } from '../../../src/errors.js';
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
    // The winner's effect is relayed into its queue; the loser's never exists anywhere.
    const [winnerId, loserId] =
      results[0].status === 'fulfilled' ? ['e-a-0', 'e-b-0'] : ['e-b-0', 'e-a-0'];
    const catalogQueue = svc.services.queues.get('catalog');
    await waitFor(async () => (await catalogQueue.getJob(winnerId)) !== undefined, {
      what: 'winner job',
    });
    expect(await catalogQueue.getJob(loserId)).toBeUndefined();
    const entries = await svc.services.redis.xrange(svc.services.keys.outbox(), '-', '+');
    expect(entries.map(([, f]) => f.join(' ')).join('\n')).not.toContain(loserId);
  });
});
