import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { jobForOutboxEntry, QUEUES, type PlannedJob } from '../../../src/jobs/job-catalog.js';
import type { OutboxEntry } from '../../../src/store/records.js';
import {
  ACCEPTANCE_SCRIPT,
  TestClock,
  redisUrl,
  registration,
  startTestService,
  waitFor,
  type StartTestServiceOptions,
  type TestService,
} from '../../support/harness.js';

/**
 * No gate stays open for ever (SPEC §10): when a gate's acceptance job fails for good, the gate
 * ends as ACCEPTANCE_FAILED with outcome `error`, through the machine like any result.
 */
describe('acceptance gates whose job fails for good', () => {
  const started: TestService[] = [];
  const opened: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    while (opened.length) await opened.pop()!.close();
    while (started.length) await started.pop()!.cleanup();
  });

  async function start(options: StartTestServiceOptions = {}): Promise<TestService> {
    const svc = await startTestService({
      ...options,
      env: { LIFECYCLE_ACCEPTANCE_COMMAND: ACCEPTANCE_SCRIPT, ...options.env },
    });
    started.push(svc);
    return svc;
  }

  /** Registers a connector and opens its certification gate; returns its id and run id. */
  async function openGate(svc: TestService): Promise<{ id: string; runId: string }> {
    const body = registration();
    expect((await svc.api.post('/v1/connectors', body)).status).toBe(201);
    const res = await svc.api.event(body.id, { type: 'REQUEST_CERTIFICATION' });
    expect(res.status, res.text).toBe(202);
    const runs = (await svc.api.get(`/v1/connectors/${body.id}/acceptance-runs`)).body.items;
    return { id: body.id, runId: runs[0].id as string };
  }

  /** The acceptance job of a run as the relay would add it, built from its outbox entry. */
  async function plannedJob(svc: TestService, runId: string): Promise<PlannedJob> {
    const entries = await svc.services.redis.xrange(svc.services.keys.outbox(), '-', '+');
    for (const [, fields] of entries) {
      const entry = JSON.parse(fields[1]!) as OutboxEntry;
      if (entry.effect.kind === 'acceptance' && entry.effect.runId === runId) {
        return jobForOutboxEntry(entry);
      }
    }
    throw new Error(`no outbox entry for ${runId}`);
  }

  /** A BullMQ worker of the test's own on the service's acceptance queue, processing nothing. */
  function manualWorker(svc: TestService, options: { lockDuration: number }): Worker {
    const worker = new Worker(QUEUES.acceptance.name, null, {
      connection: new Redis(redisUrl(), { maxRetriesPerRequest: null }),
      prefix: svc.services.queues.prefix,
      lockDuration: options.lockDuration,
      stalledInterval: 100,
      maxStalledCount: 3,
      autorun: false,
    });
    opened.push(worker);
    return worker;
  }

  async function waitForGateEnd(svc: TestService, id: string) {
    const connector = await waitFor(
      async () => {
        const c = (await svc.api.get(`/v1/connectors/${id}`)).body;
        return c.state === 'community.certifying' ? undefined : c;
      },
      { timeoutMs: 20_000, what: `the gate of ${id} to end` },
    );
    const runs = (await svc.api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items;
    const history = (await svc.api.get(`/v1/connectors/${id}/history`)).body.items;
    return { connector, runs, last: history.at(-1) };
  }

  it('a command that does not exist ends the gate as failed with outcome error', async () => {
    const svc = await start({ env: { LIFECYCLE_ACCEPTANCE_COMMAND: '/nonexistent/cmd {image}' } });
    const { id } = await openGate(svc);
    const { connector, runs, last } = await waitForGateEnd(svc, id);
    expect(connector.state).toBe('community.active');
    expect(runs[0]).toMatchObject({ status: 'error', outcome: 'error' });
    expect(runs[0].reason).toBe('command not found: /nonexistent/cmd');
    expect(last).toMatchObject({ type: 'ACCEPTANCE_FAILED', payload: { outcome: 'error' } });
  });

  it('a worker crash loop (stalled more often than allowed) ends the gate', async () => {
    // Nothing relays yet: the test adds the job itself, as the relay would, and lets four workers
    // take it and "crash" (they never finish, their lock lapses), one after the other.
    const api = await start({ roles: ['api'] });
    const { id, runId } = await openGate(api);
    await api.services.queues.add([await plannedJob(api, runId)]);
    const crashing = manualWorker(api, { lockDuration: 200 });
    void crashing.startStalledCheckTimer();
    const queue = api.services.queues.get('acceptance');
    for (let crash = 1; crash <= 4; crash++) {
      const job = await crashing.getNextJob(`crashed-worker-${crash}`);
      expect(job?.id).toBe(runId);
      await waitFor(async () => (await queue.getJobState(runId)) === 'waiting', {
        what: `crash ${crash} to be noticed`,
      });
    }
    await waitFor(async () => (await queue.getJob(runId))?.deferredFailure, {
      what: 'BullMQ to give up on the job',
    });
    await crashing.close();

    // A healthy worker comes up: BullMQ fails the job for good, and the gate ends.
    await start({ roles: ['worker'], prefix: api.prefix });
    const { connector, runs, last } = await waitForGateEnd(api, id);
    expect(await queue.getJobState(runId)).toBe('failed');
    expect(connector.state).toBe('community.active');
    expect(runs[0]).toMatchObject({ id: runId, status: 'error', outcome: 'error' });
    expect(runs[0].reason).toMatch(/stalled more than allowable limit/);
    expect(last).toMatchObject({
      type: 'ACCEPTANCE_FAILED',
      payload: { runId, outcome: 'error' },
      to: 'community.active',
    });
  });

  it('attempts exhausted (every attempt throws) ends the gate, replacing an unreadable record', async () => {
    const api = await start({ roles: ['api'] });
    const { id, runId } = await openGate(api);
    // The run record is unreadable: every attempt of the job throws. One attempt is allowed here
    // (the relay allows 5, with backoff), so that the job fails for good at once.
    await api.services.redis.hset(api.services.keys.runs(id), runId, '{not json');
    const job = await plannedJob(api, runId);
    await api.services.queues.add([{ ...job, opts: { ...job.opts, attempts: 1 } }]);
    await start({ roles: ['worker'], prefix: api.prefix });
    const { connector, runs, last } = await waitForGateEnd(api, id);
    expect(connector.state).toBe('community.active');
    expect(runs[0]).toMatchObject({ id: runId, status: 'error', outcome: 'error' });
    expect(runs[0].reason).toMatch(/failed for good .*after 1 attempt/);
    expect(last).toMatchObject({ type: 'ACCEPTANCE_FAILED', payload: { outcome: 'error' } });
  });

  it('the periodic gate check ends gates whose job failed unnoticed or went missing', async () => {
    const clock = new TestClock();
    const api = await start({ roles: ['api', 'scheduler'], clock: clock.now });
    const scheduler = await api.services.queues
      .get('timers')
      .getJobScheduler('acceptance-gate-check');
    expect(scheduler?.every).toBe(60_000);

    // 1. Its job failed for good in a worker that died before it could tell anyone.
    const failed = await openGate(api);
    await api.services.queues.add([await plannedJob(api, failed.runId)]);
    const dying = manualWorker(api, { lockDuration: 30_000 });
    const job = await dying.getNextJob('dying-worker');
    expect(job.id).toBe(failed.runId);
    await job.moveToFailed(new UnrecoverableError('worker process crashed'), 'dying-worker');
    // 2. Its outbox entry was lost: its job never reached the queue.
    const missing = await openGate(api);
    const outbox = api.services.keys.outbox();
    for (const [streamId, fields] of await api.services.redis.xrange(outbox, '-', '+')) {
      if (fields[1]!.includes(missing.runId)) await api.services.redis.xdel(outbox, streamId);
    }
    // 3. Its job still waits in the outbox (no relay runs): never judged missing.
    const waiting = await openGate(api);

    const gates = api.services.gates;
    expect((await gates.check()).ended).toEqual([failed.id]);
    clock.travel(1 / 24); // an hour later
    const later = await gates.check();
    expect(later.ended).toEqual([missing.id]);
    expect(later.checked).toBe(2);

    for (const { id, reason } of [
      { id: failed.id, reason: /failed for good \(worker process crashed/ },
      { id: missing.id, reason: /missing from its queue 60 minutes after the gate opened/ },
    ]) {
      const { connector, runs, last } = await waitForGateEnd(api, id);
      expect(connector.state).toBe('community.active');
      expect(runs[0]).toMatchObject({ status: 'error', outcome: 'error' });
      expect(runs[0].reason).toMatch(reason);
      expect(last).toMatchObject({ type: 'ACCEPTANCE_FAILED', payload: { outcome: 'error' } });
    }
    expect((await api.api.get(`/v1/connectors/${waiting.id}`)).body.state).toBe(
      'community.certifying',
    );
  });

  it('the checkGates timer job runs the check in the worker role', async () => {
    const api = await start({ roles: ['api'] });
    const { id, runId } = await openGate(api);
    await api.services.queues.add([await plannedJob(api, runId)]);
    const dying = manualWorker(api, { lockDuration: 30_000 });
    const job = await dying.getNextJob('dying-worker');
    await job.moveToFailed(new UnrecoverableError('worker process crashed'), 'dying-worker');

    // A worker process starts: nothing tells it about the failure, until the timer fires.
    const worker = await start({ roles: ['worker'], prefix: api.prefix });
    await worker.services.queues.add([
      { queue: 'timers', name: 'checkGates', data: { timer: 'checkGates' }, opts: {} },
    ]);
    const { connector, runs } = await waitForGateEnd(api, id);
    expect(connector.state).toBe('community.active');
    expect(runs[0].reason).toMatch(/failed for good \(worker process crashed/);
  });

  it('a duplicate run after a stall never overwrites the record whose result was applied', async () => {
    const state = await mkdtemp(path.join(os.tmpdir(), 'duplicate-run-'));
    opened.push({ close: () => rm(state, { recursive: true, force: true }) });
    const svc = await start({
      env: {
        LIFECYCLE_ACCEPTANCE_COMMAND:
          'bash test/integration/fixtures/duplicate-run.sh {connectorId} {reportDir}',
        LIFECYCLE_ACCEPTANCE_ENV_PASSTHROUGH: 'ACCEPTANCE_STATE_DIR',
        ACCEPTANCE_STATE_DIR: state,
      },
    });
    const { id, runId } = await openGate(svc);
    const marker = (name: string) => path.join(state, `${id}.${name}`);
    await waitFor(() => existsSync(marker('started1')), { what: 'the first run to start' });

    // The worker of the first run loses the job's lock (a stalled event loop, a network
    // partition): BullMQ hands the job to a worker again, and a second run starts.
    await svc.services.redis.del(`${svc.services.queues.prefix}:acceptance:${runId}:lock`);
    await waitFor(() => existsSync(marker('started2')), { what: 'the second run to start' });

    // The first run passes and its result is applied.
    await writeFile(marker('release1'), '');
    await waitFor(
      async () => (await svc.api.get(`/v1/connectors/${id}`)).body.state === 'certified.active',
      { what: 'the first result to be applied' },
    );
    // The second run fails: it must not overwrite the record of the run that certified.
    await writeFile(marker('release2'), '');
    const queue = svc.services.queues.get('acceptance');
    await waitFor(async () => (await queue.getJobState(runId)) === 'completed', {
      what: 'the second run to finish',
    });
    expect((await queue.getJob(runId))?.returnvalue).toMatchObject({
      status: 'passed',
      applied: 'stale',
    });
    const runs = (await svc.api.get(`/v1/connectors/${id}/acceptance-runs`)).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'passed', outcome: 'passed', exitCode: 0 });
    expect(runs[0].outputTail).toContain('run 1 ends');
    const history = (await svc.api.get(`/v1/connectors/${id}/history`)).body.items;
    expect(history.map((h: { type: string }) => h.type)).toEqual([
      'REGISTER',
      'REQUEST_CERTIFICATION',
      'ACCEPTANCE_PASSED',
    ]);
  });
});
