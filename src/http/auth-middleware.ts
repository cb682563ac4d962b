import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hasRole, type Principal, type Role } from '../auth/roles.js';
import type { TokenStore } from '../auth/token-store.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { clientAddress, type AuthFailureLimit } from './auth-failure-limit.js';

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
    requestId: string;
    /** the raw request body, as received (for idempotency fingerprints) */
    rawBody?: Buffer;
    /** looks the request's token up again, past the token cache (./admission.ts) */
    reauthenticate?: () => Promise<void>;
    /** the connector the admission check read in its round trip (./admission.ts) */
    prefetched?: { id: string; raw: [version: string | null, doc: string | null] };
    /** the catalog's version as the admission check read it (./admission.ts) */
    catalogVersion?: number;
  }
}

/**
 * `Authorization: Bearer <token>` → res.locals.principal, or 401 for a present but bad token; such
 * a failure counts against the client address (a missing header does not), and an address locked
 * out by failures gets 429 instead, whether its token is right or wrong.
 *
 * `cached`: known tokens are answered from the process's token cache; the admission check that
 * follows (./admission.ts) reads the tokens' version and calls `res.locals.reauthenticate` when it
 * moved.
 */
export function authenticate(
  tokens: TokenStore,
  failures: AuthFailureLimit,
  { cached = false } = {},
): RequestHandler {
  const fail = async (req: Request, res: Response, challenge: string, message: string) => {
    const address = clientAddress(req);
    const retryAfter = await failures.lockedOutFor(address);
    if (retryAfter !== null) failures.refuse(res, retryAfter);
    await failures.recordFailure(address);
    res.set('WWW-Authenticate', challenge);
    throw new UnauthorizedError(message);
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (header === undefined) return next();
    const token = tokenFromHeader(header.trim());
    if (!token) {
      return fail(req, res, 'Bearer', 'The Authorization header must be "Bearer <token>".');
    }
    const principal = await tokens.authenticate(token, { cached });
    if (!principal) {
      return fail(req, res, 'Bearer error="invalid_token"', 'The token is unknown or revoked.');
    }
    res.locals.principal = principal;
    if (cached) {
      res.locals.reauthenticate = async () => {
        const fresh = await tokens.authenticate(token);
        if (!fresh) {
          await fail(req, res, 'Bearer error="invalid_token"', 'The token is unknown or revoked.');
        }
        res.locals.principal = fresh!;
      };
    }
    next();
  };
}

/**
 * Only `Authorization: Bearer <expected>` passes (e.g. LIFECYCLE_METRICS_TOKEN for /metrics): 401
 * otherwise, and a wrong or malformed one counts as a failed authentication.
 */
export function requireBearer(expected: string, failures: AuthFailureLimit): RequestHandler {
  const expectedHash = createHash('sha256').update(expected, 'utf8').digest();
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (header === undefined) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedError('This endpoint needs a token: Authorization: Bearer <token>.');
    }
    const bearer = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
    const hash = createHash('sha256')
      .update(bearer?.[1] ?? '', 'utf8')
      .digest();
    if (!bearer || !timingSafeEqual(hash, expectedHash)) {
      await failures.recordFailure(clientAddress(req));
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedError('The token is not the one this endpoint needs.');
    }
    next();
  };
}

/** `Bearer <token>`, or `Basic` with the token as password (for browsers, e.g. the queue dashboard). */
function tokenFromHeader(header: string): string | null {
  const bearer = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(header);
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return /^[\x21-\x7e]{1,512}$/.test(password) ? password : null;
}

export function requireRole(role: Role): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal;
    if (!principal) {
      if (!res.get('WWW-Authenticate')) res.set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedError('This endpoint needs a token: Authorization: Bearer <token>.');
    }
    if (!hasRole(principal, role)) {
      throw new ForbiddenError(`This needs the ${role} role; you have ${principal.role}.`, {
        requiredRole: role,
      });
    }
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal;
  if (!principal) throw new UnauthorizedError('This endpoint needs a token.');
  return principal;
}
