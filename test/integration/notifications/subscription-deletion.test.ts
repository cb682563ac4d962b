import { describe, expect, test } from 'vitest';
import { MAX_ATTEMPTS_KEPT } from '../../../src/notifications/subscription-store.js';
import { registration, waitFor } from '../../support/harness.js';
import { useWebhookTestbed, waitForAttempts, waitForQuiet } from './helpers.js';
import { register, subscribe } from '../../support/api-helpers.js';

const SECRET = 'deletion-test-secret';

describe('deleting a subscription', () => {
  const bed = useWebhookTestbed({
    env: {
      // the retry is due 2.5 s after the failed attempt: the delete comes first
      LIFECYCLE_WEBHOOK_BACKOFF_MS: '2500',
      LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: '4',
      LIFECYCLE_WEBHOOK_TIMEOUT_MS: '10000',
    },
  });

  /** Whether the subscription's delivery log exists in Redis. */
  async function logExists(subscriptionId: string): Promise<boolean> {
    return (
      (await bed.svc.services.redis.exists(bed.svc.services.keys.deliveries(subscriptionId))) === 1
    );
  }

  test('a retry scheduled before the delete does not POST, and the delivery log goes with it', async () => {
    const rx = (await bed.receiver()).failNext(1, 500);
    const body = registration();
    const id = await subscribe(bed.svc.api, {
      url: rx.url,
      secret: SECRET,
      connectorIds: [body.id],
    });
    await register(bed.svc.api, body);
    const [failed] = await waitForAttempts(bed.svc.api, id, (l) => l.length >= 1, {
      what: 'the first failed attempt',
    });
    expect(failed).toMatchObject({ attempt: 1, outcome: 'retrying', statusCode: 500 });
    expect(await logExists(id)).toBe(true);
    const queue = bed.svc.services.queues.get('deliveries');
    await waitFor(async () => (await queue.getJob(failed!.deliveryId))?.isDelayed(), {
      what: 'the retry to be scheduled',
    });

    expect((await bed.svc.api.delete(`/v1/subscriptions/${id}`)).status).toBe(204);
    expect(await logExists(id)).toBe(false);

    // the retry runs when due (made due now rather than after the backoff) and finds the
    // subscription gone
    await (await queue.getJob(failed!.deliveryId))!.promote();
    await waitForQuiet(bed.svc, 20_000);
    const done = await queue.getJob(failed!.deliveryId);
    expect(await done?.getState()).toBe('completed');
    expect(done?.returnvalue).toEqual({ skipped: 'subscription deleted' });
    expect(rx.requests).toHaveLength(1);
    expect(await logExists(id)).toBe(false);
    expect((await bed.svc.api.get(`/v1/subscriptions/${id}/deliveries`)).status).toBe(404);
  });

  test('an attempt in flight during the delete does not bring the delivery log back', async () => {
    const rx = (await bed.receiver()).hangNext(1);
    const body = registration();
    const id = await subscribe(bed.svc.api, {
      url: rx.url,
      secret: SECRET,
      connectorIds: [body.id],
    });
    await register(bed.svc.api, body);
    await rx.waitForRequest(() => true, { what: 'the attempt to reach the receiver' });

    expect((await bed.svc.api.delete(`/v1/subscriptions/${id}`)).status).toBe(204);
    rx.release(200);
    await waitForQuiet(bed.svc, 20_000);
    expect(await logExists(id)).toBe(false);
    expect(rx.requests).toHaveLength(1);
  });

  test(`a delivery log keeps the newest ${MAX_ATTEMPTS_KEPT} attempts`, async () => {
    const rx = await bed.receiver();
    const sub = await bed.svc.services.subscriptions.create({
      owner: 'log-owner',
      url: rx.url,
      secret: SECRET,
      events: null,
      connectorIds: ['source-never-registered'],
    });
    const total = MAX_ATTEMPTS_KEPT + 5;
    for (let i = 1; i <= total; i++) {
      await bed.svc.services.subscriptions.recordAttempt(sub.id, {
        deliveryId: `d${i}`,
        eventId: `e${i}`,
        eventType: 'connector.registered',
        connectorId: 'source-x',
        attempt: 1,
        maxAttempts: 1,
        at: new Date().toISOString(),
        durationMs: 1,
        statusCode: 200,
        error: null,
        outcome: 'delivered',
        nextRetryAt: null,
      });
    }
    const kept = await bed.svc.services.subscriptions.attempts(sub.id);
    expect(kept).toHaveLength(MAX_ATTEMPTS_KEPT);
    expect(kept[0]!.deliveryId).toBe('d6');
    expect(kept.at(-1)!.deliveryId).toBe(`d${total}`);
  });
});
