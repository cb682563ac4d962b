import { afterEach, describe, expect, it } from 'vitest';
import { registration, startTestService, type TestService } from '../../support/harness.js';

/**
 * A commit writes its connector's catalog entry in the same step; a catalog refresh writes every
 * entry it brings up to date in one atomic step. Either moves the catalog's version once when
 * anything changed, never when nothing did, and an older snapshot never overwrites a newer entry.
 */
describe('catalog refresh', () => {
  let svc: TestService | undefined;
  afterEach(async () => {
    await svc?.cleanup();
    svc = undefined;
  });

  async function setup() {
    // API only: no relay or worker touches the catalog behind the test's back.
    svc = await startTestService({ roles: ['api'] });
    const bodies = [registration(), registration(), registration()];
    for (const body of bodies)
      expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    const { catalog, redis, keys } = svc.services;
    const entries = async () =>
      Object.fromEntries(
        Object.entries(await redis.hgetall(keys.catalogEntries())).map(([id, json]) => [
          id,
          JSON.parse(json) as { dockerImageTag: string },
        ]),
      );
    const meta = () => redis.hgetall(keys.catalogMeta());
    return { svc, ids: bodies.map((b) => b.id), catalog, redis, keys, entries, meta };
  }

  it('a commit writes its entry in the same step; a refresh moves the version once, and not at all when nothing changed', async () => {
    const { svc, ids, catalog, redis, keys, entries, meta } = await setup();
    const [a, b, c] = ids as [string, string, string];
    // Each registration's commit listed its connector and moved the version.
    expect(Object.keys(await entries()).sort()).toEqual([...ids].sort());
    const first = await meta();
    expect(first.version).toBe('3');
    expect(first.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Refreshed unchanged: the same version, the same generatedAt.
    expect(await catalog.refreshMany(ids)).toBe(3);
    expect((await meta()).generatedAt).toBe(first.generatedAt);

    // Each change moves it in its commit; the archived connector leaves the catalog.
    const release = { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' };
    expect((await svc.api.event(a, release)).status).toBe(200);
    expect((await meta()).version).toBe('4');
    expect((await svc.api.event(b, { type: 'ARCHIVE', reason: 'unused' })).status).toBe(200);
    expect((await meta()).version).toBe('5');
    const after = await entries();
    expect(Object.keys(after).sort()).toEqual([a, c].sort());
    expect(after[a]!.dockerImageTag).toBe('1.1.0');
    expect(await catalog.refreshMany([a, b, c, 'source-missing'])).toBe(5);

    // Entries not written yet (as when an earlier release left them to the relay): one refresh
    // writes them all and moves the version once.
    await redis.del(keys.catalogEntries());
    await redis.hdel(keys.catalogMeta(), ...ids.map((id) => `v:${id}`));
    expect(await catalog.refreshMany([a, b, c])).toBe(6);
    expect(Object.keys(await entries()).sort()).toEqual([a, c].sort());
  });

  it('never overwrites an entry with an older snapshot', async () => {
    const { svc, ids, catalog, redis, keys, entries, meta } = await setup();
    const [a, b] = ids as [string, string];
    // An entry of a newer version of `a` has already landed (version 99 of its snapshot).
    const newer = JSON.stringify({ id: a, dockerImageTag: '9.9.9' });
    await redis.hset(keys.catalogMeta(), `v:${a}`, '99');
    await redis.hset(keys.catalogEntries(), a, newer);
    expect(
      (await svc.api.event(a, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.2.0' })).status,
    ).toBe(200);
    // `a`'s commit left it as it is, and the version where it was.
    expect((await meta()).version).toBe('3');
    expect(
      (await svc.api.event(b, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.2.0' })).status,
    ).toBe(200);
    // `b` is brought up to date, and the version moves for it.
    expect((await meta()).version).toBe('4');
    const after = await entries();
    expect(after[a]!.dockerImageTag).toBe('9.9.9');
    expect(after[b]!.dockerImageTag).toBe('1.2.0');
    // A refresh of `a`, older: nothing changes.
    expect(await catalog.refreshMany([a])).toBe(4);
    expect((await entries())[a]!.dockerImageTag).toBe('9.9.9');
  });
});
