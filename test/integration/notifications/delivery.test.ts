import { describe, expect, test } from 'vitest';
import { ACCEPTANCE_SCRIPT, registration } from '../../support/harness.js';
import {
  certify,
  deliveries,
  useWebhookTestbed,
  waitForAttempts,
  waitForQuiet,
} from './helpers.js';
import { expectedSignature, startReceivers } from './webhook-receiver.js';
import { register, subscribe } from '../../support/api-helpers.js';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('webhook delivery', () => {
  const bed = useWebhookTestbed({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });

  test('registering a connector delivers a signed connector.registered', async () => {
    const rx = await bed.receiver();
    const secret = 's3cret-registered';
    const body = registration();
    await subscribe(bed.svc.api, { url: rx.url, secret, connectorIds: [body.id] });
    const before = Date.now();
    await register(bed.svc.api, body);

    const { event, request } = await rx.waitForEvent((e) => e.type === 'connector.registered');
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hook');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(event).sort()).toEqual(['connectorId', 'data', 'id', 'occurredAt', 'type']);
    expect(event.type).toBe('connector.registered');
    expect(event.connectorId).toBe(body.id);
    expect(typeof event.id).toBe('string');
    expect(event.id.length).toBeGreaterThan(0);
    expect(event.occurredAt).toMatch(ISO_TIMESTAMP);
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(request.receivedAt + 1000);
    expect(event.data).toMatchObject({ supportLevel: 'community', status: 'active' });

    // headers: the event id, and the HMAC of the exact bytes received
    expect(request.headers['x-lifecycle-event-id']).toBe(event.id);
    expect(request.headers['x-lifecycle-signature']).toBe(
      expectedSignature(secret, request.rawBody),
    );
    expect(request.headers['x-lifecycle-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(request.headers['x-lifecycle-signature']).not.toBe(
      expectedSignature('another-secret', request.rawBody),
    );
  });

  test('two subscriptions get the same event id for one event, each signed with its secret', async () => {
    const [a, b] = await startReceivers(2);
    bed.keep(a!, b!);
    const body = registration();
    const subA = await subscribe(bed.svc.api, {
      url: a!.url,
      secret: 'secret-a',
      connectorIds: [body.id],
    });
    const subB = await subscribe(bed.svc.api, {
      url: b!.url,
      secret: 'secret-b',
      connectorIds: [body.id],
    });
    expect(subA).not.toBe(subB);
    await register(bed.svc.api, body);

    const [ra, rb] = await Promise.all([
      a!.waitForEvent((e) => e.type === 'connector.registered'),
      b!.waitForEvent((e) => e.type === 'connector.registered'),
    ]);
    expect(ra.event.id).toBe(rb.event.id);
    expect(ra.request.headers['x-lifecycle-event-id']).toBe(
      rb.request.headers['x-lifecycle-event-id'],
    );
    expect(ra.event).toEqual(rb.event);
    expect(ra.request.headers['x-lifecycle-signature']).toBe(
      expectedSignature('secret-a', ra.request.rawBody),
    );
    expect(rb.request.headers['x-lifecycle-signature']).toBe(
      expectedSignature('secret-b', rb.request.rawBody),
    );
    expect(ra.request.headers['x-lifecycle-signature']).not.toBe(
      rb.request.headers['x-lifecycle-signature'],
    );
  });

  test('certification: data carries supportLevel and status; the deliveries endpoint shows them delivered', async () => {
    const rx = await bed.receiver();
    const secret = 'certification-secret';
    const body = registration();
    const subId = await subscribe(bed.svc.api, { url: rx.url, secret, connectorIds: [body.id] });
    await certify(bed.svc.api, body);

    const started = await rx.waitForEvent((e) => e.type === 'connector.certification_started');
    expect(started.event.data).toMatchObject({ supportLevel: 'community', status: 'certifying' });
    const certified = await rx.waitForEvent((e) => e.type === 'connector.certified', {
      timeoutMs: 15_000,
    });
    expect(certified.event.connectorId).toBe(body.id);
    expect(certified.event.data).toMatchObject({
      supportLevel: 'certified',
      status: 'active',
      state: 'certified.active',
      name: body.name,
    });
    expect(certified.request.headers['x-lifecycle-signature']).toBe(
      expectedSignature(secret, certified.request.rawBody),
    );

    const registered = await rx.waitForEvent((e) => e.type === 'connector.registered');
    const ids = [registered.event.id, started.event.id, certified.event.id];
    expect(new Set(ids).size).toBe(3);

    await waitForAttempts(bed.svc.api, subId, (list) => list.length >= 3, {
      what: 'three deliveries',
    });
    await waitForQuiet(bed.svc);
    const all = await deliveries(bed.svc.api, subId);
    expect(all).toHaveLength(3);
    for (const attempt of all) {
      expect(attempt).toMatchObject({
        connectorId: body.id,
        attempt: 1,
        statusCode: 200,
        error: null,
        outcome: 'delivered',
        nextRetryAt: null,
      });
      expect(attempt.at).toMatch(ISO_TIMESTAMP);
    }
    const byType = Object.fromEntries(all.map((a) => [a.eventType, a.eventId]));
    expect(byType).toEqual({
      'connector.registered': registered.event.id,
      'connector.certification_started': started.event.id,
      'connector.certified': certified.event.id,
    });
    // a healthy receiver gets each event exactly once
    expect(rx.requests.map((r) => r.body.id).sort()).toEqual([...ids].sort());
  });

  test('a deleted subscription receives nothing', async () => {
    const [gone, kept] = await startReceivers(2);
    bed.keep(gone!, kept!);
    const body = registration();
    const goneId = await subscribe(bed.svc.api, {
      url: gone!.url,
      secret: 'x',
      connectorIds: [body.id],
    });
    await subscribe(bed.svc.api, { url: kept!.url, secret: 'y', connectorIds: [body.id] });
    expect((await bed.svc.api.delete(`/v1/subscriptions/${goneId}`)).status).toBe(204);
    await register(bed.svc.api, body);

    await kept!.waitForEvent((e) => e.type === 'connector.registered');
    await waitForQuiet(bed.svc);
    expect(gone!.requests).toEqual([]);
  });
});
