import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AcceptanceRunList,
  CatalogDocument,
  Connector,
  ConnectorPage,
  DeliveryAttemptList,
  HistoryList,
  ImportReport,
  MachineDefinition,
  Problem,
  RegistryDocument,
  SupportLevelList,
  Sweep,
  Token,
  UsageResult,
} from '../../../src/http/contract/index.js';
import { SchemaValidator } from '../../support/api-contract.js';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  waitFor,
  type ApiResponse,
  type TestService,
} from '../../support/harness.js';
import { fixture } from '../airbyte/helpers.js';
import { dateInDays } from '../../support/api-helpers.js';

/**
 * The response schemas are true: real responses of a running service, for routes across the API,
 * match the operation the OpenAPI document gives for their status (media type and schema, with no
 * field the schema does not name) and parse with the zod contract the server is typed with.
 */

let svc: TestService;
let doc: Record<string, any>;
let validator: SchemaValidator;
const checked = new Set<string>();

beforeAll(async () => {
  svc = await startTestService({
    roles: ['api', 'worker'],
    env: {
      LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
      LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0',
      LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  const res = await svc.as(null).get('/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  validator = new SchemaValidator(doc);
}, 60_000);

afterAll(async () => {
  await svc?.cleanup();
});

/**
 * Asserts that `res` is what the document says `method path` answers with its status; returns the
 * body. Problems may carry more fields than the Problem schema names (they depend on the code);
 * every other body carries exactly the documented fields.
 */
function expectDocumented(res: ApiResponse, method: string, path: string): any {
  const op = doc.paths[path]?.[method];
  expect(op, `${method} ${path} is not in the document`).toBeDefined();
  const response = op.responses[String(res.status)] ?? op.responses.default;
  expect(response, `${method} ${path} ${res.status} is not documented: ${res.text}`).toBeDefined();
  checked.add(`${method} ${path} ${res.status}`);
  const [mediaType, media] = (Object.entries(response.content ?? {})[0] ?? []) as [string, any];
  if (!media) {
    expect(res.text, `${method} ${path} ${res.status} has a body`).toBe('');
    return undefined;
  }
  expect(res.headers.get('content-type') ?? '').toContain(mediaType);
  const problem = mediaType === 'application/problem+json';
  if (problem) Problem.parse(res.body);
  expect(
    validator.errors(media.schema, res.body, { closed: !problem }),
    `${method} ${path} ${res.status}: ${res.text.slice(0, 300)}`,
  ).toEqual([]);
  return res.body;
}

describe('real responses match the documented schemas', () => {
  test('tokens, connectors, events, history and acceptance runs', async () => {
    const token = await svc.api.post('/v1/tokens', { subject: 'contract-reader', role: 'reader' });
    Token.parse(expectDocumented(token, 'post', '/v1/tokens'));

    const community = registration();
    const custom = registration({ supportLevel: 'custom' });
    for (const body of [community, custom]) {
      const res = await svc.api.post('/v1/connectors', body);
      Connector.parse(expectDocumented(res, 'post', '/v1/connectors'));
    }
    const release = await svc.api.event(community.id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      breakingChange: {
        message: 'renamed a stream',
        upgradeDeadline: dateInDays(60),
        migrationDocumentationUrl: 'https://docs.example.com/migrate',
      },
    });
    const released = Connector.parse(
      expectDocumented(release, 'post', '/v1/connectors/{id}/events'),
    );
    expect(Object.keys(released.breakingChanges)).toEqual(['2.0.0']);
    const deprecate = await svc.api.event(community.id, {
      type: 'DEPRECATE',
      reason: 'superseded',
      noticeDays: 30,
      replacement: custom.id,
    });
    expect(
      Connector.parse(expectDocumented(deprecate, 'post', '/v1/connectors/{id}/events'))
        .deprecation,
    ).not.toBeNull();

    // a gate: 202, then a finished acceptance run with its test counts
    const contribute = await svc.api.event(custom.id, { type: 'CONTRIBUTE' });
    expect(contribute.status).toBe(202);
    expect(
      Connector.parse(expectDocumented(contribute, 'post', '/v1/connectors/{id}/events'))
        .acceptanceRun,
    ).not.toBeNull();
    const runs = await waitFor(
      async () => {
        const res = await svc.api.get(`/v1/connectors/${custom.id}/acceptance-runs`);
        return res.body.items?.[0]?.outcome ? res : undefined;
      },
      { what: 'the acceptance run to end', timeoutMs: 30_000 },
    );
    const runList = AcceptanceRunList.parse(
      expectDocumented(runs, 'get', '/v1/connectors/{id}/acceptance-runs'),
    );
    expect(runList.items[0]!.finishedAt).not.toBeNull();
    const connector = await waitFor(async () => {
      const res = await svc.api.get(`/v1/connectors/${custom.id}`);
      return res.body.state === 'community.active' ? res : undefined;
    });
    Connector.parse(expectDocumented(connector, 'get', '/v1/connectors/{id}'));
    const notModified = await svc.api.get(`/v1/connectors/${custom.id}`, {
      'if-none-match': connector.headers.get('etag')!,
    });
    expect(notModified.status).toBe(304);
    expectDocumented(notModified, 'get', '/v1/connectors/{id}');

    const history = await svc.api.get(`/v1/connectors/${custom.id}/history`);
    const entries = HistoryList.parse(
      expectDocumented(history, 'get', '/v1/connectors/{id}/history'),
    );
    expect(entries.items.map((e) => e.type)).toEqual(
      expect.arrayContaining(['REGISTER', 'CONTRIBUTE']),
    );

    const first = await svc.api.get('/v1/connectors?limit=1');
    const page = ConnectorPage.parse(expectDocumented(first, 'get', '/v1/connectors'));
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await svc.api.get(`/v1/connectors?limit=1&cursor=${page.nextCursor!}`);
    ConnectorPage.parse(expectDocumented(next, 'get', '/v1/connectors'));
  });

  test('the catalog, the registry and the machine', async () => {
    const listed = await waitFor(
      async () => {
        const res = await svc.as(null).get('/v1/catalog');
        return res.body.connectors?.length >= 2 ? res : undefined;
      },
      { what: 'two connectors in the catalog' },
    );
    const catalog = CatalogDocument.parse(expectDocumented(listed, 'get', '/v1/catalog'));
    expect(catalog.connectors.some((c) => c.deprecation !== null)).toBe(true);
    const registry = await svc.as(null).get('/v1/catalog/registry.json');
    const sources = RegistryDocument.parse(
      expectDocumented(registry, 'get', '/v1/catalog/registry.json'),
    ).sources;
    expect(sources.some((s) => Object.keys(s.releases?.breakingChanges ?? {}).length > 0)).toBe(
      true,
    );
    const machine = await svc.as(null).get('/v1/machine');
    MachineDefinition.parse(expectDocumented(machine, 'get', '/v1/machine'));
  });

  test('Airbyte: imports, connectors with Airbyte fields, metadata.yaml, support levels', async () => {
    const levels = await svc.as(null).get('/v1/support-levels');
    const list = SupportLevelList.parse(expectDocumented(levels, 'get', '/v1/support-levels'));
    expect(list.items.map((l) => l.supportLevel)).toContain('certified');

    const imported = await svc.api.post('/v1/imports', {
      metadata: [fixture('source-github').text, fixture('source-courier').text, 'data: ['],
    });
    const report = ImportReport.parse(expectDocumented(imported, 'post', '/v1/imports'));
    expect(report.created).toEqual(['source-github', 'source-courier']);
    expect(report.refused.map((r) => r.index)).toEqual([2]);

    const github = Connector.parse(
      expectDocumented(
        await svc.api.get('/v1/connectors/source-github'),
        'get',
        '/v1/connectors/{id}',
      ),
    );
    expect(github).toMatchObject({
      documentationUrl: expect.any(String),
      license: expect.any(String),
      airbyte: expect.any(Object),
    });
    expect(github.tags.length).toBeGreaterThan(0);
    expect(github.spec === null || typeof github.spec === 'object').toBe(true);
    const courier = Connector.parse(
      expectDocumented(
        await svc.api.get('/v1/connectors/source-courier'),
        'get',
        '/v1/connectors/{id}',
      ),
    );
    expect(courier.archive?.sourceUrl).toEqual(expect.any(String));

    for (const id of ['source-github', 'source-courier']) {
      const yaml = await svc.api.get(`/v1/connectors/${id}/metadata.yaml`);
      expect(yaml.status).toBe(200);
      expect(expectDocumented(yaml, 'get', '/v1/connectors/{id}/metadata.yaml')).toContain(
        `dockerRepository: airbyte/${id}`,
      );
    }

    const listed = await waitFor(
      async () => {
        const res = await svc.as(null).get('/v1/catalog');
        return res.body.connectors?.some((c: { id: string }) => c.id === 'source-github')
          ? res
          : undefined;
      },
      { what: 'the imported connector in the catalog' },
    );
    const catalog = CatalogDocument.parse(expectDocumented(listed, 'get', '/v1/catalog'));
    expect(catalog.supportLevels).toEqual(list.items);
    const registry = RegistryDocument.parse(
      expectDocumented(
        await svc.as(null).get('/v1/catalog/registry.json'),
        'get',
        '/v1/catalog/registry.json',
      ),
    );
    expect(
      registry.sources.find((e) => e.dockerRepository === 'airbyte/source-github'),
    ).toMatchObject({ documentationUrl: expect.any(String), spec: expect.any(Object) });
  });

  test('subscriptions and their delivery attempts', async () => {
    const created = await svc.api.post('/v1/subscriptions', {
      url: 'http://127.0.0.1:9/hook',
      secret: 'contract',
    });
    const id = expectDocumented(created, 'post', '/v1/subscriptions').id as string;
    expectDocumented(await svc.api.get('/v1/subscriptions'), 'get', '/v1/subscriptions');
    expectDocumented(await svc.api.get(`/v1/subscriptions/${id}`), 'get', '/v1/subscriptions/{id}');

    // a notification to a closed port: a failed attempt, with its error and next retry
    const other = registration();
    expect((await svc.api.post('/v1/connectors', other)).status).toBe(201);
    const deliveries = await waitFor(
      async () => {
        const res = await svc.api.get(`/v1/subscriptions/${id}/deliveries`);
        return res.body.items?.length > 0 ? res : undefined;
      },
      { what: 'a delivery attempt', timeoutMs: 20_000 },
    );
    const attempt = DeliveryAttemptList.parse(
      expectDocumented(deliveries, 'get', '/v1/subscriptions/{id}/deliveries'),
    ).items[0]!;
    expect(attempt.error).toEqual(expect.any(String));

    const removed = await svc.api.delete(`/v1/subscriptions/${id}`);
    expect(removed.status).toBe(204);
    expectDocumented(removed, 'delete', '/v1/subscriptions/{id}');
  });

  test('usage, archival sweeps and operations', async () => {
    const connector = registration();
    expect((await svc.api.post('/v1/connectors', connector)).status).toBe(201);
    const usage = await svc.api.post('/v1/usage', {
      entries: [
        { connectorId: connector.id, date: dateInDays(0), activeConnections: 1, syncs: 2 },
        { connectorId: 42, date: 'soon' },
      ],
    });
    const result = UsageResult.parse(expectDocumented(usage, 'post', '/v1/usage'));
    expect(result.stored).toBe(1);
    expect(result.rejected[0]!.connectorId).toBeNull();

    const queued = await svc.api.post('/v1/archival-sweeps', { dryRun: true });
    const { id } = expectDocumented(queued, 'post', '/v1/archival-sweeps') as { id: string };
    const done = await waitFor(
      async () => {
        const res = await svc.api.get(`/v1/archival-sweeps/${id}`);
        return res.body.status === 'completed' ? res : undefined;
      },
      { what: 'the dry-run sweep', timeoutMs: 20_000 },
    );
    const sweep = Sweep.parse(expectDocumented(done, 'get', '/v1/archival-sweeps/{id}'));
    expect(sweep.candidates.flatMap((c) => c.reasons).length).toBeGreaterThan(0);

    expectDocumented(await svc.as(null).get('/healthz'), 'get', '/healthz');
    expectDocumented(await svc.as(null).get('/readyz'), 'get', '/readyz');
  });

  test('problems', async () => {
    const anonymous = await svc.as(null).get('/v1/connectors');
    expect(anonymous.status).toBe(401);
    expectDocumented(anonymous, 'get', '/v1/connectors');
    const unknown = await svc.api.get('/v1/connectors/source-none-such');
    expect(unknown.status).toBe(404);
    expectDocumented(unknown, 'get', '/v1/connectors/{id}');
    const invalid = await svc.api.post('/v1/connectors', { id: 'Nope', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(expectDocumented(invalid, 'post', '/v1/connectors').errors.length).toBeGreaterThan(1);
    const connector = registration();
    expect((await svc.api.post('/v1/connectors', connector)).status).toBe(201);
    const refused = await svc.api.event(connector.id, { type: 'DEMOTE', reason: 'x' });
    expect(refused.status).toBe(409);
    const conflict = expectDocumented(refused, 'post', '/v1/connectors/{id}/events');
    expect(conflict).toMatchObject({ code: 'EVENT_NOT_ALLOWED', state: 'community.active' });
    const stale = await svc.api.event(
      connector.id,
      { type: 'ARCHIVE', reason: 'x' },
      { 'if-match': '"v99"' },
    );
    expect(stale.status).toBe(412);
    expectDocumented(stale, 'post', '/v1/connectors/{id}/events');
  });

  test('checked a good part of the contract', () => {
    expect(checked.size).toBeGreaterThanOrEqual(25);
  });
});
