import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  registration,
  startTestService,
  type ApiClient,
  type TestService,
} from '../../support/harness.js';
import { deliveries, FakeDns, waitForAttempts, waitForQuiet, type Attempt } from './helpers.js';
import { WebhookReceiver } from './webhook-receiver.js';
import { register, subscribe } from '../../support/api-helpers.js';

const SECRET = 'ssrf-test-secret';
const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:4700:4700::1111';
/** keeps subscriptions that are only about acceptance from getting deliveries */
const NO_CONNECTOR = ['source-never-registered'];

/** Literal targets that must be refused whatever their spelling (SPEC §5). */
const FORBIDDEN_LITERALS = [
  'http://127.0.0.1:6379/',
  'http://127.1/',
  'http://2130706433/',
  'http://0x7f000001/',
  'http://0177.0.0.1/',
  'http://127.255.255.254:8080/x',
  'https://127.0.0.1/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[::1]/',
  'http://[::]/',
  'http://0.0.0.0/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:169.254.169.254]/',
  'http://10.0.0.1/',
  'http://172.16.5.4/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]/',
  'http://[fe80::1]/',
  'http://224.0.0.1/',
  'http://[ff02::1]/',
  'http://255.255.255.255/',
  'http://192.0.2.1/',
];

/** Names whose resolution includes a forbidden address. */
const FORBIDDEN_NAMES: [string, string[]][] = [
  ['localhost', ['127.0.0.1', '::1']],
  ['metadata.test', ['169.254.169.254']],
  ['intranet.test', ['10.20.30.40']],
  ['mapped.test', ['::ffff:192.168.0.10']],
  ['ula.test', ['fd00::5']],
  ['shared.test', ['100.100.100.200']],
  // one forbidden address among public ones is enough
  ['mixed.test', [PUBLIC_V4, '10.0.0.1']],
];

function expectForbidden(res: { status: number; text: string; body: any; headers: Headers }) {
  expect(res.status, res.text).toBe(422);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe('WEBHOOK_URL_FORBIDDEN');
}

function expectBlocked(attempt: Attempt | undefined) {
  expect(attempt).toMatchObject({
    attempt: 1,
    outcome: 'blocked',
    statusCode: null,
    error: 'target address not allowed',
    nextRetryAt: null,
  });
}

