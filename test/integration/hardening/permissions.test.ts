import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  ADMIN_TOKEN,
  registration,
  type ApiResponse,
  startTestService,
  type TestService,
} from '../../support/harness.js';
import { documentedOperations, type DocumentedOperation } from '../../support/api-contract.js';
import { fetchRequest } from './helpers.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * Every route × every role (SPEC §4), table-driven. The routes and who may call them come from the
 * service's OpenAPI document (`x-access`); this file only says how to call each one. Each cell gets
 * its own fresh target where the request changes something, so that the expected status is exact.
 */

type Role = 'reader' | 'contributor' | 'maintainer' | 'admin';
type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'reader', 'contributor', 'maintainer', 'admin'];
const RANK: Record<Caller, number> = {
  anonymous: -1,
  reader: 0,
  contributor: 1,
  maintainer: 2,
  admin: 3,
};

let svc: TestService;
const tokens = {} as Record<Role | 'owner' | 'listedContributor' | 'listedReader', string>;
const SUBJECT = {
  reader: 'perm-reader',
  contributor: 'perm-contributor',
  maintainer: 'perm-maintainer',
  admin: 'perm-admin',
  owner: 'perm-owner',
  listedContributor: 'perm-listed-contributor',
  listedReader: 'perm-listed-reader',
};
let shared = ''; // a community connector for the read routes
let sweepId = '';
/** every operation of the service, from its OpenAPI document */
let documented: DocumentedOperation[] = [];

