/** Errors that cannot heal fail a job at once instead of being retried (SPEC §3, src/errors.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/jobs/job-catalog.js';
import { startTestService, waitFor, type TestService } from '../../support/harness.js';

describe('unrecoverable jobs', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ roles: ['worker'] });
  });
  afterAll(async () => {
    await svc?.cleanup();
  });

  async function failedAfter(jobId: string): Promise<number> {
    const queue = svc.services.queues.get('timers');
    // The state first, then the job: a job read before it failed would carry a stale attemptsMade.
    await waitFor(async () => (await queue.getJobState(jobId)) === 'failed', {
      timeoutMs: 30_000,
      what: `job ${jobId} to fail`,
    });
    const job = await queue.getJob(jobId);
    return job!.attemptsMade;
  }

  it('a payload that fails its schema fails after one attempt, not fifty', async () => {
    expect(QUEUES.timers.options.attempts).toBeGreaterThan(1);
    await svc.services.queues.add([
      {
        queue: 'timers',
        name: 'archiveDue',
        data: { timer: 'archiveDue', connectorId: 42 },
        opts: {
          ...QUEUES.timers.options,
          jobId: 'bad-payload',
          backoff: { type: 'fixed', delay: 10 },
        },
      },
    ]);
    expect(await failedAfter('bad-payload')).toBe(1);
  });

  it('a reminder for a connector that no longer exists fails after one attempt', async () => {
    await svc.services.queues.add([
      {
        queue: 'timers',
        name: 'breakingChangeReminder',
        data: {
          timer: 'breakingChangeReminder',
          id: 'gone-0',
          connectorId: 'source-does-not-exist',
          version: '2.0.0',
          upgradeDeadline: '2030-01-01T00:00:00.000Z',
          daysBefore: 7,
        },
        opts: { ...QUEUES.timers.options, jobId: 'gone', backoff: { type: 'fixed', delay: 10 } },
      },
    ]);
    expect(await failedAfter('gone')).toBe(1);
  });
});