describe('webhook targets with LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=false', () => {
  const dns = new FakeDns();
  const receivers: WebhookReceiver[] = [];
  let svc: TestService;
  let reader: ApiClient;

  async function receiver(): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  }

  beforeAll(async () => {
    for (const [name, addresses] of FORBIDDEN_NAMES) dns.set(name, addresses);
    dns.set('public.test', [PUBLIC_V4]).set('public6.test', [PUBLIC_V6]);
    svc = await startTestService({
      env: {
        LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false',
        LIFECYCLE_WEBHOOK_MAX_ATTEMPTS: '5',
        LIFECYCLE_WEBHOOK_BACKOFF_MS: '200',
        LIFECYCLE_WEBHOOK_TIMEOUT_MS: '3000',
      },
      lookup: dns.lookup,
    });
    reader = svc.as(await svc.tokenFor('reader', 'ssrf-reader'));
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await svc?.cleanup();
  });

  test.each(FORBIDDEN_LITERALS)(
    'a subscription to %s is a 422 WEBHOOK_URL_FORBIDDEN',
    async (url) => {
      expectForbidden(await reader.post('/v1/subscriptions', { url, secret: SECRET }));
    },
  );

  test.each(FORBIDDEN_NAMES)(
    'a name resolving to a forbidden address (%s → %j) is a 422',
    async (name) => {
      expectForbidden(
        await reader.post('/v1/subscriptions', { url: `http://${name}:8080/hook`, secret: SECRET }),
      );
    },
  );

  test('a refused subscription is not stored', async () => {
    const subject = svc.as(await svc.tokenFor('reader'));
    expectForbidden(
      await subject.post('/v1/subscriptions', { url: 'http://127.1/', secret: SECRET }),
    );
    const list = await subject.get('/v1/subscriptions');
    expect(list.body.items).toEqual([]);
  });

  test('a name resolving to public addresses only is accepted', async () => {
    for (const name of ['public.test', 'public6.test']) {
      const res = await reader.post('/v1/subscriptions', {
        url: `https://${name}/hook`,
        secret: SECRET,
        connectorIds: NO_CONNECTOR,
      });
      expect(res.status, res.text).toBe(201);
    }
  });

  test('a name that does not resolve is accepted (judged again at delivery)', async () => {
    const res = await reader.post('/v1/subscriptions', {
      url: 'https://not-yet-there.test/hook',
      secret: SECRET,
      connectorIds: NO_CONNECTOR,
    });
    expect(res.status, res.text).toBe(201);
    expect(dns.lookups.get('not-yet-there.test')).toBeGreaterThan(0);
  });

  test('DNS rebinding: public at subscription, 127.0.0.1 at delivery → blocked, nothing sent', async () => {
    const rx = await receiver();
    const port = new URL(rx.url).port;
    dns.set('rebind.test', [PUBLIC_V4]);
    const body = registration();
    const id = await subscribe(reader, {
      url: `http://rebind.test:${port}/hook`,
      secret: SECRET,
      connectorIds: [body.id],
    });
    dns.set('rebind.test', ['127.0.0.1']);
    await register(svc.api, body);

    const [attempt] = await waitForAttempts(reader, id, (l) => l.length >= 1, {
      what: 'the blocked attempt',
    });
    expectBlocked(attempt);
    await waitForQuiet(svc);
    // not retried: one attempt, the job failed for good, and the receiver got nothing
    const res = await reader.get(`/v1/subscriptions/${id}/deliveries`);
    expect(res.body.items).toHaveLength(1);
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONN|socket|rebind\.test:/);
    const job = await svc.services.queues.get('deliveries').getJob(attempt!.deliveryId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(rx.requests).toHaveLength(0);
  });

  test('a name that did not resolve at subscription and resolves to a private address later is blocked', async () => {
    const rx = await receiver();
    const port = new URL(rx.url).port;
    const body = registration();
    const id = await subscribe(reader, {
      url: `http://later.test:${port}/hook`,
      secret: SECRET,
      connectorIds: [body.id],
    });
    dns.set('later.test', ['::ffff:127.0.0.1']);
    await register(svc.api, body);
    const [attempt] = await waitForAttempts(reader, id, (l) => l.length >= 1);
    expectBlocked(attempt);
    await waitForQuiet(svc);
    expect(await deliveries(reader, id)).toHaveLength(1);
    expect(rx.requests).toHaveLength(0);
  });

  test('a literal private target stored earlier (e.g. while private networks were allowed) is blocked at delivery', async () => {
    const rx = await receiver();
    const body = registration();
    const stored = await svc.services.subscriptions.create({
      owner: 'ssrf-reader',
      url: rx.url,
      secret: SECRET,
      events: null,
      connectorIds: [body.id],
    });
    await register(svc.api, body);
    const [attempt] = await waitForAttempts(reader, stored.id, (l) => l.length >= 1);
    expectBlocked(attempt);
    await waitForQuiet(svc);
    expect(await deliveries(reader, stored.id)).toHaveLength(1);
    expect(rx.requests).toHaveLength(0);
  });
});

describe('webhook targets with LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true', () => {
  const dns = new FakeDns();
  let svc: TestService;
  let rx: WebhookReceiver;

  beforeAll(async () => {
    rx = await WebhookReceiver.start();
    svc = await startTestService({
      env: { LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' },
      lookup: dns.lookup,
    });
  });
  afterAll(async () => {
    await rx?.close();
    await svc?.cleanup();
  });

  test('loopback targets are accepted, and a name is connected to at the address the resolver gives', async () => {
    expect(
      (
        await svc.api.post('/v1/subscriptions', {
          url: 'http://127.1/',
          secret: SECRET,
          connectorIds: NO_CONNECTOR,
        })
      ).status,
    ).toBe(201);
    dns.set('hooks.internal.test', ['127.0.0.1']);
    const body = registration();
    const id = await subscribe(svc.api, {
      url: `http://hooks.internal.test:${new URL(rx.url).port}/hook`,
      secret: SECRET,
      connectorIds: [body.id],
    });
    await register(svc.api, body);
    const { request } = await rx.waitForEvent((e) => e.connectorId === body.id);
    expect(request.headers.host).toBe(`hooks.internal.test:${new URL(rx.url).port}`);
    const [attempt] = await waitForAttempts(svc.api, id, (l) => l.length >= 1);
    expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 200, error: null });
  });
});
