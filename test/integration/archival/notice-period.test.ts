import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  TestClock,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { WebhookReceiver } from '../notifications/webhook-receiver.js';
import {
  candidateOf,
  postUsage,
  runSweep,
  usage,
  waitForFiredTimers,
  BASE_ENV,
} from './helpers.js';
import {
  catalogEntry,
  DAY_MS,
  expectProblem,
  getConnector,
  historyOf,
  historyTypes,
  promoteTimers,
  register,
  subscribe,
  waitForCatalog,
  waitForState,
} from '../../support/api-helpers.js';

/**
 * The notice of the automated deprecations, and a shorter one for manual deprecations. The tests
 * move the service's clock past archiveAt and promote the delayed timer (promoteTimers) instead of
 * waiting for it.
 */
const NOTICE_DAYS = 2;
const SHORT_NOTICE_DAYS = 0.5;
/** the service's "now" (all tests of a file share it; it only moves forward) */
const clock = new TestClock();
const now = () => clock.now().getTime();

describe('notice period: ARCHIVE_DUE from the durable timer', () => {
  let svc: TestService;
  let rx: WebhookReceiver;

  beforeAll(async () => {
    svc = await startTestService({
      clock: clock.now,
      env: {
        ...BASE_ENV,
        LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
        LIFECYCLE_ARCHIVAL_MIN_AGE_DAYS: '0',
        LIFECYCLE_ARCHIVAL_MIN_USAGE: '30',
        LIFECYCLE_USAGE_WINDOW_DAYS: '30',
        LIFECYCLE_ARCHIVAL_NOTICE_DAYS: String(NOTICE_DAYS),
        LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS: '90',
      },
    });
    rx = await WebhookReceiver.start();
    await subscribe(svc.api, { url: rx.url, secret: 'notice-secret' });
  });
  afterAll(async () => {
    await rx?.close();
    await svc?.cleanup();
  });

  it('an automated deprecation is archived when the notice ends, unless usage recovered', async () => {
    const doomed = registration({ name: 'Nobody uses it' });
    const recovering = registration({ name: 'Back in use' });
    await register(svc.api, doomed);
    await register(svc.api, recovering);
    await postUsage(svc.api, [usage(doomed.id, 1), usage(recovering.id, 1)]);

    const record = await runSweep(svc.api);
    for (const body of [doomed, recovering]) {
      expect(candidateOf(record, body.id)?.action).toBe('deprecated');
    }
    const doomedArchiveAt = Date.parse(candidateOf(record, doomed.id).archiveAt as string);
    const recoveringBefore = await getConnector(svc.api, recovering.id);
    expect(recoveringBefore.state).toBe('community.deprecated');
    expect(recoveringBefore.deprecation.automated).toBe(true);
    const archiveAt = Date.parse(recoveringBefore.deprecation.archiveAt as string);
    const deprecatedAt = Date.parse(recoveringBefore.deprecation.deprecatedAt as string);
    expect(archiveAt - deprecatedAt).toBeCloseTo(NOTICE_DAYS * DAY_MS, -1);

    // usage recovers during the notice
    await postUsage(svc.api, [usage(recovering.id, 100)]);
    expect(now(), 'the usage must be reported before archiveAt').toBeLessThan(archiveAt);

    // the notice ends
    clock.advance(Math.max(archiveAt, doomedArchiveAt) - now());
    await promoteTimers(svc, doomed.id);
    await promoteTimers(svc, recovering.id);

    // the doomed one is archived at archiveAt, not before
    await waitForState(svc.api, doomed.id, 'archived.idle');
    const doomedHistory = await historyOf(svc.api, doomed.id);
    const due = doomedHistory.at(-1);
    expect(due).toMatchObject({
      type: 'ARCHIVE_DUE',
      from: 'community.deprecated',
      to: 'archived.idle',
    });
    expect(Date.parse(due.at as string)).toBeGreaterThanOrEqual(doomedArchiveAt);
    expect(doomedHistory.map((h) => h.type)).toEqual(['REGISTER', 'DEPRECATE', 'ARCHIVE_DUE']);
    await waitForCatalog(svc.api, doomed.id, (e) => e === undefined, `${doomed.id} to leave`);
    const { event: archivedEvent } = await rx.waitForEvent(
      (e) => e.type === 'connector.archived' && e.connectorId === doomed.id,
    );
    expect(archivedEvent.data.supportLevel).toBe('archived');

    // the recovering one is back in community.active with no deprecation
    const back = await waitForState(svc.api, recovering.id, 'community.active');
    expect(back.deprecation).toBeNull();
    const recoveringHistory = await historyOf(svc.api, recovering.id);
    expect(recoveringHistory.map((h) => h.type)).toEqual(['REGISTER', 'DEPRECATE', 'ARCHIVE_DUE']);
    const lifted = recoveringHistory.at(-1);
    expect(lifted).toMatchObject({ from: 'community.deprecated', to: 'community.active' });
    expect(Date.parse(lifted.at as string)).toBeGreaterThanOrEqual(archiveAt);
    await waitForCatalog(
      svc.api,
      recovering.id,
      (e) => e?.status === 'active' && e?.deprecation === null,
    );
    const { event: cancelled } = await rx.waitForEvent(
      (e) => e.type === 'connector.deprecation_cancelled' && e.connectorId === recovering.id,
    );
    expect(cancelled.data).toMatchObject({ supportLevel: 'community', status: 'active' });
    expect(
      rx.events().filter((e) => e.type === 'connector.archived' && e.connectorId === recovering.id),
    ).toEqual([]);
  });

  it('a manual deprecation is archived at archiveAt whatever the usage', async () => {
    const body = registration();
    await register(svc.api, body);
    await postUsage(svc.api, [usage(body.id, 1000)]);
    const res = await svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'replaced by a better one',
      noticeDays: SHORT_NOTICE_DAYS,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.state).toBe('community.deprecated');
    expect(res.body.deprecation.automated).toBe(false);
    const archiveAt = Date.parse(res.body.deprecation.archiveAt as string);
    expect(archiveAt - Date.parse(res.body.updatedAt as string)).toBeCloseTo(
      SHORT_NOTICE_DAYS * DAY_MS,
      -1,
    );

    clock.advance(archiveAt - now());
    await promoteTimers(svc, body.id);
    await waitForState(svc.api, body.id, 'archived.idle');
    const history = await historyOf(svc.api, body.id);
    expect(history.map((h) => h.type)).toEqual(['REGISTER', 'DEPRECATE', 'ARCHIVE_DUE']);
    expect(Date.parse(history.at(-1).at as string)).toBeGreaterThanOrEqual(archiveAt);
    await waitForCatalog(svc.api, body.id, (e) => e === undefined, `${body.id} to leave`);
  });

  it('a cancelled deprecation: the timer fires later and does nothing', async () => {
    const body = registration();
    await register(svc.api, body);
    const deprecated = await svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'going away',
      noticeDays: SHORT_NOTICE_DAYS,
    });
    expect(deprecated.status, deprecated.text).toBe(200);
    const archiveAt = Date.parse(deprecated.body.deprecation.archiveAt as string);
    const cancelled = await svc.api.event(body.id, {
      type: 'CANCEL_DEPRECATION',
      reason: 'changed our minds',
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.state).toBe('community.active');
    expect(cancelled.body.deprecation).toBeNull();
    expect(now()).toBeLessThan(archiveAt);

    clock.advance(archiveAt - now());
    await promoteTimers(svc, body.id);
    const fired = await waitForFiredTimers(svc, body.id);
    expect(now()).toBeGreaterThanOrEqual(archiveAt);
    expect(fired).toEqual([
      { archiveAt: deprecated.body.deprecation.archiveAt, returnvalue: { applied: 'stale' } },
    ]);

    const after = await getConnector(svc.api, body.id);
    expect(after.state).toBe('community.active');
    expect(after.deprecation).toBeNull();
    expect(after.version).toBe(cancelled.body.version);
    expect(await historyTypes(svc.api, body.id)).toEqual([
      'REGISTER',
      'DEPRECATE',
      'CANCEL_DEPRECATION',
    ]);
    // the catalog follows within its flush window
    await waitForCatalog(svc.api, body.id, (entry) => entry?.status === 'active');
    expect((await catalogEntry(svc.api, body.id))?.status).toBe('active');
  });

  it('the timer of a cancelled deprecation does not archive a later deprecation early', async () => {
    const body = registration();
    await register(svc.api, body);
    const first = await svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'first try',
      noticeDays: SHORT_NOTICE_DAYS,
    });
    expect(first.status, first.text).toBe(200);
    expect((await svc.api.event(body.id, { type: 'CANCEL_DEPRECATION' })).status).toBe(200);
    const second = await svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'second try, longer notice',
      noticeDays: 1,
    });
    expect(second.status, second.text).toBe(200);

    // the first timer fires (after SHORT_NOTICE_DAYS) and finds a deprecation with another archiveAt
    clock.advance(Date.parse(first.body.deprecation.archiveAt as string) - now());
    await promoteTimers(svc, body.id, {
      archiveAt: first.body.deprecation.archiveAt as string,
    });
    const fired = await waitForFiredTimers(svc, body.id);
    expect(fired).toEqual([
      { archiveAt: first.body.deprecation.archiveAt, returnvalue: { applied: 'stale' } },
    ]);

    const after = await getConnector(svc.api, body.id);
    expect(after.state).toBe('community.deprecated');
    expect(after.deprecation.archiveAt).toBe(second.body.deprecation.archiveAt);
    expect(await historyTypes(svc.api, body.id)).toEqual([
      'REGISTER',
      'DEPRECATE',
      'CANCEL_DEPRECATION',
      'DEPRECATE',
    ]);
  });

  it('a certified DEPRECATE needs LIFECYCLE_CERTIFIED_MIN_NOTICE_DAYS of notice (422)', async () => {
    const body = registration();
    await register(svc.api, body);
    expect((await svc.api.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    const certified = await waitForState(svc.api, body.id, 'certified.active');

    for (const noticeDays of [0, 10, 89.5]) {
      const res = await svc.api.event(body.id, {
        type: 'DEPRECATE',
        reason: 'too soon',
        noticeDays,
      });
      const problem = expectProblem(res, 422);
      expect(problem.code).toBe('NOTICE_TOO_SHORT');
      expect(problem.detail).toMatch(/90/);
    }
    const unchanged = await getConnector(svc.api, body.id);
    expect(unchanged.state).toBe('certified.active');
    expect(unchanged.version).toBe(certified.version);

    const ok = await svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'sunset',
      noticeDays: 90,
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.state).toBe('certified.deprecated');
    expect(ok.body.deprecation.automated).toBe(false);
    const notice =
      Date.parse(ok.body.deprecation.archiveAt as string) -
      Date.parse(ok.body.deprecation.deprecatedAt as string);
    expect(notice).toBe(90 * DAY_MS);
  });
});

