import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  TestClock,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { SweepBusyError } from '../../../src/archival/archival-sweeper.js';
import { newSweepRecord } from '../../../src/archival/sweep-store.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';
import {
  candidateOf,
  postUsage,
  runSweep,
  startSweep,
  usage,
  waitForSweep,
  BASE_ENV,
} from './helpers.js';
import {
  catalogDoc,
  DAY_MS,
  expectProblem,
  getConnector,
  historyOf,
  historyTypes,
  register,
  subscribe,
  waitForCatalog,
  waitForState,
  utcDate,
} from '../../support/api-helpers.js';

/** ≈ 3.5 s: old enough, and unmaintained, after that long without a release. */
/** The minimum age and the unmaintained period: the service's clock travels past them. */
const AGE_DAYS = 10;
const AGE_MS = AGE_DAYS * DAY_MS;
const NOTICE_DAYS = 30;

/** The order a sweep's status may move in. */
const STATUS_ORDER = ['queued', 'running', 'completed'];

function expectStatusOrder(seen: string[]) {
  const positions = seen.map((s) => STATUS_ORDER.indexOf(s));
  expect(
    positions.every((p) => p >= 0),
    seen.join(' → '),
  ).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(seen.at(-1)).toBe('completed');
}

/** What must not move when a connector is left alone. */
async function snapshot(svc: TestService, id: string) {
  const c = await getConnector(svc.api, id);
  return {
    state: c.state as string,
    version: c.version as number,
    deprecation: c.deprecation as unknown,
    history: (await historyOf(svc.api, id)).length,
  };
}

