import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../src/redis/redis-server.js';
import {
  ADMIN_TOKEN,
  registration,
  startTestService,
  waitFor,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { fetchRequest, leakDefect, rawRequest } from './helpers.js';
import { expectProblem } from '../../support/api-helpers.js';

/** Metrics, request ids, security headers, error hygiene and readiness (SPEC §4, outside /v1). */

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000' } });
});

afterAll(async () => {
  await svc?.cleanup();
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (enough of it for these checks). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

async function metrics(): Promise<{ res: ApiResponse; samples: Sample[] }> {
  const res = await svc.as(null).get('/metrics');
  expect(res.status).toBe(200);
  return { res, samples: parseMetrics(res.text) };
}

function find(samples: Sample[], name: string, labels: Record<string, string>): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

describe('GET /metrics', () => {
  test('Prometheus text with requests, transitions, jobs, outbox backlog and queue depths', async () => {
    const reg = registration();
    const created = await svc.api.post('/v1/connectors', reg);
    expect(created.status).toBe(201);
    expect((await svc.api.get(`/v1/connectors/${reg.id}`)).status).toBe(200);
    const released = await svc.api.event(reg.id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '1.0.1',
    });
    expect(released.status, released.text).toBe(200);
    // an error answer of a /v1 route: still labelled with the route's whole pattern
    expectProblem(await svc.api.get(`/v1/connectors/source-missing-${reg.id}`), 404);
    const unknownPath = `/no-such-${randomBytes(4).toString('hex')}`;
    expectProblem(await svc.as(null).get(unknownPath), 404);
    // a job for the workers of this process (the catalog is the commits' own write: no job)
    expect((await svc.api.post('/v1/archival-sweeps', { dryRun: true })).status).toBe(202);

    // wait for the sweep job to complete
    const { res, samples } = await waitFor(
      async () => {
        const m = await metrics();
        const done = find(m.samples, 'lifecycle_jobs_total', {
          queue: 'sweeps',
          outcome: 'completed',
        });
        return done.some((s) => s.value >= 1) ? m : undefined;
      },
      { what: 'a completed sweep job in /metrics' },
    );
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const [name, type] of [
      ['http_request_duration_seconds', 'histogram'],
      ['lifecycle_transitions_total', 'counter'],
      ['lifecycle_jobs_total', 'counter'],
      ['lifecycle_outbox_backlog', 'gauge'],
      ['lifecycle_queue_jobs', 'gauge'],
    ]) {
      expect(res.text).toContain(`# TYPE ${name} ${type}`);
    }

    // requests: labelled by the route pattern, never the raw path
    const count = (route: string, method: string, status: string) =>
      find(samples, 'http_request_duration_seconds_count', { route, method, status }).reduce(
        (n, s) => n + s.value,
        0,
      );
    expect(count('/v1/connectors', 'POST', '201')).toBeGreaterThanOrEqual(1);
    expect(count('/v1/connectors/:id', 'GET', '200')).toBeGreaterThanOrEqual(1);
    expect(count('/v1/connectors/:id/events', 'POST', '200')).toBeGreaterThanOrEqual(1);
    expect(count('/v1/connectors/:id', 'GET', '404')).toBeGreaterThanOrEqual(1);
    expect(
      find(samples, 'http_request_duration_seconds_bucket', {
        route: '/v1/connectors/:id',
        method: 'GET',
        status: '200',
        le: '+Inf',
      }),
    ).toHaveLength(1);
    const routes = new Set(
      samples.filter((s) => s.name.startsWith('http_request_duration')).map((s) => s.labels.route),
    );
    expect([...routes].filter((route) => route?.startsWith('/connectors'))).toEqual([]);
    for (const route of routes) {
      expect(route).not.toContain(reg.id);
      expect(route).not.toContain(unknownPath.slice(1));
    }

    // transitions
    expect(
      find(samples, 'lifecycle_transitions_total', { event: 'REGISTER', to: 'community.active' })
        .length,
    ).toBe(1);
    expect(
      find(samples, 'lifecycle_transitions_total', {
        event: 'PUBLISH_RELEASE',
        from: 'community.active',
        to: 'community.active',
      })[0]?.value,
    ).toBeGreaterThanOrEqual(1);

    // gauges
    const backlog = find(samples, 'lifecycle_outbox_backlog', {});
    expect(backlog).toHaveLength(1);
    expect(Number.isFinite(backlog[0]!.value)).toBe(true);
    expect(backlog[0]!.value).toBeGreaterThanOrEqual(0);
    const depths = samples.filter((s) => s.name === 'lifecycle_queue_jobs');
    expect(new Set(depths.map((s) => s.labels.queue))).toEqual(
      new Set(['catalog', 'notifications', 'deliveries', 'acceptance', 'sweeps', 'timers']),
    );
    // a count for every state, none negative
    expect(
      find(samples, 'lifecycle_queue_jobs', { queue: 'catalog', state: 'completed' })[0]?.value,
    ).toBeGreaterThanOrEqual(0);
  });
});

