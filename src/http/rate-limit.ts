import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.js';
import type { Keys } from '../store/keys.js';
import { clientAddress } from './auth-failure-limit.js';

/**
 * Per-token (or per-address when anonymous) limit of requests per minute, counted in Redis so that
 * every API process shares it. Fixed one-minute windows of `clock` (the service's clock): INCR, with
 * the window's expiry set once.
 */
export function rateLimit(
  redis: Redis,
  keys: Keys,
  perMinute: number,
  clock: () => number = Date.now,
) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal = res.locals.principal;
    // req.ip: the client address, through trusted proxies only (LIFECYCLE_TRUST_PROXY)
    const who = principal ? `token:${principal.tokenId}` : `ip:${clientAddress(req)}`;
    const now = clock();
    const window = Math.floor(now / 60_000);
    const key = keys.rateLimit(who, window);
    const [[, count]] = (await redis.multi().incr(key).expire(key, 120, 'NX').exec()) as [
      [unknown, number],
    ];
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    res.set('RateLimit-Limit', String(perMinute));
    res.set('RateLimit-Remaining', String(Math.max(0, perMinute - count)));
    res.set('RateLimit-Reset', String(resetSeconds));
    if (count > perMinute) {
      res.set('Retry-After', String(resetSeconds));
      throw new RateLimitedError(
        `More than ${perMinute} requests in a minute; retry after ${resetSeconds} s.`,
        { retryAfterSeconds: resetSeconds, limitPerMinute: perMinute },
      );
    }
    next();
  };
}
