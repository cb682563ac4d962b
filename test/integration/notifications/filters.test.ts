import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registration, startTestService, type TestService } from '../../support/harness.js';
import { deliveries, waitForQuiet } from './helpers.js';
import { WebhookReceiver, type WebhookEvent } from './webhook-receiver.js';
import { register, subscribe } from '../../support/api-helpers.js';

/**
 * One scenario, five subscriptions with different filters. What a subscription must NOT get is
 * checked without sleeping: the unfiltered subscription has received every event (so every event
 * has been fanned out to every matching subscription), then the delivery queue has drained (so
 * every delivery has been attempted).
 */
describe('subscription filters', () => {
  let svc: TestService;
  const c1 = registration();
  const c2 = registration({ type: 'destination' });
  const rx: Record<'all' | 'deprecated' | 'c1' | 'deprecatedC1' | 'multi', WebhookReceiver> =
    {} as never;
  const subs: Partial<Record<keyof typeof rx, string>> = {};

  const seen = (r: WebhookReceiver) =>
    r
      .events()
      .map((e: WebhookEvent) => `${e.connectorId} ${e.type}`)
      .sort();

  beforeAll(async () => {
    svc = await startTestService();
    for (const key of ['all', 'deprecated', 'c1', 'deprecatedC1', 'multi'] as const) {
      rx[key] = await WebhookReceiver.start();
    }
    subs.all = await subscribe(svc.api, { url: rx.all.url, secret: 'a' });
    subs.deprecated = await subscribe(svc.api, {
      url: rx.deprecated.url,
      secret: 'b',
      events: ['connector.deprecated'],
    });
    subs.c1 = await subscribe(svc.api, { url: rx.c1.url, secret: 'c', connectorIds: [c1.id] });
    subs.deprecatedC1 = await subscribe(svc.api, {
      url: rx.deprecatedC1.url,
      secret: 'd',
      events: ['connector.deprecated'],
      connectorIds: [c1.id],
    });
    subs.multi = await subscribe(svc.api, {
      url: rx.multi.url,
      secret: 'e',
      events: ['connector.registered', 'connector.archived'],
      connectorIds: [c2.id, 'source-never-registered'],
    });

    await register(svc.api, c1);
    await register(svc.api, c2);
    for (const [id, event] of [
      [c2.id, { type: 'DEPRECATE', reason: 'unused', noticeDays: 30 }],
      [c1.id, { type: 'DEPRECATE', reason: 'unused', noticeDays: 30 }],
      [c2.id, { type: 'ARCHIVE', reason: 'gone' }],
    ] as const) {
      const res = await svc.api.event(id, event);
      expect(res.status, res.text).toBe(200);
    }
    // the marker: the unfiltered subscription has every event, then everything has drained
    await rx.all.waitForEvent((e) => e.connectorId === c2.id && e.type === 'connector.archived');
    await rx.all.waitForEvent((e) => e.connectorId === c1.id && e.type === 'connector.deprecated');
    await waitForQuiet(svc);
  });
  afterAll(async () => {
    await Promise.all(Object.values(rx).map((r) => r.close()));
    await svc?.cleanup();
  });

  test('no filter: every event of every connector', () => {
    expect(seen(rx.all)).toEqual(
      [
        `${c1.id} connector.registered`,
        `${c1.id} connector.deprecated`,
        `${c2.id} connector.registered`,
        `${c2.id} connector.deprecated`,
        `${c2.id} connector.archived`,
      ].sort(),
    );
    expect(rx.all.requests).toHaveLength(5);
  });

  test('events filter: only the listed event types arrive', async () => {
    expect(seen(rx.deprecated)).toEqual(
      [`${c1.id} connector.deprecated`, `${c2.id} connector.deprecated`].sort(),
    );
    expect(rx.deprecated.requests).toHaveLength(2);
    const attempts = await deliveries(svc.api, subs.deprecated!);
    expect(attempts.map((a) => a.eventType)).toEqual([
      'connector.deprecated',
      'connector.deprecated',
    ]);
  });

  test('connectorIds filter: only the listed connectors', async () => {
    expect(seen(rx.c1)).toEqual(
      [`${c1.id} connector.registered`, `${c1.id} connector.deprecated`].sort(),
    );
    expect(rx.c1.requests).toHaveLength(2);
    const attempts = await deliveries(svc.api, subs.c1!);
    expect(attempts.every((a) => a.connectorId === c1.id)).toBe(true);
    expect(attempts).toHaveLength(2);
  });

  test('both filters combined: the listed types of the listed connectors', async () => {
    expect(seen(rx.deprecatedC1)).toEqual([`${c1.id} connector.deprecated`]);
    expect(rx.deprecatedC1.requests).toHaveLength(1);
    expect(await deliveries(svc.api, subs.deprecatedC1!)).toHaveLength(1);
  });

  test('several values in each filter', async () => {
    expect(seen(rx.multi)).toEqual(
      [`${c2.id} connector.archived`, `${c2.id} connector.registered`].sort(),
    );
    expect(rx.multi.requests).toHaveLength(2);
    expect(await deliveries(svc.api, subs.multi!)).toHaveLength(2);
  });

  test('every subscription gets the same event id for the same event', () => {
    const idOf = (r: WebhookReceiver, connectorId: string, type: string) =>
      r.events().find((e) => e.connectorId === connectorId && e.type === type)?.id;
    const id = idOf(rx.all, c1.id, 'connector.deprecated');
    expect(id).toBeTruthy();
    for (const r of [rx.deprecated, rx.c1, rx.deprecatedC1]) {
      expect(idOf(r, c1.id, 'connector.deprecated')).toBe(id);
    }
  });
});