beforeAll(async () => {
  svc = await startTestService({
    roles: ['api'],
    env: {
      LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
      LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  tokens.reader = await svc.tokenFor('reader', SUBJECT.reader);
  tokens.contributor = await svc.tokenFor('contributor', SUBJECT.contributor);
  tokens.maintainer = await svc.tokenFor('maintainer', SUBJECT.maintainer);
  tokens.admin = await svc.tokenFor('admin', SUBJECT.admin);
  tokens.owner = await svc.tokenFor('reader', SUBJECT.owner);
  tokens.listedContributor = await svc.tokenFor('contributor', SUBJECT.listedContributor);
  tokens.listedReader = await svc.tokenFor('reader', SUBJECT.listedReader);
  shared = await newConnector();
  const sweep = await svc.api.post('/v1/archival-sweeps', { dryRun: true });
  expect(sweep.status).toBe(202);
  sweepId = sweep.body.id;
  const reference = await svc.as(null).get('/openapi.json');
  expect(reference.status).toBe(200);
  documented = documentedOperations(reference.body);
}, 60_000);

/** Who may call a route, as its operation in the OpenAPI document says. */
function minRoleOf(route: string): Role | 'public' {
  const access = documented.find((o) => o.route === route)?.access;
  if (!access) throw new Error(`${route} is not in the OpenAPI document`);
  if (access.kind === 'public') return 'public';
  if (access.kind === 'role') return access.role;
  throw new Error(`${route}: access ${access.kind} has its own table`);
}

afterAll(async () => {
  await svc?.cleanup();
});

const tokenOf = (caller: Caller | 'owner' | 'listedContributor' | 'listedReader') =>
  caller === 'anonymous' ? null : tokens[caller];

async function call(
  caller: Caller | 'owner' | 'listedContributor' | 'listedReader',
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse> {
  return svc.as(tokenOf(caller)).request(method, path, body);
}

/** A fresh connector listing the two "listed" subjects as maintainers. */
async function newConnector(overrides: Record<string, unknown> = {}): Promise<string> {
  const reg = registration({
    maintainers: [SUBJECT.listedContributor, SUBJECT.listedReader],
    ...overrides,
  });
  const res = await svc.api.post('/v1/connectors', reg);
  expect(res.status, res.text).toBe(201);
  return reg.id;
}

async function newSubscription(): Promise<string> {
  const res = await svc
    .as(tokens.owner)
    .post('/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', secret: 's' });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

/** 401 without a token, 403 below the needed role, the success status otherwise. */
function expectCell(res: ApiResponse, caller: Caller, minRole: Role | 'public', success: number) {
  const label = `${caller}: ${res.status} ${res.text.slice(0, 200)}`;
  if (minRole === 'public') {
    expect(res.status, label).toBe(success);
    return;
  }
  if (caller === 'anonymous') {
    const problem = expectProblem(res, 401);
    expect(problem.code, label).toBe('UNAUTHORIZED');
    expect(res.headers.get('www-authenticate'), label).toMatch(/^Bearer/);
  } else if (RANK[caller] < RANK[minRole]) {
    const problem = expectProblem(res, 403);
    expect(problem.code, label).toBe('FORBIDDEN');
  } else {
    expect(res.status, label).toBe(success);
  }
}

type Req = { method: string; path: string; body?: unknown };

interface RouteCase {
  /** as in the OpenAPI document, in Express form: `GET /v1/connectors/:id` */
  route: string;
  success: number;
  /** builds the request for one cell (fresh targets where the request changes something) */
  request: () => Req | Promise<Req>;
  verify?: (res: ApiResponse) => void;
}

const today = () => new Date().toISOString().slice(0, 10);
let seq = 0;

const ROUTES: RouteCase[] = [
  {
    route: 'POST /v1/tokens',
    success: 201,
    request: () => ({
      method: 'POST',
      path: '/v1/tokens',
      body: { subject: `perm-new-${++seq}`, role: 'reader' },
    }),
  },
  {
    route: 'DELETE /v1/tokens/:id',
    success: 204,
    request: async () => {
      const created = await svc.api.post('/v1/tokens', {
        subject: `victim-${++seq}`,
        role: 'reader',
      });
      return { method: 'DELETE', path: `/v1/tokens/${created.body.id}` };
    },
  },
  {
    route: 'POST /v1/connectors',
    success: 201,
    request: () => ({ method: 'POST', path: '/v1/connectors', body: registration() }),
  },
  {
    route: 'GET /v1/connectors',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/connectors?limit=5' }),
  },
  {
    route: 'GET /v1/connectors/:id',
    success: 200,
    request: () => ({ method: 'GET', path: `/v1/connectors/${shared}` }),
    verify: (res) => expect(res.headers.get('etag')).toMatch(/^"v\d+"$/),
  },
  {
    route: 'GET /v1/connectors/:id/history',
    success: 200,
    request: () => ({ method: 'GET', path: `/v1/connectors/${shared}/history` }),
  },
  {
    route: 'GET /v1/connectors/:id/acceptance-runs',
    success: 200,
    request: () => ({ method: 'GET', path: `/v1/connectors/${shared}/acceptance-runs` }),
  },
  {
    route: 'POST /v1/usage',
    success: 200,
    request: () => ({
      method: 'POST',
      path: '/v1/usage',
      body: { entries: [{ connectorId: shared, date: today(), activeConnections: 1, syncs: 1 }] },
    }),
    verify: (res) => expect(res.body.stored).toBe(1),
  },
  {
    route: 'POST /v1/archival-sweeps',
    success: 202,
    request: () => ({ method: 'POST', path: '/v1/archival-sweeps', body: { dryRun: true } }),
  },
  {
    route: 'GET /v1/archival-sweeps',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/archival-sweeps' }),
  },
  {
    route: 'GET /v1/whoami',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/whoami' }),
  },
  {
    route: 'GET /v1/archival-sweeps/:id',
    success: 200,
    request: () => ({ method: 'GET', path: `/v1/archival-sweeps/${sweepId}` }),
  },
  {
    route: 'GET /v1/catalog',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/catalog' }),
  },
  {
    route: 'GET /v1/catalog/registry.json',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/catalog/registry.json' }),
  },
  {
    route: 'POST /v1/imports',
    success: 200,
    request: () => ({ method: 'POST', path: '/v1/imports', body: { metadata: [], dryRun: true } }),
  },
  {
    route: 'GET /v1/connectors/:id/metadata.yaml',
    success: 200,
    request: () => ({ method: 'GET', path: `/v1/connectors/${shared}/metadata.yaml` }),
  },
  {
    route: 'GET /v1/support-levels',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/support-levels' }),
  },
  {
    route: 'GET /v1/machine',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/machine' }),
  },
  {
    route: 'POST /v1/subscriptions',
    success: 201,
    request: () => ({
      method: 'POST',
      path: '/v1/subscriptions',
      body: { url: 'http://127.0.0.1:9/hook', secret: 's' },
    }),
  },
  {
    route: 'GET /v1/subscriptions',
    success: 200,
    request: () => ({ method: 'GET', path: '/v1/subscriptions' }),
  },
  {
    route: 'GET /healthz',
    success: 200,
    request: () => ({ method: 'GET', path: '/healthz' }),
  },
  {
    route: 'GET /readyz',
    success: 200,
    request: () => ({ method: 'GET', path: '/readyz' }),
  },
  {
    route: 'GET /metrics',
    success: 200,
    request: () => ({ method: 'GET', path: '/metrics' }),
  },
  {
    route: 'GET /openapi.json',
    success: 200,
    request: () => ({ method: 'GET', path: '/openapi.json' }),
  },
  {
    route: 'GET /docs',
    success: 200,
    request: () => ({ method: 'GET', path: '/docs' }),
  },
];

describe('every route × every role', () => {
  test('the tables cover exactly the operations of the OpenAPI document', () => {
    const tabled = [
      ...ROUTES.map((c) => c.route),
      ...OWNER_CASES.map((c) => c.route),
      EVENTS_ROUTE,
    ].sort();
    expect(tabled).toEqual(documented.map((o) => o.route).sort());
    for (const c of OWNER_CASES) {
      expect(documented.find((o) => o.route === c.route)?.access, c.route).toEqual({
        kind: 'owner',
      });
    }
    expect(documented.find((o) => o.route === EVENTS_ROUTE)?.access).toEqual({ kind: 'event' });
  });

  for (const c of ROUTES) {
    test(c.route, async () => {
      const minRole = minRoleOf(c.route);
      for (const caller of CALLERS) {
        const { method, path, body } = await c.request();
        const res = await call(caller, method, path, body);
        expectCell(res, caller, minRole, c.success);
        if (res.status === c.success) c.verify?.(res);
      }
    });
  }

  test('a refused request changes nothing (a token survives a refused revocation)', async () => {
    const created = await svc.api.post('/v1/tokens', { subject: 'survivor', role: 'reader' });
    for (const caller of ['reader', 'contributor', 'maintainer'] as const) {
      expectProblem(await call(caller, 'DELETE', `/v1/tokens/${created.body.id}`), 403);
    }
    expect((await svc.as(created.body.token).get('/v1/connectors?limit=1')).status).toBe(200);
  });
});

/** The routes whose access is `owner`: a subscription belongs to its subject (admins see all). */
const OWNER_CASES: { route: string; method: string; suffix: string; success: number }[] = [
  { route: 'GET /v1/subscriptions/:id', method: 'GET', suffix: '', success: 200 },
  { route: 'DELETE /v1/subscriptions/:id', method: 'DELETE', suffix: '', success: 204 },
  {
    route: 'GET /v1/subscriptions/:id/deliveries',
    method: 'GET',
    suffix: '/deliveries',
    success: 200,
  },
];

/** The route whose access is `event`: who may send depends on the event (EVENT_CASES below). */
const EVENTS_ROUTE = 'POST /v1/connectors/:id/events';

describe('subscriptions belong to their owner (admins see all)', () => {
  for (const c of OWNER_CASES) {
    test(c.route, async () => {
      const cells: [Caller | 'owner', number][] = [
        ['anonymous', 401],
        ['reader', 403],
        ['contributor', 403],
        ['maintainer', 403],
        ['admin', c.success],
        ['owner', c.success],
      ];
      for (const [caller, status] of cells) {
        const id = await newSubscription();
        const res = await call(caller, c.method, `/v1/subscriptions/${id}${c.suffix}`);
        if (status >= 400) expectProblem(res, status);
        else expect(res.status, `${caller}: ${res.text}`).toBe(status);
        // a refused DELETE left the subscription in place
        if (c.method === 'DELETE') {
          const after = await call('owner', 'GET', `/v1/subscriptions/${id}`);
          expect(after.status).toBe(status >= 400 ? 200 : 404);
        }
      }
    });
  }

  test('the list shows only the caller’s own subscriptions', async () => {
    const id = await newSubscription();
    const mine = await call('owner', 'GET', '/v1/subscriptions');
    expect((mine.body.items as { id: string }[]).map((s) => s.id)).toContain(id);
    for (const caller of ['reader', 'contributor', 'maintainer'] as const) {
      const theirs = await call(caller, 'GET', '/v1/subscriptions');
      expect(theirs.status).toBe(200);
      expect((theirs.body.items as { id: string }[]).map((s) => s.id)).not.toContain(id);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Events: who may send which (SPEC §4, EVENT_PERMISSIONS)
// ---------------------------------------------------------------------------------------------

type EventCaller = Caller | 'listedContributor' | 'listedReader';
const EVENT_CALLERS: EventCaller[] = [...CALLERS, 'listedContributor', 'listedReader'];

interface EventCase {
  type: string;
  /** who may send it */
  allowed: EventCaller[];
  body: Record<string, unknown>;
  /** a fresh connector in the state the event needs (or a state that refuses it: 409) */
  prepare: () => Promise<string>;
  success: number;
}

const MAINTAINER_PLUS: EventCaller[] = ['maintainer', 'admin'];
const LISTED_OR_MAINTAINER: EventCaller[] = [
  'maintainer',
  'admin',
  'listedContributor',
  'listedReader',
];
const CONTRIBUTOR_PLUS: EventCaller[] = ['contributor', 'maintainer', 'admin', 'listedContributor'];

const EVENT_CASES: EventCase[] = [
  {
    type: 'CONTRIBUTE',
    allowed: LISTED_OR_MAINTAINER,
    body: {},
    prepare: () => newConnector({ supportLevel: 'custom' }),
    success: 202,
  },
  {
    type: 'PUBLISH_RELEASE',
    allowed: LISTED_OR_MAINTAINER,
    body: { dockerImageTag: '1.0.1' },
    prepare: () => newConnector(),
    success: 200,
  },
  {
    type: 'REQUEST_UNARCHIVE',
    allowed: CONTRIBUTOR_PLUS,
    body: { justification: 'I will maintain it', dockerImageTag: '1.0.1', cdkVersion: '6.0.0' },
    prepare: async () => {
      const id = await newConnector();
      const archived = await svc.api.event(id, { type: 'ARCHIVE', reason: 'unused' });
      expect(archived.status, archived.text).toBe(200);
      return id;
    },
    success: 202,
  },
  {
    type: 'REQUEST_CERTIFICATION',
    allowed: MAINTAINER_PLUS,
    body: {},
    prepare: () => newConnector(),
    success: 202,
  },
  {
    type: 'DEMOTE',
    allowed: MAINTAINER_PLUS,
    body: { reason: 'quality' },
    prepare: () => newConnector(), // community: not certified, so a 409 once authorised
    success: 409,
  },
  {
    type: 'DEPRECATE',
    allowed: MAINTAINER_PLUS,
    body: { reason: 'superseded', noticeDays: 0 },
    prepare: () => newConnector(),
    success: 200,
  },
  {
    type: 'CANCEL_DEPRECATION',
    allowed: MAINTAINER_PLUS,
    body: { reason: 'still used' },
    prepare: async () => {
      const id = await newConnector();
      const res = await svc.api.event(id, { type: 'DEPRECATE', reason: 'x', noticeDays: 30 });
      expect(res.status, res.text).toBe(200);
      return id;
    },
    success: 200,
  },
  {
    type: 'ARCHIVE',
    allowed: MAINTAINER_PLUS,
    body: { reason: 'unused' },
    prepare: () => newConnector(),
    success: 200,
  },
  {
    type: 'APPROVE_UNARCHIVE',
    allowed: MAINTAINER_PLUS,
    body: {},
    prepare: () => newConnector(), // nothing to review: a 409 once authorised
    success: 409,
  },
  {
    type: 'REJECT_UNARCHIVE',
    allowed: MAINTAINER_PLUS,
    body: { reason: 'no' },
    prepare: () => newConnector(),
    success: 409,
  },
];

describe('who may send which event', () => {
  for (const c of EVENT_CASES) {
    test(`${c.type}: ${c.allowed.join(', ')}`, async () => {
      for (const caller of EVENT_CALLERS) {
        const id = await c.prepare();
        const before = await svc.api.get(`/v1/connectors/${id}`);
        const res = await call(caller, 'POST', `/v1/connectors/${id}/events`, {
          type: c.type,
          ...c.body,
        });
        const label = `${c.type} by ${caller}: ${res.status} ${res.text.slice(0, 200)}`;
        if (caller === 'anonymous') {
          expectProblem(res, 401);
        } else if (!c.allowed.includes(caller)) {
          expect(res.status, label).toBe(403);
          expectProblem(res, 403);
        } else {
          expect(res.status, label).toBe(c.success);
          if (c.success === 409) expect(res.body.code, label).toBe('EVENT_NOT_ALLOWED');
        }
        // a refused event changed nothing
        const after = await svc.api.get(`/v1/connectors/${id}`);
        if (res.status >= 400) expect(after.body.version, label).toBe(before.body.version);
        else expect(after.body.version, label).toBe(before.body.version + 1);
      }
    });
  }

  test('a listed maintainer gains nothing beyond CONTRIBUTE and PUBLISH_RELEASE', async () => {
    const id = await newConnector();
    for (const type of ['DEPRECATE', 'ARCHIVE', 'REQUEST_CERTIFICATION']) {
      for (const caller of ['listedContributor', 'listedReader'] as const) {
        const body = type === 'REQUEST_CERTIFICATION' ? { type } : { type, reason: 'x' };
        const res = await call(caller, 'POST', `/v1/connectors/${id}/events`, body);
        expectProblem(res, 403);
      }
    }
  });

  test('an unknown connector is a 404 for any authenticated caller, 401 without a token', async () => {
    for (const caller of EVENT_CALLERS) {
      const res = await call(caller, 'POST', '/v1/connectors/source-does-not-exist/events', {
        type: 'ARCHIVE',
        reason: 'x',
      });
      expectProblem(res, caller === 'anonymous' ? 401 : 404);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The queue dashboard
// ---------------------------------------------------------------------------------------------

describe('/admin/queues is for admins only', () => {
  const get = (headers: Record<string, string>) =>
    fetchRequest(svc.api.base, 'GET', '/admin/queues', headers);
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  test('401 without credentials, with a WWW-Authenticate challenge', async () => {
    const res = await get({});
    expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/Basic realm=/);
    const wrong = await get({ authorization: basic('admin', 'wrong-password') });
    expectProblem(wrong, 401);
    expect(wrong.headers.get('www-authenticate')).toBeTruthy();
  });

  test('403 for reader, contributor and maintainer', async () => {
    for (const role of ['reader', 'contributor', 'maintainer'] as const) {
      const res = await get({ authorization: `Bearer ${tokens[role]}` });
      expectProblem(res, 403);
      // … and with Basic too
      expectProblem(await get({ authorization: basic('x', tokens[role]) }), 403);
    }
  });

  test('200 for an admin, with Bearer or with Basic (the token as password)', async () => {
    for (const authorization of [
      `Bearer ${ADMIN_TOKEN}`,
      `Bearer ${tokens.admin}`,
      basic('admin', ADMIN_TOKEN),
      basic('anyone', tokens.admin),
    ]) {
      const res = await get({ authorization });
      expect(res.status, `${authorization.slice(0, 12)}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
    const api = await fetchRequest(svc.api.base, 'GET', '/admin/queues/api/queues', {
      authorization: basic('admin', ADMIN_TOKEN),
    });
    expect(api.status).toBe(200);
    expect((api.body.queues as unknown[]).length).toBeGreaterThan(0);
  });
});
