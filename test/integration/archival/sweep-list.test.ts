import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../../src/store/keys.js';
import { redisUrl, startTestService, type TestService } from '../../support/harness.js';
import { expectProblem } from '../../support/api-helpers.js';
import { BASE_ENV, runSweep, startSweep } from './helpers.js';

describe('GET /v1/archival-sweeps (the last sweeps)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ env: BASE_ENV });
  });
  afterAll(async () => {
    await svc.cleanup();
  });

  it('is empty before any sweep', async () => {
    const res = await svc.api.get('/v1/archival-sweeps');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });

  it('lists sweeps newest first with their records, and honours limit', async () => {
    const first = await runSweep(svc.api, true);
    const second = await runSweep(svc.api, true);
    const third = await startSweep(svc.api, false);

    const res = await svc.api.get('/v1/archival-sweeps');
    expect(res.status, res.text).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((s) => s.id);
    expect(ids.slice(0, 3)).toEqual([third, second.id, first.id]);
    expect(res.body.items[1]).toMatchObject({
      id: second.id,
      dryRun: true,
      status: 'completed',
      candidates: [],
    });

    const limited = await svc.api.get('/v1/archival-sweeps?limit=2');
    expect(limited.status, limited.text).toBe(200);
    expect((limited.body.items as { id: string }[]).map((s) => s.id)).toEqual([third, second.id]);
  });

  it('skips a sweep whose record is gone (expired)', async () => {
    const gone = await runSweep(svc.api, true);
    const redis = new Redis(redisUrl());
    try {
      await redis.del(new Keys(svc.prefix).sweep(gone.id));
    } finally {
      await redis.quit();
    }
    const res = await svc.api.get('/v1/archival-sweeps?limit=100');
    expect(res.status, res.text).toBe(200);
    const ids = (res.body.items as { id: string }[]).map((s) => s.id);
    expect(ids).not.toContain(gone.id);
    expect(ids.length).toBeGreaterThan(0);
  });

  it('needs the maintainer role and a valid limit', async () => {
    expectProblem(await svc.as(null).get('/v1/archival-sweeps'), 401);
    const contributor = await svc.tokenFor('contributor');
    expectProblem(await svc.as(contributor).get('/v1/archival-sweeps'), 403);
    const maintainer = await svc.tokenFor('maintainer');
    expect((await svc.as(maintainer).get('/v1/archival-sweeps')).status).toBe(200);
    for (const limit of ['0', '101', 'ten']) {
      const res = await svc.api.get(`/v1/archival-sweeps?limit=${limit}`);
      expect(expectProblem(res, 400).detail).toMatch(/limit/);
    }
  });
});
