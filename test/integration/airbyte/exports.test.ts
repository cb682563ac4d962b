/**
 * The Airbyte exports (SPEC §11): GET /v1/catalog/registry.json validates against Airbyte's
 * ConnectorRegistryV0 and GET /v1/connectors/:id/metadata.yaml against ConnectorMetadataDefinitionV0
 * (with ajv and the vendored schemas), for certified, community, custom, archived, registered
 * without Airbyte fields and breaking-change connectors; an export imported again is unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import YAML from 'yaml';
import {
  registration,
  startTestService,
  waitFor,
  type ApiClient,
  type TestService,
} from '../../support/harness.js';
import { dateInDays, expectProblem } from '../../support/api-helpers.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';
import { expectValid, fixture, importDocuments } from './helpers.js';

const SPEC_SCRIPT =
  'bash test/integration/fixtures/acceptance-spec.sh {connectorId} {image} {reportDir}';
const ARCHIVE_URL = 'https://git.example.com/archive/{connectorId}/src';

let svc: TestService;
let api: ApiClient;
let receiver: WebhookReceiver;
const ids = {} as Record<
  'plain' | 'airbyte' | 'breaking' | 'custom' | 'archived' | 'github' | 'faker' | 'courier',
  string
>;

const airbyteFields = {
  documentationUrl: 'https://docs.example.com/warehouse',
  releaseStage: 'beta',
  connectorSubtype: 'database',
  license: 'ELv2',
  githubIssueLabel: 'warehouse-label',
  tags: ['language:java', 'keyword:warehouse'],
  iconUrl: 'https://icons.example.com/warehouse.svg',
  releaseDate: '2024-02-29',
  spec: { connectionSpecification: { type: 'object', properties: { host: { type: 'string' } } } },
  airbyte: { allowedHosts: { hosts: ['${host}'] }, supportsDbt: true },
};

/** Registers a connector whose id is the last segment of its repository, as in Airbyte. */
async function register(overrides: Record<string, unknown> = {}) {
  const base = registration(overrides);
  const body = { ...base, dockerRepository: `airbyte/${base.id}` };
  const res = await api.post('/v1/connectors', body);
  expect(res.status, res.text).toBe(201);
  return body.id;
}

async function metadataYaml(id: string, client: ApiClient = api) {
  const res = await client.get(`/v1/connectors/${id}/metadata.yaml`);
  expect(res.status, res.text).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
  return { text: res.text, doc: YAML.parse(res.text) as { data: Record<string, any> } };
}

async function registry() {
  const res = await svc.as(null).get('/v1/catalog/registry.json');
  expect(res.status).toBe(200);
  return res.body as { sources: Record<string, any>[]; destinations: Record<string, any>[] };
}

/**
 * The registry once the catalog has caught up with every connector it lists (the catalog follows a
 * change within its flush window): each entry shows its connector's current release and level.
 */
async function currentRegistry() {
  return waitFor(
    async () => {
      const reg = await registry();
      const listed = (await api.get('/v1/connectors?limit=100')).body.items as Record<
        string,
        any
      >[];
      const byRepository = new Map(listed.map((c) => [c.dockerRepository, c]));
      const current = [...reg.sources, ...reg.destinations].every((entry) => {
        const connector = byRepository.get(entry.dockerRepository);
        return (
          connector?.dockerImageTag === entry.dockerImageTag &&
          String(connector?.state).split('.')[0] === entry.supportLevel
        );
      });
      return current ? reg : undefined;
    },
    { what: 'the registry to show every connector it lists as it is now' },
  );
}

function entryOf(reg: Awaited<ReturnType<typeof registry>>, repository: string) {
  return [...reg.sources, ...reg.destinations].find((e) => e.dockerRepository === repository);
}

async function waitForState(id: string, state: string) {
  return waitFor(
    async () => {
      const res = await api.get(`/v1/connectors/${id}`);
      return res.body.state === state ? res.body : undefined;
    },
    { timeoutMs: 20_000, what: `${id} to reach ${state}` },
  );
}

