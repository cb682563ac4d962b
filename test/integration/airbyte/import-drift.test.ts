/**
 * POST /v1/imports against stored connectors (SPEC §11): drift is reported field by field, applied
 * only with `apply` and only through the machine (PUBLISH_RELEASE); invalid and conflicting
 * documents are refused with their paths while the others still import.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  startTestService,
  waitFor,
  type ApiClient,
  type TestService,
} from '../../support/harness.js';
import { dateInDays, expectProblem } from '../../support/api-helpers.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';
import { driftFields, edited, fixture, importDocuments } from './helpers.js';

let svc: TestService;
let api: ApiClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } });
  api = svc.api;
  receiver = await WebhookReceiver.start();
  const sub = await api.post('/v1/subscriptions', { url: receiver.url, secret: 's3cret' });
  expect(sub.status, sub.text).toBe(201);
  const report = await importDocuments(api, {
    metadata: ['source-faker', 'source-github', 'source-courier', 'source-zoom'].map(
      (id) => fixture(id).text,
    ),
  });
  expect(report.created).toHaveLength(4);
});

afterAll(async () => {
  await receiver?.close();
  await svc?.cleanup();
});

async function snapshot(id: string) {
  const [connector, history] = await Promise.all([
    api.get(`/v1/connectors/${id}`),
    api.get(`/v1/connectors/${id}/history`),
  ]);
  return { connector: connector.body, history: history.body.items as Record<string, any>[] };
}

describe('drift', () => {
  test('is reported field by field and changes nothing without apply', async () => {
    const before = await snapshot('source-faker');
    const report = await importDocuments(api, {
      metadata: [edited('source-faker', { dockerImageTag: '6.3.0', license: 'Apache-2.0' })],
    });
    expect(report.drift).toEqual([
      {
        connectorId: 'source-faker',
        fields: [
          { field: 'dockerImageTag', current: '6.2.20', imported: '6.3.0' },
          { field: 'license', current: 'MIT', imported: 'Apache-2.0' },
        ],
      },
    ]);
    expect(report).toMatchObject({ created: [], unchanged: [], applied: [], refused: [] });
    expect(await snapshot('source-faker')).toEqual(before);
  });

  test('a dry run with apply says what would be applied and changes nothing', async () => {
    const before = await snapshot('source-faker');
    const report = await importDocuments(api, {
      metadata: [edited('source-faker', { dockerImageTag: '6.3.0' })],
      apply: true,
      dryRun: true,
    });
    expect(report).toMatchObject({ dryRun: true, applied: ['source-faker'], drift: [] });
    expect(await snapshot('source-faker')).toEqual(before);
  });

  test('a greater tag is applied as a PUBLISH_RELEASE, with its notification', async () => {
    const before = await snapshot('source-faker');
    const report = await importDocuments(api, {
      metadata: [edited('source-faker', { dockerImageTag: '6.3.0', license: 'Apache-2.0' })],
      apply: true,
    });
    expect(report).toMatchObject({ applied: ['source-faker'], drift: [], refused: [] });
    const after = await snapshot('source-faker');
    expect(after.connector).toMatchObject({
      dockerImageTag: '6.3.0',
      license: 'Apache-2.0',
      version: before.connector.version + 1,
      state: 'community.active',
    });
    expect(after.history.at(-1)).toMatchObject({
      type: 'PUBLISH_RELEASE',
      actor: 'admin',
      payload: { dockerImageTag: '6.3.0', license: 'Apache-2.0' },
    });
    await waitFor(
      () =>
        receiver.requests.some(
          (r) =>
            r.body?.type === 'connector.release_published' &&
            r.body.connectorId === 'source-faker' &&
            r.body.data.dockerImageTag === '6.3.0',
        ),
      { what: 'the release webhook' },
    );
    // Applied, so the same document is now unchanged.
    const again = await importDocuments(api, {
      metadata: [edited('source-faker', { dockerImageTag: '6.3.0', license: 'Apache-2.0' })],
      apply: true,
    });
    expect(again).toMatchObject({ unchanged: ['source-faker'], applied: [], drift: [] });
  });

  test('the breaking change of the new version is applied with Airbyte fields', async () => {
    const { doc } = fixture('source-faker');
    const change = {
      message: 'Streams are renamed.',
      upgradeDeadline: dateInDays(40),
      deadlineAction: 'disable',
      scopedImpact: [{ scopeType: 'stream', impactedScopes: ['users'] }],
    };
    const report = await importDocuments(api, {
      metadata: [
        edited('source-faker', {
          dockerImageTag: '7.0.0',
          license: 'Apache-2.0',
          releases: {
            ...doc.data.releases,
            breakingChanges: { ...doc.data.releases.breakingChanges, '7.0.0': change },
          },
        }),
      ],
      apply: true,
    });
    expect(report).toMatchObject({ applied: ['source-faker'], drift: [], refused: [] });
    const { connector } = await snapshot('source-faker');
    expect(connector.breakingChanges['7.0.0']).toEqual({
      ...change,
      upgradeDeadline: `${change.upgradeDeadline}T00:00:00.000Z`,
    });
    expect(Object.keys(connector.breakingChanges).sort()).toEqual([
      '4.0.0',
      '5.0.0',
      '6.0.0',
      '7.0.0',
    ]);
  });

  test('support-level drift is reported, never applied', async () => {
    const before = await snapshot('source-zoom');
    const report = await importDocuments(api, {
      metadata: [edited('source-zoom', { supportLevel: 'certified' })],
      apply: true,
    });
    expect(report.applied).toEqual([]);
    expect(report.drift).toEqual([
      {
        connectorId: 'source-zoom',
        fields: [{ field: 'supportLevel', current: 'community', imported: 'certified' }],
      },
    ]);
    expect(await snapshot('source-zoom')).toEqual(before);
  });

  test('what a release cannot carry is still reported after the apply', async () => {
    const report = await importDocuments(api, {
      metadata: [edited('source-zoom', { dockerImageTag: '1.3.0', supportLevel: 'certified' })],
      apply: true,
    });
    expect(report.applied).toEqual(['source-zoom']);
    expect(driftFields(report, 'source-zoom')).toEqual(['supportLevel']);
    expect((await snapshot('source-zoom')).connector).toMatchObject({
      dockerImageTag: '1.3.0',
      state: 'community.active',
    });
  });

  test('a lower tag is drift, never applied', async () => {
    const before = await snapshot('source-faker');
    const report = await importDocuments(api, {
      metadata: [edited('source-faker', { dockerImageTag: '1.0.0' })],
      apply: true,
    });
    expect(report.applied).toEqual([]);
    expect(report.drift[0]?.fields).toContainEqual({
      field: 'dockerImageTag',
      current: '7.0.0',
      imported: '1.0.0',
    });
    expect(await snapshot('source-faker')).toEqual(before);
  });

  test("a release the machine's policy blocks is refused with the path that blocks it", async () => {
    const before = await snapshot('source-github');
    const { doc } = fixture('source-github');
    const report = await importDocuments(api, {
      metadata: [
        edited('source-github', {
          dockerImageTag: '4.0.0',
          releases: {
            breakingChanges: {
              ...doc.data.releases.breakingChanges,
              '4.0.0': { message: 'Too soon.', upgradeDeadline: dateInDays(1) },
            },
          },
        }),
      ],
      apply: true,
    });
    expect(report.applied).toEqual([]);
    expect(report.refused).toEqual([
      {
        index: 0,
        connectorId: 'source-github',
        code: 'UPGRADE_WINDOW_TOO_SHORT',
        errors: [
          {
            path: 'data.releases.breakingChanges.4.0.0.upgradeDeadline',
            message: expect.stringContaining('upgrade window'),
          },
        ],
      },
    ]);
    expect(await snapshot('source-github')).toEqual(before);
  });

  test('an archived connector takes no release: refused with the state', async () => {
    const report = await importDocuments(api, {
      metadata: [edited('source-courier', { dockerImageTag: '0.2.0' })],
      apply: true,
    });
    expect(report.refused).toMatchObject([
      {
        index: 0,
        connectorId: 'source-courier',
        code: 'EVENT_NOT_ALLOWED',
        errors: [{ path: 'data.dockerImageTag' }],
      },
    ]);
  });
});

describe('refusals', () => {
  test('a definitionId that differs from the stored one is refused', async () => {
    const before = await snapshot('source-zoom');
    const report = await importDocuments(api, {
      metadata: [
        edited('source-zoom', {
          definitionId: '6a1e0a2f-0000-4000-8000-000000000001',
          dockerImageTag: '9.0.0',
        }),
      ],
      apply: true,
    });
    expect(report.refused).toEqual([
      {
        index: 0,
        connectorId: 'source-zoom',
        code: 'DEFINITION_ID_MISMATCH',
        errors: [{ path: 'data.definitionId', message: expect.stringContaining('differs') }],
      },
    ]);
    expect(report).toMatchObject({ applied: [], drift: [], unchanged: [] });
    expect(await snapshot('source-zoom')).toEqual(before);
  });

  test("a new id with another connector's definitionId is DEFINITION_ID_EXISTS", async () => {
    const faker = fixture('source-faker').doc.data;
    const fresh = '7c7c7c7c-1111-4222-8333-444455556666';
    const report = await importDocuments(api, {
      metadata: [
        edited('source-faker', { dockerRepository: 'airbyte/source-faker-copy' }),
        edited('source-pokeapi', { definitionId: fresh }),
        edited('source-zuora', { definitionId: fresh }),
      ],
    });
    expect(report.created).toEqual(['source-pokeapi']);
    expect(report.refused).toEqual([
      {
        index: 0,
        connectorId: 'source-faker-copy',
        code: 'DEFINITION_ID_EXISTS',
        errors: [
          {
            path: 'data.definitionId',
            message: `definitionId ${faker.definitionId} belongs to connector "source-faker"`,
          },
        ],
      },
      {
        index: 2,
        connectorId: 'source-zuora',
        code: 'DEFINITION_ID_EXISTS',
        errors: [{ path: 'data.definitionId', message: expect.stringContaining('document 1') }],
      },
    ]);
    expect((await api.get('/v1/connectors/source-faker-copy')).status).toBe(404);
    expect((await api.get('/v1/connectors/source-zuora')).status).toBe(404);
  });

  test('invalid documents are refused with their paths; the valid one still imports', async () => {
    const report = await importDocuments(api, {
      metadata: [
        edited('source-mysql', { license: undefined }),
        edited('source-stripe', { connectorSubtype: 'spreadsheet' }),
        'data: [unclosed',
        '- just\n- a list\n',
        edited('destination-postgres', {}),
        edited('source-talkdesk-explore', { dockerImageTag: 'latest' }),
        edited('destination-keen', { dockerRepository: 'airbyte/keen' }),
        edited('source-talkdesk-explore', { connectorType: 'destination' }),
        edited('destination-postgres', { dockerImageTag: '9.9.9' }),
        edited('source-mysql', { unknownField: 1, releaseDate: '2020-13-45' }),
      ],
    });
    expect(report.created).toEqual(['destination-postgres']);
    const byIndex = Object.fromEntries(report.refused.map((r) => [r.index, r]));
    expect(Object.keys(byIndex).map(Number)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    const paths = (i: number) => byIndex[i]!.errors.map((e) => e.path);
    expect(byIndex[0]).toMatchObject({ connectorId: 'source-mysql', code: 'INVALID_DOCUMENT' });
    expect(paths(0)).toEqual(['data.license']);
    expect(paths(1)).toEqual(['data.connectorSubtype']);
    expect(byIndex[2]!.errors[0]!.message).toMatch(/YAML/);
    expect(paths(3)).toEqual(['']);
    expect(paths(5)).toEqual(['data.dockerImageTag']);
    expect(paths(6)).toEqual(['data.dockerRepository']);
    expect(paths(7)).toEqual(['data.dockerRepository']);
    expect(byIndex[8]).toMatchObject({ code: 'DUPLICATE_DOCUMENT' });
    expect(paths(9).sort()).toEqual(['data.releaseDate', 'data.unknownField']);
  });

  test('the body is checked: 400 with paths, 403 below admin', async () => {
    const bad = await api.post('/v1/imports', { metadata: 'not a list', surprise: true });
    const body = expectProblem(bad, 400);
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([
      'body',
      'body.metadata',
    ]);
    const maintainer = svc.as(await svc.tokenFor('maintainer'));
    expectProblem(await maintainer.post('/v1/imports', { metadata: [] }), 403);
  });
});

describe('a registry import', () => {
  test('takes sources then destinations, refuses a bad entry by its index', async () => {
    const source = {
      sourceDefinitionId: '1d0e4a7e-2222-4222-8333-444455556666',
      name: 'Registry Source',
      dockerRepository: 'airbyte/source-from-registry',
      dockerImageTag: '1.2.3',
      documentationUrl: 'https://docs.airbyte.com/integrations/sources/from-registry',
      spec: { connectionSpecification: { type: 'object' } },
      iconUrl: 'https://connectors.airbyte.com/files/metadata/icon.svg',
      language: 'python',
      packageInfo: { cdk_version: 'python:6.1.0' },
      supportLevel: 'certified',
      releaseStage: 'generally_available',
      sourceType: 'api',
      tags: ['language:python'],
      allowedHosts: { hosts: ['api.example.com'] },
      tombstone: false,
      public: true,
      custom: false,
    };
    const destination = {
      destinationDefinitionId: '2d0e4a7e-3333-4222-8333-444455556666',
      name: 'Registry Destination',
      dockerRepository: 'airbyte/destination-from-registry',
      dockerImageTag: '0.1.0',
      documentationUrl: 'https://docs.airbyte.com/integrations/destinations/from-registry',
      spec: {},
    };
    const report = await importDocuments(api, {
      registry: {
        sources: [source, { ...source, dockerRepository: 'airbyte/source-no-spec', spec: 5 }],
        destinations: [destination],
      },
    });
    expect(report.created).toEqual(['source-from-registry', 'destination-from-registry']);
    expect(report.refused).toEqual([
      {
        index: 1,
        connectorId: 'source-no-spec',
        code: 'INVALID_DOCUMENT',
        errors: [{ path: 'spec', message: 'must be object' }],
      },
    ]);
    const { connector, history } = await snapshot('source-from-registry');
    expect(connector).toMatchObject({
      definitionId: source.sourceDefinitionId,
      state: 'certified.active',
      language: 'python',
      cdkVersion: '6.1.0',
      spec: source.spec,
      iconUrl: source.iconUrl,
      connectorSubtype: 'api',
      airbyte: { allowedHosts: source.allowedHosts },
    });
    expect(history[0]).toMatchObject({ type: 'IMPORT', payload: { format: 'registry' } });
    expect((await snapshot('destination-from-registry')).connector).toMatchObject({
      state: 'community.active',
      language: null,
      cdkVersion: null,
    });

    const again = await importDocuments(api, {
      registry: { sources: [source], destinations: [destination] },
    });
    expect(again).toMatchObject({
      unchanged: ['source-from-registry', 'destination-from-registry'],
      drift: [],
      refused: [],
    });
  });
});
