import { describe, expect, test } from 'vitest';
import { registration, waitFor } from '../../support/harness.js';
import { deliveries, useWebhookTestbed, waitForAttempts } from './helpers.js';
import { expectedSignature, WebhookReceiver } from './webhook-receiver.js';
import { register, subscribe } from '../../support/api-helpers.js';

const BACKOFF_MS = 100;
const MAX_ATTEMPTS = 4;
const TIMEOUT_MS = 300;

describe('webhook retries, dead letters and timeouts', () => {
  const bed = useWebhookTestbed({
    env: {
      LIFECYCLE_WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
      LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      LIFECYCLE_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    },
  });

  test('a receiver that fails twice then recovers gets the event on the third attempt', async () => {
    const rx = (await bed.receiver()).failNext(2, 500);
    const body = registration();
    const secret = 'retry-secret';
    const subId = await subscribe(bed.svc.api, {
      url: rx.url,
      secret,
      connectorIds: [body.id],
      events: ['connector.registered'],
    });
    await register(bed.svc.api, body);

    const { event } = await rx.waitForEvent((e) => e.type === 'connector.registered');
    const attempts = await waitForAttempts(bed.svc.api, subId, (l) => l.length >= 3, {
      what: 'three attempts',
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'delivered']);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(attempts.every((a) => a.eventId === event.id)).toBe(true);
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
    expect(attempts[0]!.error).toMatch(/500/);
    expect(attempts[0]!.nextRetryAt).not.toBeNull();
    expect(attempts[2]!.error).toBeNull();
    expect(attempts[2]!.nextRetryAt).toBeNull();

    // the receiver saw the same event, byte for byte and with the same id, three times
    expect(rx.requests).toHaveLength(3);
    expect(rx.requests.map((r) => r.answeredStatus)).toEqual([500, 500, 200]);
    expect(new Set(rx.requests.map((r) => r.rawBody)).size).toBe(1);
    for (const r of rx.requests) {
      expect(r.headers['x-lifecycle-event-id']).toBe(event.id);
      expect(r.headers['x-lifecycle-signature']).toBe(expectedSignature(secret, r.rawBody));
    }
    // exponential backoff: the second retry waits at least twice the first delay
    const [first, second, third] = rx.requests.map((r) => r.receivedAt) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(BACKOFF_MS - 5);
    expect(third - second).toBeGreaterThanOrEqual(2 * BACKOFF_MS - 5);
  });

  test('a receiver that never recovers: 4 attempts, the last dead-lettered', async () => {
    const rx = (await bed.receiver()).alwaysFail(503);
    const body = registration();
    const subId = await subscribe(bed.svc.api, {
      url: rx.url,
      secret: 'dead-secret',
      connectorIds: [body.id],
      events: ['connector.registered'],
    });
    await register(bed.svc.api, body);

    const attempts = await waitForAttempts(
      bed.svc.api,
      subId,
      (l) => l.some((a) => a.outcome === 'dead_lettered'),
      { what: 'the delivery to be dead-lettered' },
    );
    expect(attempts.map((a) => a.outcome)).toEqual([
      'retrying',
      'retrying',
      'retrying',
      'dead_lettered',
    ]);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(attempts.every((a) => a.maxAttempts === MAX_ATTEMPTS)).toBe(true);
    expect(attempts.every((a) => a.statusCode === 503)).toBe(true);
    expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
    expect(attempts[3]!.nextRetryAt).toBeNull();
    expect(attempts[3]!.error).toMatch(/503/);

    // dead-lettered is final: the job has failed for good and nothing more goes out
    const job = await bed.svc.services.queues.get('deliveries').getJob(attempts[3]!.deliveryId);
    expect(job).toBeTruthy();
    await waitFor(async () => (await job!.getState()) === 'failed', {
      what: 'the delivery job to fail for good',
    });
    expect(rx.requests).toHaveLength(MAX_ATTEMPTS);
    expect(new Set(rx.requests.map((r) => r.headers['x-lifecycle-event-id'])).size).toBe(1);
    expect(await deliveries(bed.svc.api, subId)).toHaveLength(MAX_ATTEMPTS);
  });

  test('a receiver that hangs past the timeout is recorded as a timeout, then retried', async () => {
    const rx = (await bed.receiver()).hangNext(1);
    const body = registration();
    const subId = await subscribe(bed.svc.api, {
      url: rx.url,
      secret: 'slow-secret',
      connectorIds: [body.id],
      events: ['connector.registered'],
    });
    await register(bed.svc.api, body);

    const { event } = await rx.waitForEvent((e) => e.type === 'connector.registered');
    const attempts = await waitForAttempts(bed.svc.api, subId, (l) => l.length >= 2, {
      what: 'two attempts',
    });
    expect(attempts.map((a) => a.outcome)).toEqual(['retrying', 'delivered']);
    const timedOut = attempts[0]!;
    expect(timedOut.statusCode).toBeNull();
    expect(timedOut.error).toMatch(/time/i);
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(timedOut.durationMs).toBeLessThan(TIMEOUT_MS + 5_000);
    expect(attempts[1]!.eventId).toBe(event.id);
    expect(timedOut.eventId).toBe(event.id);
    // the service gave up on the hanging request
    expect(rx.requests[0]!.behaviour).toBe('hang');
    expect(rx.requests[0]!.answeredStatus).toBeNull();
    expect(rx.openRequests).toBe(0);
  });
});

