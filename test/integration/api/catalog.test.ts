import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { DAY_MS, ISO_TIMESTAMP } from '../../support/api-helpers.js';
import { CatalogService } from '../../../src/catalog/catalog-service.js';

let svc: TestService;
/** the ids of the connectors set up in beforeAll, by what they are */
const c = {} as Record<
  | 'community'
  | 'destination'
  | 'custom'
  | 'archived'
  | 'certified'
  | 'deprecated'
  | 'certifiedDeprecated'
  | 'failedContribution',
  string
>;
const bodies = new Map<string, ReturnType<typeof registration>>();

type Catalog = {
  catalogVersion: number;
  generatedAt: string | null;
  connectors: Record<string, any>[];
};

async function catalog(): Promise<Catalog> {
  const res = await svc.as(null).get('/v1/catalog');
  expect(res.status).toBe(200);
  return res.body as Catalog;
}

function entry(doc: Catalog, id: string) {
  return doc.connectors.find((e) => e.id === id);
}

async function register(overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await svc.api.post('/v1/connectors', body);
  expect(res.status).toBe(201);
  bodies.set(body.id, body);
  return body.id;
}

async function waitForState(id: string, state: string) {
  await waitFor(async () => (await svc.api.get(`/v1/connectors/${id}`)).body.state === state, {
    what: `${id} to reach ${state}`,
  });
}