beforeAll(async () => {
  svc = await startTestService({
    env: {
      LIFECYCLE_ACCEPTANCE_COMMAND: SPEC_SCRIPT,
      LIFECYCLE_ARCHIVE_SOURCE_URL: ARCHIVE_URL,
      LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    },
  });
  api = svc.api;
  receiver = await WebhookReceiver.start();
  expect((await api.post('/v1/subscriptions', { url: receiver.url, secret: 's' })).status).toBe(
    201,
  );
  ids.plain = await register();
  ids.airbyte = await register({ type: 'destination', ...airbyteFields });
  ids.breaking = await register();
  ids.custom = await register({ supportLevel: 'custom' });
  ids.archived = await register();
  const imported = await importDocuments(api, {
    metadata: [
      fixture('source-github').text,
      fixture('source-faker').text,
      fixture('source-courier').text,
    ],
  });
  expect(imported.created).toHaveLength(3);
  [ids.github, ids.faker, ids.courier] = ['source-github', 'source-faker', 'source-courier'];

  const release = await api.event(ids.breaking, {
    type: 'PUBLISH_RELEASE',
    dockerImageTag: '2.0.0',
    breakingChange: {
      message: 'The users stream is renamed.',
      upgradeDeadline: dateInDays(20),
      migrationDocumentationUrl: 'https://docs.example.com/migrate#2.0.0',
      deadlineAction: 'auto_upgrade',
      scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }],
    },
  });
  expect(release.status, release.text).toBe(200);
  const archive = await api.event(ids.archived, { type: 'ARCHIVE', reason: 'Nobody uses it.' });
  expect(archive.status, archive.text).toBe(200);
  await waitFor(
    async () => {
      const reg = await registry();
      return [ids.plain, ids.airbyte, ids.breaking, ids.github, ids.faker].every((id) =>
        [...reg.sources, ...reg.destinations].some((e) => e.dockerRepository.endsWith(`/${id}`)),
      );
    },
    { what: 'the registry to list the connectors' },
  );
  await currentRegistry();
});

afterAll(async () => {
  await receiver?.close();
  await svc?.cleanup();
});

