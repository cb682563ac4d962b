/**
 * POST /v1/imports and the service's guards (SPEC §10, §11): a document naming a Docker repository
 * that LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES does not allow is refused, and a new connector's
 * definitionId is claimed atomically by the commit, so that a registration that takes it between the
 * import's check and its commit wins and the import is refused (never a duplicate definitionId).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ImportService } from '../../../src/airbyte/import-service.js';
import { createServices, type AppServices } from '../../../src/app-services.js';
import { registrationBody } from '../../../src/http/schemas.js';
import { createLogger } from '../../../src/logger.js';
import { ConnectorStore } from '../../../src/store/connector-store.js';
import {
  redisUrl,
  registration,
  startTestService,
  testConfig,
  uniquePrefix,
  type TestService,
} from '../../support/harness.js';
import { edited, fixture, importDocuments } from './helpers.js';

describe('LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({
      env: { LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: 'airbyte/source-*' },
    });
  });

  afterAll(async () => {
    await svc?.cleanup();
  });

  test('a document whose repository is not allowed is refused; the others import', async () => {
    const report = await importDocuments(svc.api, {
      metadata: [fixture('destination-postgres').text, fixture('source-faker').text],
      registry: {
        sources: [],
        destinations: [
          {
            destinationDefinitionId: '0e9b2c3a-7a52-4b8e-8a8e-1f2d3c4b5a69',
            name: 'Keen',
            dockerRepository: 'acme/destination-keen',
            dockerImageTag: '0.2.4',
            documentationUrl: 'https://docs.airbyte.com/integrations/destinations/keen',
            spec: {},
            tombstone: false,
            public: true,
            custom: false,
            releaseStage: 'alpha',
            supportLevel: 'community',
            license: 'MIT',
          },
        ],
      },
    });
    expect(report.created).toEqual(['source-faker']);
    expect(report.refused).toEqual([
      {
        index: 0,
        connectorId: 'destination-postgres',
        code: 'DOCKER_REPOSITORY_NOT_ALLOWED',
        errors: [
          {
            path: 'data.dockerRepository',
            message: expect.stringContaining('"airbyte/destination-postgres" is not allowed'),
          },
        ],
      },
      {
        index: 0,
        connectorId: 'destination-keen',
        code: 'DOCKER_REPOSITORY_NOT_ALLOWED',
        errors: [{ path: 'dockerRepository', message: expect.stringContaining('acme/') }],
      },
    ]);
    expect((await svc.api.get('/v1/connectors/destination-postgres')).status).toBe(404);
    expect((await svc.api.get('/v1/connectors/destination-keen')).status).toBe(404);
  });

  test('a dry run refuses it too', async () => {
    const report = await importDocuments(svc.api, {
      metadata: [edited('source-zoom', { dockerRepository: 'ghcr.io/acme/source-zoom' })],
      dryRun: true,
    });
    expect(report.created).toEqual([]);
    expect(report.refused).toMatchObject([
      { index: 0, connectorId: 'source-zoom', code: 'DOCKER_REPOSITORY_NOT_ALLOWED' },
    ]);
  });
});

describe('the definitionId claim', () => {
  let services: AppServices;

  beforeAll(() => {
    services = createServices(testConfig(uniquePrefix()), createLogger('silent'), redisUrl());
  });

  afterAll(async () => {
    await services?.close();
  });

  test('a registration that takes the definitionId after the check wins; the import is refused', async () => {
    const pokeapi = fixture('source-pokeapi');
    const definitionId = pokeapi.doc.data.definitionId as string;
    const rival = registrationBody.parse(registration({ definitionId }));
    // The store the import reads through: its definitionId check answers first, then a rival
    // registration takes the same definitionId before the import commits.
    const store = new ConnectorStore(services.redis, services.config.keyPrefix);
    const check = store.definitionIdHolders.bind(store);
    store.definitionIdHolders = async (ids) => {
      const holders = await check(ids);
      await services.service.register(rival, {
        subject: 'bob',
        role: 'maintainer',
        tokenId: 'rival',
      });
      return holders;
    };
    const imports = new ImportService({
      store,
      service: services.service,
      lifecycle: services.lifecycle,
      options: services.config.airbyte,
    });

    const report = await imports.run(
      { metadata: [pokeapi.text], dryRun: false, apply: false },
      { subject: 'admin', role: 'admin', tokenId: 'admin' },
    );

    expect(report.created).toEqual([]);
    expect(report.refused).toEqual([
      {
        index: 0,
        connectorId: 'source-pokeapi',
        code: 'DEFINITION_ID_EXISTS',
        errors: [
          {
            path: 'data.definitionId',
            message: expect.stringContaining(`Connector "${rival.id}" already has definitionId`),
          },
        ],
      },
    ]);
    expect(await services.store.get('source-pokeapi')).toBeNull();
    expect((await services.store.require(rival.id)).context.definitionId).toBe(definitionId);
  });
});