/** Sends an event and checks that the public catalog reflects it within one second. */
async function expectReflected(
  id: string,
  event: Record<string, unknown>,
  check: (doc: Catalog) => boolean,
) {
  const versionBefore = (await catalog()).catalogVersion;
  const res = await svc.api.event(id, event);
  expect(res.status).toBeLessThan(300);
  const doc = await waitFor(
    async () => {
      const d = await catalog();
      return check(d) ? d : undefined;
    },
    { intervalMs: 20, what: `the catalog to reflect ${String(event.type)} on ${id}` },
  );
  expect(doc.catalogVersion).toBeGreaterThan(versionBefore);
  return doc;
}

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
  c.community = await register();
  c.destination = await register({ type: 'destination' });
  c.custom = await register({ supportLevel: 'custom' });
  c.archived = await register();
  expect((await svc.api.event(c.archived, { type: 'ARCHIVE', reason: 'unused' })).status).toBe(200);
  c.deprecated = await register();
  expect(
    (
      await svc.api.event(c.deprecated, {
        type: 'DEPRECATE',
        reason: 'replaced',
        noticeDays: 30,
        replacement: c.community,
      })
    ).status,
  ).toBe(200);
  c.certified = await register();
  c.certifiedDeprecated = await register({ type: 'destination' });
  c.failedContribution = await register({ supportLevel: 'custom', dockerImageTag: '1.0.0-fail' });
  for (const id of [c.certified, c.certifiedDeprecated]) {
    expect((await svc.api.event(id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
  }
  expect((await svc.api.event(c.failedContribution, { type: 'CONTRIBUTE' })).status).toBe(202);
  await waitForState(c.certified, 'certified.active');
  await waitForState(c.certifiedDeprecated, 'certified.active');
  await waitForState(c.failedContribution, 'custom.active');
  expect(
    (
      await svc.api.event(c.certifiedDeprecated, {
        type: 'DEPRECATE',
        reason: 'eol',
        noticeDays: 120,
      })
    ).status,
  ).toBe(200);
  // the catalog worker catches up
  await waitFor(
    async () => {
      const doc = await catalog();
      return entry(doc, c.certifiedDeprecated)?.status === 'deprecated' &&
        entry(doc, c.certified)?.supportLevel === 'certified'
        ? doc
        : undefined;
    },
    { what: 'the catalog to catch up' },
  );
});
afterAll(async () => {
  await svc?.cleanup();
});

describe('GET /v1/catalog', () => {
  test('is public: {catalogVersion, generatedAt, connectors}', async () => {
    const res = await svc.as(null).get('/v1/catalog');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
    expect(typeof res.body.catalogVersion).toBe('number');
    expect(res.body.catalogVersion).toBeGreaterThan(0);
    expect(res.body.generatedAt).toMatch(ISO_TIMESTAMP);
    expect(Array.isArray(res.body.connectors)).toBe(true);
  });

  test('lists community and certified connectors, deprecated ones included; never custom or archived', async () => {
    const doc = await catalog();
    for (const e of doc.connectors) expect(['community', 'certified']).toContain(e.supportLevel);
    const known = new Set(Object.values(c));
    const ids = doc.connectors
      .map((e) => e.id as string)
      .filter((id) => known.has(id))
      .sort();
    expect(ids).toEqual(
      [c.community, c.destination, c.deprecated, c.certified, c.certifiedDeprecated].sort(),
    );
    expect(entry(doc, c.custom)).toBeUndefined();
    expect(entry(doc, c.failedContribution)).toBeUndefined();
    expect(entry(doc, c.archived)).toBeUndefined();

    expect(entry(doc, c.community)).toMatchObject({
      supportLevel: 'community',
      status: 'active',
      deprecation: null,
      name: bodies.get(c.community)!.name,
      dockerRepository: bodies.get(c.community)!.dockerRepository,
      dockerImageTag: '1.0.0',
    });
    // The last release date, as on the connector (the dashboard's "last release" column).
    const community = (await svc.api.get(`/v1/connectors/${c.community}`)).body;
    expect(entry(doc, c.community)!.lastReleaseAt).toBe(community.lastReleaseAt);
    expect(entry(doc, c.certified)).toMatchObject({ supportLevel: 'certified', status: 'active' });
    expect(entry(doc, c.deprecated)).toMatchObject({
      supportLevel: 'community',
      status: 'deprecated',
      deprecation: { reason: 'replaced', replacement: c.community, automated: false },
    });
    expect(entry(doc, c.deprecated)!.deprecation.archiveAt).toMatch(ISO_TIMESTAMP);
    const certDep = entry(doc, c.certifiedDeprecated)!;
    expect(certDep).toMatchObject({
      supportLevel: 'certified',
      status: 'deprecated',
      deprecation: { reason: 'eol' },
    });
    expect(Date.parse(certDep.deprecation.archiveAt as string)).toBeGreaterThan(
      Date.now() + 119 * DAY_MS,
    );
  });

  test('ETag, If-None-Match → 304; a change gives a new ETag', async () => {
    const first = await svc.as(null).get('/v1/catalog');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const cached = await svc.as(null).get('/v1/catalog', { 'if-none-match': etag! });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');

    const id = await register();
    const doc = await waitFor(
      async () => {
        const d = await catalog();
        return entry(d, id) ? d : undefined;
      },
      { what: 'the new connector in the catalog' },
    );
    expect(doc.catalogVersion).toBeGreaterThan(first.body.catalogVersion as number);
    const fresh = await svc.as(null).get('/v1/catalog', { 'if-none-match': etag! });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).not.toBe(etag);
    expect(entry(fresh.body as Catalog, id)).toBeDefined();
  });

  test('the catalog version comes from the admission round trip: a 304 makes no read of its own, and a new version is served once the cached document is due for a reload', async () => {
    const { catalog: service, redis, keys } = svc.services;
    // Only the catalog routes call document(). A version read made from inside it is the route's
    // own; the worker in this process may read the version too (a catalog flush with nothing left
    // to refresh), and that one does not count.
    const documentCalls = vi.spyOn(service, 'document');
    const readVersion = service.version.bind(service);
    const ownReads: string[] = [];
    const ownRead = vi.spyOn(service, 'version').mockImplementation(() => {
      const stack = new Error().stack ?? '';
      if (stack.includes('.document')) ownReads.push(stack);
      return readVersion();
    });
    try {
      for (const path of ['/v1/catalog', '/v1/catalog/registry.json']) {
        const first = await svc.as(null).get(path);
        const etag = first.headers.get('etag')!;
        const cached = await svc.as(null).get(path, { 'if-none-match': etag });
        expect(cached.status).toBe(304);
        // the version moves in Redis (as a commit in another process moves it)
        const version = await redis.hincrby(keys.catalogMeta(), 'version', 1);
        // A client that holds it (from another process) is never answered with an older one.
        const kind = path.endsWith('registry.json') ? 'registry' : 'catalog';
        const held = await svc
          .as(null)
          .get(path, { 'if-none-match': `"${kind}-${version}", ${etag}` });
        expect(held.status).toBe(304);
        expect(held.headers.get('etag')).toBe(`"${kind}-${version}"`);
        const fresh = await waitFor(
          async () => {
            const res = await svc.as(null).get(path, { 'if-none-match': etag });
            return res.status === 200 ? res : undefined;
          },
          { timeoutMs: 5_000, what: `${path} at catalog version ${version}` },
        );
        expect(fresh.headers.get('etag')).not.toBe(etag);
        expect(fresh.headers.get('etag')).toContain(`-${version}"`);
      }
      expect(documentCalls.mock.calls.length).toBeGreaterThanOrEqual(8);
      for (const [knownVersion] of documentCalls.mock.calls)
        expect(knownVersion).toBeTypeOf('number');
      expect(ownReads).toEqual([]);
    } finally {
      documentCalls.mockRestore();
      ownRead.mockRestore();
    }
  });

  test('a loaded document is served until it is due for a reload, then the newest version is loaded once', async () => {
    const { redis, keys, store } = svc.services;
    let now = 0;
    const service = new CatalogService(redis, keys, store, { reloadAfterMs: 100, now: () => now });
    const first = await service.document();
    // a load is one MULTI (the catalog's meta and every entry)
    const loads = vi.spyOn(redis, 'multi');
    try {
      const moved = await redis.hincrby(keys.catalogMeta(), 'version', 1);
      now = 99;
      // Newer in Redis, but the document is 99 ms old: served as it is, nothing read.
      expect((await service.document(moved)).catalogVersion).toBe(first.catalogVersion);
      expect(loads).not.toHaveBeenCalled();
      now = 100;
      const [a, b] = await Promise.all([service.document(moved), service.document(moved)]);
      expect(a.catalogVersion).toBe(moved);
      expect(b).toBe(a);
      // one load for both readers
      expect(loads).toHaveBeenCalledTimes(1);
      // A caller that has seen a newer version than the one held gets it at once (up to the
      // newest in Redis: naming a version that does not exist yet forces nothing more).
      const newer = await redis.hincrby(keys.catalogMeta(), 'version', 1);
      now = 101;
      expect((await service.document(newer, newer + 5)).catalogVersion).toBe(newer);
      expect(loads).toHaveBeenCalledTimes(2);
      expect((await service.document(newer, newer + 5)).catalogVersion).toBe(newer);
      expect(loads).toHaveBeenCalledTimes(2);
      // An older version than the one held is answered from it, whatever its age.
      now = 1_000;
      expect((await service.document(first.catalogVersion)).catalogVersion).toBe(newer);
      expect(loads).toHaveBeenCalledTimes(2);
    } finally {
      loads.mockRestore();
    }
  });

  test('concurrent readers while it changes: whole JSON documents under their own ETag, never older than one already read', async () => {
    const id = await register();
    let newest = 0;
    await waitFor(
      async () => {
        const batch = await Promise.all(
          Array.from({ length: 16 }, () => svc.as(null).get('/v1/catalog')),
        );
        for (const res of batch) {
          expect(res.status).toBe(200);
          expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
          expect(res.headers.get('etag')).toBe(`"catalog-${res.body.catalogVersion}"`);
          expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(res.text));
          expect(res.text).toBe(JSON.stringify(res.body));
          expect(Array.isArray(res.body.supportLevels)).toBe(true);
          newest = Math.max(newest, res.body.catalogVersion as number);
        }
        return batch.every((res) => entry(res.body as Catalog, id)) ? batch : undefined;
      },
      { intervalMs: 20, what: 'every concurrent reader to see the registration' },
    );
    const after = await catalog();
    expect(after.catalogVersion).toBeGreaterThanOrEqual(newest);
    expect(entry(after, id)).toBeDefined();
  });

  test('a new registration is listed, a custom one never', async () => {
    const versionBefore = (await catalog()).catalogVersion;
    const id = await register();
    const custom = await register({ supportLevel: 'custom' });
    const doc = await waitFor(
      async () => {
        const d = await catalog();
        return entry(d, id) ? d : undefined;
      },
      { intervalMs: 20, what: 'the registration in the catalog' },
    );
    expect(doc.catalogVersion).toBeGreaterThan(versionBefore);
    expect(entry(doc, custom)).toBeUndefined();
  });

  test('catalogVersion grows and the catalog reflects each accepted event', async () => {
    const id = await register();
    await waitFor(async () => entry(await catalog(), id));
    const versions: number[] = [];
    const release = await expectReflected(
      id,
      { type: 'PUBLISH_RELEASE', dockerImageTag: '1.2.0' },
      (d) => entry(d, id)?.dockerImageTag === '1.2.0',
    );
    versions.push(release.catalogVersion);
    const deprecated = await expectReflected(
      id,
      { type: 'DEPRECATE', reason: 'old', noticeDays: 5 },
      (d) => entry(d, id)?.status === 'deprecated',
    );
    expect(entry(deprecated, id)!.deprecation).toMatchObject({ reason: 'old' });
    versions.push(deprecated.catalogVersion);
    const cancelled = await expectReflected(
      id,
      { type: 'CANCEL_DEPRECATION' },
      (d) => entry(d, id)?.status === 'active' && entry(d, id)?.deprecation === null,
    );
    versions.push(cancelled.catalogVersion);
    const archived = await expectReflected(
      id,
      { type: 'ARCHIVE', reason: 'unused' },
      (d) => entry(d, id) === undefined,
    );
    versions.push(archived.catalogVersion);
    for (let i = 1; i < versions.length; i++)
      expect(versions[i]!).toBeGreaterThan(versions[i - 1]!);
  });

  test('certification and demotion are reflected', async () => {
    const id = await register();
    await waitFor(async () => entry(await catalog(), id));
    expect((await svc.api.event(id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    await waitForState(id, 'certified.active');
    await waitFor(async () => entry(await catalog(), id)?.supportLevel === 'certified', {
      what: 'certified in the catalog',
    });
    await expectReflected(
      id,
      { type: 'DEMOTE', reason: 'no longer maintained by the platform' },
      (d) => entry(d, id)?.supportLevel === 'community',
    );
  });

  test('a custom connector appears once its contribution passes', async () => {
    const id = await register({ supportLevel: 'custom' });
    expect((await svc.api.event(id, { type: 'CONTRIBUTE' })).status).toBe(202);
    await waitForState(id, 'community.active');
    await waitFor(async () => entry(await catalog(), id)?.supportLevel === 'community', {
      what: 'the contributed connector in the catalog',
    });
  });
});

describe('GET /v1/catalog/registry.json', () => {
  let breaking: string;
  const deadline = new Date(Date.now() + 45 * DAY_MS + 3_600_000).toISOString();

  beforeAll(async () => {
    breaking = await register({ type: 'destination' });
    expect((await svc.api.event(breaking, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    await waitForState(breaking, 'certified.active');
    const res = await svc.api.event(breaking, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.0.0',
      breakingChange: {
        message: 'the users stream is renamed',
        upgradeDeadline: deadline,
        migrationDocumentationUrl: 'https://docs.example.com/migrate-2',
      },
    });
    expect(res.status).toBe(200);
    await waitFor(async () => entry(await catalog(), breaking)?.dockerImageTag === '2.0.0', {});
  });

  async function registry() {
    const res = await svc.as(null).get('/v1/catalog/registry.json');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.sources)).toBe(true);
    expect(Array.isArray(res.body.destinations)).toBe(true);
    return res.body as { sources: Record<string, any>[]; destinations: Record<string, any>[] };
  }

  test('is public, with sources and destinations in the Airbyte registry format', async () => {
    const reg = await registry();
    const doc = await catalog();
    const sourceIds = doc.connectors.filter((e) => e.type === 'source');
    const destinationIds = doc.connectors.filter((e) => e.type === 'destination');
    expect(reg.sources).toHaveLength(sourceIds.length);
    expect(reg.destinations).toHaveLength(destinationIds.length);

    const community = bodies.get(c.community)!;
    const communityEntry = entry(doc, c.community)!;
    const source = reg.sources.find((s) => s.sourceDefinitionId === communityEntry.definitionId);
    expect(source).toMatchObject({
      name: community.name,
      dockerRepository: community.dockerRepository,
      dockerImageTag: '1.0.0',
      supportLevel: 'community',
      releaseStage: 'alpha',
    });
    // `releases` only when there are breaking changes (SPEC §11; Airbyte's schema wants at least one)
    expect(source!.releases).toBeUndefined();
    expect(source!.destinationDefinitionId).toBeUndefined();

    const certifiedEntry = entry(doc, c.certified)!;
    const certified = reg.sources.find((s) => s.sourceDefinitionId === certifiedEntry.definitionId);
    expect(certified).toMatchObject({
      supportLevel: 'certified',
      releaseStage: 'generally_available',
    });

    for (const s of reg.sources) expect(s.sourceDefinitionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const d of reg.destinations) {
      expect(d.destinationDefinitionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(d.sourceDefinitionId).toBeUndefined();
    }
    // never custom or archived
    const names = [...reg.sources, ...reg.destinations].map((e) => e.name as string);
    for (const hidden of [c.custom, c.archived, c.failedContribution]) {
      expect(names).not.toContain(bodies.get(hidden)!.name);
    }
  });

  test('breaking changes with a date-only upgradeDeadline', async () => {
    const reg = await registry();
    const doc = await catalog();
    const definitionId = entry(doc, breaking)!.definitionId as string;
    const dest = reg.destinations.find((d) => d.destinationDefinitionId === definitionId);
    expect(dest).toMatchObject({
      dockerImageTag: '2.0.0',
      supportLevel: 'certified',
      releases: {
        breakingChanges: {
          '2.0.0': {
            message: 'the users stream is renamed',
            upgradeDeadline: deadline.slice(0, 10),
            migrationDocumentationUrl: 'https://docs.example.com/migrate-2',
          },
        },
      },
    });
    expect(dest!.releases.breakingChanges['2.0.0'].upgradeDeadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('ETag and If-None-Match → 304', async () => {
    const first = await svc.as(null).get('/v1/catalog/registry.json');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(
      (await svc.as(null).get('/v1/catalog/registry.json', { 'if-none-match': etag! })).status,
    ).toBe(304);
  });
});
