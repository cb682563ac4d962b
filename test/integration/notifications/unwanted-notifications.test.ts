import { afterEach, describe, expect, it, vi } from 'vitest';
import { registration, startTestService, type TestService } from '../../support/harness.js';

/**
 * A commit leaves out of its outbox a notification that no subscription wants, as the process's
 * subscription index tells it, only if the subscriptions' version is still the one the index
 * answered for (checked in the commit's own step): an index that is behind costs a relay hop, never
 * a notification.
 */
describe('a notification no subscription wants', () => {
  let svc: TestService | undefined;
  afterEach(async () => {
    await svc?.cleanup();
    svc = undefined;
  });

  it('is left out of the outbox only while the subscriptions are as the index saw them', async () => {
    // API only: what the commits write stays in the outbox.
    svc = await startTestService({ roles: ['api'] });
    const { redis, keys, subscriptionIndex: index } = svc.services;
    const outbox = async () =>
      (await redis.xrange(keys.outbox(), '-', '+')).map(([, fields]) => {
        const entry = JSON.parse(fields[1]!) as { effect: { kind: string; type?: string } };
        return `${entry.effect.kind}:${entry.effect.type} @${fields[3]}`;
      });
    const release = async (id: string, tag: string) =>
      expect(
        (await svc!.api.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: tag })).status,
      ).toBe(200);
    await index.current();
    const body = registration();
    expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    await release(body.id, '1.0.1');
    expect(await outbox()).toEqual([]);

    // A subscription to another connector, that the index has not seen when the next event commits
    // (it answers as of version 0): the version moved, so the notification is written.
    const other = await svc.api.post('/v1/subscriptions', {
      url: 'https://hooks.example.com/other',
      secret: 'unwanted-notifications-secret',
      connectorIds: ['source-other'],
    });
    expect(other.status, other.text).toBe(201);
    const stale = vi.spyOn(index, 'unmatchedAt').mockReturnValue(0);
    try {
      await release(body.id, '1.0.2');
      expect(stale).toHaveBeenCalled();
    } finally {
      stale.mockRestore();
    }
    expect(await outbox()).toEqual(['notify:connector.release_published @1']);

    // Once the index has it, a notification that subscription does not want is left out again.
    await index.current(1);
    await release(body.id, '1.0.3');
    expect(await outbox()).toHaveLength(1);

    // A subscription that wants it: written.
    const all = await svc.api.post('/v1/subscriptions', {
      url: 'https://hooks.example.com/all',
      secret: 'unwanted-notifications-secret',
    });
    expect(all.status, all.text).toBe(201);
    await index.current(2);
    await release(body.id, '1.0.4');
    expect((await outbox()).slice(1)).toEqual(['notify:connector.release_published @2']);
  });
});
