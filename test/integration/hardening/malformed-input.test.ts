import { readFileSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashToken } from '../../../src/auth/token-store.js';
import { bodyLimitFor } from '../../../src/http/body-limits.js';
import {
  documentedOperations,
  startReferenceApp,
  type DocumentedOperation,
} from '../../support/api-contract.js';
import {
  ADMIN_TOKEN,
  startTestService,
  waitFor,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import {
  fetchRequest,
  leakDefect,
  problemDefect,
  prng,
  rawRequest,
  redisState,
  runBounded,
  type Prng,
} from './helpers.js';

/**
 * "Tested as an attacker would": thousands of malformed, hostile or unauthorised requests across
 * every route. None may yield a 5xx, every 4xx is a problem+json of its own status, and nothing in
 * the service's state changes. One test per route of the OpenAPI document (and one for unknown
 * routes and methods), each with the attacks on that route. The generator is seeded (its random
 * combinations come from fast-check with the same seed): a failure reproduces with the same SEED.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const CONCURRENCY = 16;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Attack {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** send through node:http: exact bytes, latin1 header bytes, repeated headers */
  raw?: boolean;
  rawHeaders?: OutgoingHttpHeaders;
  /** the statuses this request must get (when the outcome does not depend on anything else) */
  expect?: number[];
  /** a third-party page (the queue dashboard's own API): only "no 5xx" is checked */
  thirdParty?: boolean;
  check?: (res: ApiResponse) => string | null;
}

// Fixtures: ids are fixed, the key prefix keeps them apart from other tests.
const CONN_A = 'source-fuzz-alpha'; // community.active, maintainers [alice]
const CONN_B = 'destination-fuzz-beta'; // community.active, maintainers [bob]
const CONN_C = 'source-fuzz-gamma'; // custom.active, maintainers [alice]
const DEFINITION_ID = '3f1c8a52-6a0e-4b7e-9a57-2f1f7d1f0c11';

let svc: TestService;
const tok = { admin: ADMIN_TOKEN, reader: '', alice: '', mallory: '', maintainer: '' };
let readerTokenId = '';
let adminSubscriptionId = '';
let readerSubscriptionId = '';
let sweepId = '';
/** every operation of the service, from its OpenAPI document */
let documented: DocumentedOperation[] = [];

