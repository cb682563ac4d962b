import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  type TestService,
} from '../../support/harness.js';
import {
  errorPaths,
  expectProblem,
  ISO_TIMESTAMP,
  UUID_PATTERN,
} from '../../support/api-helpers.js';

let svc: TestService;
let contributor: string;

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
  contributor = await svc.tokenFor('contributor', 'carol');
});
afterAll(async () => {
  await svc?.cleanup();
});

async function expectNotStored(id: unknown) {
  if (typeof id !== 'string' || !/^[a-z0-9-]+$/.test(id)) return;
  expectProblem(await svc.api.get(`/v1/connectors/${id}`), 404);
}

describe('POST /v1/connectors', () => {
  test('201 with every field of the connector (SPEC §4)', async () => {
    const body = registration({ maintainers: ['carol', 'dave'] });
    const before = Date.now();
    const res = await svc.as(contributor).post('/v1/connectors', body);
    expect(res.status).toBe(201);
    const c = res.body;
    expect(c).toMatchObject({
      id: body.id,
      name: body.name,
      type: 'source',
      language: 'python',
      dockerRepository: body.dockerRepository,
      dockerImageTag: '1.0.0',
      cdkVersion: '6.0.0',
      maintainers: ['carol', 'dave'],
      supportLevel: 'community',
      status: 'active',
      state: 'community.active',
      version: 1,
      deprecation: null,
      breakingChanges: {},
    });
    expect(c.definitionId).toMatch(UUID_PATTERN);
    expect([...c.allowedEvents].sort()).toEqual(
      ['ARCHIVE', 'DEPRECATE', 'PUBLISH_RELEASE', 'REQUEST_CERTIFICATION'].sort(),
    );
    expect(c.createdAt).toMatch(ISO_TIMESTAMP);
    expect(c.updatedAt).toMatch(ISO_TIMESTAMP);
    expect(Date.parse(c.createdAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(res.headers.get('etag')).toBe('"v1"');
    expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);

    // It is stored as returned.
    const got = await svc.api.get(`/v1/connectors/${body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(c);
  });

  test('the registration is the first entry of the history, by the caller', async () => {
    const body = registration();
    expect((await svc.as(contributor).post('/v1/connectors', body)).status).toBe(201);
    const history = await svc.api.get(`/v1/connectors/${body.id}/history`);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({
      version: 1,
      type: 'REGISTER',
      actor: 'carol',
      from: null,
      to: 'community.active',
    });
  });

  test('a definitionId given is kept; one generated is unique', async () => {
    const definitionId = '8be1cf83-fde1-477f-a4ad-318d23c9f3c6';
    const kept = await svc.api.post('/v1/connectors', registration({ definitionId }));
    expect(kept.status).toBe(201);
    expect(kept.body.definitionId).toBe(definitionId);

    const a = await svc.api.post('/v1/connectors', registration());
    const b = await svc.api.post('/v1/connectors', registration());
    expect(a.body.definitionId).toMatch(UUID_PATTERN);
    expect(b.body.definitionId).toMatch(UUID_PATTERN);
    expect(a.body.definitionId).not.toBe(b.body.definitionId);
  });

  test('supportLevel community is the default and may be given explicitly', async () => {
    const res = await svc.api.post('/v1/connectors', registration({ supportLevel: 'community' }));
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('community.active');
  });

  test('supportLevel custom → custom.active', async () => {
    const res = await svc.api.post('/v1/connectors', registration({ supportLevel: 'custom' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      supportLevel: 'custom',
      status: 'active',
      state: 'custom.active',
    });
    expect([...res.body.allowedEvents].sort()).toEqual(['CONTRIBUTE', 'PUBLISH_RELEASE']);
  });

  test('a destination registers with its own prefix', async () => {
    const res = await svc.api.post('/v1/connectors', registration({ type: 'destination' }));
    expect(res.status).toBe(201);
    expect(res.body.type).toBe('destination');
    expect(res.body.id).toMatch(/^destination-/);
  });

  test('409 when the id exists; the first one is untouched', async () => {
    const body = registration();
    expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    const again = await svc.api.post('/v1/connectors', { ...body, name: 'Another name' });
    expectProblem(again, 409);
    const got = await svc.api.get(`/v1/connectors/${body.id}`);
    expect(got.body.name).toBe(body.name);
    expect(got.body.version).toBe(1);
    expect((await svc.api.get(`/v1/connectors/${body.id}/history`)).body.items).toHaveLength(1);
  });

  test('concurrent registrations of one id: exactly one 201, the others 409', async () => {
    const body = registration();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        svc.api.post('/v1/connectors', { ...body, name: `Racer ${i}` }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 201)) expectProblem(r, 409);
    const got = await svc.api.get(`/v1/connectors/${body.id}`);
    expect(got.body.name).toBe(created[0]!.body.name);
    expect((await svc.api.get(`/v1/connectors/${body.id}/history`)).body.items).toHaveLength(1);
  });

  test('403 for a reader, 401 without or with a bad token; nothing is stored', async () => {
    const reader = svc.as(await svc.tokenFor('reader'));
    const body = registration();
    expectProblem(await reader.post('/v1/connectors', body), 403);
    expectProblem(await svc.as(null).post('/v1/connectors', body), 401);
    expectProblem(await svc.as('nope-nope-nope').post('/v1/connectors', body), 401);
    await expectNotStored(body.id);
  });

  test('a maintainer and an admin may register', async () => {
    const maintainer = svc.as(await svc.tokenFor('maintainer'));
    expect((await maintainer.post('/v1/connectors', registration())).status).toBe(201);
    expect((await svc.api.post('/v1/connectors', registration())).status).toBe(201);
  });
});

describe('POST /v1/connectors: 400 with the field paths', () => {
  test('missing fields are each named', async () => {
    const res = await svc.api.post('/v1/connectors', { id: 'source-missing-fields' });
    expect(errorPaths(res)).toEqual(
      expect.arrayContaining([
        'body.name',
        'body.type',
        'body.language',
        'body.dockerRepository',
        'body.dockerImageTag',
        'body.cdkVersion',
        'body.maintainers',
      ]),
    );
    await expectNotStored('source-missing-fields');
  });

  test('an empty body', async () => {
    expect(errorPaths(await svc.api.post('/v1/connectors', {}))).toContain('body.id');
  });

  test.each([
    'Source-upper',
    'source-',
    'source_underscore',
    'src-short',
    'source-a_b',
    'source-UPPER',
    'source-with space',
    'connector-x',
    '-source-x',
  ])('bad id %j', async (id) => {
    const res = await svc.api.post('/v1/connectors', registration({ id }));
    expect(errorPaths(res)).toContain('body.id');
  });

  test('an id whose prefix does not match the type', async () => {
    const res = await svc.api.post(
      '/v1/connectors',
      registration({ id: 'destination-mismatch', type: 'source' }),
    );
    expect(errorPaths(res)).toContain('body.id');
    await expectNotStored('destination-mismatch');
    const other = await svc.api.post(
      '/v1/connectors',
      registration({ id: 'source-mismatch', type: 'destination' }),
    );
    expect(errorPaths(other)).toContain('body.id');
    await expectNotStored('source-mismatch');
  });

  test.each(['1.0', 'latest', 'v1', '1.0.0.0', '01.0.0', '', ' 1.0.0'])(
    'a non-semver dockerImageTag %j',
    async (dockerImageTag) => {
      const body = registration({ dockerImageTag });
      const res = await svc.api.post('/v1/connectors', body);
      expect(errorPaths(res)).toContain('body.dockerImageTag');
      await expectNotStored(body.id);
    },
  );

  test('a semver tag with a pre-release is accepted', async () => {
    const res = await svc.api.post(
      '/v1/connectors',
      registration({ dockerImageTag: '2.1.0-rc.1' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.dockerImageTag).toBe('2.1.0-rc.1');
  });

  test('extra fields are refused', async () => {
    const body = registration({ state: 'certified.active' });
    const res = await svc.api.post('/v1/connectors', body);
    const problem = expectProblem(res, 400);
    expect(JSON.stringify(problem.errors)).toContain('state');
    await expectNotStored(body.id);
  });

  test('a certified or archived supportLevel cannot be registered', async () => {
    for (const supportLevel of ['certified', 'archived', 'gold']) {
      const body = registration({ supportLevel });
      expect(errorPaths(await svc.api.post('/v1/connectors', body))).toContain('body.supportLevel');
      await expectNotStored(body.id);
    }
  });

  test('wrong types are named', async () => {
    const res = await svc.api.post(
      '/v1/connectors',
      registration({ name: 42, maintainers: 'alice', type: 'sink', definitionId: 'not-a-uuid' }),
    );
    expect(errorPaths(res)).toEqual(
      expect.arrayContaining(['body.name', 'body.maintainers', 'body.type', 'body.definitionId']),
    );
  });

  test('bad values inside arrays and strings', async () => {
    expect(
      errorPaths(await svc.api.post('/v1/connectors', registration({ maintainers: [] }))),
    ).toContain('body.maintainers');
    expect(
      errorPaths(await svc.api.post('/v1/connectors', registration({ maintainers: ['ok', ''] }))),
    ).toContain('body.maintainers.1');
    expect(
      errorPaths(await svc.api.post('/v1/connectors', registration({ name: '   ' }))),
    ).toContain('body.name');
    expect(
      errorPaths(
        await svc.api.post('/v1/connectors', registration({ dockerRepository: 'Not A Repo' })),
      ),
    ).toContain('body.dockerRepository');
    expect(
      errorPaths(
        await svc.api.post('/v1/connectors', registration({ id: 'source-' + 'a'.repeat(300) })),
      ),
    ).toContain('body.id');
  });

  test.each([['[]'], ['"a string"'], ['null'], ['42']])(
    'a body that is not an object: %s',
    async (raw) => {
      expectProblem(await svc.api.post('/v1/connectors', raw), 400);
    },
  );
});
