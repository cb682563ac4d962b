import { setTimeout as sleep } from 'node:timers/promises';

/** How often an event on behalf of the service is tried when its compare-and-set keeps losing. */
export const CAS_MAX_ATTEMPTS = 20;
const MIN_DELAY_MS = 5;
const MAX_DELAY_MS = 50;

/**
 * The wait before the retry after the `attempt`-th lost compare-and-set (0-based): a ceiling that
 * doubles from 5 ms up to 50 ms, with full jitter between 5 ms and that ceiling, so that writers
 * that collided do not collide again in lockstep.
 */
export function casBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(MIN_DELAY_MS + random() * (ceiling - MIN_DELAY_MS));
}

export function casBackoff(attempt: number): Promise<void> {
  return sleep(casBackoffMs(attempt));
}