/** The routes of the OpenAPI document, read when the tests are collected: one test each. */
const COLLECTED: DocumentedOperation[] = await (async () => {
  const reference = await startReferenceApp();
  try {
    const res = await fetch(`${reference.base}/openapi.json`);
    return documentedOperations((await res.json()) as Record<string, unknown>);
  } finally {
    await reference.close();
  }
})();
const OTHER_ROUTES = 'unknown routes and methods, the queue dashboard';
const ROUTE_KEYS = [
  ...COLLECTED.map(({ method, path }) => `${method.toUpperCase()} ${path}`),
  OTHER_ROUTES,
];
const templates = COLLECTED.map(({ method, path }) => ({
  key: `${method.toUpperCase()} ${path}`,
  method: method.toUpperCase(),
  pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The test an attack belongs to: the documented route it targets, or OTHER_ROUTES. */
function routeKeyOf(attack: Attack): string {
  const path = attack.path.split('?')[0]!;
  return (
    templates.find((t) => t.method === attack.method.toUpperCase() && t.pattern.test(path))?.key ??
    OTHER_ROUTES
  );
}

/** Every attack, by the test it belongs to (generated once the fixtures exist). */
const attacksByRoute = new Map<string, Attack[]>();
let attackCount = 0;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  // No scheduler (no cron sweep can fire mid-test); limits high enough that 429 masks nothing.
  svc = await startTestService({
    roles: ['api', 'worker'],
    env: {
      LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000',
      LIFECYCLE_AUTH_FAILURES_PER_MINUTE: '1000000',
    },
  });
  const created = await svc.api.post('/v1/tokens', { subject: 'fuzz-reader', role: 'reader' });
  expect(created.status).toBe(201);
  tok.reader = created.body.token;
  readerTokenId = created.body.id;
  tok.alice = await svc.tokenFor('contributor', 'alice');
  tok.mallory = await svc.tokenFor('contributor', 'mallory');
  tok.maintainer = await svc.tokenFor('maintainer', 'fuzz-maintainer');

  const base = {
    name: 'Fuzz target',
    language: 'python',
    dockerImageTag: '1.0.0',
    cdkVersion: '6.0.0',
  };
  for (const reg of [
    { ...base, id: CONN_A, type: 'source', dockerRepository: 'airbyte/a', maintainers: ['alice'] },
    {
      ...base,
      id: CONN_B,
      type: 'destination',
      dockerRepository: 'airbyte/b',
      maintainers: ['bob'],
    },
    {
      ...base,
      id: CONN_C,
      type: 'source',
      dockerRepository: 'airbyte/c',
      maintainers: ['alice'],
      supportLevel: 'custom',
    },
  ]) {
    const res = await svc.api.post('/v1/connectors', reg);
    expect(res.status, res.text).toBe(201);
  }
  // Subscriptions that never match anything, so that no delivery is recorded during the run.
  const quiet = { events: ['connector.unarchived'], connectorIds: ['source-none-such'] };
  const subA = await svc.api.post('/v1/subscriptions', {
    url: 'http://127.0.0.1:9/a',
    secret: 'sa',
    ...quiet,
  });
  expect(subA.status).toBe(201);
  adminSubscriptionId = subA.body.id;
  const subR = await svc
    .as(tok.reader)
    .post('/v1/subscriptions', { url: 'http://127.0.0.1:9/r', secret: 'sr', ...quiet });
  expect(subR.status).toBe(201);
  readerSubscriptionId = subR.body.id;
  const sweep = await svc.api.post('/v1/archival-sweeps', { dryRun: true });
  expect(sweep.status).toBe(202);
  sweepId = sweep.body.id;
  await waitFor(
    async () => (await svc.api.get(`/v1/archival-sweeps/${sweepId}`)).body.status === 'completed',
    { what: 'the dry-run sweep' },
  );
  // The catalog shows both community connectors and every side effect has run.
  await waitFor(
    async () => {
      const catalog = await svc.api.get('/v1/catalog');
      if ((catalog.body.connectors as unknown[]).length !== 2) return false;
      const ready = await svc.api.get('/readyz');
      if (ready.body.outboxBacklog !== 0) return false;
      return Object.values(ready.body.queues as Record<string, Record<string, number>>).every(
        (c) => !c.wait && !c.active && !c.delayed && !c.prioritized,
      );
    },
    { what: 'side effects of the setup', timeoutMs: 20_000 },
  );
  const reference = await svc.as(null).get('/openapi.json');
  expect(reference.status).toBe(200);
  documented = documentedOperations(reference.body);
  const attacks = generate(prng(SEED));
  attackCount = attacks.length;
  for (const attack of attacks) {
    const key = routeKeyOf(attack);
    attacksByRoute.set(key, [...(attacksByRoute.get(key) ?? []), attack]);
  }
}, 60_000);

afterAll(async () => {
  await svc?.cleanup();
});

/** Everything an attacker could try to change, read back through the API and from Redis. */
async function snapshot() {
  const api = svc.api;
  const views: Record<string, unknown> = {};
  for (const id of [CONN_A, CONN_B, CONN_C]) {
    const [connector, history, runs] = await Promise.all([
      api.get(`/v1/connectors/${id}`),
      api.get(`/v1/connectors/${id}/history`),
      api.get(`/v1/connectors/${id}/acceptance-runs`),
    ]);
    views[id] = {
      status: connector.status,
      etag: connector.headers.get('etag'),
      connector: connector.body,
      history: history.body,
      runs: runs.body,
    };
  }
  const list = await api.get('/v1/connectors?limit=500');
  const catalog = await api.get('/v1/catalog');
  const registry = await api.get('/v1/catalog/registry.json');
  const adminSubs = await api.get('/v1/subscriptions');
  const readerSubs = await svc.as(tok.reader).get('/v1/subscriptions');
  const sweep = await api.get(`/v1/archival-sweeps/${sweepId}`);
  const ready = await api.get('/readyz');
  const redis = await redisState(svc.services.redis, svc.prefix);
  return {
    views,
    list: list.body,
    catalog: catalog.body,
    catalogEtag: catalog.headers.get('etag'),
    registry: registry.body,
    adminSubs: adminSubs.body,
    readerSubs: readerSubs.body,
    sweep: sweep.body,
    queues: ready.body.queues,
    outboxBacklog: ready.body.outboxBacklog,
    redisKeyCount: Object.keys(redis).length,
    redis,
  };
}

// ---------------------------------------------------------------------------------------------
// Bad values
// ---------------------------------------------------------------------------------------------

const HUGE = 'x'.repeat(100_000);
const HUGE_UNICODE = 'é'.repeat(50_000); // 100 KB of UTF-8
const NON_STRINGS: Json[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  false,
  [],
  ['x'],
  {},
  { $gt: '' },
  { toString: 'x' },
];
const NON_NUMBERS: Json[] = [null, '1', '', true, false, [], [1], {}, { valueOf: 1 }];
const NON_BOOLEANS: Json[] = [null, 'true', 'false', 1, 0, '', [], [true], {}, 'yes'];
const NON_ARRAYS: Json[] = [null, 'x', 1, true, {}, { 0: 'x', length: 1 }];
const BAD_TEXT: Json[] = [...NON_STRINGS, '', '   ', '\t\n', HUGE, HUGE_UNICODE];
const BAD_IDS: Json[] = [
  ...NON_STRINGS,
  '',
  'SOURCE-X',
  'source-',
  'src-x',
  'source-../../etc',
  'source-a b',
  'source-a\u0000',
  'source-x\n',
  'source-ü',
  'source-😀',
  '__proto__',
  'constructor',
  `source-${'a'.repeat(300)}`,
  HUGE,
];
const BAD_SUBJECTS: Json[] = [
  ...NON_STRINGS,
  '',
  ' alice',
  '-alice',
  '_x',
  '__proto__',
  'a b',
  'a\u0000b',
  'ü',
  'a'.repeat(201),
  '<script>alert(1)</script>',
  HUGE,
];
const BAD_SEMVER: Json[] = [
  ...NON_STRINGS,
  '',
  '1',
  '1.0',
  'v1.0.0',
  '01.0.0',
  '1.0.0.0',
  'latest',
  '1.0.0-',
  '1.0.0\u0000',
  HUGE,
];
const BAD_URLS: Json[] = [
  ...NON_STRINGS,
  '',
  'ftp://x.example',
  'javascript:alert(1)',
  'file:///etc/passwd',
  'data:text/plain,x',
  'gopher://x.example',
  'not a url',
  '//example.com/x',
  `https://${'a'.repeat(2100)}.example`,
  HUGE,
];
const BAD_DATES: Json[] = [
  ...NON_STRINGS,
  '',
  '2024-02-30',
  '2024-13-01',
  '24-01-01',
  'yesterday',
  '2024-01-01T00:00:00Z',
  '2999-01-01',
  '9999-99-99',
  HUGE,
];
const BAD_COUNTS: Json[] = [...NON_NUMBERS, -1, 1.5, 1e10, 1e308, -1e308];
/** Fields an attacker adds to smuggle state or privileges. */
const EXTRA_FIELDS: [string, Json][] = [
  ['extra', 1],
  ['isAdmin', true],
  ['role', 'admin'],
  ['version', 99],
  ['state', 'certified.active'],
  ['supportLevel', 'certified'],
  ['automated', true],
  ['actor', 'system'],
  ['eventId', 'e-1'],
  ['owner', 'admin'],
  ['', ''],
  [HUGE.slice(0, 20_000), 1],
];
const UNKNOWN_EVENT_TYPES: Json[] = [
  'ACCEPTANCE_PASSED',
  'ACCEPTANCE_FAILED',
  'ARCHIVE_DUE',
  'REMINDER_DUE',
  'SUGGEST_REVIEW',
  'REGISTER',
  'archive',
  'Archive',
  ' ARCHIVE',
  'ARCHIVE ',
  'ARCHIVE\u0000',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'xstate.init',
  'xstate.stop',
  '*',
  '',
  HUGE,
];

// ---------------------------------------------------------------------------------------------
// Routes with bodies
// ---------------------------------------------------------------------------------------------

interface FieldSpec {
  name: string;
  required: boolean;
  bad: Json[];
  /** well-formed values that a policy refuses (422) or the state refuses (409) */
  refused?: Json[];
}

interface BodyRoute {
  label: string;
  path: string;
  /** a principal allowed to call the route, so that validation is reached */
  token: () => string;
  /** a valid body that changes nothing even if accepted as is (it is never sent unmutated) */
  base: Record<string, Json>;
  fields: FieldSpec[];
  /** what a malformed body gets */
  invalid: number[];
  check?: (res: ApiResponse) => string | null;
}

const breakingChange = {
  message: 'renamed a stream',
  upgradeDeadline: '2099-01-01',
  migrationDocumentationUrl: 'https://docs.example/m',
};
const REASON: FieldSpec = { name: 'reason', required: true, bad: [...BAD_TEXT, 'x'.repeat(2001)] };
const OPTIONAL_REASON: FieldSpec = { ...REASON, required: false };

function eventRoute(
  type: string,
  connectorId: string,
  token: () => string,
  payload: Record<string, Json>,
  fields: FieldSpec[],
): BodyRoute {
  return {
    label: `event ${type}`,
    path: `/v1/connectors/${connectorId}/events`,
    token,
    base: { type, ...payload },
    fields: [
      { name: 'type', required: true, bad: [...NON_STRINGS, ...UNKNOWN_EVENT_TYPES] },
      ...fields,
    ],
    invalid: [400],
  };
}

/** The usage route answers 200 and reports bad entries one by one: nothing may be stored. */
const nothingStored = (res: ApiResponse) =>
  res.status !== 200 || (res.body as { stored?: unknown }).stored === 0
    ? null
    : `stored ${String((res.body as { stored?: unknown }).stored)} entries`;

function bodyRoutes(): BodyRoute[] {
  const admin = () => tok.admin;
  return [
    {
      label: 'create token',
      path: '/v1/tokens',
      token: admin,
      base: { subject: 'fuzz-subject', role: 'reader' },
      fields: [
        { name: 'subject', required: true, bad: BAD_SUBJECTS },
        {
          name: 'role',
          required: true,
          bad: [
            ...NON_STRINGS,
            '',
            'root',
            'ADMIN',
            'superadmin',
            '__proto__',
            'admin ',
            ' reader',
          ],
        },
      ],
      invalid: [400],
    },
    {
      // The base re-registers an existing id: even a body that slipped through is a 409.
      label: 'register',
      path: '/v1/connectors',
      token: () => tok.alice,
      base: {
        id: CONN_A,
        name: 'Fuzz',
        type: 'source',
        language: 'python',
        dockerRepository: 'airbyte/source-fuzz',
        dockerImageTag: '1.0.0',
        cdkVersion: '6.0.0',
        maintainers: ['alice'],
        definitionId: DEFINITION_ID,
        supportLevel: 'community',
      },
      fields: [
        // refused only in combination with the other fields: never mixed by the random section
        { name: 'id', required: true, bad: BAD_IDS, refused: ['destination-fuzz-alpha'] },
        { name: 'name', required: true, bad: [...BAD_TEXT, 'x'.repeat(201)] },
        {
          name: 'type',
          required: true,
          bad: [...NON_STRINGS, '', 'sink', 'SOURCE', 'source '],
          refused: ['destination'],
        },
        {
          name: 'language',
          required: true,
          bad: [...NON_STRINGS, '', 'Python', 'py thon', '-py', 'a'.repeat(51), HUGE],
        },
        {
          name: 'dockerRepository',
          required: true,
          bad: [
            ...NON_STRINGS,
            '',
            'Airbyte/x',
            'airbyte//x',
            'airbyte/x:1.0',
            '/x',
            'x/',
            '../../etc',
            'a'.repeat(256),
            HUGE,
          ],
        },
        { name: 'dockerImageTag', required: true, bad: BAD_SEMVER },
        { name: 'cdkVersion', required: true, bad: [...BAD_TEXT, 'x'.repeat(65)] },
        {
          name: 'maintainers',
          required: true,
          bad: [
            ...NON_ARRAYS,
            [],
            [''],
            [1],
            [null],
            ['a b'],
            ['__proto__'],
            ['-x'],
            [{}],
            [['alice']],
            [HUGE],
            Array.from({ length: 101 }, (_, i) => `m${i}`),
          ],
        },
        {
          name: 'definitionId',
          required: false,
          bad: [
            ...NON_STRINGS,
            '',
            'not-a-uuid',
            '3f1c8a52-6a0e-4b7e-9a57-2f1f7d1f0c1g',
            `${DEFINITION_ID}\n`,
            HUGE,
          ],
        },
        {
          name: 'supportLevel',
          required: false,
          bad: [...NON_STRINGS, '', 'certified', 'archived', 'COMMUNITY', '__proto__'],
        },
      ],
      invalid: [400],
    },
    eventRoute('CONTRIBUTE', CONN_C, () => tok.alice, {}, []),
    eventRoute('REQUEST_CERTIFICATION', CONN_A, admin, {}, []),
    eventRoute('DEMOTE', CONN_A, admin, { reason: 'r' }, [REASON]),
    eventRoute('DEPRECATE', CONN_A, () => tok.maintainer, { reason: 'r', noticeDays: 30 }, [
      REASON,
      { name: 'noticeDays', required: false, bad: [...NON_NUMBERS, -1, -0.5, 3651, 1e308] },
      { name: 'replacement', required: false, bad: BAD_IDS },
    ]),
    eventRoute('CANCEL_DEPRECATION', CONN_A, admin, { reason: 'r' }, [OPTIONAL_REASON]),
    eventRoute('ARCHIVE', CONN_B, admin, { reason: 'r' }, [REASON]),
    eventRoute(
      'PUBLISH_RELEASE',
      CONN_A,
      () => tok.alice,
      // 0.0.1 is below the current 1.0.0: refused by policy even if every field were fine.
      { dockerImageTag: '0.0.1', cdkVersion: '6.0.0', breakingChange },
      [
        {
          name: 'dockerImageTag',
          required: true,
          bad: [...BAD_TEXT, 'x'.repeat(129)],
          refused: ['latest', '0.0.0', '1.0.0', 'v2', '1.0.0\u0000', '../../etc'],
        },
        { name: 'cdkVersion', required: false, bad: [...BAD_TEXT, 'x'.repeat(65)] },
        {
          name: 'breakingChange',
          required: false,
          bad: [
            ...NON_STRINGS,
            { message: 'm' },
            { ...breakingChange, extra: 1 },
            { ...breakingChange, message: '' },
            { ...breakingChange, message: HUGE },
            { ...breakingChange, upgradeDeadline: 'tomorrow' },
            { ...breakingChange, upgradeDeadline: '2024-02-30' },
            { ...breakingChange, upgradeDeadline: 20990101 },
            { ...breakingChange, migrationDocumentationUrl: 'javascript:alert(1)' },
            { ...breakingChange, migrationDocumentationUrl: 'file:///etc/passwd' },
          ],
        },
      ],
    ),
    eventRoute(
      'REQUEST_UNARCHIVE',
      CONN_A,
      () => tok.mallory,
      { justification: 'j', dockerImageTag: '2.0.0', cdkVersion: '6.0.0' },
      [
        { name: 'justification', required: true, bad: [...BAD_TEXT, 'x'.repeat(5001)] },
        { name: 'dockerImageTag', required: true, bad: [...BAD_TEXT, 'x'.repeat(129)] },
        { name: 'cdkVersion', required: true, bad: [...BAD_TEXT, 'x'.repeat(65)] },
      ],
    ),
    eventRoute('APPROVE_UNARCHIVE', CONN_A, admin, { reason: 'r' }, [OPTIONAL_REASON]),
    eventRoute('REJECT_UNARCHIVE', CONN_A, admin, { reason: 'r' }, [REASON]),
    {
      label: 'usage',
      path: '/v1/usage',
      token: admin,
      base: { entries: [] },
      fields: [
        {
          name: 'entries',
          required: true,
          bad: [...NON_ARRAYS, [], Array.from({ length: 10_001 }, () => 0)],
        },
      ],
      invalid: [400],
    },
    {
      label: 'usage entry',
      path: '/v1/usage',
      token: admin,
      // mutated below, inside entries[0]
      base: { connectorId: CONN_A, date: '2024-01-01', activeConnections: 5, syncs: 1 },
      fields: [
        { name: 'connectorId', required: true, bad: [...BAD_IDS, 'source-unknown-zzz'] },
        { name: 'date', required: true, bad: BAD_DATES },
        { name: 'activeConnections', required: true, bad: BAD_COUNTS },
        { name: 'syncs', required: true, bad: BAD_COUNTS },
      ],
      invalid: [200],
      check: nothingStored,
    },
    {
      label: 'archival sweep',
      path: '/v1/archival-sweeps',
      token: admin,
      base: { dryRun: true },
      fields: [{ name: 'dryRun', required: false, bad: NON_BOOLEANS }],
      invalid: [400],
    },
    {
      // A dry run of nothing: even a body that slipped through would change nothing.
      label: 'import',
      path: '/v1/imports',
      token: admin,
      base: { metadata: [], dryRun: true },
      fields: [
        { name: 'metadata', required: false, bad: [...NON_ARRAYS, [1], [''], [null], [[]]] },
        {
          name: 'registry',
          required: false,
          bad: [null, 'x', 1, true, [], { sources: 'x', destinations: [] }, { sources: [] }],
        },
        { name: 'maintainers', required: false, bad: [...NON_ARRAYS, [], ['not a subject!']] },
        { name: 'dryRun', required: false, bad: NON_BOOLEANS },
        { name: 'apply', required: false, bad: NON_BOOLEANS },
      ],
      invalid: [400],
    },
    {
      label: 'subscribe',
      path: '/v1/subscriptions',
      token: () => tok.reader,
      base: {
        url: 'http://127.0.0.1:9/hook',
        secret: 's3cret',
        events: ['connector.unarchived'],
        connectorIds: ['source-none-such'],
      },
      fields: [
        { name: 'url', required: true, bad: BAD_URLS },
        { name: 'secret', required: true, bad: [...NON_STRINGS, '', 'x'.repeat(513), HUGE] },
        {
          name: 'events',
          required: false,
          bad: [
            ...NON_ARRAYS,
            [],
            ['connector.nope'],
            ['CONNECTOR.REGISTERED'],
            [1],
            [null],
            [HUGE],
            Array.from({ length: 16 }, () => 'connector.registered'),
          ],
        },
        {
          name: 'connectorIds',
          required: false,
          bad: [
            ...NON_ARRAYS,
            [],
            ['x'],
            [1],
            ['SOURCE-X'],
            ['source-../../etc'],
            Array.from({ length: 1001 }, (_, i) => `source-x${i}`),
          ],
        },
      ],
      invalid: [400],
    },
  ];
}

/** Wraps a mutated usage entry into a request body. */
function wrap(route: BodyRoute, body: Record<string, Json>): Record<string, Json> {
  return route.label === 'usage entry' ? { entries: [body] } : body;
}
function wrapText(route: BodyRoute, text: string): string {
  return route.label === 'usage entry' ? `{"entries":[${text}]}` : text;
}
function wrapBytes(route: BodyRoute, bytes: Buffer): Buffer {
  return route.label === 'usage entry'
    ? Buffer.concat([Buffer.from('{"entries":['), bytes, Buffer.from(']}')])
    : bytes;
}
/** The base body's JSON text with one field's value replaced by raw JSON text. */
function withRawField(base: Record<string, Json>, field: string, rawValue: string): string {
  const marker = '"__RAW_VALUE_MARKER__"';
  return JSON.stringify({ ...base, [field]: '__RAW_VALUE_MARKER__' }).replace(marker, rawValue);
}

/** A valid body per POST route that would change state if the server accepted it. */
/** A real Airbyte metadata.yaml: imported, it would create a connector. */
const LIVE_METADATA = readFileSync(
  'test/fixtures/airbyte-metadata/source-faker.metadata.yaml',
  'utf8',
);

function liveBodies(): { label: string; path: string; body: Record<string, Json> }[] {
  return [
    { label: 'live token', path: '/v1/tokens', body: { subject: 'intruder', role: 'admin' } },
    {
      label: 'live register',
      path: '/v1/connectors',
      body: {
        id: 'source-fuzz-intruder',
        name: 'Intruder',
        type: 'source',
        language: 'python',
        dockerRepository: 'airbyte/intruder',
        dockerImageTag: '1.0.0',
        cdkVersion: '6.0.0',
        maintainers: ['mallory'],
      },
    },
    {
      label: 'live deprecate',
      path: `/v1/connectors/${CONN_A}/events`,
      body: { type: 'DEPRECATE', reason: 'intruder', noticeDays: 0 },
    },
    {
      label: 'live archive',
      path: `/v1/connectors/${CONN_B}/events`,
      body: { type: 'ARCHIVE', reason: 'intruder' },
    },
    {
      label: 'live usage',
      path: '/v1/usage',
      body: { entries: [{ connectorId: CONN_A, date: today(), activeConnections: 9, syncs: 9 }] },
    },
    { label: 'live sweep', path: '/v1/archival-sweeps', body: { dryRun: false } },
    { label: 'live import', path: '/v1/imports', body: { metadata: [LIVE_METADATA] } },
    {
      label: 'live subscription',
      path: '/v1/subscriptions',
      body: { url: 'https://evil.example/hook', secret: 'x' },
    },
  ];
}

/** Every route of the service (from its OpenAPI document), with real ids where the path needs one. */
function allRoutes(): { method: string; path: string }[] {
  const ids: Record<string, string> = {
    tokens: readerTokenId,
    connectors: CONN_A,
    'archival-sweeps': sweepId,
    subscriptions: adminSubscriptionId,
  };
  const routes = documented.map(({ method, path }) => ({
    method: method.toUpperCase(),
    path: path.replace(/^\/v1\/([^/]+)\/\{id\}/, (_match, resource: string) => {
      const id = ids[resource];
      if (!id) throw new Error(`no fixture id for ${path}: add one to allRoutes()`);
      return `/v1/${resource}/${id}`;
    }),
  }));
  for (const route of routes) expect(route.path, route.path).not.toContain('{');
  return [
    ...routes,
    { method: 'GET', path: '/admin/queues' },
    { method: 'GET', path: '/v1/no-such-route' },
    { method: 'GET', path: '/no-such-route' },
  ];
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

function insertBytes(text: string, at: number, bytes: number[]): Buffer {
  const buf = Buffer.from(text, 'utf8');
  const cut = Math.max(0, Math.min(at, buf.length));
  return Buffer.concat([buf.subarray(0, cut), Buffer.from(bytes), buf.subarray(cut)]);
}

const INVALID_UTF8: number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf], // overlong "/"
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82], // truncated sequence
];

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