describe('notice period: the timer is durable', () => {
  const services: TestService[] = [];
  afterAll(async () => {
    for (const s of services) await s.stop();
    for (const s of services) await s.cleanup();
  });

  it('archives at archiveAt even when every process was down at that moment', async () => {
    const first = await startTestService({ env: BASE_ENV, clock: clock.now });
    services.push(first);
    const body = registration();
    await register(first.api, body);
    const res = await first.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'going away',
      noticeDays: SHORT_NOTICE_DAYS,
    });
    expect(res.status, res.text).toBe(200);
    const archiveAt = Date.parse(res.body.deprecation.archiveAt as string);
    // the timer is scheduled (the outbox relay handed it to BullMQ), then everything stops
    await waitFor(
      async () => {
        const jobs = await first.services.queues.get('timers').getJobs(['delayed']);
        return jobs.some((j) => (j.data as { connectorId?: string }).connectorId === body.id);
      },
      { what: 'the archiveDue timer to be scheduled' },
    );
    await first.stop();
    expect(now()).toBeLessThan(archiveAt);
    // archiveAt passes while every process is down
    clock.advance(archiveAt + 200 - now());

    const second = await startTestService({
      env: BASE_ENV,
      prefix: first.prefix,
      clock: clock.now,
    });
    services.push(second);
    await promoteTimers(second, body.id);
    const archived = await waitForState(second.api, body.id, 'archived.idle');
    expect(archived.version).toBe(res.body.version + 1);
    expect(await historyTypes(second.api, body.id)).toEqual([
      'REGISTER',
      'DEPRECATE',
      'ARCHIVE_DUE',
    ]);
  });
});