describe('one slow or dead receiver does not delay the others', () => {
  const bed = useWebhookTestbed({
    env: {
      LIFECYCLE_WEBHOOK_BACKOFF_MS: String(BACKOFF_MS),
      LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      // long enough that a hanging receiver is still hanging when the healthy one is checked
      LIFECYCLE_WEBHOOK_TIMEOUT_MS: '15000',
    },
  });

  test('the healthy receiver gets every event while the others hang or fail', async () => {
    const [healthy, hanging, failing] = await Promise.all([
      WebhookReceiver.start(),
      WebhookReceiver.start(),
      WebhookReceiver.start(),
    ]);
    bed.keep(healthy, hanging, failing);
    hanging.alwaysHang();
    failing.alwaysFail(500);
    const body = registration();
    const filter = { connectorIds: [body.id] };
    // the slow ones subscribe first, so their deliveries are queued ahead of the healthy one's
    const hangingSub = await subscribe(bed.svc.api, { url: hanging.url, secret: 'h', ...filter });
    const failingSub = await subscribe(bed.svc.api, { url: failing.url, secret: 'f', ...filter });
    const healthySub = await subscribe(bed.svc.api, { url: healthy.url, secret: 'ok', ...filter });

    await register(bed.svc.api, body);
    await healthy.waitForEvent((e) => e.type === 'connector.registered');
    const dep = await bed.svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'old',
      noticeDays: 30,
    });
    expect(dep.status, dep.text).toBe(200);
    await healthy.waitForEvent((e) => e.type === 'connector.deprecated');
    const cancel = await bed.svc.api.event(body.id, { type: 'CANCEL_DEPRECATION', reason: 'back' });
    expect(cancel.status, cancel.text).toBe(200);
    const last = await healthy.waitForEvent((e) => e.type === 'connector.deprecation_cancelled');

    // all three events reached the healthy receiver while the hanging one was still hanging
    await waitFor(() => hanging.openRequests === 3, { what: 'three hanging requests' });
    expect(hanging.requests.every((r) => r.endedAt === null)).toBe(true);
    expect(hanging.requests[0]!.receivedAt).toBeLessThan(last.request.receivedAt);
    expect(await deliveries(bed.svc.api, hangingSub)).toEqual([]);
    expect(healthy.requests.map((r) => r.body.type)).toEqual(
      expect.arrayContaining([
        'connector.registered',
        'connector.deprecated',
        'connector.deprecation_cancelled',
      ]),
    );
    expect(healthy.requests).toHaveLength(3);
    const healthyAttempts = await waitForAttempts(bed.svc.api, healthySub, (l) => l.length >= 3);
    expect(healthyAttempts.every((a) => a.outcome === 'delivered' && a.attempt === 1)).toBe(true);

    // the failing one goes on retrying and is dead-lettered on its own schedule
    const failed = await waitForAttempts(
      bed.svc.api,
      failingSub,
      (l) => l.filter((a) => a.outcome === 'dead_lettered').length === 3,
      { what: 'three dead letters' },
    );
    expect(failed).toHaveLength(3 * MAX_ATTEMPTS);

    // once the slow receiver answers, its deliveries succeed on their first attempt
    hanging.alwaysSucceed();
    hanging.release(200);
    const slow = await waitForAttempts(bed.svc.api, hangingSub, (l) => l.length >= 3);
    expect(slow.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'delivered'],
      [1, 'delivered'],
      [1, 'delivered'],
    ]);
  });
});