function generate(rng: Prng): Attack[] {
  const attacks: Attack[] = [];
  const add = (a: Attack) => attacks.push(a);
  const idem = (name: string) => ({ 'idempotency-key': `fuzz-${SEED}-${name}` });

  // 1. Every field of every body: wrong types, bad formats, huge strings; missing and extra fields.
  for (const route of bodyRoutes()) {
    const post = (label: string, body: Record<string, Json>, expected = route.invalid) =>
      add({
        label: `${route.label}: ${label}`,
        method: 'POST',
        path: route.path,
        headers: { ...bearer(route.token()), ...json },
        body: JSON.stringify(wrap(route, body)),
        expect: expected,
        ...(route.check ? { check: route.check } : {}),
      });
    for (const field of route.fields) {
      field.bad.forEach((value, i) =>
        post(`${field.name} = bad #${i}`, { ...route.base, [field.name]: value }),
      );
      (field.refused ?? []).forEach((value, i) =>
        post(
          `${field.name} = refused #${i}`,
          { ...route.base, [field.name]: value },
          [400, 409, 422],
        ),
      );
      if (field.required) {
        const rest = { ...route.base };
        delete rest[field.name];
        post(`without ${field.name}`, rest);
      }
    }
    for (const [name, value] of EXTRA_FIELDS) {
      if (name in route.base) continue; // not extra there
      post(`extra field ${name.slice(0, 20)}`, { ...route.base, [name]: value });
    }
    // Nested objects where a scalar belongs, with a random shape.
    for (let i = 0; i < 4; i++) {
      const field = rng.pick(route.fields);
      const junk: Json = { [rng.pick(['a', '$where', '__proto__', '0'])]: rng.pick(NON_STRINGS) };
      // (an array of objects is a fine list of usage entries: only the generic checks apply)
      post(
        `${field.name} = random object #${i}`,
        { ...route.base, [field.name]: [junk, junk] },
        [],
      );
    }
  }

  // 2. Structural attacks on the raw text of every POST route.
  for (const route of bodyRoutes()) {
    const token = route.token();
    const baseText = JSON.stringify(route.base);
    const text = (label: string, body: string | Buffer, extra: Record<string, string> = {}) =>
      add({
        label: `${route.label}: ${label}`,
        method: 'POST',
        path: route.path,
        headers: { ...bearer(token), ...json, ...extra },
        body,
        raw: Buffer.isBuffer(body),
        // (the usage route reports a bad entry in a 200; `check` makes sure nothing was stored)
        ...(route.path === '/v1/usage' ? {} : { expect: [400] }),
        ...(route.check ? { check: route.check } : {}),
      });
    for (const body of [
      'null',
      'true',
      '0',
      '-1',
      '"str"',
      '[]',
      '[{}]',
      `[${baseText}]`,
      '{',
      '{"',
      '}',
      '{"a":1}}',
      "{'a': 1}",
      '{a: 1}',
      'NaN',
      'undefined',
      '1e999999',
      '{"a":1,}',
      '\u00a0{}',
      `${baseText}${baseText}`,
    ]) {
      text(`body ${body.slice(0, 24)}`, wrapText(route, body));
    }
    for (let i = 0; i < 5; i++) {
      const cut = rng.int(1, baseText.length - 1);
      text(`truncated at ${cut}`, wrapText(route, baseText.slice(0, cut)));
    }
    // deep nesting, as raw JSON text (10,000 levels), on its own and inside a field
    const field = route.fields[0]!.name;
    const inField = (deep: string) => wrapText(route, withRawField(route.base, field, deep));
    text('10,000 nested arrays', wrapText(route, deepArray(10_000)));
    text('10,000 nested objects', wrapText(route, deepObject(10_000)));
    text(`10,000 nested arrays in ${field}`, inField(deepArray(10_000)));
    text(`10,000 nested objects in ${field}`, inField(deepObject(10_000)));
    text('100,000 nested arrays', wrapText(route, deepArray(100_000)));
    // … and with an Idempotency-Key, whose fingerprint serialises the body
    // (a key of its own per request: the same key on another path is rightly a 422)
    const slug = route.label.replace(/\W+/g, '-');
    text(
      '10,000 nested arrays + Idempotency-Key',
      wrapText(route, deepArray(10_000)),
      idem(`${slug}-arrays`),
    );
    text(
      `10,000 nested objects in ${field} + Idempotency-Key`,
      inField(deepObject(10_000)),
      idem(`${slug}-objects`),
    );
    // prototype pollution
    const withKey = (key: string, value: string) =>
      wrapText(route, `{${JSON.stringify(key)}:${value},${baseText.slice(1)}`);
    text('__proto__ key', withKey('__proto__', '{"isAdmin":true,"role":"admin","polluted":1}'));
    text('constructor.prototype', withKey('constructor', '{"prototype":{"polluted":1}}'));
    text('prototype key', withKey('prototype', '{"polluted":1}'));
    text('__proto__ inside a field', inField('{"__proto__":{"polluted":1}}'));
    // 20,000 unknown keys
    const manyKeys = `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    text('20,000 unknown keys', wrapText(route, manyKeys));
    // invalid UTF-8 inside the first field's string, and outside any string
    INVALID_UTF8.forEach((bytes, i) => {
      // inside the value of the first field (constrained: a replacement character is invalid there)
      const at = baseText.indexOf(`"${field}":"`);
      const body =
        at >= 0 && typeof route.base[field] === 'string'
          ? insertBytes(baseText, at + field.length + 4, bytes)
          : insertBytes(baseText, 1, bytes);
      text(`invalid UTF-8 #${i}`, wrapBytes(route, body));
      text(`invalid UTF-8 outside strings #${i}`, insertBytes(wrapText(route, baseText), 1, bytes));
    });
    // NUL bytes: raw (JSON forbids them), and escaped in a constrained field
    text('raw NUL outside strings', insertBytes(wrapText(route, baseText), 1, [0]));
    text(
      'raw NUL in a string',
      insertBytes(wrapText(route, baseText), baseText.indexOf(':"') + 2, [0]),
    );
    text('NUL body', Buffer.alloc(64));
    // a body over the limit: 413
    add({
      label: `${route.label}: over the body limit`,
      method: 'POST',
      path: route.path,
      headers: { ...bearer(token), ...json },
      body: wrapText(
        route,
        JSON.stringify({
          ...route.base,
          pad: 'y'.repeat(Math.ceil(bodyLimitFor(route.path) * 1.1)),
        }),
      ),
      expect: [413],
    });
  }

  // 3. Live bodies (valid: they would change state) under every way of being refused.
  const lives = liveBodies();
  const WRONG_TYPES: [string, (body: string) => string | Buffer][] = [
    ['text/plain', (b) => b],
    ['text/plain; charset=utf-8', (b) => b],
    ['application/x-www-form-urlencoded', (b) => `payload=${encodeURIComponent(b)}`],
    ['application/xml', () => '<token><subject>x</subject><role>admin</role></token>'],
    ['text/xml', (b) => b],
    [
      'multipart/form-data; boundary=X',
      (b) => `--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n${b}\r\n--X--`,
    ],
    ['application/octet-stream', (b) => b],
    // UTF-8 bytes that claim to be UTF-16: garbage once decoded
    ['application/json; charset=utf-16', (b) => Buffer.from(b, 'utf8')],
    ['application/json; charset=latin1', (b) => b],
    ['text/json', (b) => b],
    ['application/jsonp', (b) => b],
    ['json', (b) => b],
    ['*/*', (b) => b],
  ];
  for (const live of lives) {
    const text = JSON.stringify(live.body);
    for (const [type, encode] of WRONG_TYPES) {
      const body = encode(text);
      add({
        label: `${live.label}: content-type ${type}`,
        method: 'POST',
        path: live.path,
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': type },
        body,
        raw: Buffer.isBuffer(body),
        expect: type.includes('utf-16') ? [400, 415] : [415],
      });
    }
    add({
      label: `${live.label}: no content-type`,
      method: 'POST',
      path: live.path,
      headers: bearer(ADMIN_TOKEN),
      body: Buffer.from(text),
      raw: true,
      expect: [415],
    });
    add({
      label: `${live.label}: gzip that is not gzip`,
      method: 'POST',
      path: live.path,
      headers: { ...bearer(ADMIN_TOKEN), ...json, 'content-encoding': 'gzip' },
      body: Buffer.from(text),
      raw: true,
      expect: [400, 415],
    });
    add({
      label: `${live.label}: unknown content-encoding`,
      method: 'POST',
      path: live.path,
      headers: { ...bearer(ADMIN_TOKEN), ...json, 'content-encoding': 'x-evil' },
      body: Buffer.from(text),
      raw: true,
      expect: [415],
    });
    // bad Idempotency-Key headers
    // (through node:http, so that an empty or non-ASCII key reaches the server as written)
    for (const key of ['', 'a'.repeat(256), 'has space', 'tab\there', '"quoted" key', 'ключ']) {
      add({
        label: `${live.label}: Idempotency-Key ${JSON.stringify(key.slice(0, 12))}`,
        method: 'POST',
        path: live.path,
        headers: { ...bearer(ADMIN_TOKEN), ...json },
        raw: true,
        rawHeaders: { 'idempotency-key': Buffer.from(key).toString('latin1') },
        body: text,
        expect: [400],
      });
    }
    add({
      label: `${live.label}: two Idempotency-Key headers`,
      method: 'POST',
      path: live.path,
      headers: { ...bearer(ADMIN_TOKEN), ...json },
      raw: true,
      rawHeaders: { 'idempotency-key': ['k-one', 'k-two'] },
      body: text,
      expect: [400],
    });
    // anonymous
    add({
      label: `${live.label}: anonymous`,
      method: 'POST',
      path: live.path,
      headers: json,
      body: text,
      expect: [401],
    });
  }
  // roles too low for the live bodies
  const tooLow: [string, string, string][] = [
    ['live token', 'maintainer', tok.maintainer],
    ['live token', 'reader', tok.reader],
    ['live register', 'reader', tok.reader],
    ['live deprecate', 'alice (listed contributor)', tok.alice],
    ['live deprecate', 'reader', tok.reader],
    ['live archive', 'mallory (contributor)', tok.mallory],
    ['live usage', 'contributor', tok.mallory],
    ['live usage', 'reader', tok.reader],
    ['live sweep', 'contributor', tok.alice],
    ['live sweep', 'reader', tok.reader],
  ];
  for (const [label, who, token] of tooLow) {
    const live = lives.find((l) => l.label === label)!;
    add({
      label: `${label} by ${who}`,
      method: 'POST',
      path: live.path,
      headers: { ...bearer(token), ...json },
      body: JSON.stringify(live.body),
      expect: [403],
    });
  }
  add({
    label: 'PUBLISH_RELEASE by an unlisted contributor',
    method: 'POST',
    path: `/v1/connectors/${CONN_A}/events`,
    headers: { ...bearer(tok.mallory), ...json },
    body: JSON.stringify({ type: 'PUBLISH_RELEASE', dockerImageTag: '9.9.9' }),
    expect: [403],
  });
  add({
    label: 'CONTRIBUTE by an unlisted contributor',
    method: 'POST',
    path: `/v1/connectors/${CONN_C}/events`,
    headers: { ...bearer(tok.mallory), ...json },
    body: JSON.stringify({ type: 'CONTRIBUTE' }),
    expect: [403],
  });
  add({
    label: 'revoke a token as maintainer',
    method: 'DELETE',
    path: `/v1/tokens/${readerTokenId}`,
    headers: bearer(tok.maintainer),
    expect: [403],
  });
  for (const [who, token] of [
    ['reader', tok.reader],
    ['alice', tok.alice],
    ['maintainer', tok.maintainer],
  ] as const) {
    for (const [method, suffix] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/deliveries'],
    ] as const) {
      add({
        label: `${method} another's subscription${suffix} as ${who}`,
        method,
        path: `/v1/subscriptions/${who === 'reader' ? adminSubscriptionId : readerSubscriptionId}${suffix}`,
        headers: bearer(token),
        expect: [403],
      });
    }
  }
  // If-Match garbage on a live event: refused with 412 before anything is applied
  for (const ifMatch of [
    '*',
    '"v"',
    '"vabc"',
    'v1',
    '"v-1"',
    '"1"',
    '"v999999"',
    'W/"v1e3"',
    '"v1", "v2"',
    `"v${'9'.repeat(20)}"`,
    '"v1',
    HUGE.slice(0, 4000),
    '"v0x1"',
  ]) {
    add({
      label: `If-Match ${ifMatch.slice(0, 16)}`,
      method: 'POST',
      path: `/v1/connectors/${CONN_A}/events`,
      headers: { ...bearer(ADMIN_TOKEN), ...json, 'if-match': ifMatch },
      body: JSON.stringify({ type: 'DEPRECATE', reason: 'if-match attack', noticeDays: 0 }),
      expect: [412],
    });
  }

  // 4. Bad tokens and schemes on every route.
  const garbage = `lc_${Buffer.from(Array.from({ length: 32 }, () => rng.int(0, 255))).toString('base64url')}`;
  const AUTH: [string, string][] = [
    ['empty', ''],
    ['scheme only', 'Bearer'],
    ['scheme and space', 'Bearer '],
    ['double space', `Bearer  ${ADMIN_TOKEN}`],
    ['tab', `Bearer\t${ADMIN_TOKEN}`],
    ['lower-case garbage', `bearer ${garbage}`],
    ['unknown token', `Bearer ${garbage}`],
    ['admin token + x', `Bearer ${ADMIN_TOKEN}x`],
    ['admin token truncated', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
    ['admin token, then more', `Bearer ${ADMIN_TOKEN} extra`],
    ['two tokens', `Bearer ${garbage}, Bearer ${ADMIN_TOKEN}`],
    ['the stored hash as a token', `Bearer ${hashToken(ADMIN_TOKEN)}`],
    ['no scheme', ADMIN_TOKEN],
    ['Token scheme', `Token ${ADMIN_TOKEN}`],
    ['Digest', 'Digest username="admin", response="x"'],
    ['Basic wrong password', `Basic ${Buffer.from('admin:wrong').toString('base64')}`],
    ['Basic garbage', 'Basic !!!***'],
    ['Basic empty', 'Basic '],
    ['Basic without password', `Basic ${Buffer.from('admin:').toString('base64')}`],
    ['overlong', `Bearer ${'A'.repeat(600)}`],
    ['10 KB', `Bearer ${'x'.repeat(10_000)}`],
    ['quotes', `Bearer "${ADMIN_TOKEN}"`],
  ];
  const expectAuth = (path: string): number[] | undefined =>
    path.startsWith('/v1') || path.startsWith('/admin') ? [401] : undefined;
  for (const route of allRoutes()) {
    const live = lives.find((l) => l.path === route.path);
    const body = route.method === 'POST' ? JSON.stringify(live?.body ?? {}) : undefined;
    for (const [label, value] of AUTH) {
      const exp = expectAuth(route.path);
      add({
        label: `${route.method} ${route.path}: auth ${label}`,
        method: route.method,
        path: route.path,
        headers: { authorization: value, ...(body ? json : {}) },
        ...(body ? { body } : {}),
        ...(exp ? { expect: exp } : {}),
      });
    }
    const exp = expectAuth(route.path);
    add({
      label: `${route.method} ${route.path}: auth with latin1 bytes`,
      method: route.method,
      path: route.path,
      headers: body ? json : {},
      raw: true,
      rawHeaders: { authorization: 'Bearer \u00ff\u00fe\u00e9t\u00e9' },
      ...(body ? { body } : {}),
      ...(exp ? { expect: exp } : {}),
    });
    add({
      label: `${route.method} ${route.path}: garbage then admin Authorization headers`,
      method: route.method,
      path: route.path,
      headers: body ? json : {},
      raw: true,
      // (typed apart from `authorization`, which node:http types as a single string)
      rawHeaders: { Authorization: [`Bearer ${garbage}`, `Bearer ${ADMIN_TOKEN}`] },
      ...(body ? { body } : {}),
      ...(exp ? { expect: exp } : {}),
    });
  }

  // 5. Unknown, hostile and oversized ids in every path that takes one.
  const IDS = [
    '..%2F..%2Fetc%2Fpasswd',
    '..%2F..%2Fetc',
    '%2e%2e%2f%2e%2e%2fetc',
    '....%2F%2F',
    `${CONN_A}%2F..%2F..%2Ftokens`,
    '%00',
    `${CONN_A}%00`,
    `${CONN_A}%20`,
    `${CONN_A}%0d%0aX-Injected:%201`,
    '%E0%A4%A',
    '%',
    '%%',
    '%C0%AF',
    'a'.repeat(5000),
    `source-${'x'.repeat(8000)}`,
    encodeURIComponent('source-ünïcödé'),
    encodeURIComponent('source-😀'),
    encodeURIComponent('\u202eevil'),
    encodeURIComponent('ｓｏｕｒｃｅ-fuzz-alpha'),
    'SOURCE-FUZZ-ALPHA',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    '*',
    '%2A',
    `{${CONN_A}}`,
    encodeURIComponent(`${CONN_A}}`),
    encodeURIComponent('{a}:x'),
    'null',
    'undefined',
    '0',
    '-1',
    '1e999',
  ];
  const idPaths: [string, (id: string) => string, string?][] = [
    ['GET', (id) => `/v1/connectors/${id}`],
    ['GET', (id) => `/v1/connectors/${id}/history`],
    ['GET', (id) => `/v1/connectors/${id}/acceptance-runs`],
    [
      'POST',
      (id) => `/v1/connectors/${id}/events`,
      JSON.stringify({ type: 'ARCHIVE', reason: 'r' }),
    ],
    ['DELETE', (id) => `/v1/tokens/${id}`],
    ['GET', (id) => `/v1/archival-sweeps/${id}`],
    ['GET', (id) => `/v1/subscriptions/${id}`],
    ['DELETE', (id) => `/v1/subscriptions/${id}`],
    ['GET', (id) => `/v1/subscriptions/${id}/deliveries`],
  ];
  for (const [method, path, body] of idPaths) {
    for (const id of IDS) {
      add({
        label: `${method} ${path(':id')} with id ${id.slice(0, 30)}`,
        method,
        path: path(id),
        headers: { ...bearer(ADMIN_TOKEN), ...(body ? json : {}) },
        ...(body ? { body } : {}),
        expect: [400, 404],
      });
    }
  }
  // Paths fetch would normalise: sent as written.
  for (const path of [
    '/v1/connectors/../tokens',
    '/v1/connectors/./source-fuzz-alpha/../source-fuzz-beta',
    '/v1/connectors/..',
    '/v1/connectors/../../etc/passwd',
    '/admin/queues/../../v1/tokens',
    '/metrics/../v1/tokens',
    '/v1/catalog/../tokens',
    '//v1/connectors',
    '/v1//connectors',
    '/v1/connectors/%2e%2e/events',
  ]) {
    for (const method of ['GET', 'POST', 'DELETE']) {
      add({
        label: `${method} ${path} (not normalised)`,
        method,
        path,
        headers: { ...bearer(tok.reader), ...json },
        raw: true,
        ...(method === 'POST' ? { body: JSON.stringify({ subject: 'x', role: 'admin' }) } : {}),
      });
    }
  }

  // 6. Event types that are unknown or internal, with plausible payloads.
  for (const id of [CONN_A, CONN_B, CONN_C]) {
    for (const payload of [
      { type: 'ACCEPTANCE_PASSED', runId: 'r-1' },
      { type: 'ACCEPTANCE_FAILED', runId: 'r-1', outcome: 'failed' },
      { type: 'ARCHIVE_DUE', archiveAt: new Date().toISOString(), usageRecovered: false },
      { type: 'REMINDER_DUE', version: '1.0.0', upgradeDeadline: '2030-01-01', daysBefore: 7 },
      { type: 'SUGGEST_REVIEW', reasons: [], reason: 'x', sweepId: 's-1' },
      { type: 'REGISTER' },
      { type: 'DEPRECATE', reason: 'x', automated: true },
      { type: 'ARCHIVE', reason: 'x', actor: 'system' },
      { type: ['ARCHIVE'], reason: 'x' },
      { type: { type: 'ARCHIVE' }, reason: 'x' },
      { reason: 'x' },
      { TYPE: 'ARCHIVE', reason: 'x' },
      ...UNKNOWN_EVENT_TYPES.map((type) => ({ type })),
    ]) {
      add({
        label: `event ${JSON.stringify(payload).slice(0, 40)} on ${id}`,
        method: 'POST',
        path: `/v1/connectors/${id}/events`,
        headers: { ...bearer(ADMIN_TOKEN), ...json },
        body: JSON.stringify(payload),
        expect: [400],
      });
    }
  }

  // 7. Query strings.
  for (const query of [
    'limit=-1',
    'limit=0',
    'limit=501',
    'limit=1e9',
    'limit=abc',
    'limit=1.5',
    'limit=',
    'limit=Infinity',
    `limit=${'9'.repeat(400)}`,
    'limit=1&limit=2',
    'supportLevel=bogus',
    'supportLevel=__proto__',
    'supportLevel=community&supportLevel=custom',
    'status=x',
    'type=sink',
    `q=${'x'.repeat(5000)}`,
    'cursor=!!!',
    `cursor=${Buffer.from('../../x').toString('base64url')}`,
    `cursor=${'A'.repeat(5000)}`,
    `cursor=${Buffer.from('\u0000').toString('base64url')}`,
  ]) {
    add({
      label: `list ?${query.slice(0, 40)}`,
      method: 'GET',
      path: `/v1/connectors?${query}`,
      headers: bearer(tok.reader),
      expect: [400],
    });
  }
  for (const query of [
    'limit[]=1',
    'limit=0x10',
    '__proto__[x]=1',
    'constructor[prototype][x]=1',
    'q=%00',
    'q=%',
    'q=%E0%A4%A',
    `q=${encodeURIComponent("' OR 1=1 --")}`,
    `q=${encodeURIComponent('*')}`,
    'cursor=',
    'supportLevel=',
    '&&&==&',
    'a=b=c',
  ]) {
    add({
      label: `list ?${query.slice(0, 40)}`,
      method: 'GET',
      path: `/v1/connectors?${query}`,
      headers: bearer(tok.reader),
      expect: [200, 400],
    });
  }
  for (const route of allRoutes().filter((r) => r.method === 'GET')) {
    for (const query of ['limit=-1', 'x[y][z]=1', '__proto__=1', `q=${'z'.repeat(6000)}`, '%%%']) {
      add({
        label: `${route.path}?${query.slice(0, 20)}`,
        method: 'GET',
        path: `${route.path}?${query}`,
        headers: route.path.startsWith('/admin') ? bearer(tok.maintainer) : bearer(tok.reader),
      });
    }
  }

  // 8. Other headers: If-None-Match garbage, request ids, method overrides, forwarded addresses.
  for (const path of ['/v1/catalog', '/v1/catalog/registry.json', `/v1/connectors/${CONN_A}`]) {
    for (const value of ['*, garbage', '"', 'W/', HUGE.slice(0, 6000), '"catalog-999999"']) {
      add({
        label: `${path} If-None-Match ${value.slice(0, 10)}`,
        method: 'GET',
        path,
        headers: { ...bearer(tok.reader), 'if-none-match': value },
        expect: [200, 304],
      });
    }
  }
  for (const live of lives.filter((l) => l.label !== 'live subscription')) {
    add({
      label: `${live.label}: X-HTTP-Method-Override as reader`,
      method: 'POST',
      path: live.path,
      headers: {
        ...bearer(tok.reader),
        ...json,
        'x-http-method-override': 'GET',
        'x-forwarded-for': '10.0.0.1',
        'x-request-id': '../../etc/passwd<script>',
        'x-original-url': '/v1/catalog',
      },
      body: JSON.stringify(live.body),
      expect: [403],
    });
  }

  // 9. Every route with the wrong methods, admin token and a harmful body.
  // GET on a POST route, POST on a GET route … DELETE on a connector must not delete it.
  const defined = new Set(allRoutes().map((r) => `${r.method} ${r.path}`));
  for (const route of allRoutes()) {
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST', 'GET', 'OPTIONS', 'TRACE']) {
      if (defined.has(`${method} ${route.path}`)) continue;
      if (route.path.startsWith('/admin')) continue; // the dashboard's own API has mutating verbs
      const isReadOnly = method === 'GET' || method === 'OPTIONS';
      add({
        label: `${method} ${route.path} (wrong method)`,
        method,
        path: route.path,
        headers: { ...bearer(ADMIN_TOKEN), ...(isReadOnly ? {} : json) },
        raw: method === 'TRACE',
        ...(isReadOnly || method === 'TRACE'
          ? {}
          : { body: JSON.stringify({ state: 'archived.idle', version: 1, role: 'admin' }) }),
      });
    }
  }

  // 10. Unknown paths.
  for (const path of [
    '/',
    '/v1',
    '/v1/',
    '/v2/connectors',
    '/V1/CONNECTORS',
    '/.env',
    '/.git/config',
    '/favicon.ico',
    '/admin',
    '/admin/queues/api/queues/nope/x',
    `/v1/connectors/${CONN_A}/events/extra`,
    `/v1/connectors/${CONN_A}/history/1`,
    '/v1/connectors;jsessionid=1',
    '/v1/catalog/registry.json/x',
    '/v1/catalog/registry.json.bak',
    '/v1/tokens/',
    '/v1/machine/x',
    '/healthz/x',
    '/metrics.json',
    '/%2e%2e/etc/passwd',
    '/v1/%00',
    `/${'a'.repeat(6000)}`,
  ]) {
    for (const token of [null, tok.reader]) {
      add({
        label: `unknown path ${path.slice(0, 40)}${token ? ' as reader' : ''}`,
        method: 'GET',
        path,
        headers: token ? bearer(token) : {},
      });
    }
  }
  // The queue dashboard: only for admins.
  for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/queue/catalog']) {
    for (const [who, token, status] of [
      ['anonymous', null, 401],
      ['reader', tok.reader, 403],
      ['maintainer', tok.maintainer, 403],
    ] as const) {
      add({
        label: `${path} as ${who}`,
        method: 'GET',
        path,
        headers: token ? bearer(token) : {},
        expect: [status],
      });
    }
    add({
      label: `${path} as admin with odd queries`,
      method: 'GET',
      path: `${path}?activeQueue=%00&page=-1&jobsPerPage=1e9&status=../../x`,
      headers: bearer(ADMIN_TOKEN),
      thirdParty: true,
    });
  }

  // 11. Random combinations: a random route, field, bad value, caller and header.
  const routes = bodyRoutes();
  const callers = [tok.admin, tok.alice, tok.mallory, tok.reader, tok.maintainer];
  const allBad = [
    ...NON_STRINGS,
    ...BAD_IDS,
    ...BAD_SUBJECTS,
    ...BAD_URLS,
    ...BAD_COUNTS,
    ...NON_BOOLEANS,
  ];
  // fast-check draws the combinations (bounded, seeded with SEED: reproducible)
  const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);
  const combination = fc.record({
    route: pick(routes),
    mutations: fc.array(
      fc.record({ field: fc.nat(), ownPool: fc.integer({ min: 0, max: 9 }), value: fc.nat() }),
      { minLength: 1, maxLength: 3 },
    ),
    extraField: fc.option(fc.tuple(pick(EXTRA_FIELDS), pick(NON_STRINGS)), { freq: 2 }),
    caller: pick(callers),
    header: fc.oneof(
      fc.constant<[string, string] | null>(null),
      fc
        .integer({ min: 0, max: 20 })
        .map((n): [string, string] => ['idempotency-key', `rnd-${SEED}-${n}`]),
      pick(['*', '"v0"', 'x', '"v999"']).map((v): [string, string] => ['if-match', v]),
      pick(['', 'a b', 'x'.repeat(500), '\u00e9']).map((v): [string, string] => [
        'x-request-id',
        v,
      ]),
    ),
  });
  for (const [i, c] of fc.sample(combination, { seed: SEED, numRuns: 400 }).entries()) {
    const { route } = c;
    const body: Record<string, Json> = { ...route.base };
    for (const mutation of c.mutations) {
      // only values that are invalid on their own: a mix of two of them stays invalid
      const field = route.fields[mutation.field % route.fields.length]!;
      const own = field.bad.length > 0 && mutation.ownPool < 7;
      const pool = own ? field.bad : allBad;
      let value = pool[mutation.value % pool.length]!;
      // a value from the shared pool may happen to be valid for this field: keep it invalid
      if (!own) value = [value];
      body[field.name] = value;
    }
    if (c.extraField) body[c.extraField[0][0]] = c.extraField[1];
    const headers: Record<string, string> = { ...bearer(c.caller), ...json };
    if (c.header) headers[c.header[0]] = c.header[1];
    add({
      label: `random #${i} ${route.label}`,
      method: 'POST',
      path: route.path,
      headers,
      body: JSON.stringify(wrap(route, body)),
      ...(route.check ? { check: route.check } : {}),
    });
  }
  return attacks;
}

