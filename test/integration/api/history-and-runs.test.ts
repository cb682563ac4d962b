import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACCEPTANCE_SCRIPT,
  registration,
  startTestService,
  waitFor,
  type ApiClient,
  type TestService,
} from '../../support/harness.js';
import { expectProblem, ISO_TIMESTAMP } from '../../support/api-helpers.js';

let svc: TestService;
let reader: ApiClient;
let maintainer: ApiClient;
const MAINTAINER = 'henry-platform';

beforeAll(async () => {
  svc = await startTestService({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT } });
  reader = svc.as(await svc.tokenFor('reader'));
  maintainer = svc.as(await svc.tokenFor('maintainer', MAINTAINER));
});
afterAll(async () => {
  await svc?.cleanup();
});

async function register(overrides: Record<string, unknown> = {}) {
  const body = registration(overrides);
  const res = await svc.api.post('/v1/connectors', body);
  expect(res.status).toBe(201);
  return body;
}

async function history(id: string) {
  const res = await reader.get(`/v1/connectors/${id}/history`);
  expect(res.status).toBe(200);
  return res.body.items as Record<string, any>[];
}

async function runs(id: string) {
  const res = await reader.get(`/v1/connectors/${id}/acceptance-runs`);
  expect(res.status).toBe(200);
  return res.body.items as Record<string, any>[];
}

/** Waits until the gate is settled (the connector left its testing state). */
async function settled(id: string, testing: string) {
  return waitFor(
    async () => {
      const c = await svc.api.get(`/v1/connectors/${id}`);
      return c.body.state !== testing ? (c.body as Record<string, any>) : undefined;
    },
    { what: `${id} to leave ${testing}` },
  );
}

