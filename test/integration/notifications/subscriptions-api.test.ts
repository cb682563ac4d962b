import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startTestService,
  type ApiClient,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { subscribe } from '../../support/api-helpers.js';

const URL = 'http://127.0.0.1:9/hook';
const SECRET = 'top-secret-value-4f1c';

/** Asserts an RFC 9457 problem with `status`; returns its body. */
function problem(res: ApiResponse, status: number): Record<string, any> {
  expect(res.status, `expected ${status}, got ${res.status}: ${res.text}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  const body = res.body as Record<string, any>;
  expect(body.status).toBe(status);
  return body;
}

function expectNoSecret(res: ApiResponse) {
  expect(res.text).not.toContain(SECRET);
  expect(res.text).not.toMatch(/"secret"/);
}

describe('webhook subscriptions API', () => {
  let svc: TestService;
  let alice: ApiClient;
  let bob: ApiClient;
  let contributor: ApiClient;

  beforeAll(async () => {
    svc = await startTestService();
    alice = svc.as(await svc.tokenFor('reader', 'alice-reader'));
    bob = svc.as(await svc.tokenFor('reader', 'bob-reader'));
    contributor = svc.as(await svc.tokenFor('contributor', 'carol-contributor'));
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  test('any reader may subscribe: 201 with the subscription, never the secret', async () => {
    const res = await alice.post('/v1/subscriptions', {
      url: 'https://hooks.example.com/lifecycle',
      secret: SECRET,
      events: ['connector.certified', 'connector.archived'],
      connectorIds: ['source-postgres'],
    });
    expect(res.status, res.text).toBe(201);
    expectNoSecret(res);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      owner: 'alice-reader',
      url: 'https://hooks.example.com/lifecycle',
      events: ['connector.certified', 'connector.archived'],
      connectorIds: ['source-postgres'],
    });
    expect(res.body).not.toHaveProperty('secret');

    const all = await svc.api.post('/v1/subscriptions', { url: URL, secret: SECRET });
    expect(all.status, all.text).toBe(201);
    expectNoSecret(all);
    // no filter: every event type and every connector
    expect(all.body.events ?? null).toBeNull();
    expect(all.body.connectorIds ?? null).toBeNull();

    const byContributor = await contributor.post('/v1/subscriptions', { url: URL, secret: SECRET });
    expect(byContributor.status, byContributor.text).toBe(201);
  });

  test('reading a subscription back never shows the secret', async () => {
    const id = await subscribe(alice, { url: URL, secret: SECRET });
    const list = await alice.get('/v1/subscriptions');
    expect(list.status).toBe(200);
    expectNoSecret(list);
    expect((list.body.items as { id: string }[]).map((s) => s.id)).toContain(id);
    const one = await alice.get(`/v1/subscriptions/${id}`);
    expect(one.status, one.text).toBe(200);
    expectNoSecret(one);
    expect(one.body.id).toBe(id);
  });

  test('invalid subscriptions are refused with 400 and create nothing', async () => {
    const before = (await bob.get('/v1/subscriptions')).body.items as unknown[];
    const invalid: [string, unknown][] = [
      ['ftp URL', { url: 'ftp://example.com/hook', secret: SECRET }],
      ['javascript: URL', { url: 'javascript:alert(1)', secret: SECRET }],
      ['file URL', { url: 'file:///etc/passwd', secret: SECRET }],
      ['not a URL', { url: 'not a url', secret: SECRET }],
      ['missing URL', { secret: SECRET }],
      ['missing secret', { url: URL }],
      ['empty secret', { url: URL, secret: '' }],
      ['unknown event type', { url: URL, secret: SECRET, events: ['connector.exploded'] }],
      [
        'event type of the machine, not a notification',
        { url: URL, secret: SECRET, events: ['ARCHIVE'] },
      ],
      ['bad connector id', { url: URL, secret: SECRET, connectorIds: ['Postgres!'] }],
      ['connector id without type', { url: URL, secret: SECRET, connectorIds: ['postgres'] }],
      ['connectorIds not an array', { url: URL, secret: SECRET, connectorIds: 'source-x' }],
      ['extra field', { url: URL, secret: SECRET, owner: 'alice-reader' }],
      ['not an object', [URL, SECRET]],
    ];
    for (const [what, body] of invalid) {
      const res = await bob.post('/v1/subscriptions', body);
      const p = problem(res, 400);
      expect(typeof p.detail, what).toBe('string');
      expect(res.text, what).not.toContain(SECRET);
    }
    const missingSecret = problem(await bob.post('/v1/subscriptions', { url: URL }), 400);
    expect(JSON.stringify(missingSecret.errors ?? missingSecret.detail)).toContain('secret');
    const badUrl = problem(
      await bob.post('/v1/subscriptions', { url: 'ftp://x.example/h', secret: SECRET }),
      400,
    );
    expect(JSON.stringify(badUrl.errors ?? badUrl.detail)).toContain('url');
    expect((await bob.get('/v1/subscriptions')).body.items).toEqual(before);
  });

  test('no token or a bad token is 401', async () => {
    problem(await svc.as(null).post('/v1/subscriptions', { url: URL, secret: SECRET }), 401);
    problem(
      await svc.as('not-a-token').post('/v1/subscriptions', { url: URL, secret: SECRET }),
      401,
    );
    problem(await svc.as(null).get('/v1/subscriptions'), 401);
    const id = await subscribe(alice, { url: URL, secret: SECRET });
    problem(await svc.as(null).delete(`/v1/subscriptions/${id}`), 401);
    problem(await svc.as(null).get(`/v1/subscriptions/${id}/deliveries`), 401);
    expect((await alice.get('/v1/subscriptions')).body.items.map((s: any) => s.id)).toContain(id);
  });

  test('GET /v1/subscriptions lists only the caller’s own', async () => {
    const dave = svc.as(await svc.tokenFor('reader', 'dave-reader'));
    const erin = svc.as(await svc.tokenFor('reader', 'erin-reader'));
    const d1 = await subscribe(dave, { url: URL, secret: SECRET });
    const d2 = await subscribe(dave, {
      url: URL,
      secret: SECRET,
      events: ['connector.registered'],
    });
    const e1 = await subscribe(erin, { url: URL, secret: SECRET });

    const daves = (await dave.get('/v1/subscriptions')).body.items as {
      id: string;
      owner: string;
    }[];
    expect(daves.map((s) => s.id).sort()).toEqual([d1, d2].sort());
    expect(daves.every((s) => s.owner === 'dave-reader')).toBe(true);
    const erins = (await erin.get('/v1/subscriptions')).body.items as { id: string }[];
    expect(erins.map((s) => s.id)).toEqual([e1]);
    // the admin's list is the admin's own, too
    const admins = (await svc.api.get('/v1/subscriptions')).body.items as { id: string }[];
    expect(admins.map((s) => s.id)).not.toContain(d1);
    expect(admins.map((s) => s.id)).not.toContain(e1);
  });

  test('DELETE: the owner 204, another non-admin subject 403, unknown 404', async () => {
    const owner = svc.as(await svc.tokenFor('reader', 'frank-reader'));
    const other = svc.as(await svc.tokenFor('maintainer', 'grace-maintainer'));
    const id = await subscribe(owner, { url: URL, secret: SECRET });

    problem(await other.delete(`/v1/subscriptions/${id}`), 403);
    problem(await bob.delete(`/v1/subscriptions/${id}`), 403);
    expect((await owner.get('/v1/subscriptions')).body.items.map((s: any) => s.id)).toEqual([id]);

    const del = await owner.delete(`/v1/subscriptions/${id}`);
    expect(del.status, del.text).toBe(204);
    expect((await owner.get('/v1/subscriptions')).body.items).toEqual([]);
    problem(await owner.delete(`/v1/subscriptions/${id}`), 404);
    problem(await owner.delete('/v1/subscriptions/00000000-0000-4000-8000-000000000000'), 404);
    problem(await owner.get(`/v1/subscriptions/${id}/deliveries`), 404);
  });

  test('GET /v1/subscriptions/:id/deliveries is for the owner only', async () => {
    const owner = svc.as(await svc.tokenFor('reader', 'heidi-reader'));
    const id = await subscribe(owner, { url: URL, secret: SECRET });

    const mine = await owner.get(`/v1/subscriptions/${id}/deliveries`);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.items).toEqual([]);
    problem(await bob.get(`/v1/subscriptions/${id}/deliveries`), 403);
    problem(await contributor.get(`/v1/subscriptions/${id}/deliveries`), 403);
    problem(
      await owner.get('/v1/subscriptions/00000000-0000-4000-8000-000000000000/deliveries'),
      404,
    );
  });
});
