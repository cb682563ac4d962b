import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registration, startTestService, type TestService } from '../../support/harness.js';
import { candidateOf, postUsage, runSweep, usage, BASE_ENV } from './helpers.js';
import { expectProblem, register, utcDate } from '../../support/api-helpers.js';

describe('POST /v1/usage', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({
      env: {
        ...BASE_ENV,
        // every connector is old enough, and below 1000 active-connection-days it is a
        // candidate: a dry run then reports the usage figure the sweep sees
        LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0',
        LIFECYCLE_ARCHIVAL_MIN_USAGE: '1000',
        LIFECYCLE_USAGE_WINDOW_DAYS: '30',
      },
    });
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  it('needs a token (401) and the maintainer role (403 for contributor and reader)', async () => {
    const body = registration();
    await register(svc.api, body);
    const entries = [usage(body.id, 10)];

    expectProblem(await svc.as(null).post('/v1/usage', { entries }), 401);
    expectProblem(await svc.as('not-a-real-token-000000').post('/v1/usage', { entries }), 401);
    for (const role of ['reader', 'contributor'] as const) {
      const token = await svc.tokenFor(role);
      expectProblem(await svc.as(token).post('/v1/usage', { entries }), 403);
    }
    expect(await svc.services.usage.forConnector(body.id)).toEqual({});

    const maintainer = await svc.tokenFor('maintainer');
    const res = await svc.as(maintainer).post('/v1/usage', { entries });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ stored: 1, rejected: [] });
    expect(await svc.services.usage.forConnector(body.id)).toEqual({
      [utcDate()]: { activeConnections: 10, syncs: 20 },
    });
  });

  it('stores valid entries, for today and up to one day ahead', async () => {
    const a = registration();
    const b = registration({ type: 'destination' });
    await register(svc.api, a);
    await register(svc.api, b);
    const res = await postUsage(svc.api, [
      { connectorId: a.id, date: utcDate(-1), activeConnections: 3, syncs: 7 },
      { connectorId: a.id, date: utcDate(), activeConnections: 4, syncs: 0 },
      { connectorId: b.id, date: utcDate(1), activeConnections: 0, syncs: 0 },
      { connectorId: b.id, date: '2024-02-29', activeConnections: 1, syncs: 1 },
    ]);
    expect(res).toEqual({ stored: 4, rejected: [] });
    expect(await svc.services.usage.forConnector(a.id)).toEqual({
      [utcDate(-1)]: { activeConnections: 3, syncs: 7 },
      [utcDate()]: { activeConnections: 4, syncs: 0 },
    });
    expect(await svc.services.usage.forConnector(b.id)).toEqual({
      '2024-02-29': { activeConnections: 1, syncs: 1 },
      [utcDate(1)]: { activeConnections: 0, syncs: 0 },
    });
  });

  it('an upsert of the same connector and day replaces the value (idempotent)', async () => {
    const body = registration();
    await register(svc.api, body);
    const today = utcDate();
    await postUsage(svc.api, [
      usage(body.id, 40, today),
      usage(body.id, 7, utcDate(-3)),
      // outside the 30-day window (today included): never counted
      usage(body.id, 500, utcDate(-30)),
    ]);
    // replaced, not added
    expect(await postUsage(svc.api, [usage(body.id, 12, today)])).toEqual({
      stored: 1,
      rejected: [],
    });
    // the same batch twice changes nothing
    const again = [usage(body.id, 12, today), usage(body.id, 7, utcDate(-3))];
    await postUsage(svc.api, again);
    await postUsage(svc.api, again);

    const stored = await svc.services.usage.forConnector(body.id);
    expect(stored[today]).toEqual({ activeConnections: 12, syncs: 24 });
    expect(Object.keys(stored)).toHaveLength(3);

    // the sweep sees 12 + 7 (not 40 + 12 + 7 + 7, nor the day outside the window)
    const record = await runSweep(svc.api, true);
    const candidate = candidateOf(record, body.id);
    expect(candidate, JSON.stringify(record.candidates)).toBeDefined();
    const lowUsage = candidate.reasons.find((r: { code: string }) => r.code === 'low_usage');
    expect(lowUsage).toMatchObject({ code: 'low_usage', usage: 19, threshold: 1000 });
  });

  it('reports each bad entry with its index and field path, and still stores the valid ones', async () => {
    const body = registration();
    await register(svc.api, body);
    const unknown = 'source-does-not-exist-anywhere';
    const entries: unknown[] = [
      /* 0 */ usage(body.id, 5, utcDate(-2)),
      /* 1 */ usage(unknown, 5),
      /* 2 */ usage(body.id, 5, '2026-02-30'),
      /* 3 */ usage(body.id, 5, 'yesterday'),
      /* 4 */ usage(body.id, 5, utcDate(2)),
      /* 5 */ { connectorId: body.id, date: utcDate(-3), activeConnections: -1, syncs: 0 },
      /* 6 */ { connectorId: body.id, date: utcDate(-4), activeConnections: 2, syncs: 1.5 },
      /* 7 */ { connectorId: body.id, date: utcDate(-5), activeConnections: '5', syncs: 0 },
      /* 8 */ usage(body.id, 9, utcDate(-1)),
      /* 9 */ null,
      /* 10 */ { connectorId: body.id, date: utcDate(-6), activeConnections: 1 },
      /* 11 */ usage('not a connector id', 5),
    ];
    const res = await postUsage(svc.api, entries);
    expect(res.stored).toBe(2);
    const byIndex = new Map(res.rejected.map((r) => [r.index as number, r]));
    expect([...byIndex.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);

    const paths = (i: number) => [
      ...new Set((byIndex.get(i)!.errors as { path: string }[]).map((e) => e.path)),
    ];
    expect(paths(1)).toEqual(['entries.1.connectorId']);
    expect(byIndex.get(1)!.connectorId).toBe(unknown);
    expect(byIndex.get(1)!.errors[0].message).toContain(unknown);
    expect(paths(2)).toEqual(['entries.2.date']);
    expect(paths(3)).toEqual(['entries.3.date']);
    expect(paths(4)).toEqual(['entries.4.date']);
    expect(byIndex.get(4)!.errors[0].message).toMatch(/future/);
    expect(paths(5)).toEqual(['entries.5.activeConnections']);
    expect(paths(6)).toEqual(['entries.6.syncs']);
    expect(paths(7)).toEqual(['entries.7.activeConnections']);
    expect(paths(9)).toEqual(['entries.9']);
    expect(paths(10)).toEqual(['entries.10.syncs']);
    expect(paths(11)).toEqual(['entries.11.connectorId']);
    for (const r of res.rejected) {
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(typeof e.message).toBe('string');
    }

    // only the two valid entries were stored; nothing for the unknown connector
    expect(await svc.services.usage.forConnector(body.id)).toEqual({
      [utcDate(-2)]: { activeConnections: 5, syncs: 10 },
      [utcDate(-1)]: { activeConnections: 9, syncs: 18 },
    });
    expect(await svc.services.usage.forConnector(unknown)).toEqual({});
  });

  it('answers 400 for a missing, empty, non-array or oversized entries list', async () => {
    const body = registration();
    await register(svc.api, body);
    const valid = usage(body.id, 5);
    const bad: unknown[] = [
      {},
      { entries: [] },
      { entries: 'all of them' },
      { entries: { 0: valid } },
      { entries: null },
      { entries: [valid], extra: true },
      [valid],
      { entries: Array.from({ length: 10_001 }, () => valid) },
    ];
    for (const payload of bad) {
      const res = await svc.api.post('/v1/usage', payload);
      const problem = expectProblem(res, 400);
      expect(Array.isArray(problem.errors), res.text).toBe(true);
    }
    const missing = expectProblem(await svc.api.post('/v1/usage', {}), 400);
    const missingPaths = (missing.errors as { path: string }[]).map((e) => e.path);
    expect(
      missingPaths.some((p) => /(^|\.)entries$/.test(p)),
      missingPaths.join(),
    ).toBe(true);
    // none of them stored anything
    expect(await svc.services.usage.forConnector(body.id)).toEqual({});
  });

  it('accepts a batch of exactly 10,000 entries (100 connectors × 100 days)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) ids.push(registration().id);
    await Promise.all(ids.map((id) => register(svc.api, registration({ id }))));
    const now = Date.now();
    const dates = Array.from({ length: 100 }, (_, d) => utcDate(-d, now));
    const entries = ids.flatMap((id, i) =>
      dates.map((date, d) => ({
        connectorId: id,
        date,
        activeConnections: i + d,
        syncs: d,
      })),
    );
    expect(entries).toHaveLength(10_000);

    const res = await svc.api.post('/v1/usage', { entries });
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.body).toEqual({ stored: 10_000, rejected: [] });

    const first = await svc.services.usage.forConnector(ids[0]!);
    expect(Object.keys(first)).toHaveLength(100);
    expect(first[dates[0]!]).toEqual({ activeConnections: 0, syncs: 0 });
    const last = await svc.services.usage.forConnector(ids[99]!);
    expect(last[dates[99]!]).toEqual({ activeConnections: 99 + 99, syncs: 99 });
  });

  it('stamps: one per connector in the order asked, 0 before any usage, moved by every upsert', async () => {
    const [a, b] = [registration(), registration()];
    await register(svc.api, a);
    await register(svc.api, b);
    const store = svc.services.usage;
    expect(await store.stamps([])).toEqual([]);
    expect(await store.stamps([a.id, b.id])).toEqual(['0', '0']);
    await postUsage(svc.api, [usage(a.id, 1), usage(a.id, 2, utcDate(-1))]);
    const [stampA, stampB] = await store.stamps([a.id, b.id]);
    expect(stampA).not.toBe('0');
    expect(stampB).toBe('0');
    expect(await store.stamps([b.id, a.id, a.id])).toEqual(['0', stampA, stampA]);
    expect(await store.stamp(a.id)).toBe(stampA);
    await postUsage(svc.api, [usage(a.id, 1)]);
    const [again] = await store.stamps([a.id]);
    expect(again).not.toBe(stampA);
  });
});
