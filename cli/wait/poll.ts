import { RefusedError, UnavailableError } from '../cli-errors.js';
import { elapsed } from '../tables.js';

export interface PollOptions {
  /** give up after this long */
  timeoutMs: number;
  /** what is awaited, for the timeout message */
  what: string;
  /** the first delay between polls; it doubles up to maxIntervalMs */
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** told of an error that polling survives (no answer, 5xx, 429) */
  onTransientError?: (err: Error) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The deadline passed before what was awaited happened (exit 3: no answer in time). */
export class WaitTimeoutError extends UnavailableError {}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An error worth polling through: the service is briefly away, failing or rate limiting. */
function transient(err: unknown): err is Error {
  return err instanceof UnavailableError || (err instanceof RefusedError && err.status === 429);
}

/**
 * Calls `check` until it returns a value (not undefined) or the deadline passes. Brief outages
 * are waited out until the deadline; a refusal (4xx other than 429) ends the wait at once.
 */
export async function pollUntil<T>(
  check: (elapsedMs: number) => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const maxInterval = options.maxIntervalMs ?? 2000;
  const start = now();
  let interval = options.minIntervalMs ?? 250;
  let lastError: Error | undefined;
  for (;;) {
    try {
      const value = await check(now() - start);
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      if (!transient(err)) throw err;
      lastError = err;
      options.onTransientError?.(err);
    }
    const left = start + options.timeoutMs - now();
    if (left <= 0) {
      throw new WaitTimeoutError(
        `Gave up waiting for ${options.what} after ${elapsed(options.timeoutMs)} (--timeout)` +
          (lastError ? `; last error: ${lastError.message}` : '') +
          '.',
      );
    }
    await sleep(Math.min(interval, left));
    interval = Math.min(interval * 2, maxInterval);
  }
}

/** Parses --timeout (seconds, decimals allowed) into milliseconds. */
export function timeoutMs(seconds: number): number {
  return Math.round(seconds * 1000);
}
