import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConcurrentChangeError, NotFoundError, ValidationError } from '../../../src/errors.js';
import { deliveryJobOptions, timerJob } from '../../../src/jobs/job-catalog.js';
import { honouringRetryable, parseJob, toJobError } from '../../../src/jobs/parse-job.js';

describe('parseJob', () => {
  it('returns a valid payload', () => {
    const data = {
      timer: 'archiveDue',
      connectorId: 'source-x',
      archiveAt: '2030-01-01T00:00:00Z',
    };
    expect(parseJob(timerJob, { data, name: 'archiveDue', id: '1' })).toEqual(data);
  });

  it('a payload that fails its schema is unrecoverable, naming the paths', () => {
    const run = () =>
      parseJob(timerJob, { data: { timer: 'archiveDue', connectorId: 7 }, name: 't', id: '2' });
    expect(run).toThrow(UnrecoverableError);
    expect(run).toThrow(/connectorId/);
  });
});

describe('the retry contract of LifecycleError', () => {
  it('errors that cannot heal become UnrecoverableError; retryable ones are thrown as they are', () => {
    expect(toJobError(new NotFoundError('gone'))).toBeInstanceOf(UnrecoverableError);
    expect(toJobError(new ValidationError('bad'))).toBeInstanceOf(UnrecoverableError);
    const concurrent = new ConcurrentChangeError('lost');
    expect(toJobError(concurrent)).toBe(concurrent);
    const other = new Error('redis down');
    expect(toJobError(other)).toBe(other);
  });

  it('honouringRetryable wraps a processor', async () => {
    const gone = honouringRetryable(() =>
      Promise.reject(new NotFoundError('connector "source-x" does not exist')),
    );
    await expect(gone()).rejects.toBeInstanceOf(UnrecoverableError);
    const busy = honouringRetryable(() => Promise.reject(new ConcurrentChangeError('lost')));
    await expect(busy()).rejects.toBeInstanceOf(ConcurrentChangeError);
    await expect(honouringRetryable((x: number) => Promise.resolve(x + 1))(1)).resolves.toBe(2);
  });
});

describe('delivery job options', () => {
  it('come from LIFECYCLE_WEBHOOK_MAX_ATTEMPTS and LIFECYCLE_WEBHOOK_BACKOFF_MS', () => {
    expect(deliveryJobOptions({ maxAttempts: 8, backoffMs: 1000 }, 'e-s')).toMatchObject({
      jobId: 'e-s',
      attempts: 8,
      backoff: { type: 'exponential', delay: 1000 },
    });
  });
});
