import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { READ_CONNECTORS_BATCH } from '../../../src/store/redis-scripts.js';
import { registration, startTestService, type TestService } from '../../support/harness.js';

/** `ConnectorStore.getMany`: many snapshots in one round trip, one script per batch of ids. */
describe('reading many connectors', () => {
  let svc: TestService;
  let ids: string[];
  beforeAll(async () => {
    svc = await startTestService({ roles: ['api'] });
    const bodies = [registration(), registration(), registration()];
    for (const body of bodies)
      expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    ids = bodies.map((b) => b.id);
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  it('answers in the order asked, null where no connector is', async () => {
    const [a, b, c] = ids as [string, string, string];
    const found = await svc.services.store.getMany([c, 'source-none', a, b, a]);
    expect(found.map((x) => x?.context.id ?? null)).toEqual([c, null, a, b, a]);
    expect(found[0]!.version).toBe(1);
    expect(found[0]!.state).toBe('community.active');
    expect(await svc.services.store.getMany([])).toEqual([]);
  });

  it('reads more ids than one batch with one script per batch, in one write', async () => {
    const [a, b, c] = ids as [string, string, string];
    const many = Array.from({ length: 2 * READ_CONNECTORS_BATCH + 100 }, (_, i) => `none-${i}`);
    many[0] = a;
    many[READ_CONNECTORS_BATCH] = b;
    many[many.length - 1] = c;
    const redis = svc.services.redis;
    const sent = vi.spyOn(redis, 'sendCommand');
    const write = vi.spyOn(redis.stream, 'write');
    try {
      const found = await svc.services.store.getMany(many);
      expect(found).toHaveLength(many.length);
      const at = found.flatMap((x, i) => (x ? [[i, x.context.id]] : []));
      expect(at).toEqual([
        [0, a],
        [READ_CONNECTORS_BATCH, b],
        [many.length - 1, c],
      ]);
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual([
        'evalsha',
        'evalsha',
        'evalsha',
      ]);
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      sent.mockRestore();
      write.mockRestore();
    }
  });
});