/** One request of each kind: successes, errors, outside /v1, the dashboard. */
async function assortedResponses(headers: Record<string, string> = {}): Promise<ApiResponse[]> {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers };
  const reg = registration();
  const base = svc.api.base;
  const register = (h: Record<string, string>, body: string) =>
    fetchRequest(base, 'POST', '/v1/connectors', h, body);
  return Promise.all([
    fetchRequest(base, 'GET', '/v1/catalog', headers),
    fetchRequest(base, 'GET', '/v1/connectors', headers), // 401
    register({ ...admin, 'content-type': 'application/json' }, JSON.stringify(reg)), // 201
    register({ ...admin, 'content-type': 'application/json' }, '{"id":'), // 400
    register({ ...admin, 'content-type': 'text/plain' }, '{}'), // 415
    fetchRequest(base, 'GET', '/v1/connectors/source-nope', admin),
    fetchRequest(base, 'GET', '/nothing-here', headers),
    fetchRequest(base, 'GET', '/healthz', headers),
    fetchRequest(base, 'GET', '/readyz', headers),
    fetchRequest(base, 'GET', '/metrics', headers),
    fetchRequest(base, 'GET', '/admin/queues', headers),
    fetchRequest(base, 'GET', '/openapi.json', headers),
  ]);
}

describe('X-Request-Id and security headers', () => {
  test('a valid X-Request-Id is echoed on every response, and named in problems', async () => {
    const id = `trace-${randomBytes(6).toString('hex')}.A_1`;
    const responses = await assortedResponses({ 'x-request-id': id });
    for (const res of responses) {
      expect(res.headers.get('x-request-id'), `${res.status} ${res.text.slice(0, 80)}`).toBe(id);
      if (res.status >= 400 && typeof res.body === 'object' && res.body?.requestId !== undefined) {
        expect(res.body.requestId).toBe(id);
      }
    }
    const problem = expectProblem(responses[1]!, 401);
    expect(problem.requestId).toBe(id);
  });

  test('the request id travels with the event into its history entry', async () => {
    const reg = registration();
    expect((await svc.api.post('/v1/connectors', reg)).status).toBe(201);
    const id = `evt-${randomBytes(6).toString('hex')}`;
    const res = await svc.api.event(
      reg.id,
      { type: 'PUBLISH_RELEASE', dockerImageTag: '1.0.1' },
      { 'x-request-id': id },
    );
    expect(res.status).toBe(200);
    const history = await svc.api.get(`/v1/connectors/${reg.id}/history`);
    const last = (history.body.items as { type: string; requestId?: string }[]).at(-1)!;
    expect(last.type).toBe('PUBLISH_RELEASE');
    expect(last.requestId).toBe(id);
  });

  test('a missing or garbage X-Request-Id is replaced by a fresh one', async () => {
    const seen = new Set<string>();
    for (const garbage of [
      undefined,
      '',
      'has space',
      'x'.repeat(129),
      '<script>alert(1)</script>',
      '../../etc/passwd',
      'id\u00e9',
    ]) {
      const res = await rawRequest(svc.api.base, {
        method: 'GET',
        path: '/v1/catalog',
        headers: garbage === undefined ? {} : { 'x-request-id': garbage },
      });
      const got = res.headers.get('x-request-id') ?? '';
      expect(got).toMatch(/^[\w.-]{1,128}$/);
      expect(got).not.toBe(garbage);
      seen.add(got);
    }
    expect(seen.size).toBe(7); // a new one each time
  });

  test('security headers on every response', async () => {
    for (const res of await assortedResponses()) {
      const label = `${res.status} ${res.text.slice(0, 60)}`;
      expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), label).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(res.headers.get('x-powered-by'), label).toBeNull();
      expect(res.headers.get('cross-origin-resource-policy'), label).toBe('same-origin');
    }
  });

  test("documents get helmet's headers for documents; JSON answers of /v1 only those that apply to them", async () => {
    const [catalog, , created] = await assortedResponses();
    const page = await fetchRequest(svc.api.base, 'GET', '/docs', {});
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-dns-prefetch-control')).toBe('off');
    for (const res of [catalog!, created!]) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      for (const header of [
        'referrer-policy',
        'cross-origin-opener-policy',
        'origin-agent-cluster',
        'x-dns-prefetch-control',
        'x-download-options',
        'x-permitted-cross-domain-policies',
        'x-xss-protection',
      ]) {
        expect(res.headers.get(header), header).toBeNull();
      }
    }
  });
});

