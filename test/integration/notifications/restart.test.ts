import { afterAll, afterEach, describe, expect, test } from 'vitest';
import {
  ADMIN_TOKEN,
  ApiClient,
  deletePrefix,
  registration,
  uniquePrefix,
} from '../../support/harness.js';
import { spawnService, type ServiceProcess } from '../../support/service-process.js';
import { deliveries, waitForAttempts } from './helpers.js';
import { expectedSignature, WebhookReceiver } from './webhook-receiver.js';
import { register, subscribe } from '../../support/api-helpers.js';

// The first retry is due 1.5 s after the failed attempt: it is still pending while the service is down.
const ENV = {
  LIFECYCLE_WEBHOOK_BACKOFF_MS: '1500',
  LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: '5',
  LIFECYCLE_WEBHOOK_TIMEOUT_MS: '2000',
};

describe('a restart mid-retry loses no delivery', () => {
  const processes: ServiceProcess[] = [];
  const prefixes: string[] = [];
  const receivers: WebhookReceiver[] = [];

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')));
    await Promise.all(prefixes.splice(0).map((p) => deletePrefix(p)));
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  async function spawn(prefix: string): Promise<ServiceProcess> {
    const p = await spawnService(prefix, { env: ENV });
    processes.push(p);
    return p;
  }

  async function scenario(signal: 'SIGTERM' | 'SIGKILL') {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const rx = (await WebhookReceiver.start()).alwaysFail(500);
    receivers.push(rx);
    const secret = `restart-${signal}`;
    const body = registration();

    const first = await spawn(prefix);
    const api1 = new ApiClient(first.url!, ADMIN_TOKEN);
    const subId = await subscribe(api1, {
      url: rx.url,
      secret,
      connectorIds: [body.id],
      events: ['connector.registered'],
    });
    await register(api1, body);
    const [failed] = await waitForAttempts(api1, subId, (l) => l.length >= 1, {
      what: 'the first failed attempt',
    });
    expect(failed).toMatchObject({ attempt: 1, outcome: 'retrying', statusCode: 500 });

    const code = await first.kill(signal);
    if (signal === 'SIGTERM') expect(code, first.output()).toBe(0);
    // the service is gone and nothing was delivered yet
    expect(rx.delivered()).toEqual([]);
    rx.alwaysSucceed();

    const second = await spawn(prefix);
    const api2 = new ApiClient(second.url!, ADMIN_TOKEN);
    const { event, request } = await rx.waitForEvent((e) => e.type === 'connector.registered', {
      timeoutMs: 20_000,
      what: 'the retried delivery after the restart',
    });
    expect(event.id).toBe(failed!.eventId);
    expect(event.connectorId).toBe(body.id);
    expect(request.headers['x-lifecycle-event-id']).toBe(failed!.eventId);
    expect(request.headers['x-lifecycle-signature']).toBe(
      expectedSignature(secret, request.rawBody),
    );
    // every attempt carried the same bytes
    expect(new Set(rx.requests.map((r) => r.rawBody)).size).toBe(1);

    const attempts = await waitForAttempts(api2, subId, (l) =>
      l.some((a) => a.outcome === 'delivered'),
    );
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
    expect(attempts.filter((a) => a.outcome === 'delivered')).toHaveLength(1);
    expect(attempts.at(-1)).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(rx.delivered()).toHaveLength(1);
    expect((await deliveries(api2, subId)).length).toBe(attempts.length);
  }

  test('SIGTERM after the first failed attempt: the retry runs in the next process', async () => {
    await scenario('SIGTERM');
  });

  test('SIGKILL after the first failed attempt: the retry runs in the next process', async () => {
    await scenario('SIGKILL');
  });
});