describe('GET /v1/connectors/:id/history', () => {
  test('every accepted event, oldest first, REGISTER first', async () => {
    const { id } = await register();
    expect(
      (await maintainer.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.1.0' })).status,
    ).toBe(200);
    expect(
      (await maintainer.event(id, { type: 'DEPRECATE', reason: 'old', noticeDays: 10 })).status,
    ).toBe(200);
    // refused: not in the history
    expect((await maintainer.event(id, { type: 'DEMOTE', reason: 'x' })).status).toBe(409);
    expect(
      (await maintainer.event(id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.0.0' })).status,
    ).toBe(422);
    expect(
      (await maintainer.event(id, { type: 'CANCEL_DEPRECATION', reason: 'in use' })).status,
    ).toBe(200);

    const items = await history(id);
    expect(items.map((e) => e.type)).toEqual([
      'REGISTER',
      'PUBLISH_RELEASE',
      'DEPRECATE',
      'CANCEL_DEPRECATION',
    ]);
    expect(items.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(items.map((e) => [e.from, e.to])).toEqual([
      [null, 'community.active'],
      ['community.active', 'community.active'],
      ['community.active', 'community.deprecated'],
      ['community.deprecated', 'community.active'],
    ]);
    expect(items[0]!.actor).toBe('admin');
    for (const e of items.slice(1)) expect(e.actor).toBe(MAINTAINER);
    for (const e of items) expect(e.at).toMatch(ISO_TIMESTAMP);
    const times = items.map((e) => Date.parse(e.at as string));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const connector = await svc.api.get(`/v1/connectors/${id}`);
    expect(connector.body.version).toBe(items[items.length - 1]!.version);
  });

  test('events sent by the workers are recorded as the system', async () => {
    const { id } = await register();
    expect((await maintainer.event(id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    await settled(id, 'community.certifying');
    const items = await history(id);
    expect(items.map((e) => e.type)).toEqual([
      'REGISTER',
      'REQUEST_CERTIFICATION',
      'ACCEPTANCE_PASSED',
    ]);
    expect(items[2]).toMatchObject({
      version: 3,
      actor: 'system',
      from: 'community.certifying',
      to: 'certified.active',
    });
  });

  test('404 for an unknown connector; 401 without a token', async () => {
    expectProblem(await reader.get('/v1/connectors/source-unknown-one/history'), 404);
    const { id } = await register();
    expectProblem(await svc.as(null).get(`/v1/connectors/${id}/history`), 401);
  });
});

describe('GET /v1/connectors/:id/acceptance-runs', () => {
  test('none for a new connector', async () => {
    const { id } = await register();
    expect(await runs(id)).toEqual([]);
  });

  test('a passing run with its status, test counts and output', async () => {
    const body = await register();
    const started = await maintainer.event(body.id, { type: 'REQUEST_CERTIFICATION' });
    expect(started.status).toBe(202);
    const after = await settled(body.id, 'community.certifying');
    expect(after.state).toBe('certified.active');

    const items = await runs(body.id);
    expect(items).toHaveLength(1);
    const run = items[0]!;
    expect(typeof run.id).toBe('string');
    expect(run).toMatchObject({
      status: 'passed',
      image: `${body.dockerRepository}:${body.dockerImageTag}`,
      exitCode: 0,
      tests: { total: 3, passed: 3, failures: 0, errors: 0 },
    });
    expect(run.eventType ?? run.event).toBe('REQUEST_CERTIFICATION');
    expect(run.startedAt).toMatch(ISO_TIMESTAMP);
    expect(run.finishedAt).toMatch(ISO_TIMESTAMP);
    expect(Date.parse(run.finishedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(run.startedAt as string),
    );
    // the placeholders were filled in
    expect(run.outputTail).toContain(
      `running acceptance tests of ${body.id} on ${body.dockerRepository}:${body.dockerImageTag}`,
    );
    // the run names the event that started it
    const requested = (await history(body.id)).find((e) => e.type === 'REQUEST_CERTIFICATION')!;
    expect(run.eventId).toBe(requested.eventId);
  });

  test('a failing run (JUnit failure), then a passing retry after a fixed release', async () => {
    const body = await register({ dockerImageTag: '1.0.0-fail' });
    expect((await maintainer.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    const after = await settled(body.id, 'community.certifying');
    expect(after.state).toBe('community.active');

    let items = await runs(body.id);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      status: 'failed',
      image: `${body.dockerRepository}:1.0.0-fail`,
      tests: { total: 3, passed: 2, failures: 1 },
    });
    expect(items[0]!.outputTail).toContain('running acceptance tests of');
    expect(items[0]!.finishedAt).toMatch(ISO_TIMESTAMP);
    expect((await history(body.id)).map((e) => e.type)).toContain('ACCEPTANCE_FAILED');

    expect(
      (await maintainer.event(body.id, { type: 'PUBLISH_RELEASE', dockerImageTag: '1.0.1' }))
        .status,
    ).toBe(200);
    expect((await maintainer.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    expect((await settled(body.id, 'community.certifying')).state).toBe('certified.active');
    items = await runs(body.id);
    expect(items.map((r) => r.status)).toEqual(['failed', 'passed']);
    expect(items[1]!.image).toBe(`${body.dockerRepository}:1.0.1`);
    expect(items[0]!.id).not.toBe(items[1]!.id);
  });

  test('a crashing command (exit 3) fails the run', async () => {
    const body = await register({ dockerImageTag: '1.0.0-crash' });
    expect((await maintainer.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    expect((await settled(body.id, 'community.certifying')).state).toBe('community.active');
    const [run] = await runs(body.id);
    expect(run).toMatchObject({ exitCode: 3 });
    expect(run!.status).not.toBe('passed');
    expect(run!.outputTail).toContain('connector crashed');
  });

  test('an un-archive run tests the requested image', async () => {
    const body = await register();
    expect((await maintainer.event(body.id, { type: 'ARCHIVE', reason: 'x' })).status).toBe(200);
    const contributor = svc.as(await svc.tokenFor('contributor', 'ivy-taker'));
    const res = await contributor.event(body.id, {
      type: 'REQUEST_UNARCHIVE',
      justification: 'will maintain',
      dockerImageTag: '2.0.0-fail',
      cdkVersion: '6.0.0',
    });
    expect(res.status).toBe(202);
    expect((await settled(body.id, 'archived.unarchiveTesting')).state).toBe('archived.idle');
    const [run] = await runs(body.id);
    expect(run).toMatchObject({ status: 'failed', image: `${body.dockerRepository}:2.0.0-fail` });
    expect(run!.eventType ?? run!.event).toBe('REQUEST_UNARCHIVE');
  });

  test('404 for an unknown connector; 401 without a token', async () => {
    expectProblem(await reader.get('/v1/connectors/source-unknown-two/acceptance-runs'), 404);
    const { id } = await register();
    expectProblem(await svc.as(null).get(`/v1/connectors/${id}/acceptance-runs`), 401);
  });
});

describe('a run is recorded as soon as its gate opens', () => {
  let apiOnly: TestService;
  beforeAll(async () => {
    apiOnly = await startTestService({
      roles: ['api'],
      env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT },
    });
  });
  afterAll(async () => {
    await apiOnly?.cleanup();
  });

  test('queued while no worker has picked it up', async () => {
    const body = registration();
    expect((await apiOnly.api.post('/v1/connectors', body)).status).toBe(201);
    expect((await apiOnly.api.event(body.id, { type: 'REQUEST_CERTIFICATION' })).status).toBe(202);
    const res = await apiOnly.api.get(`/v1/connectors/${body.id}/acceptance-runs`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      status: 'queued',
      outcome: null,
      image: `${body.dockerRepository}:${body.dockerImageTag}`,
      finishedAt: null,
    });
  });
});
