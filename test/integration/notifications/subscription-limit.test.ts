import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestService, type ApiClient, type TestService } from '../../support/harness.js';

const URL = 'http://127.0.0.1:9/hook';
const SECRET = 'limit-test-secret';
/** no connector has this id: these subscriptions never get a delivery */
const NO_CONNECTOR = ['source-never-registered'];

function create(api: ApiClient) {
  return api.post('/v1/subscriptions', { url: URL, secret: SECRET, connectorIds: NO_CONNECTOR });
}

async function count(api: ApiClient): Promise<number> {
  const res = await api.get('/v1/subscriptions');
  expect(res.status, res.text).toBe(200);
  return (res.body.items as unknown[]).length;
}

describe('LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT (default 25)', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService();
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  test('a subject holds at most 25 subscriptions; one more is a 422 SUBSCRIPTION_LIMIT', async () => {
    const alice = svc.as(await svc.tokenFor('reader'));
    for (let i = 0; i < 25; i++) expect((await create(alice)).status).toBe(201);
    const over = await create(alice);
    expect(over.status, over.text).toBe(422);
    expect(over.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
    expect(over.body.code).toBe('SUBSCRIPTION_LIMIT');
    expect(await count(alice)).toBe(25);

    // the limit is per subject: another one is not affected
    const bob = svc.as(await svc.tokenFor('reader'));
    expect((await create(bob)).status).toBe(201);

    // deleting one makes room for one
    const [first] = (await alice.get('/v1/subscriptions')).body.items as { id: string }[];
    expect((await alice.delete(`/v1/subscriptions/${first!.id}`)).status).toBe(204);
    expect((await create(alice)).status).toBe(201);
    expect((await create(alice)).status).toBe(422);
  });

  test('concurrent creates by one subject never exceed the limit', async () => {
    const carol = svc.as(await svc.tokenFor('reader'));
    const results = await Promise.all(Array.from({ length: 40 }, () => create(carol)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(25);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect(
      results.filter((r) => r.status === 422).every((r) => r.body.code === 'SUBSCRIPTION_LIMIT'),
    ).toBe(true);
    expect(await count(carol)).toBe(25);
  });
});

describe('LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT=3', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({ env: { LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT: '3' } });
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  test('the configured limit applies, also to concurrent creates', async () => {
    const dave = svc.as(await svc.tokenFor('reader'));
    const results = await Promise.all(Array.from({ length: 12 }, () => create(dave)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 422)).toHaveLength(9);
    expect(await count(dave)).toBe(3);
  });

  test('the limit holds for creates issued together on one connection (all checks before any write)', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        svc.services.subscriptions.create({
          owner: 'erin',
          url: URL,
          secret: SECRET,
          events: null,
          connectorIds: NO_CONNECTOR,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'SUBSCRIPTION_LIMIT' });
    expect(await svc.services.subscriptions.ownedBy('erin')).toHaveLength(3);
  });
});