describe('error bodies', () => {
  test('no stack traces, internal paths or error internals in any error', async () => {
    const admin = svc.api;
    const reader = svc.as(await svc.tokenFor('reader'));
    const reg = registration();
    expect((await admin.post('/v1/connectors', reg)).status).toBe(201);
    const json = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const base = svc.api.base;
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const register = (h: Record<string, string>, body: string) =>
      fetchRequest(base, 'POST', '/v1/connectors', h, body);
    const provoked: [string, Promise<ApiResponse>][] = [
      ['invalid JSON', fetchRequest(base, 'POST', '/v1/connectors', json, '{"id": tru')],
      ['invalid input', admin.post('/v1/connectors', { ...reg, id: 'x' })],
      ['bad token', svc.as('nope').get('/v1/connectors')],
      ['no token', svc.as(null).get('/v1/connectors')],
      ['role too low', reader.post('/v1/tokens', { subject: 'x', role: 'admin' })],
      ['unknown connector', admin.get('/v1/connectors/source-nope')],
      ['unknown route', admin.get('/v1/nope')],
      ['wrong method', admin.request('PUT', `/v1/connectors/${reg.id}`, {})],
      ['duplicate', admin.post('/v1/connectors', reg)],
      ['not allowed now', admin.event(reg.id, { type: 'DEMOTE', reason: 'x' })],
      ['If-Match', admin.event(reg.id, { type: 'ARCHIVE', reason: 'x' }, { 'if-match': '"v999"' })],
      ['policy', admin.event(reg.id, { type: 'PUBLISH_RELEASE', dockerImageTag: '0.0.1' })],
      [
        'too large',
        fetchRequest(base, 'POST', '/v1/connectors', json, JSON.stringify({ a: 'x'.repeat(2e6) })),
      ],
      ['not JSON', register({ ...json, 'content-type': 'text/xml' }, '<a/>')],
      [
        'bad charset',
        register({ ...json, 'content-type': 'application/json; charset=latin1' }, '{}'),
      ],
      [
        'bad gzip',
        rawRequest(base, {
          method: 'POST',
          path: '/v1/connectors',
          headers: { ...json, 'content-encoding': 'gzip' },
          body: Buffer.from('{}'),
        }),
      ],
      ['bad path encoding', admin.get('/v1/connectors/%E0%A4%A')],
      ['bad query', admin.get('/v1/connectors?limit=abc')],
      ['bad cursor', admin.get('/v1/connectors?cursor=!!')],
      ['internal event', admin.event(reg.id, { type: 'ARCHIVE_DUE' })],
      ['bad idempotency key', admin.post('/v1/connectors', reg, { 'idempotency-key': 'a b' })],
      [
        'deep nesting with an idempotency key',
        fetchRequest(base, 'POST', '/v1/connectors', { ...json, 'idempotency-key': 'deep' }, deep),
      ],
      ['dashboard', svc.as(null).get('/admin/queues')],
    ];
    for (const [what, pending] of provoked) {
      const res = await pending;
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(leakDefect(res.text), `${what}: ${res.text.slice(0, 300)}`).toBeNull();
      expect(res.text, what).not.toMatch(/"stack"|\bError: |SyntaxError|TypeError|RangeError/);
      if (res.status < 500) expectProblem(res, res.status);
    }
  });
});

/** A service of its own on a throwaway redis-server, which `body` may stop and start again. */
async function withOwnRedis(
  body: (
    own: TestService,
    redis: { stop(): Promise<void>; restart(): Promise<void> },
  ) => Promise<void>,
): Promise<void> {
  let server: RedisServerHandle | null = await startRedisServer({ persistent: false });
  const port = server.port;
  const own = await startTestService({ roles: ['api'], env: { REDIS_URL: server.url } });
  try {
    await body(own, {
      async stop() {
        await server?.stop();
        server = null;
      },
      async restart() {
        server ??= await startRedisServer({ persistent: false, port });
      },
    });
  } finally {
    // the service closes its connections cleanly only with Redis up
    server ??= await startRedisServer({ persistent: false, port });
    await own.stop();
    await server.stop();
  }
}

describe('GET /readyz', () => {
  test('503 problem+json while Redis is unreachable; ready again when it is back', async () => {
    await withOwnRedis(async (own, redis) => {
      const ready = await own.as(null).get('/readyz');
      expect(ready.status, ready.text).toBe(200);
      expect(ready.body.status).toBe('ready');

      await redis.stop();
      const down = await waitFor(
        async () => {
          const res = await own.as(null).get('/readyz');
          return res.status === 503 ? res : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, what: '/readyz to report 503' },
      );
      const problem = expectProblem(down, 503);
      expect(problem.code).toBe('NOT_READY');
      expect(leakDefect(down.text)).toBeNull();
      // alive all the same
      expect((await own.as(null).get('/healthz')).status).toBe(200);

      await redis.restart();
      await waitFor(async () => (await own.as(null).get('/readyz')).status === 200, {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: '/readyz to recover',
      });
    });
  }, 60_000);

  test('while Redis is unreachable, API requests are 503 problems (not 500)', async () => {
    await withOwnRedis(async (own, redis) => {
      expect((await own.as(null).get('/v1/catalog')).status).toBe(200);
      await redis.stop();
      await waitFor(async () => (await own.as(null).get('/readyz')).status === 503, {
        timeoutMs: 20_000,
        what: '/readyz to report 503',
      });
      for (const res of [
        await own.as(null).get('/v1/catalog'),
        await own.api.get('/v1/connectors'),
      ]) {
        expectProblem(res, 503);
        expect(leakDefect(res.text)).toBeNull();
      }
    });
  }, 60_000);
});