async function send(attack: Attack): Promise<ApiResponse> {
  if (attack.raw) {
    return rawRequest(svc.api.base, {
      method: attack.method,
      path: attack.path,
      headers: { ...attack.headers, ...attack.rawHeaders },
      ...(attack.body !== undefined ? { body: attack.body } : {}),
    });
  }
  return fetchRequest(svc.api.base, attack.method, attack.path, attack.headers, attack.body);
}

function defectsOf(attack: Attack, res: ApiResponse): string[] {
  const defects: string[] = [];
  if (res.status >= 500) defects.push(`a ${res.status}: ${res.text.slice(0, 200)}`);
  if (attack.thirdParty) return defects;
  if (res.status >= 400 && res.status < 500 && attack.method !== 'HEAD') {
    const problem = problemDefect(res);
    if (problem) defects.push(`a ${res.status} that is not a problem: ${problem}`);
  }
  if (attack.expect?.length && !attack.expect.includes(res.status)) {
    defects.push(
      `status ${res.status}, expected ${attack.expect.join('/')}: ${res.text.slice(0, 200)}`,
    );
  }
  const leak = leakDefect(res.text);
  if (leak && res.status >= 400) defects.push(`leaks ${leak}`);
  if (!/^[\w.-]{1,128}$/.test(res.headers.get('x-request-id') ?? '')) {
    defects.push(`X-Request-Id "${res.headers.get('x-request-id')}"`);
  }
  // a malformed write is never carried out (the usage route reports bad entries in a 200)
  if (
    res.status >= 200 &&
    res.status < 300 &&
    !['GET', 'HEAD', 'OPTIONS'].includes(attack.method) &&
    !(attack.path === '/v1/usage' && res.status === 200)
  ) {
    defects.push(`a write was accepted: ${res.status} ${res.text.slice(0, 200)}`);
  }
  const extra = attack.check?.(res);
  if (extra) defects.push(extra);
  return defects;
}

