import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registration,
  startTestService,
  waitFor,
  type TestService,
} from '../../support/harness.js';

const COMMAND = 'bash test/integration/fixtures/acceptance.sh {connectorId} {image} {reportDir}';

describe('acceptance-test gate', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({
      env: { LIFECYCLE_ACCEPTANCE_COMMAND: COMMAND, LIFECYCLE_ACCEPTANCE_TIMEOUT_S: '1' },
    });
  });
  afterAll(async () => {
    await svc.cleanup();
  });

  async function certify(tag: string) {
    const body = registration({ dockerImageTag: tag });
    expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    const started = await svc.api.event(body.id, { type: 'REQUEST_CERTIFICATION' });
    expect(started.status).toBe(202);
    expect(started.body.state).toBe('community.certifying');
    expect(started.body.allowedEvents).toEqual([]);
    const settled = await waitFor(
      async () => {
        const c = (await svc.api.get(`/v1/connectors/${body.id}`)).body;
        return c.state === 'community.certifying' ? undefined : c;
      },
      { what: `gate of ${tag} to settle`, timeoutMs: 15_000 },
    );
    const runs = (await svc.api.get(`/v1/connectors/${body.id}/acceptance-runs`)).body.items;
    const history = (await svc.api.get(`/v1/connectors/${body.id}/history`)).body.items;
    return { id: body.id, connector: settled, runs, history };
  }

  it('passing tests certify the connector and record the run', async () => {
    const { connector, runs, history } = await certify('1.0.0-pass');
    expect(connector.state).toBe('certified.active');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: 'passed',
      outcome: 'passed',
      exitCode: 0,
      eventType: 'REQUEST_CERTIFICATION',
      tests: { total: 2, failures: 0, errors: 0 },
    });
    expect(runs[0].image).toMatch(/:1\.0\.0-pass$/);
    expect(runs[0].outputTail).toContain('env=');
    expect(runs[0].startedAt).toBeTruthy();
    expect(runs[0].finishedAt).toBeTruthy();
    expect(history.map((h: { type: string }) => h.type)).toEqual([
      'REGISTER',
      'REQUEST_CERTIFICATION',
      'ACCEPTANCE_PASSED',
    ]);
    const catalog = await waitFor(async () => {
      const doc = (await svc.api.get('/v1/catalog')).body;
      const entry = doc.connectors.find((c: { id: string }) => c.id === connector.id);
      return entry?.supportLevel === 'certified' ? entry : undefined;
    });
    expect(catalog.status).toBe('active');
  });

  it('a non-zero exit code fails the gate', async () => {
    const { connector, runs, history } = await certify('1.0.0-exitcode');
    expect(connector.state).toBe('community.active');
    expect(runs[0]).toMatchObject({ status: 'failed', outcome: 'failed', exitCode: 7 });
    expect(runs[0].outputTail).toContain('boom');
    expect(history.at(-1)).toMatchObject({ type: 'ACCEPTANCE_FAILED', to: 'community.active' });
  });

  it('a failing JUnit report fails the gate even with exit code 0', async () => {
    const { connector, runs } = await certify('1.0.0-junitfail');
    expect(connector.state).toBe('community.active');
    expect(runs[0]).toMatchObject({
      status: 'failed',
      exitCode: 0,
      tests: { total: 2, failures: 1 },
    });
  });

  it('a run past LIFECYCLE_ACCEPTANCE_TIMEOUT_S is killed and fails the gate', async () => {
    const { connector, runs } = await certify('1.0.0-hang');
    expect(connector.state).toBe('community.active');
    expect(runs[0].status).toBe('timeout');
    expect(runs[0].outcome).toBe('timeout');
    expect(runs[0].reason).toMatch(/timed out/);
  });

  it('a connector can ask again after a failure, and a new run is recorded', async () => {
    const { id } = await certify('1.0.0-exitcode');
    const again = await svc.api.event(id, { type: 'REQUEST_CERTIFICATION' });
    expect(again.status).toBe(202);
    await waitFor(async () => {
      const runs = (await svc.api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items;
      return runs.length === 2 && runs.every((r: { status: string }) => r.status === 'failed');
    });
  });
});
