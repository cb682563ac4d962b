import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { LifecycleError } from '../errors.js';
import type { Keys } from '../store/keys.js';

const WINDOW_MS = 60_000;

export class AuthFailuresLimitedError extends LifecycleError {
  readonly code = 'AUTH_FAILURES_LIMITED';
  readonly status = 429;
}

/**
 * Failed authentications per client address (SPEC §10): a wrong token or a malformed
 * Authorization header counts, a missing one does not. After `perMinute` failures in a fixed UTC
 * minute, every request from that address that carries credentials is refused until the minute
 * ends, a correct token included: guessing tokens costs a minute per `perMinute` guesses. Counted in
 * Redis, so that every API process shares the count.
 */
export class AuthFailureLimit {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the lock-out of `address` ends, or null when it is not locked out. */
  async lockedOutFor(address: string): Promise<number | null> {
    const now = this.now();
    const count = Number((await this.redis.get(this.keyAt(address, now))) ?? 0);
    return count < this.perMinute ? null : secondsToWindowEnd(now);
  }

  /** The key that counts the failures of `address` in the window of `now`. */
  keyAt(address: string, now: number): string {
    return this.keys.authFailures(address, Math.floor(now / WINDOW_MS));
  }

  /** 429 AUTH_FAILURES_LIMITED, with Retry-After, for a locked-out address. */
  refuse(res: Response, retryAfter: number): never {
    res.set('Retry-After', String(retryAfter));
    throw new AuthFailuresLimitedError(
      `More than ${this.perMinute} failed authentications from this address in a minute; requests with credentials are refused for ${retryAfter} s.`,
      { retryAfterSeconds: retryAfter, limitPerMinute: this.perMinute },
    );
  }

  async recordFailure(address: string): Promise<void> {
    const key = this.keyAt(address, this.now());
    await this.redis
      .multi()
      .incr(key)
      .pexpire(key, 2 * WINDOW_MS)
      .exec();
  }
}

/** The client address: through trusted proxies only (LIFECYCLE_TRUST_PROXY). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Seconds until the fixed one-minute window of `now` ends (at least 1). */
export function secondsToWindowEnd(now: number): number {
  const window = Math.floor(now / WINDOW_MS);
  return Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
}

/**
 * Before every route outside /v1 (whose admission check does the same in its round trip): 429 for
 * a request with credentials from a locked-out address.
 */
export function refuseLockedOutClients(limit: AuthFailureLimit) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (req.get('authorization') === undefined) return next();
    if (req.path === '/v1' || req.path.startsWith('/v1/')) return next();
    const retryAfter = await limit.lockedOutFor(clientAddress(req));
    if (retryAfter === null) return next();
    limit.refuse(res, retryAfter);
  };
}