describe('malformed and hostile input', () => {
  test('the attacks cover every documented route: a body for each body, a live body per POST', () => {
    const matches = (pattern: string, path: string) =>
      new RegExp(`^${pattern.replace(/\{\w+\}/g, '[^/]+')}$`).test(path);
    expect(documented.length).toBeGreaterThan(15);
    for (const { method, path, route, op } of documented) {
      if (op.requestBody)
        expect(
          bodyRoutes().some((b) => matches(path, b.path)),
          route,
        ).toBe(true);
      if (method === 'post') {
        expect(
          liveBodies().some((l) => matches(path, l.path)),
          route,
        ).toBe(true);
      }
    }
  });

  test('thousands of malformed requests, over every route', () => {
    expect(attackCount).toBeGreaterThanOrEqual(1000);
    expect([...attacksByRoute.keys()].filter((key) => !ROUTE_KEYS.includes(key))).toEqual([]);
    // the document the tests were collected from is the one the service serves
    expect(documented.map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual(
      ROUTE_KEYS.slice(0, -1),
    );
  });

  test.for(ROUTE_KEYS)(
    '%s: no 5xx, problem+json, no state change',
    { timeout: 120_000 },
    async (key: string) => {
      const before = await snapshot();
      const attacks = attacksByRoute.get(key) ?? [];
      expect(attacks.length, `attacks on ${key}`).toBeGreaterThan(0);

      const started = Date.now();
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      await runBounded(attacks, CONCURRENCY, async (attack, i) => {
        let res: ApiResponse;
        try {
          res = await send(attack);
        } catch (err) {
          failures.push(`#${i} ${attack.label}: request failed: ${(err as Error).message}`);
          return;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        for (const d of defectsOf(attack, res)) failures.push(`#${i} ${attack.label}: ${d}`);
      });
      console.log(
        `seed ${SEED}, ${key}: ${attacks.length} malformed requests in ${Date.now() - started} ms;`,
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
      );

      // still alive
      const health = await svc.as(null).get('/healthz');
      expect(health.status).toBe(200);
      // nothing leaked into this process's prototypes (the API runs in it)
      const probe = {} as Record<string, unknown>;
      expect([probe.polluted, probe.isAdmin, probe.role, probe.x]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);

      // nothing changed: let any (wrongly) started side effect land first, then compare
      await waitFor(async () => (await svc.api.get('/readyz')).body.outboxBacklog === 0);
      const after = await snapshot();
      for (const key of new Set([...Object.keys(before.redis), ...Object.keys(after.redis)])) {
        if (before.redis[key] !== after.redis[key]) {
          failures.push(
            `Redis key ${key} ${before.redis[key] === undefined ? 'created' : after.redis[key] === undefined ? 'deleted' : 'changed'}`,
          );
        }
      }
      expect(failures.slice(0, 80), `${failures.length} defects`).toEqual([]);
      expect(after.redisKeyCount).toBe(before.redisKeyCount);
      expect(after).toEqual(before);
    },
  );
});
