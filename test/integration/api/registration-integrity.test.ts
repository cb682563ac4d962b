import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  redisUrl,
  registration,
  startTestService,
  uniquePrefix,
  type TestService,
} from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';

/**
 * SPEC §4 and §10: a definitionId belongs to one connector, the registering subject is always a
 * maintainer, and LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES restricts the repositories named.
 */

const ENV = { LIFECYCLE_RATE_LIMIT_PER_MINUTE: '1000000' };
const ALLOWED = 'airbyte/*,ghcr.io/acme/*';

let open: TestService; // no allow-list
let strict: TestService; // the same data, with an allow-list
let redis: Redis;

beforeAll(async () => {
  const prefix = uniquePrefix();
  open = await startTestService({ prefix, roles: ['api'], env: ENV });
  strict = await startTestService({
    prefix,
    roles: ['api'],
    env: { ...ENV, LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES: ALLOWED },
  });
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  await redis?.quit();
  await strict?.stop();
  await open?.cleanup();
});

describe('definitionId is unique', () => {
  test('a second connector with the same definitionId is a 409 DEFINITION_ID_EXISTS', async () => {
    const definitionId = randomUUID();
    const first = registration({ definitionId });
    expect((await open.api.post('/v1/connectors', first)).status).toBe(201);

    const second = registration({ definitionId });
    const res = await open.api.post('/v1/connectors', second);
    const problem = expectProblem(res, 409);
    expect(problem.code).toBe('DEFINITION_ID_EXISTS');
    expect(problem.definitionId).toBe(definitionId);
    expect(problem.connectorId).toBe(first.id);
    expectProblem(await open.api.get(`/v1/connectors/${second.id}`), 404);

    // a destination may not take it either; the same id is still ALREADY_EXISTS
    const destination = registration({ type: 'destination', definitionId });
    expect(expectProblem(await open.api.post('/v1/connectors', destination), 409).code).toBe(
      'DEFINITION_ID_EXISTS',
    );
    expect(expectProblem(await open.api.post('/v1/connectors', first), 409).code).toBe(
      'ALREADY_EXISTS',
    );
    // another definitionId is fine
    expect((await open.api.post('/v1/connectors', registration())).status).toBe(201);
  });

  test('concurrent registrations of different ids sharing one definitionId: exactly one 201', async () => {
    const definitionId = randomUUID();
    const bodies = Array.from({ length: 16 }, () => registration({ definitionId }));
    const results = await Promise.all(
      bodies.map((body, i) => (i % 2 ? open : strict).api.post('/v1/connectors', body)),
    );
    const summary = results.map((r) => `${r.status} ${r.text.slice(0, 100)}`).join('\n');
    const created = results.filter((r) => r.status === 201);
    expect(created, summary).toHaveLength(1);
    for (const r of results) {
      if (r.status !== 201)
        expect(expectProblem(r, 409).code, summary).toBe('DEFINITION_ID_EXISTS');
    }
    const winner = created[0]!.body.id as string;
    for (const body of bodies) {
      const got = await open.api.get(`/v1/connectors/${body.id}`);
      expect(got.status).toBe(body.id === winner ? 200 : 404);
    }
  });

  test('connectors stored before the index existed are indexed when the API starts', async () => {
    const prefix = uniquePrefix();
    const before = await startTestService({ prefix, roles: ['api'], env: ENV });
    let after: TestService | undefined;
    try {
      const definitionId = randomUUID();
      const old = registration({ definitionId });
      expect((await before.api.post('/v1/connectors', old)).status).toBe(201);
      // as stored by an earlier version: no index entry
      expect(await redis.hdel(`${prefix}:idx:definition-ids`, definitionId)).toBe(1);
      await before.stop();

      after = await startTestService({ prefix, roles: ['api'], env: ENV });
      expect(await redis.hget(`${prefix}:idx:definition-ids`, definitionId)).toBe(old.id);
      const res = await after.api.post('/v1/connectors', registration({ definitionId }));
      expect(expectProblem(res, 409).code).toBe('DEFINITION_ID_EXISTS');
    } finally {
      await before.stop();
      await after?.cleanup();
    }
  });
});

