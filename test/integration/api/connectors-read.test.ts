import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

let svc: TestService;
let readerToken: string;
/** a community source that the ETag test changes (its state stays community.active) */
let etagId: string;

/** Every connector registered here, with where it ends up. */
const all: { id: string; type: string; supportLevel: string; status: string; name: string }[] = [];

async function register(overrides: Record<string, unknown> = {}) {
  const res = await svc.api.post('/v1/connectors', registration(overrides));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function ids(items: { id: string }[]) {
  return items.map((c) => c.id).sort();
}

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
  readerToken = await svc.tokenFor('reader');
  const plan: [Record<string, unknown>, string, string][] = [];
  for (let i = 0; i < 5; i++) plan.push([{}, 'community', 'active']);
  plan.push([{ name: 'Fancy Postgres' }, 'community', 'active']);
  plan.push([{ name: 'Another POSTGRES thing', type: 'destination' }, 'community', 'active']);
  for (let i = 0; i < 2; i++) plan.push([{ type: 'destination' }, 'community', 'active']);
  for (let i = 0; i < 2; i++) plan.push([{ supportLevel: 'custom' }, 'custom', 'active']);
  plan.push([{ supportLevel: 'custom', type: 'destination' }, 'custom', 'active']);
  for (const [overrides, supportLevel, status] of plan) {
    const id = await register(overrides);
    const type = (overrides.type as string | undefined) ?? 'source';
    all.push({ id, type, supportLevel, status, name: (overrides.name as string) ?? '' });
  }
  // one deprecated, one archived, one certified
  const deprecated = await register();
  expect(
    (await svc.api.event(deprecated, { type: 'DEPRECATE', reason: 'old', noticeDays: 30 })).status,
  ).toBe(200);
  all.push({
    id: deprecated,
    type: 'source',
    supportLevel: 'community',
    status: 'deprecated',
    name: '',
  });
  const archived = await register({ type: 'destination' });
  expect((await svc.api.event(archived, { type: 'ARCHIVE', reason: 'unused' })).status).toBe(200);
  all.push({
    id: archived,
    type: 'destination',
    supportLevel: 'archived',
    status: 'idle',
    name: '',
  });
  const certified = await register();
  expect((await svc.api.event(certified, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
  await waitFor(
    async () =>
      (await svc.api.get(`/v1/connectors/${certified}`)).body.state === 'certified.active',
    { what: 'certification' },
  );
  all.push({
    id: certified,
    type: 'source',
    supportLevel: 'certified',
    status: 'active',
    name: '',
  });
  etagId = await register();
  all.push({ id: etagId, type: 'source', supportLevel: 'community', status: 'active', name: '' });
});
afterAll(async () => {
  await svc?.cleanup();
});

describe('GET /v1/connectors/:id', () => {
  test('200 with the connector and ETag "v<version>"; a reader may read', async () => {
    const id = all[0]!.id;
    const res = await svc.as(readerToken).get(`/v1/connectors/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(id);
    expect(res.body.version).toBe(1);
    expect(res.headers.get('etag')).toBe('"v1"');
  });

  test('If-None-Match with the current ETag → 304; after a change, 200 with the new ETag', async () => {
    const id = etagId;
    const first = await svc.api.get(`/v1/connectors/${id}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe('"v1"');

    const cached = await svc.api.get(`/v1/connectors/${id}`, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);

    const event = await svc.api.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.0.1' });
    expect(event.status).toBe(200);
    expect(event.headers.get('etag')).toBe('"v2"');

    const fresh = await svc.api.get(`/v1/connectors/${id}`, { 'if-none-match': etag });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('"v2"');
    expect(fresh.body).toMatchObject({ version: 2, dockerImageTag: '1.0.1' });
    expect((await svc.api.get(`/v1/connectors/${id}`, { 'if-none-match': '"v2"' })).status).toBe(
      304,
    );
  });

  test('404 for an unknown id', async () => {
    const res = await svc.api.get('/v1/connectors/source-does-not-exist');
    const problem = expectProblem(res, 404);
    expect(problem.detail).toContain('source-does-not-exist');
  });

  test('401 without a token', async () => {
    expectProblem(await svc.as(null).get(`/v1/connectors/${all[0]!.id}`), 401);
  });
});

describe('GET /v1/connectors', () => {
  test('lists every connector ({items, nextCursor}) to a reader', async () => {
    const res = await svc.as(readerToken).get('/v1/connectors?limit=500');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(ids(res.body.items)).toEqual(ids(all));
    const certified = res.body.items.find(
      (c: { supportLevel: string }) => c.supportLevel === 'certified',
    );
    expect(certified).toMatchObject({ state: 'certified.active', status: 'active' });
  });

  test.each([
    ['supportLevel=custom', (c: (typeof all)[number]) => c.supportLevel === 'custom'],
    ['supportLevel=certified', (c: (typeof all)[number]) => c.supportLevel === 'certified'],
    ['supportLevel=archived', (c: (typeof all)[number]) => c.supportLevel === 'archived'],
    ['status=deprecated', (c: (typeof all)[number]) => c.status === 'deprecated'],
    ['status=idle', (c: (typeof all)[number]) => c.status === 'idle'],
    ['type=destination', (c: (typeof all)[number]) => c.type === 'destination'],
    [
      'supportLevel=community&type=destination',
      (c: (typeof all)[number]) => c.supportLevel === 'community' && c.type === 'destination',
    ],
    [
      'supportLevel=community&status=active&type=source',
      (c: (typeof all)[number]) =>
        c.supportLevel === 'community' && c.status === 'active' && c.type === 'source',
    ],
    ['q=postgres', (c: (typeof all)[number]) => /postgres/i.test(c.name)],
    [
      'q=postgres&type=destination',
      (c: (typeof all)[number]) => /postgres/i.test(c.name) && c.type === 'destination',
    ],
  ])('filter %s', async (query, keep) => {
    const res = await svc.api.get(`/v1/connectors?${query}&limit=500`);
    expect(res.status).toBe(200);
    const expected = ids(all.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    const got = ids(res.body.items);
    expect(got).toEqual(expected);
    for (const item of res.body.items) {
      const params = new URLSearchParams(query);
      if (params.get('supportLevel')) expect(item.supportLevel).toBe(params.get('supportLevel'));
      if (params.get('status')) expect(item.status).toBe(params.get('status'));
      if (params.get('type')) expect(item.type).toBe(params.get('type'));
    }
  });

  test('q matches the id too', async () => {
    const target = all[3]!.id;
    const res = await svc.api.get(`/v1/connectors?q=${encodeURIComponent(target)}`);
    expect(ids(res.body.items)).toEqual([target]);
  });

  test('a filter that matches nothing gives an empty page', async () => {
    const res = await svc.api.get('/v1/connectors?q=no-such-connector-anywhere');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  async function walk(query: string, limit: number) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await svc.api.get(
        `/v1/connectors?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      if (res.body.nextCursor !== null) expect(res.body.items.length).toBe(limit);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor as string | null;
      pages += 1;
      expect(pages).toBeLessThan(100);
    } while (cursor);
    return { seen, pages };
  }

  test('cursor pagination walks every connector once', async () => {
    const everything = ids((await svc.api.get('/v1/connectors?limit=500')).body.items);
    const { seen, pages } = await walk('', 3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(everything);
    expect(pages).toBe(Math.ceil(everything.length / 3));
  });

  test('cursor pagination with a filter', async () => {
    const expected = ids(
      (await svc.api.get('/v1/connectors?type=source&supportLevel=community&limit=500')).body.items,
    );
    expect(expected.length).toBeGreaterThan(4);
    for (const limit of [1, 2, 4]) {
      const { seen } = await walk('type=source&supportLevel=community', limit);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual(expected);
    }
  });

  test('limit exactly the number of matches gives no next cursor', async () => {
    const count = all.filter((c) => c.supportLevel === 'custom').length;
    const res = await svc.api.get(`/v1/connectors?supportLevel=custom&limit=${count}`);
    expect(res.body.items).toHaveLength(count);
    expect(res.body.nextCursor).toBeNull();
  });

  test('the default page size is used without a limit', async () => {
    const res = await svc.api.get('/v1/connectors');
    expect(res.status).toBe(200);
    expect(ids(res.body.items)).toEqual(ids(all));
  });

  test.each([
    'limit=0',
    'limit=-1',
    'limit=501',
    'limit=abc',
    'limit=1.5',
    'supportLevel=gold',
    'status=sleeping',
    'type=sink',
    'cursor=!!!',
    'cursor=%25%25%25',
  ])('400 for %s', async (query) => {
    const res = await svc.api.get(`/v1/connectors?${query}`);
    const problem = expectProblem(res, 400);
    const field = query.split('=')[0]!;
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toContain(`query.${field}`);
  });

  test('401 without a token', async () => {
    expectProblem(await svc.as(null).get('/v1/connectors'), 401);
  });
});
