import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  ApiClient,
  deletePrefix,
  registration,
  uniquePrefix,
  waitFor,
} from '../../support/harness.js';
import { spawnService, type ServiceProcess } from '../../support/service-process.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';

/**
 * Two API processes and two worker processes share one Redis. Events go through both APIs at once;
 * every effect runs once and no update is lost.
 */
describe('scale-out: 2 API + 2 worker processes on one Redis', () => {
  const prefix = uniquePrefix();
  const processes: ServiceProcess[] = [];
  let apis: ApiClient[] = [];
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const started = await Promise.all([
      spawnService(prefix, { roles: ['api'] }),
      spawnService(prefix, { roles: ['api'] }),
      spawnService(prefix, { roles: ['worker'] }),
      spawnService(prefix, { roles: ['worker'] }),
    ]);
    processes.push(...started);
    apis = started.slice(0, 2).map((p) => new ApiClient(p.url!, ADMIN_TOKEN));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await receiver.close();
    await deletePrefix(prefix);
  });

  it('runs every effect once and loses no update', async () => {
    const [a, b] = apis as [ApiClient, ApiClient];
    expect((await a.post('/v1/subscriptions', { url: receiver.url, secret: 'scale' })).status).toBe(
      201,
    );
    const connectors = Array.from({ length: 12 }, () => registration());
    await Promise.all(connectors.map((c, i) => (i % 2 ? a : b).post('/v1/connectors', c)));
    const releases = 8;

    // Each connector gets its releases in order, alternating between the two API processes;
    // all connectors at once.
    await Promise.all(
      connectors.map(async (c) => {
        for (let r = 1; r <= releases; r++) {
          const api = r % 2 ? a : b;
          const res = await api.event(c.id, {
            type: 'PUBLISH_RELEASE',
            dockerImageTag: `1.0.${r}`,
          });
          expect(res.status).toBe(200);
        }
      }),
    );

    // Conflicting writes through both APIs at once with the same If-Match: exactly one wins.
    const conflicts = await Promise.all(
      connectors.map(async (c) => {
        const etag = `"v${1 + releases}"`;
        const [x, y] = await Promise.all([
          a.event(c.id, { type: 'PUBLISH_RELEASE', dockerImageTag: '2.0.0' }, { 'if-match': etag }),
          b.event(
            c.id,
            { type: 'DEPRECATE', reason: 'race', noticeDays: 30 },
            { 'if-match': etag },
          ),
        ]);
        return [x.status, y.status].sort();
      }),
    );
    for (const statuses of conflicts) {
      expect(statuses[0]).toBe(200);
      expect([409, 412]).toContain(statuses[1]);
    }

    // No lost update: every accepted event is in the history, in order, versions without gaps.
    for (const c of connectors) {
      const history = (await a.get(`/v1/connectors/${c.id}/history`)).body.items;
      expect(history).toHaveLength(releases + 2);
      expect(history.map((h: { version: number }) => h.version)).toEqual(
        Array.from({ length: releases + 2 }, (_, i) => i + 1),
      );
      expect((await b.get(`/v1/connectors/${c.id}`)).body.version).toBe(releases + 2);
    }

    // Every notification arrives exactly once: registered + releases + the race winner.
    const expected = connectors.length * (1 + releases + 1);
    await waitFor(() => receiver.requests.length >= expected, {
      timeoutMs: 20_000,
      what: `${expected} webhook deliveries`,
    });
    const ids = receiver.requests.map((r) => r.body.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(expected);

    // The catalog shows every connector's last state, refreshed once per change.
    const catalog = await waitFor(async () => {
      const doc = (await b.get('/v1/catalog')).body;
      const done = connectors.every((c) => {
        const entry = doc.connectors.find((e: { id: string }) => e.id === c.id);
        return entry && entry.version === releases + 2;
      });
      return done ? doc : undefined;
    });
    expect(catalog.connectors).toHaveLength(connectors.length);
  }, 180_000);
});
