import { UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';
import { LifecycleError, NotFoundError } from '../errors.js';

/**
 * A job's payload checked against its schema. A payload that fails it never will pass: it is
 * thrown as BullMQ's UnrecoverableError, so the job fails at once instead of being retried.
 */
export function parseJob<S extends z.ZodType>(
  schema: S,
  job: Pick<Job, 'data' | 'name' | 'id'>,
): z.output<S> {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new UnrecoverableError(
    `Job ${job.name} (${String(job.id)}) has an invalid payload: ${issues}`,
  );
}

/**
 * The retry contract of LifecycleError (src/errors.ts), for every worker: an error that cannot heal
 * (not `retryable`, e.g. a connector that no longer exists, a refused event) fails the job at once
 * as UnrecoverableError; anything else is thrown as it is and retried by BullMQ.
 */
export function toJobError(err: unknown): unknown {
  if (err instanceof NotFoundError || (err instanceof LifecycleError && !err.retryable)) {
    const unrecoverable = new UnrecoverableError(`${err.code}: ${err.message}`);
    unrecoverable.cause = err;
    return unrecoverable;
  }
  return err;
}

/** A job processor that honours the retry contract (toJobError). */
export function honouringRetryable<A extends unknown[], R>(
  processor: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await processor(...args);
    } catch (err) {
      throw toJobError(err);
    }
  };
}