describe('GET /v1/catalog/registry.json', () => {
  test("validates against Airbyte's ConnectorRegistryV0, every entry too", async () => {
    const reg = await registry();
    expectValid('registry', reg);
    for (const entry of reg.sources) expectValid('source', entry, entry.dockerRepository);
    for (const entry of reg.destinations) expectValid('destination', entry, entry.dockerRepository);
    const repositories = [...reg.sources, ...reg.destinations].map((e) => e.dockerRepository);
    expect(repositories).not.toContain('airbyte/source-courier');
    expect(repositories.some((r: string) => r.endsWith(`/${ids.custom}`))).toBe(false);
  });

  test('a connector registered without Airbyte fields gets the defaults', async () => {
    const reg = await registry();
    const entry = reg.sources.find((e) => e.dockerRepository.endsWith(`/${ids.plain}`))!;
    const name = ids.plain.slice('source-'.length);
    expect(entry).toMatchObject({
      documentationUrl: `https://docs.airbyte.com/integrations/sources/${name}`,
      spec: {},
      releaseStage: 'alpha',
      supportLevel: 'community',
      license: 'MIT',
      githubIssueLabel: ids.plain,
      language: 'python',
      tags: ['language:python'],
      packageInfo: { cdk_version: 'python:6.0.0' },
      ab_internal: { sl: 100, ql: 100 },
      tombstone: false,
      public: true,
      custom: false,
    });
    expect(entry.releases).toBeUndefined();
    expect(entry.sourceType).toBeUndefined();
  });

  test('a connector with Airbyte fields carries them', async () => {
    const { dockerRepository } = (await api.get(`/v1/connectors/${ids.airbyte}`)).body;
    const dest = entryOf(await registry(), dockerRepository);
    expect(dest).toMatchObject({
      documentationUrl: airbyteFields.documentationUrl,
      releaseStage: 'beta',
      sourceType: 'database',
      license: 'ELv2',
      githubIssueLabel: 'warehouse-label',
      tags: airbyteFields.tags,
      iconUrl: airbyteFields.iconUrl,
      releaseDate: '2024-02-29',
      spec: airbyteFields.spec,
      allowedHosts: airbyteFields.airbyte.allowedHosts,
      supportsDbt: true,
    });
  });

  test('releases appear only with breaking changes, keyed by X.Y.Z with date-only deadlines', async () => {
    const reg = await registry();
    const entry = reg.sources.find((e) => e.dockerRepository.endsWith(`/${ids.breaking}`))!;
    const name = ids.breaking.slice('source-'.length);
    expect(entry.releases).toEqual({
      migrationDocumentationUrl: `https://docs.airbyte.com/integrations/sources/${name}-migrations`,
      breakingChanges: {
        '2.0.0': {
          message: 'The users stream is renamed.',
          upgradeDeadline: dateInDays(20),
          migrationDocumentationUrl: 'https://docs.example.com/migrate#2.0.0',
          deadlineAction: 'auto_upgrade',
          scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }],
        },
      },
    });
    const github = reg.sources.find((e) => e.dockerRepository === 'airbyte/source-github')!;
    expect(github).toMatchObject({
      releaseStage: 'generally_available',
      supportLevel: 'certified',
      sourceType: 'api',
      license: 'ELv2',
      erdUrl: 'https://dbdocs.io/airbyteio/source-github?view=relationships',
      ab_internal: { ql: 400, sl: 300 },
    });
    expect(Object.keys(github.releases.breakingChanges)).toEqual(['2.0.0', '3.0.0']);
    expect(github.releases.breakingChanges['2.0.0'].migrationDocumentationUrl).toBe(
      'https://docs.airbyte.com/integrations/sources/github-migrations#2.0.0',
    );
    expect(github.registryOverrides).toBeUndefined();
  });

  test('a breaking change on a pre-release tag is 422 BREAKING_CHANGE_VERSION', async () => {
    const res = await api.event(ids.breaking, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '3.0.0-rc.1',
      breakingChange: {
        message: 'x',
        upgradeDeadline: dateInDays(30),
        migrationDocumentationUrl: 'https://docs.example.com/m',
      },
    });
    expect(expectProblem(res, 422).code).toBe('BREAKING_CHANGE_VERSION');
    const plain = await api.event(ids.breaking, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '3.0.0-rc.1',
    });
    expect(plain.status, plain.text).toBe(200);
  });
});

