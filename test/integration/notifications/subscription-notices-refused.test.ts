import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionIndex } from '../../../src/notifications/subscription-index.js';
import { SubscriptionStore } from '../../../src/notifications/subscription-store.js';
import { Keys } from '../../../src/store/keys.js';
import { register, subscribe } from '../../support/api-helpers.js';
import { redisUrl, registration, startTestService, uniquePrefix } from '../../support/harness.js';
import { WebhookReceiver } from './webhook-receiver.js';
import { storeInput } from './helpers.js';

/**
 * A Redis user whose ACL grants the service's keys but no Pub/Sub channel: Redis 7's default for a
 * new user (`acl-pubsub-default resetchannels`), common on managed Redis. The change notices of
 * the subscriptions are refused there; subscriptions must still be created and deleted whole, and
 * worker processes must start and fall back to checking the subscriptions' version.
 */
describe('a Redis user without channels (no change notices)', () => {
  const prefix = uniquePrefix();
  const keys = new Keys(prefix);
  const user = `lifecycle-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const opened: Redis[] = [];
  let admin: Redis;
  let restrictedUrl: string;

  const connect = (url: string) => {
    const redis = new Redis(url, { lazyConnect: true });
    opened.push(redis);
    return redis;
  };
  const input = (owner: string) => storeInput(owner, 'refused-test-secret');

  beforeAll(async () => {
    admin = connect(redisUrl());
    await admin.call(
      'ACL',
      'SETUSER',
      user,
      'reset',
      'on',
      `>${password}`,
      `~${prefix}:*`,
      `~${prefix}-bull:*`,
      'resetchannels',
      '+@all',
    );
    const url = new URL(redisUrl());
    url.username = user;
    url.password = password;
    restrictedUrl = url.toString();
  });
  afterAll(async () => {
    await Promise.all(opened.map((r) => r.quit().catch(() => r.disconnect())));
    const cleanup = new Redis(redisUrl());
    await cleanup.call('ACL', 'DELUSER', user);
    await cleanup.quit();
  });

  it('creates and deletes a subscription whole, each in one step', async () => {
    const store = new SubscriptionStore(connect(restrictedUrl), keys, 25);
    // the notice is refused here, as a subscriber of this user would be
    await expect(connect(restrictedUrl).publish(keys.subscriptionsChanged(), 'x')).rejects.toThrow(
      /NOPERM/,
    );
    const before = Number(await store.version());

    const created = await store.create(input('owner-a'));
    expect(await store.get(created.id)).toEqual(created);
    expect(Number(await store.version())).toBe(before + 1);

    await admin.rpush(keys.deliveries(created.id), '{"attempt":1}');
    await store.remove(created.id);
    expect(await store.get(created.id)).toBeNull();
    expect(await admin.exists(keys.deliveries(created.id))).toBe(0);
    expect(Number(await store.version())).toBe(before + 2);
  });

  it('leaves the index unwatched: every lookup checks the version and finds a delete at once', async () => {
    const store = new SubscriptionStore(connect(restrictedUrl), keys, 25);
    const reads = { version: 0 };
    const index = new SubscriptionIndex(
      {
        version: () => {
          reads.version += 1;
          return store.version();
        },
        all: () => store.all(),
      },
      // nothing but the version check may make it look again: no time passes for it
      { maxAgeMs: 3_600_000, now: () => 0 },
    );
    expect(await index.watch(connect(restrictedUrl), keys.subscriptionsChanged())).toBe(false);

    const doomed = await store.create(input('owner-b'));
    expect(await index.get(doomed.id)).toEqual(doomed);
    expect(await index.get(doomed.id)).toEqual(doomed);
    expect(reads.version).toBe(2);
    await store.remove(doomed.id);
    expect(await index.get(doomed.id)).toBeNull();
    expect(reads.version).toBe(3);
  });

  it('starts the service, says why, and delivers to a subscription until it is deleted', async () => {
    const logLines: string[] = [];
    const receiver = await WebhookReceiver.start();
    const svc = await startTestService({ env: { REDIS_URL: restrictedUrl }, prefix, logLines });
    try {
      const warnings = logLines
        .map((line) => JSON.parse(line) as { level: number; msg: string; channel?: string })
        .filter((entry) => entry.level === 40 && /refuses SUBSCRIBE/.test(entry.msg));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.channel).toBe(keys.subscriptionsChanged());

      const body = registration();
      const id = await subscribe(svc.api, {
        url: receiver.url,
        secret: 'refused-test-secret',
        connectorIds: [body.id],
      });
      await register(svc.api, body);
      const { event } = await receiver.waitForEvent((e) => e.connectorId === body.id, {
        what: 'the webhook of the registration',
      });
      expect(event.type).toBe('connector.registered');

      expect((await svc.api.delete(`/v1/subscriptions/${id}`)).status).toBe(204);
      expect((await svc.api.get(`/v1/subscriptions/${id}`)).status).toBe(404);
    } finally {
      await svc.cleanup();
      await receiver.close();
    }
  });
});
