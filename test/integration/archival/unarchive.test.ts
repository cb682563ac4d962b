import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';
import { WebhookReceiver, type WebhookEvent } from '../notifications/webhook-receiver.js';
import { BASE_ENV } from './helpers.js';
import {
  catalogEntry,
  expectProblem,
  getConnector,
  historyOf,
  historyTypes,
  register,
  subscribe,
  waitForCatalog,
  waitForState,
} from '../../support/api-helpers.js';

const UNARCHIVE_EVENTS = [
  'connector.unarchive_requested',
  'connector.unarchive_ready_for_review',
  'connector.unarchived',
  'connector.unarchive_rejected',
];

describe('un-archiving a connector', () => {
  let svc: TestService;
  let rx: WebhookReceiver;
  let contributor: string;
  let contributorSubject: string;
  let maintainer: string;
  let reader: string;

  beforeAll(async () => {
    svc = await startTestService({
      env: {
        ...BASE_ENV,
        LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT,
        LIFECYCLE_LATEST_CDK_VERSIONS: 'python=6.0.0',
      },
    });
    rx = await WebhookReceiver.start();
    await subscribe(svc.api, { url: rx.url, secret: 'unarchive-secret', events: UNARCHIVE_EVENTS });
    contributorSubject = `reviver-${process.pid}`;
    contributor = await svc.tokenFor('contributor', contributorSubject);
    maintainer = await svc.tokenFor('maintainer', `platform-${process.pid}`);
    reader = await svc.tokenFor('reader');
  });
  afterAll(async () => {
    await rx?.close();
    await svc?.cleanup();
  });

  /** Registers a community connector and archives it; returns its id. */
  async function archived(overrides: Record<string, unknown> = {}): Promise<string> {
    // registered by the admin, who becomes a maintainer too (SPEC §4)
    const body = registration({ maintainers: ['alice'], ...overrides });
    await register(svc.api, body);
    await waitForCatalog(svc.api, body.id, (e) => e?.status === 'active');
    const res = await svc.api.event(body.id, { type: 'ARCHIVE', reason: 'abandoned' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.state).toBe('archived.idle');
    await waitForCatalog(svc.api, body.id, (e) => e === undefined, `${body.id} to leave`);
    return body.id;
  }

  function request(token: string, id: string, dockerImageTag: string, cdkVersion = '6.0.0') {
    return svc.as(token).event(id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'we use it in production and will maintain it',
      dockerImageTag,
      cdkVersion,
    });
  }

  function eventsFor(id: string, type: string): WebhookEvent[] {
    return rx.events().filter((e) => e.connectorId === id && e.type === type);
  }

  async function reviewQueue(): Promise<string[]> {
    const res = await svc.api.get('/v1/connectors?status=unarchiveReview');
    expect(res.status, res.text).toBe(200);
    return (res.body.items as { id: string }[]).map((c) => c.id);
  }

  it('refuses an outdated CDK (422), a reader (403) and a contributor approving (403)', async () => {
    const id = await archived();
    const before = await getConnector(svc.api, id);
    const historyBefore = await historyTypes(svc.api, id);

    const outdated = expectProblem(await request(contributor, id, '2.0.0', '5.9.0'), 422);
    expect(outdated.code).toBe('CDK_OUTDATED');
    expect(outdated.detail).toMatch(/6\.0\.0/);
    expectProblem(await request(reader, id, '2.0.0'), 403);
    expectProblem(await svc.as(null).event(id, { type: 'REQUEST_UNARCHIVE' }), 401);

    const after = await getConnector(svc.api, id);
    expect(after.state).toBe('archived.idle');
    expect(after.version).toBe(before.version);
    expect(after.unarchiveRequest).toBeNull();
    expect(await historyTypes(svc.api, id)).toEqual(historyBefore);
    expect((await svc.api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items).toEqual([]);
  });

  it('failing tests, review, rejection, then approval: the whole un-archive flow', async () => {
    const id = await archived();

    // 1. failing acceptance tests: back to archived.idle, the request rejected, the run recorded
    const failing = await request(contributor, id, '2.0.0-fail');
    expect(failing.status, failing.text).toBe(202);
    expect(failing.body.state).toBe('archived.unarchiveTesting');
    expect(failing.body.unarchiveRequest).toMatchObject({
      requester: contributorSubject,
      dockerImageTag: '2.0.0-fail',
      cdkVersion: '6.0.0',
      outcome: 'pending',
    });
    const rejectedByTests = await waitForState(svc.api, id, 'archived.idle');
    expect(rejectedByTests.unarchiveRequest.outcome).toBe('rejected');
    expect(rejectedByTests.dockerImageTag).toBe('1.0.0');
    expect(rejectedByTests.maintainers).toEqual(['alice', 'admin']);
    const runs = (await svc.api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      eventType: 'REQUEST_UNARCHIVE',
      purpose: 'unarchive',
      status: 'failed',
    });
    expect(runs[0].image).toMatch(/:2\.0\.0-fail$/);
    expect(runs[0].id).toBe(rejectedByTests.unarchiveRequest.runId);
    expect((await historyOf(svc.api, id)).slice(-2)).toMatchObject([
      { type: 'REQUEST_UNARCHIVE', from: 'archived.idle', to: 'archived.unarchiveTesting' },
      { type: 'ACCEPTANCE_FAILED', from: 'archived.unarchiveTesting', to: 'archived.idle' },
    ]);
    expect(await catalogEntry(svc.api, id)).toBeUndefined();
    await rx.waitForEvent(
      (e) => e.type === 'connector.unarchive_requested' && e.connectorId === id,
    );
    const { event: failedEvent } = await rx.waitForEvent(
      (e) => e.type === 'connector.unarchive_rejected' && e.connectorId === id,
    );
    expect(failedEvent.data.unarchiveRequest).toMatchObject({
      requester: contributorSubject,
      outcome: 'rejected',
    });

    // 2. passing tests: waiting for review, in the review queue
    const passing = await request(contributor, id, '2.0.0', '6.1.0');
    expect(passing.status, passing.text).toBe(202);
    const inReview = await waitForState(svc.api, id, 'archived.unarchiveReview');
    expect(inReview.unarchiveRequest).toMatchObject({
      requester: contributorSubject,
      dockerImageTag: '2.0.0',
      cdkVersion: '6.1.0',
      outcome: 'ready',
    });
    expect(inReview.allowedEvents.sort()).toEqual(['APPROVE_UNARCHIVE', 'REJECT_UNARCHIVE']);
    expect(await reviewQueue()).toContain(id);
    const filtered = await svc.api.get(
      '/v1/connectors?supportLevel=archived&status=unarchiveReview',
    );
    expect((filtered.body.items as { id: string }[]).map((c) => c.id)).toContain(id);
    expect(await catalogEntry(svc.api, id)).toBeUndefined();
    const { event: ready } = await rx.waitForEvent(
      (e) => e.type === 'connector.unarchive_ready_for_review' && e.connectorId === id,
    );
    expect(ready.data.unarchiveRequest).toMatchObject({ outcome: 'ready' });
    expect((await svc.api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items).toHaveLength(2);

    // a contributor may not approve (nor reject)
    const versionInReview = inReview.version as number;
    expectProblem(await svc.as(contributor).event(id, { type: 'APPROVE_UNARCHIVE' }), 403);
    expectProblem(
      await svc.as(contributor).event(id, { type: 'REJECT_UNARCHIVE', reason: 'no' }),
      403,
    );
    expect((await getConnector(svc.api, id)).version).toBe(versionInReview);

    // 3. the platform team rejects it
    const rejected = await svc
      .as(maintainer)
      .event(id, { type: 'REJECT_UNARCHIVE', reason: 'superseded by another connector' });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body.state).toBe('archived.idle');
    expect(rejected.body.unarchiveRequest).toMatchObject({
      outcome: 'rejected',
      reason: 'superseded by another connector',
    });
    expect(rejected.body.maintainers).toEqual(['alice', 'admin']);
    expect(rejected.body.dockerImageTag).toBe('1.0.0');
    expect(await reviewQueue()).not.toContain(id);
    expect((await historyOf(svc.api, id)).at(-1)).toMatchObject({
      type: 'REJECT_UNARCHIVE',
      from: 'archived.unarchiveReview',
      to: 'archived.idle',
    });
    const { event: rejectedEvent } = await rx.waitForEvent(
      (e) =>
        e.type === 'connector.unarchive_rejected' &&
        e.connectorId === id &&
        e.data.reason === 'superseded by another connector',
    );
    expect(rejectedEvent.data.supportLevel).toBe('archived');

    // 4. asked again, passes, approved: community.active, the requester maintains it
    expect((await request(contributor, id, '2.1.0', '6.2.0')).status).toBe(202);
    await waitForState(svc.api, id, 'archived.unarchiveReview');
    const approved = await svc
      .as(maintainer)
      .event(id, { type: 'APPROVE_UNARCHIVE', reason: 'welcome back' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'community.active',
      supportLevel: 'community',
      status: 'active',
      dockerImageTag: '2.1.0',
      cdkVersion: '6.2.0',
      deprecation: null,
    });
    expect(approved.body.maintainers).toEqual(['alice', 'admin', contributorSubject]);
    expect(approved.body.unarchiveRequest).toMatchObject({ outcome: 'approved' });
    expect(await reviewQueue()).not.toContain(id);

    await waitForCatalog(
      svc.api,
      id,
      (e) => e?.supportLevel === 'community' && e?.status === 'active',
      `${id} back in the catalog`,
    );
    const entry = await catalogEntry(svc.api, id);
    expect(entry).toMatchObject({
      dockerImageTag: '2.1.0',
      cdkVersion: '6.2.0',
      deprecation: null,
    });
    expect(entry.maintainers).toEqual(['alice', 'admin', contributorSubject]);
    const registry = await svc.api.get('/v1/catalog/registry.json');
    expect(
      (registry.body.sources as { dockerRepository: string; dockerImageTag: string }[]).find(
        (s) => s.dockerRepository === approved.body.dockerRepository,
      )?.dockerImageTag,
    ).toBe('2.1.0');

    expect(await historyTypes(svc.api, id)).toEqual([
      'REGISTER',
      'ARCHIVE',
      'REQUEST_UNARCHIVE',
      'ACCEPTANCE_FAILED',
      'REQUEST_UNARCHIVE',
      'ACCEPTANCE_PASSED',
      'REJECT_UNARCHIVE',
      'REQUEST_UNARCHIVE',
      'ACCEPTANCE_PASSED',
      'APPROVE_UNARCHIVE',
    ]);
    expect((await historyOf(svc.api, id)).at(-1)).toMatchObject({
      from: 'archived.unarchiveReview',
      to: 'community.active',
    });
    const { event: unarchived } = await rx.waitForEvent(
      (e) => e.type === 'connector.unarchived' && e.connectorId === id,
    );
    expect(unarchived.data).toMatchObject({ supportLevel: 'community', status: 'active' });
    expect(unarchived.data.maintainers).toContain(contributorSubject);

    // every notification of the flow arrived, once per event
    await waitFor(
      () =>
        eventsFor(id, 'connector.unarchive_requested').length === 3 &&
        eventsFor(id, 'connector.unarchive_ready_for_review').length === 2 &&
        eventsFor(id, 'connector.unarchive_rejected').length === 2 &&
        eventsFor(id, 'connector.unarchived').length === 1,
      { what: 'every un-archive notification' },
    );
    const ids = rx
      .events()
      .filter((e) => e.connectorId === id)
      .map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);

    // the new maintainer may now publish releases
    const release = await svc.as(contributor).event(id, {
      type: 'PUBLISH_RELEASE',
      dockerImageTag: '2.1.1',
    });
    expect(release.status, release.text).toBe(200);
  });

  it('a connector archived at the end of a deprecation comes back without its deprecation', async () => {
    const body = registration({ maintainers: ['alice'] });
    await register(svc.api, body);
    const deprecated = await svc.api.event(body.id, {
      type: 'DEPRECATE',
      reason: 'immediate',
      noticeDays: 0,
    });
    expect(deprecated.status, deprecated.text).toBe(200);
    await waitForState(svc.api, body.id, 'archived.idle');

    expect((await request(contributor, body.id, '3.0.0')).status).toBe(202);
    await waitForState(svc.api, body.id, 'archived.unarchiveReview');
    const approved = await svc.api.event(body.id, { type: 'APPROVE_UNARCHIVE' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body.state).toBe('community.active');
    expect(approved.body.deprecation).toBeNull();
    await waitForCatalog(
      svc.api,
      body.id,
      (e) => e?.status === 'active' && e?.deprecation === null && e?.dockerImageTag === '3.0.0',
    );
  });
});
