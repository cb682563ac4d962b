import { Webhook } from 'standardwebhooks';
import { describe, expect, test, vi } from 'vitest';
import { registration } from '../../support/harness.js';
import { expectedSignature, type ReceivedRequest } from './webhook-receiver.js';
import { register, subscribe } from '../../support/api-helpers.js';
import { useWebhookTestbed } from './helpers.js';

/** The request's headers as the library takes them (one string per name). */
function headersOf(request: ReceivedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/** Runs `fn` with the clock (Date only) set to `at`: the library reads Date.now(). */
function at<T>(epochMs: number, fn: () => T): T {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(epochMs);
  try {
    return fn();
  } finally {
    vi.useRealTimers();
  }
}

describe('Standard Webhooks headers (verified with the standardwebhooks library)', () => {
  const bed = useWebhookTestbed({
    env: { LIFECYCLE_WEBHOOK_BACKOFF_MS: '1500', LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: '3' },
  });

  test('a real delivery verifies; a replay with an old timestamp, another secret or another body does not', async () => {
    const rx = await bed.receiver();
    const secret = 'standard-webhooks-secret';
    const body = registration();
    await subscribe(bed.svc.api, { url: rx.url, secret, connectorIds: [body.id] });
    const before = Date.now();
    await register(bed.svc.api, body);
    const { event, request } = await rx.waitForEvent((e) => e.connectorId === body.id);
    const headers = headersOf(request);

    expect(headers['webhook-id']).toBe(event.id);
    expect(headers['webhook-id']).toBe(headers['x-lifecycle-event-id']);
    const timestamp = Number(headers['webhook-timestamp']);
    expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(timestamp).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(timestamp).toBeLessThanOrEqual(Math.ceil(request.receivedAt / 1000));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    // the existing signature is still there
    expect(headers['x-lifecycle-signature']).toBe(expectedSignature(secret, request.rawBody));

    const wh = new Webhook(secret, { format: 'raw' });
    expect(wh.verify(request.rawBody, headers)).toEqual(event);

    // the same request replayed six minutes later is refused (the libraries allow five)
    expect(() =>
      at(timestamp * 1000 + 6 * 60_000, () => wh.verify(request.rawBody, headers)),
    ).toThrow(/timestamp too old/);
    // ... while four minutes later it still passes: the timestamp is what decides
    expect(at(timestamp * 1000 + 4 * 60_000, () => wh.verify(request.rawBody, headers))).toEqual(
      event,
    );
    expect(() =>
      new Webhook('another-secret', { format: 'raw' }).verify(request.rawBody, headers),
    ).toThrow(/No matching signature/);
    expect(() => wh.verify(request.rawBody.replace(body.id, 'source-forged'), headers)).toThrow(
      /No matching signature/,
    );
    // a signature moved to another timestamp does not verify
    expect(() =>
      wh.verify(request.rawBody, { ...headers, 'webhook-timestamp': String(timestamp - 1) }),
    ).toThrow(/No matching signature/);
  });

  test('the key is the UTF-8 bytes of the secret', async () => {
    const rx = await bed.receiver();
    const secret = 'sécret-ключ-🔑';
    const body = registration();
    await subscribe(bed.svc.api, { url: rx.url, secret, connectorIds: [body.id] });
    await register(bed.svc.api, body);
    const { event, request } = await rx.waitForEvent((e) => e.connectorId === body.id);
    const wh = new Webhook(new TextEncoder().encode(secret), { format: 'raw' });
    expect(wh.verify(request.rawBody, headersOf(request))).toEqual(event);
  });

  test('every attempt carries its own timestamp and verifies', async () => {
    const rx = (await bed.receiver()).failNext(1, 503);
    const secret = 'retry-secret';
    const body = registration();
    await subscribe(bed.svc.api, { url: rx.url, secret, connectorIds: [body.id] });
    await register(bed.svc.api, body);
    await rx.waitForEvent((e) => e.connectorId === body.id, {
      timeoutMs: 20_000,
      what: 'the retried delivery',
    });
    const [first, second] = rx.requests.map(headersOf);
    expect(rx.requests).toHaveLength(2);
    expect(first!['webhook-id']).toBe(second!['webhook-id']);
    // the retry came at least 1.5 s later: its timestamp is a later second
    expect(Number(second!['webhook-timestamp'])).toBeGreaterThan(
      Number(first!['webhook-timestamp']),
    );
    expect(second!['webhook-signature']).not.toBe(first!['webhook-signature']);
    const wh = new Webhook(secret, { format: 'raw' });
    for (const [i, request] of rx.requests.entries()) {
      expect(wh.verify(request.rawBody, headersOf(request)), `attempt ${i + 1}`).toMatchObject({
        connectorId: body.id,
      });
    }
  });
});
