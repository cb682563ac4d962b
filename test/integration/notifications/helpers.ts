import { isIP } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DeliveryAttempt } from '../../../src/http/contract/delivery-attempt.js';
import type { HostLookup } from '../../../src/notifications/webhook-target-policy.js';
import type { ApiClient, StartTestServiceOptions, TestService } from '../../support/harness.js';
import { register } from '../../support/api-helpers.js';
import { startTestService, waitFor } from '../../support/harness.js';
import { WebhookReceiver } from './webhook-receiver.js';

/** One delivery attempt as GET /v1/subscriptions/:id/deliveries shows it. */
export type Attempt = DeliveryAttempt;

export async function deliveries(api: ApiClient, subscriptionId: string): Promise<Attempt[]> {
  const res = await api.get(`/v1/subscriptions/${subscriptionId}/deliveries`);
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: Attempt[] }).items;
}

/** What SubscriptionStore.create takes: a subscription of `owner` to every event of every connector. */
export function storeInput(owner: string, secret: string) {
  return {
    owner,
    url: 'https://example.com/hook',
    secret,
    events: null,
    connectorIds: null,
  };
}

/** Polls the deliveries endpoint until `done` holds for the attempts; returns them. */
export async function waitForAttempts(
  api: ApiClient,
  subscriptionId: string,
  done: (attempts: Attempt[]) => boolean,
  { timeoutMs = 10_000, what = 'delivery attempts' } = {},
): Promise<Attempt[]> {
  return waitFor(
    async () => {
      const attempts = await deliveries(api, subscriptionId);
      return done(attempts) ? attempts : undefined;
    },
    { timeoutMs, intervalMs: 25, what },
  );
}

/** Registers, asks for certification (passing acceptance script) and waits for certified.active. */
export async function certify(api: ApiClient, body: { id: string }): Promise<void> {
  await register(api, body);
  const res = await api.event(body.id, { type: 'REQUEST_CERTIFICATION' });
  expect(res.status, res.text).toBe(202);
  await waitFor(
    async () => (await api.get(`/v1/connectors/${body.id}`)).body.state === 'certified.active',
    { timeoutMs: 20_000, what: `${body.id} to be certified` },
  );
}

/**
 * Waits until the outbox is relayed and the notification and delivery queues have nothing left to
 * do (nothing waiting, running or delayed): every delivery job fanned out so far has finished.
 */
export async function waitForQuiet(svc: TestService, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () => {
      if ((await svc.services.redis.xlen(svc.services.keys.outbox())) > 0) return false;
      const counts = await svc.services.queues.counts();
      return (['notifications', 'deliveries'] as const).every((q) => {
        const c = counts[q];
        return (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) === 0;
      });
    },
    { timeoutMs, what: 'the outbox, notification and delivery queues to be idle' },
  );
}

/**
 * A resolver for webhook target names that answers from a table the test controls (no network):
 * `set(name, addresses)` changes what a name resolves to from then on; an unknown name does not
 * resolve (ENOTFOUND). `lookups` counts the questions per name.
 */
export class FakeDns {
  private readonly table = new Map<string, string[]>();
  readonly lookups = new Map<string, number>();

  set(name: string, addresses: string[]): this {
    this.table.set(name, addresses);
    return this;
  }

  readonly lookup: HostLookup = (hostname) => {
    this.lookups.set(hostname, (this.lookups.get(hostname) ?? 0) + 1);
    const addresses = this.table.get(hostname);
    if (!addresses?.length) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
      });
      return Promise.reject(err);
    }
    return Promise.resolve(addresses.map((address) => ({ address, family: isIP(address) })));
  };
}

/**
 * The service and the webhook receivers of one describe block: the service starts before its tests
 * (with `options`), and every receiver it started or was handed is closed after them.
 */
export function useWebhookTestbed(options: StartTestServiceOptions = {}) {
  const receivers: WebhookReceiver[] = [];
  const bed = {
    svc: undefined as unknown as TestService,
    async receiver(): Promise<WebhookReceiver> {
      const r = await WebhookReceiver.start();
      receivers.push(r);
      return r;
    },
    /** receivers started by the test itself, closed with the others */
    keep(...started: WebhookReceiver[]): void {
      receivers.push(...started);
    },
  };
  beforeAll(async () => {
    bed.svc = await startTestService(options);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await bed.svc?.cleanup();
  });
  return bed;
}
