import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { BOOTSTRAP_ADMIN_TOKEN_ID, type TokenStore } from '../auth/token-store.js';
import { RateLimitedError } from '../errors.js';
import type { Keys } from '../store/keys.js';
import { ADMIT_REQUEST } from '../store/redis-scripts.js';
import { clientAddress, secondsToWindowEnd, type AuthFailureLimit } from './auth-failure-limit.js';

export interface AdmissionOptions {
  /** LIFECYCLE_RATE_LIMIT_PER_MINUTE */
  perMinute: number;
  /** the service's clock (ms): both limits count in its one-minute windows */
  now: () => number;
}

/** `/connectors/<id>` and `/connectors/<id>/events`: the routes that load one connector first. */
const CONNECTOR_PATH = /^\/connectors\/([^/]+)(\/events)?\/?$/;
/** `/catalog` and `/catalog/registry.json`: the routes that read the catalog's version first. */
const CATALOG_PATH = /^\/catalog(?:\/registry\.json)?\/?$/;

/**
 * The admission check of every /v1 request (SPEC §10), one script in one round trip on `redis`, a
 * connection that auto-pipelines (so that requests arriving together share it): it refuses an
 * address locked out by failed authentications (429 AUTH_FAILURES_LIMITED) and otherwise counts
 * the request against the caller's rate limit (per token, or per address when anonymous: 429
 * RATE_LIMITED past LIFECYCLE_RATE_LIMIT_PER_MINUTE in a fixed minute), and reads the tokens'
 * version for the token cache. A route that loads one connector gets it read by the same script
 * (`res.locals.prefetched`); the commit's compare-and-set still guards against a newer one. A
 * catalog route gets the catalog's version read there too (`res.locals.catalogVersion`), which is
 * all a 304 needs.
 */
export function admission(
  redis: Redis,
  keys: Keys,
  tokens: TokenStore,
  failures: AuthFailureLimit,
  options: AdmissionOptions,
) {
  ADMIT_REQUEST.defineOn(redis);
  return async (req: Request, res: Response, next: NextFunction) => {
    const address = clientAddress(req);
    const principal = res.locals.principal;
    const who = principal ? `token:${principal.tokenId}` : `ip:${address}`;
    const now = options.now();
    const window = Math.floor(now / 60_000);
    const credentials = req.get('authorization') !== undefined;
    const connectorId = prefetchable(req);
    const readsCatalog = req.method === 'GET' && CATALOG_PATH.test(req.path);
    const keysToUse = [
      failures.keyAt(address, now),
      keys.rateLimit(who, window),
      keys.tokensVersion(),
    ];
    let reads = '';
    if (connectorId !== null) {
      keysToUse.push(keys.connector(connectorId));
      reads = 'connector';
    } else if (readsCatalog) {
      keysToUse.push(keys.catalogMeta());
      reads = 'catalog';
    }
    // `redis` auto-pipelines: this check, and those of the requests that arrive with it, go to
    // Redis together.
    const [locked, count, tokensVersion, read] = (await ADMIT_REQUEST.run(redis, keysToUse, [
      credentials ? failures.perMinute : 0,
      reads,
    ])) as [number, number, string, (string | null)[] | undefined];
    if (locked === 1) failures.refuse(res, secondsToWindowEnd(now));
    if (tokens.observeVersion(tokensVersion) && principal?.tokenId !== BOOTSTRAP_ADMIN_TOKEN_ID) {
      await res.locals.reauthenticate?.();
    }
    const [readVersion = null, readDoc = null] = read ?? [];
    if (connectorId !== null)
      res.locals.prefetched = { id: connectorId, raw: [readVersion, readDoc] };
    if (readsCatalog) res.locals.catalogVersion = Number(readVersion ?? 0);
    const perMinute = options.perMinute;
    const resetSeconds = secondsToWindowEnd(now);
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

/** The connector id of a GET of one connector or a POST of one event, else null. */
function prefetchable(req: Request): string | null {
  const match = CONNECTOR_PATH.exec(req.path);
  if (!match || req.method !== (match[2] === undefined ? 'GET' : 'POST')) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}