describe('the registering subject is a maintainer', () => {
  test('added when the body does not list it, and it may then publish releases', async () => {
    const token = await open.tokenFor('contributor', 'reg-carol');
    const body = registration({ maintainers: ['reg-dave'] });
    const res = await open.as(token).post('/v1/connectors', body);
    expect(res.status, res.text).toBe(201);
    expect(res.body.maintainers).toEqual(['reg-dave', 'reg-carol']);
    expect((await open.api.get(`/v1/connectors/${body.id}`)).body.maintainers).toEqual([
      'reg-dave',
      'reg-carol',
    ]);
    const history = await open.api.get(`/v1/connectors/${body.id}/history`);
    expect(history.body.items[0].payload.maintainers).toEqual(['reg-dave', 'reg-carol']);

    const release = await open
      .as(token)
      .event(body.id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' });
    expect(release.status, release.text).toBe(200);
  });

  test('listed once when the body lists it already', async () => {
    const token = await open.tokenFor('maintainer', 'reg-erin');
    const body = registration({ maintainers: ['reg-erin', 'reg-frank'] });
    const res = await open.as(token).post('/v1/connectors', body);
    expect(res.status, res.text).toBe(201);
    expect(res.body.maintainers).toEqual(['reg-erin', 'reg-frank']);
  });
});

describe('LIFECYCLE_ALLOWED_DOCKER_REPOSITORIES', () => {
  test('a registration naming another repository is a 422 DOCKER_REPOSITORY_NOT_ALLOWED', async () => {
    for (const dockerRepository of [
      'docker.io/evil/source-x',
      'airbyte/nested/source-x',
      'ghcr.io/acme-evil/source-x',
      'airbyte',
    ]) {
      const body = registration({ dockerRepository });
      const res = await strict.api.post('/v1/connectors', body);
      const problem = expectProblem(res, 422);
      expect(problem.code, dockerRepository).toBe('DOCKER_REPOSITORY_NOT_ALLOWED');
      expect(problem.dockerRepository).toBe(dockerRepository);
      expectProblem(await strict.api.get(`/v1/connectors/${body.id}`), 404);
    }
    for (const dockerRepository of ['airbyte/source-ok', 'ghcr.io/acme/source-ok']) {
      const res = await strict.api.post('/v1/connectors', registration({ dockerRepository }));
      expect(res.status, res.text).toBe(201);
    }
    // unset: any repository
    const anywhere = registration({ dockerRepository: 'docker.io/elsewhere/source-x' });
    expect((await open.api.post('/v1/connectors', anywhere)).status).toBe(201);
  });

  test('REQUEST_UNARCHIVE of a connector whose repository is not allowed is a 422', async () => {
    const archived = async (dockerRepository: string) => {
      const body = registration({ dockerRepository });
      expect((await open.api.post('/v1/connectors', body)).status).toBe(201);
      const res = await open.api.event(body.id, { type: 'ARCHIVE', reason: 'abandoned' });
      expect(res.body.state, res.text).toBe('archived.idle');
      return body.id;
    };
    const contributor = strict.as(await strict.tokenFor('contributor'));
    const unarchive = (id: string) =>
      contributor.event(id, {
        type: 'REQUEST_UNARCHIVE',
        justification: 'still in use',
        dockerImageTag: '1.1.0',
        cdkVersion: '6.0.0',
      });

    const elsewhere = await archived('docker.io/evil/source-x');
    const refused = await unarchive(elsewhere);
    expect(expectProblem(refused, 422).code).toBe('DOCKER_REPOSITORY_NOT_ALLOWED');
    const still = await strict.api.get(`/v1/connectors/${elsewhere}`);
    expect(still.body).toMatchObject({ state: 'archived.idle', version: 2 });

    const allowed = await archived('airbyte/source-revived');
    const accepted = await unarchive(allowed);
    expect(accepted.status, accepted.text).toBe(202);
    expect(accepted.body.state).toBe('archived.unarchiveTesting');
  });
});