describe('archival sweep: candidates, dry run and real sweep', () => {
  const clock = new TestClock();
  let svc: TestService;
  let rx: WebhookReceiver;
  const low = registration({ name: 'Low usage' });
  const unmaintained = registration({ name: 'Unmaintained' });
  const busy = registration({ name: 'Busy and maintained' });
  const certified = registration({ name: 'Certified, low usage' });
  const young = registration({ name: 'Young' });
  let releasesAt = 0;
  let youngCreatedAt = 0;

  beforeAll(async () => {
    svc = await startTestService({
      clock: clock.now,
      env: {
        ...BASE_ENV,
        LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
        LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: String(AGE_DAYS),
        LIFECYCLE_UNMAINTAINED_DAYS: String(AGE_DAYS),
        LIFECYCLE_ARCHIVAL_MIN_USAGE: '30',
        LIFECYCLE_USAGE_WINDOW_DAYS: '30',
        LIFECYCLE_ARCHIVAL_NOTICE_DAYS: String(NOTICE_DAYS),
      },
    });
    rx = await WebhookReceiver.start();
    await subscribe(svc.api, { url: rx.url, secret: 'sweep-secret' });

    const created: number[] = [];
    for (const body of [low, unmaintained, busy, certified]) {
      created.push(Date.parse((await register(svc.api, body)).createdAt as string));
    }
    expect((await svc.api.event(certified.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    await waitForState(svc.api, certified.id, 'certified.active');
    // the four are now older than the minimum age, and none published a release since
    clock.travel(AGE_DAYS + 1);
    expect(clock.now().getTime() - Math.max(...created)).toBeGreaterThan(AGE_MS);
  });
  afterAll(async () => {
    await rx?.close();
    await svc?.cleanup();
  });

  it('a dry run reports the candidates with their reasons and changes nothing', async () => {
    // low and busy publish a release: maintained again (for the next AGE_DAYS of the clock)
    for (const body of [low, busy]) {
      const res = await svc.api.event(body.id, {
        type: 'PUBLISH_RELEASE',
        dockerImageTag: '1.1.0',
      });
      expect(res.status, res.text).toBe(200);
    }
    releasesAt = clock.now().getTime();
    // dated by the wall clock: usage of a day inside the window that ends at the service's now
    const today = utcDate();
    await postUsage(svc.api, [
      usage(low.id, 5, today),
      usage(unmaintained.id, 100, today),
      usage(busy.id, 100, today),
      usage(certified.id, 5, today),
    ]);
    // young: no usage, no release, but registered just now
    youngCreatedAt = Date.parse((await register(svc.api, young)).createdAt as string);
    // let the catalog settle first (it follows the releases and the registration)
    await waitForCatalog(svc.api, young.id, (e) => e?.status === 'active');
    for (const body of [low, busy]) {
      await waitForCatalog(svc.api, body.id, (e) => e?.dockerImageTag === '1.1.0');
    }

    const ids = [low.id, unmaintained.id, busy.id, certified.id, young.id];
    const before = await Promise.all(ids.map((id) => snapshot(svc, id)));
    const catalogBefore = await catalogDoc(svc.api);

    const record = await runSweep(svc.api, true);

    expect(record.dryRun).toBe(true);
    expect(record.candidates.map((c: { connectorId: string }) => c.connectorId).sort()).toEqual(
      [low.id, unmaintained.id, certified.id].sort(),
    );
    const lowCandidate = candidateOf(record, low.id);
    expect(lowCandidate).toMatchObject({
      supportLevel: 'community',
      action: 'would_deprecate',
    });
    expect(lowCandidate.reasons).toEqual([
      expect.objectContaining({ code: 'low_usage', usage: 5, threshold: 30 }),
    ]);
    const unmaintainedCandidate = candidateOf(record, unmaintained.id);
    expect(unmaintainedCandidate).toMatchObject({
      supportLevel: 'community',
      action: 'would_deprecate',
    });
    const registeredAt = (await getConnector(svc.api, unmaintained.id)).createdAt as string;
    expect(unmaintainedCandidate.reasons).toEqual([
      expect.objectContaining({ code: 'unmaintained', lastReleaseAt: registeredAt }),
    ]);
    const certifiedCandidate = candidateOf(record, certified.id);
    expect(certifiedCandidate).toMatchObject({
      supportLevel: 'certified',
      action: 'would_suggest_review',
    });
    expect(certifiedCandidate.reasons.map((r: { code: string }) => r.code).sort()).toEqual([
      'low_usage',
      'unmaintained',
    ]);
    expect(record.summary).toMatchObject({ candidates: 3, deprecated: 0, reviewSuggested: 0 });

    // nothing changed: states, versions, histories, the catalog
    expect(await Promise.all(ids.map((id) => snapshot(svc, id)))).toEqual(before);
    const catalogAfter = await catalogDoc(svc.api);
    expect(catalogAfter.catalogVersion).toBe(catalogBefore.catalogVersion);
    expect(catalogAfter.connectors).toEqual(catalogBefore.connectors);
  });

  it('a real sweep deprecates low-usage and unmaintained community connectors, leaves busy and young ones alone and suggests a review of certified ones', async () => {
    const ids = [busy.id, young.id, certified.id];
    const before = await Promise.all(ids.map((id) => snapshot(svc, id)));
    const startedAt = clock.now().getTime();
    const id = await startSweep(svc.api);
    const { record, seen } = await waitForSweep(svc.api, id);
    const finishedAt = clock.now().getTime();
    // the releases of low and busy were recent enough for this sweep to see them as maintained,
    // and young was still young
    expect(startedAt - releasesAt).toBeLessThan(AGE_MS);
    expect(startedAt - youngCreatedAt).toBeLessThan(AGE_MS);

    expectStatusOrder(seen);
    expect(record).toMatchObject({
      id,
      status: 'completed',
      dryRun: false,
      trigger: 'manual',
      summary: { candidates: 3, deprecated: 2, reviewSuggested: 1, skipped: 0 },
    });
    expect(record.startedAt).toBeTruthy();
    expect(record.finishedAt).toBeTruthy();
    expect(record.candidates).toHaveLength(3);

    for (const body of [low, unmaintained]) {
      const candidate = candidateOf(record, body.id);
      expect(candidate.action).toBe('deprecated');
      const c = await getConnector(svc.api, body.id);
      expect(c.state).toBe('community.deprecated');
      expect(c.deprecation.automated).toBe(true);
      expect(typeof c.deprecation.reason).toBe('string');
      expect(c.deprecation.archiveAt).toBe(candidate.archiveAt);
      const archiveAt = Date.parse(c.deprecation.archiveAt as string);
      expect(archiveAt).toBeGreaterThanOrEqual(startedAt + NOTICE_DAYS * DAY_MS - 1000);
      expect(archiveAt).toBeLessThanOrEqual(finishedAt + NOTICE_DAYS * DAY_MS + 1000);
      const history = await historyOf(svc.api, body.id);
      expect(history.at(-1)).toMatchObject({
        type: 'DEPRECATE',
        from: 'community.active',
        to: 'community.deprecated',
      });
    }
    expect(candidateOf(record, low.id).reasons[0]).toMatchObject({ code: 'low_usage' });
    expect(candidateOf(record, unmaintained.id).reasons[0]).toMatchObject({
      code: 'unmaintained',
    });
    expect(candidateOf(record, certified.id).action).toBe('review_suggested');
    expect(candidateOf(record, busy.id)).toBeUndefined();
    expect(candidateOf(record, young.id)).toBeUndefined();

    // busy and young are untouched; the certified one stays as it was, with one history entry
    // more: the review suggestion, committed as an internal event
    const after = await Promise.all(ids.map((i) => snapshot(svc, i)));
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).toEqual({
      ...before[2],
      version: before[2]!.version + 1,
      history: before[2]!.history + 1,
    });
    expect((await historyOf(svc.api, certified.id)).at(-1)).toMatchObject({
      type: 'SUGGEST_REVIEW',
      actor: 'archival-sweep',
      from: 'certified.active',
      to: 'certified.active',
    });
    expect(before.map((b) => b.state)).toEqual([
      'community.active',
      'community.active',
      'certified.active',
    ]);

    // the catalog lists the deprecated ones with their deprecation
    for (const body of [low, unmaintained]) {
      await waitForCatalog(
        svc.api,
        body.id,
        (e) => e?.status === 'deprecated' && e?.deprecation?.automated === true,
      );
    }

    // users are told: connector.deprecated for the community ones, review_suggested for the
    // certified one (which is not deprecated)
    for (const body of [low, unmaintained]) {
      const { event } = await rx.waitForEvent(
        (e) => e.type === 'connector.deprecated' && e.connectorId === body.id,
      );
      expect(event.data.deprecation).toMatchObject({ automated: true });
    }
    const { event } = await rx.waitForEvent(
      (e) => e.type === 'connector.review_suggested' && e.connectorId === certified.id,
    );
    expect(event.data.sweepId).toBe(id);
    expect(event.data.supportLevel).toBe('certified');
    expect(event.data.reasons.map((r: { code: string }) => r.code).sort()).toEqual([
      'low_usage',
      'unmaintained',
    ]);
    expect(
      rx
        .events()
        .filter((e) => e.connectorId === certified.id && e.type === 'connector.deprecated'),
    ).toEqual([]);
    // the dry run suggested nothing: one review_suggested in all
    expect(
      rx
        .events()
        .filter((e) => e.type === 'connector.review_suggested' && e.connectorId === certified.id),
    ).toHaveLength(1);
    expect((await getConnector(svc.api, certified.id)).state).toBe('certified.active');
  });

  it('a second real sweep deprecates nothing twice and suggests no second review', async () => {
    const record = await runSweep(svc.api);
    // the deprecated ones are no candidates any more
    expect(candidateOf(record, low.id)).toBeUndefined();
    expect(candidateOf(record, unmaintained.id)).toBeUndefined();
    expect(candidateOf(record, certified.id)?.action).toBe('review_already_suggested');
    expect(record.summary.reviewSuggested).toBe(0);
    for (const body of [low, unmaintained]) {
      const types = await historyTypes(svc.api, body.id);
      expect(types.filter((t) => t === 'DEPRECATE')).toHaveLength(1);
    }
    expect((await getConnector(svc.api, certified.id)).state).toBe('certified.active');
  });

  it('GET /v1/archival-sweeps/:id shows a sweep queued while another one runs', async () => {
    // Another sweep holds the lock: ours waits, queued, and runs once the lock is gone.
    const lock = svc.services.keys.sweepLock();
    await svc.services.redis.set(lock, 'another-sweep', 'PX', 60_000);
    try {
      const id = await startSweep(svc.api, true);
      const job = await waitFor(
        async () => {
          const j = await svc.services.queues.get('sweeps').getJob(id);
          return j && (await j.getState()) === 'delayed' ? j : undefined;
        },
        { what: 'the sweep job to wait for the lock' },
      );
      expect(job.id).toBe(id);
      const queued = await svc.api.get(`/v1/archival-sweeps/${id}`);
      expect(queued.status).toBe(200);
      expect(queued.body).toMatchObject({ id, status: 'queued', dryRun: true, candidates: [] });
      expect(queued.body.finishedAt).toBeNull();

      await svc.services.redis.del(lock);
      const { record, seen } = await waitForSweep(svc.api, id);
      expectStatusOrder(['queued', ...seen]);
      expect(record.status).toBe('completed');
    } finally {
      await svc.services.redis.del(lock);
    }
  });

  it('a POST retried with the same Idempotency-Key starts no second sweep', async () => {
    const headers = { 'idempotency-key': `sweep-retry-${process.pid}-${Date.now()}` };
    const first = await svc.api.post('/v1/archival-sweeps', { dryRun: true }, headers);
    expect(first.status, first.text).toBe(202);
    const again = await svc.api.post('/v1/archival-sweeps', { dryRun: true }, headers);
    expect(again.status, again.text).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const { record } = await waitForSweep(svc.api, first.body.id as string);
    expect(record.status).toBe('completed');
    // without the key, a new sweep
    const other = await startSweep(svc.api, true);
    expect(other).not.toBe(first.body.id);
    expect((await waitForSweep(svc.api, other)).record.status).toBe('completed');
  });

  it('404 for an unknown sweep, 400 for a bad body, 401/403 without the maintainer role', async () => {
    expectProblem(
      await svc.api.get('/v1/archival-sweeps/00000000-0000-4000-8000-000000000000'),
      404,
    );
    expectProblem(await svc.api.get('/v1/archival-sweeps/no-such-sweep'), 404);
    expectProblem(await svc.api.post('/v1/archival-sweeps', { dryRun: 'yes' }), 400);
    expectProblem(await svc.api.post('/v1/archival-sweeps', { dryRun: true, extra: 1 }), 400);

    const contributor = await svc.tokenFor('contributor');
    const reader = await svc.tokenFor('reader');
    const id = await startSweep(svc.api, true);
    for (const token of [contributor, reader]) {
      expectProblem(await svc.as(token).post('/v1/archival-sweeps', { dryRun: true }), 403);
      expectProblem(await svc.as(token).get(`/v1/archival-sweeps/${id}`), 403);
    }
    expectProblem(await svc.as(null).post('/v1/archival-sweeps', {}), 401);
    expectProblem(await svc.as(null).get(`/v1/archival-sweeps/${id}`), 401);
    const maintainer = await svc.tokenFor('maintainer');
    const res = await svc.as(maintainer).get(`/v1/archival-sweeps/${id}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(id);
    expect(res.body.requestedBy).toBe('admin');
    expect((await waitForSweep(svc.api, id)).record.status).toBe('completed');
  });
});

describe('archival sweep: idempotent and done once', () => {
  const ENV = {
    ...BASE_ENV,
    LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0',
    LIFECYCLE_ARCHIVAL_MIN_USAGE: '30',
    LIFECYCLE_ARCHIVAL_NOTICE_DAYS: '30',
  };
  const services: TestService[] = [];
  async function start(options: Parameters<typeof startTestService>[0] = {}) {
    const s = await startTestService({ env: ENV, ...options });
    services.push(s);
    return s;
  }
  afterAll(async () => {
    // the worker-only instances first: cleanup() deletes the shared prefix
    for (const s of services.reverse()) await s.stop();
    for (const s of services) await s.cleanup();
  });

  async function registerMany(svc: TestService, n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => registration().id);
    await Promise.all(ids.map((id) => register(svc.api, registration({ id }))));
    return ids;
  }

  async function expectDeprecatedOnce(svc: TestService, ids: string[]) {
    for (const id of ids) {
      const types = await historyTypes(svc.api, id);
      expect(
        types.filter((t) => t === 'DEPRECATE'),
        `${id}: ${types.join()}`,
      ).toHaveLength(1);
      expect((await getConnector(svc.api, id)).state).toBe('community.deprecated');
    }
  }

  function deprecatedIds(records: any[]): string[] {
    return records.flatMap((r) =>
      (r.candidates as { connectorId: string; action: string }[])
        .filter((c) => c.action === 'deprecated')
        .map((c) => c.connectorId),
    );
  }

  it('running the sweep twice deprecates nothing twice', async () => {
    const svc = await start();
    const ids = await registerMany(svc, 3);
    const first = await runSweep(svc.api);
    expect(first.summary.deprecated).toBe(3);
    expect(deprecatedIds([first]).sort()).toEqual([...ids].sort());

    const second = await runSweep(svc.api);
    expect(second.summary).toMatchObject({ deprecated: 0 });
    expect(deprecatedIds([second])).toEqual([]);
    await expectDeprecatedOnce(svc, ids);
  });

  it('two sweeps started at once do the work once', async () => {
    const svc = await start();
    const ids = await registerMany(svc, 20);
    const sweepIds = await Promise.all([startSweep(svc.api), startSweep(svc.api)]);
    expect(new Set(sweepIds).size).toBe(2);
    const records = await Promise.all(
      sweepIds.map(async (id) => (await waitForSweep(svc.api, id)).record),
    );
    for (const r of records) expect(r.status).toBe('completed');
    expect(records.reduce((n, r) => n + (r.summary.deprecated as number), 0)).toBe(20);
    const done = deprecatedIds(records);
    expect(done).toHaveLength(20);
    expect(new Set(done)).toEqual(new Set(ids));
    await expectDeprecatedOnce(svc, ids);
  });

  it('two service instances on the same prefix do the work once', async () => {
    const a = await start();
    const b = await start({ prefix: a.prefix, roles: ['worker'] });
    expect(b.url).toBeNull();
    const ids = await registerMany(a, 20);

    // through the API: the sweep jobs are shared by both instances' workers
    const sweepIds = await Promise.all([1, 2, 3, 4].map(() => startSweep(a.api)));
    const records = await Promise.all(
      sweepIds.map(async (id) => (await waitForSweep(a.api, id)).record),
    );
    for (const r of records) expect(r.status).toBe('completed');
    const done = deprecatedIds(records);
    expect(done).toHaveLength(20);
    expect(new Set(done)).toEqual(new Set(ids));
    await expectDeprecatedOnce(a, ids);

    // directly, both sweepers at the same instant: the lock lets one work at a time
    const more = await registerMany(a, 10);
    const record = (id: string) =>
      newSweepRecord(id, { dryRun: false, trigger: 'manual', requestedBy: 'test' });
    const results = await Promise.allSettled([
      a.services.sweeper.run(record('direct-a')),
      b.services.sweeper.run(record('direct-b')),
    ]);
    const fulfilled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(SweepBusyError);
    }
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    for (const r of fulfilled) expect(r.status).toBe('completed');
    const direct = deprecatedIds(fulfilled);
    expect(new Set(direct)).toEqual(new Set(more));
    expect(direct).toHaveLength(10);
    await expectDeprecatedOnce(a, more);
  });
});