describe('GET /v1/connectors/:id/metadata.yaml', () => {
  test('validates against ConnectorMetadataDefinitionV0 for every kind of connector', async () => {
    const reader = svc.as(await svc.tokenFor('reader'));
    for (const id of Object.values(ids)) {
      const { doc } = await metadataYaml(id, reader);
      expectValid('metadata', doc, id);
      expect(doc.data.dockerRepository.endsWith(`/${id}`), id).toBe(true);
    }
    expectProblem(await api.get('/v1/connectors/source-nope/metadata.yaml'), 404);
    expectProblem(await svc.as(null).get(`/v1/connectors/${ids.plain}/metadata.yaml`), 401);
  });

  test('uses the defaults of SPEC §11 for a connector without Airbyte fields', async () => {
    const { doc } = await metadataYaml(ids.plain);
    expect(doc.data).toMatchObject({
      license: 'MIT',
      githubIssueLabel: ids.plain,
      connectorSubtype: 'unknown',
      releaseStage: 'alpha',
      supportLevel: 'community',
      connectorType: 'source',
      tags: ['language:python'],
    });
    const custom = await metadataYaml(ids.custom);
    expect(custom.doc.data.supportLevel).toBeUndefined();
    expect(custom.doc.data.releaseStage).toBe('custom');
  });

  test('an imported document is given back, quoted where YAML 1.1 would misread it', async () => {
    const { doc, text } = await metadataYaml(ids.github);
    const original = fixture('source-github').doc.data;
    expect(doc.data).toEqual({
      ...original,
      releases: {
        ...original.releases,
        breakingChanges: {
          '2.0.0': original.releases.breakingChanges['2.0.0'],
          '3.0.0': original.releases.breakingChanges['3.0.0'],
        },
      },
    });
    expect(text).toContain('upgradeDeadline: "2025-11-21"');
  });

  test('an archived connector names where its source is kept', async () => {
    const connector = (await api.get(`/v1/connectors/${ids.archived}`)).body;
    const sourceUrl = `https://git.example.com/archive/${ids.archived}/src`;
    expect(connector.archive).toEqual({
      archivedAt: expect.any(String),
      reason: 'Nobody uses it.',
      sourceUrl,
    });
    const { doc, text } = await metadataYaml(ids.archived);
    expect(doc.data.supportLevel).toBe('archived');
    expect(doc.data.externalDocumentationUrls).toEqual([
      { title: 'Archived source', url: sourceUrl, type: 'other' },
    ]);
    expect(text.startsWith(`# Archived ${connector.archive.archivedAt}: Nobody uses it.`)).toBe(
      true,
    );
    const archived = await waitFor(
      () =>
        receiver.requests.find(
          (r) => r.body?.type === 'connector.archived' && r.body.connectorId === ids.archived,
        ),
      { what: 'the connector.archived webhook' },
    );
    expect(archived.body.data.archive).toEqual(connector.archive);
    const courier = await metadataYaml(ids.courier);
    expect(courier.doc.data.externalDocumentationUrls).toEqual([
      {
        title: 'Archived source',
        url: 'https://git.example.com/archive/source-courier/src',
        type: 'other',
      },
    ]);
  });

  test('answers 304 to its ETag', async () => {
    const first = await api.get(`/v1/connectors/${ids.plain}/metadata.yaml`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"v\d+"$/);
    const again = await api.get(`/v1/connectors/${ids.plain}/metadata.yaml`, {
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
  });
});

describe('exports imported again', () => {
  test('every exported metadata.yaml is unchanged', async () => {
    const texts = await Promise.all(
      Object.values(ids).map(async (id) => (await metadataYaml(id)).text),
    );
    const report = await importDocuments(api, { metadata: texts, apply: true });
    expect(report.refused).toEqual([]);
    expect(report.drift).toEqual([]);
    expect(report).toMatchObject({ created: [], applied: [] });
    expect([...report.unchanged].sort()).toEqual(Object.values(ids).sort());
  });

  test('the exported registry is unchanged', async () => {
    const reg = await currentRegistry();
    const report = await importDocuments(api, { registry: reg, apply: true });
    expect(report.refused).toEqual([]);
    expect(report.drift).toEqual([]);
    expect(report.unchanged).toHaveLength(reg.sources.length + reg.destinations.length);
  });
});

describe('a connector stored by machine version 1', () => {
  test('loads, exports valid documents and takes events', async () => {
    const id = 'source-stored-by-v1';
    const record = {
      machineVersion: 1,
      state: 'community.active',
      context: {
        id,
        definitionId: '9a9a9a9a-1111-4222-8333-444455556666',
        name: 'Stored by v1',
        type: 'source',
        language: 'java',
        dockerRepository: `airbyte/${id}`,
        dockerImageTag: '1.0.0-rc.2',
        cdkVersion: '0.40.0',
        maintainers: ['alice'],
        deprecation: null,
        // keyed by a pre-release tag, as version 1 allowed
        breakingChanges: {
          '1.0.0-rc.1': {
            message: 'old',
            upgradeDeadline: '2025-01-01T00:00:00.000Z',
            migrationDocumentationUrl: 'https://docs.example.com/m',
          },
        },
        lastReleaseAt: '2025-01-01T00:00:00.000Z',
        gate: null,
        unarchiveRequest: null,
      },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    const { redis, keys } = svc.services;
    await redis
      .multi()
      .hset(keys.connector(id), 'version', 3, 'doc', JSON.stringify(record))
      .zadd(keys.allConnectors(), 0, id)
      .zadd(keys.bySupportLevel('community'), 0, id)
      .zadd(keys.byStatus('active'), 0, id)
      .zadd(keys.byState('community.active'), 0, id)
      .zadd(keys.byType('source'), 0, id)
      .exec();
    const loaded = (await api.get(`/v1/connectors/${id}`)).body;
    expect(loaded).toMatchObject({
      version: 3,
      license: null,
      tags: [],
      spec: null,
      archive: null,
    });
    const { doc } = await metadataYaml(id);
    expectValid('metadata', doc, id);
    expect(doc.data.releases).toBeUndefined();
    const res = await api.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.0.0' });
    expect(res.status, res.text).toBe(200);
    const reg = await waitFor(
      async () => {
        const r = await registry();
        return entryOf(r, `airbyte/${id}`) ? r : undefined;
      },
      { what: 'the registry to list the migrated connector' },
    );
    expectValid('registry', reg);
    expect(entryOf(reg, `airbyte/${id}`)!.releases).toBeUndefined();
  });
});

describe('Airbyte fields through the API', () => {
  test('registration returns them; a bad `airbyte` field is a 400 naming it', async () => {
    const c = (await api.get(`/v1/connectors/${ids.airbyte}`)).body;
    expect(c).toMatchObject(airbyteFields);
    const res = await api.post(
      '/v1/connectors',
      registration({ airbyte: { allowedHosts: 5, name: 'x', bogus: true }, releaseStage: 'ga' }),
    );
    const paths = (expectProblem(res, 400).errors as { path: string }[]).map((e) => e.path);
    expect(paths.sort()).toEqual([
      'body.airbyte.allowedHosts',
      'body.airbyte.bogus',
      'body.airbyte.name',
      'body.releaseStage',
    ]);
  });

  test('PUBLISH_RELEASE may carry a new spec and other Airbyte fields', async () => {
    const spec = { connectionSpecification: { type: 'object', title: 'v2' } };
    const res = await api.event(ids.plain, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '1.1.0',
      spec,
      releaseStage: 'beta',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ spec, releaseStage: 'beta', dockerImageTag: '1.1.0' });
  });
});

describe('spec.json of a passing acceptance run', () => {
  test('becomes the spec of a contributed connector', async () => {
    const id = await register({ supportLevel: 'custom', dockerImageTag: '1.4.0' });
    expect((await api.event(id, { type: 'CONTRIBUTE' })).status).toBe(202);
    const connector = await waitForState(id, 'community.active');
    expect(connector.spec).toEqual({
      documentationUrl: `https://docs.example.com/${id}`,
      connectionSpecification: { type: 'object', title: `${connector.dockerRepository}:1.4.0` },
    });
    const runs = (await api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items;
    expect(runs[0]).toMatchObject({ outcome: 'passed', spec: connector.spec });
  });

  test('of an un-archive run waits for the approval, which also clears the archive', async () => {
    const id = await register();
    expect((await api.event(id, { type: 'ARCHIVE', reason: 'unused' })).status).toBe(200);
    const request = await api.event(id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'We will maintain it.',
      dockerImageTag: '2.0.0',
      cdkVersion: '6.0.0',
    });
    expect(request.status, request.text).toBe(202);
    const review = await waitForState(id, 'archived.unarchiveReview');
    expect(review.spec).toBeNull();
    expect(review.unarchiveRequest.spec.connectionSpecification.title).toMatch(/:2\.0\.0$/);
    const approved = await api.event(id, { type: 'APPROVE_UNARCHIVE' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ state: 'community.active', archive: null });
    expect(approved.body.spec.connectionSpecification.title).toMatch(/:2\.0\.0$/);
  });
});

describe('support levels', () => {
  test('GET /v1/support-levels is public and the catalog carries the same list', async () => {
    const res = await svc.as(null).get('/v1/support-levels');
    expect(res.status).toBe(200);
    const levels = (res.body.items as { supportLevel: string }[]).map((i) => i.supportLevel);
    expect(levels).toEqual(['certified', 'community', 'custom', 'archived']);
    expect(res.body.items[0]).toMatchObject({
      supportLevel: 'certified',
      availability: 'All users',
      whoMaintains: 'The platform team',
      productionReadiness: 'Guaranteed',
      support: {
        cloud: 'Supported, with SLAs under premium support',
        communityOss: 'Slack only',
      },
    });
    const catalog = await svc.as(null).get('/v1/catalog');
    expect(catalog.body.supportLevels).toEqual(res.body.items);
  });
});
