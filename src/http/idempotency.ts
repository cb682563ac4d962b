import { createHash, randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { LifecycleError, PolicyViolationError, ValidationError } from '../errors.js';
import type { Keys } from '../store/keys.js';
import { clientAddress } from './auth-failure-limit.js';
import { IdempotencyClaim } from './idempotency-claim.js';

const TTL_MS = 24 * 3600 * 1000;
const CLAIM_TTL_MS = 60_000;
const REPLAYED_HEADERS = ['content-type', 'etag', 'location', 'cache-control'];

declare module 'express-serve-static-core' {
  interface Locals {
    /** the answer may succeed on a retry (a lost compare-and-set): it is not kept for replay */
    retryable?: boolean;
    /** the answer holds a secret: it is not kept; a replay gets a 409 with these details */
    replayWithheld?: Record<string, unknown>;
  }
}

type StoredResponse =
  | { state: 'in_progress'; fingerprint: string; claim: string }
  | {
      state: 'done';
      fingerprint: string;
      status: number;
      headers: Record<string, string>;
      body: string;
    }
  | { state: 'withheld'; fingerprint: string; status: number; details: Record<string, unknown> };

export class IdempotencyInProgressError extends LifecycleError {
  readonly code = 'IDEMPOTENCY_KEY_IN_PROGRESS';
  readonly status = 409;
}

/** The first response held a secret (a new token), which is never stored (SPEC §10). */
export class IdempotentReplayUnavailableError extends LifecycleError {
  readonly code = 'IDEMPOTENT_REPLAY_UNAVAILABLE';
  readonly status = 409;
}

/**
 * Marks this response as one that must not be kept for replay because it holds a secret: a
 * replay of the same request gets a 409 IDEMPOTENT_REPLAY_UNAVAILABLE carrying `details` (which
 * must hold no secret, e.g. the id of what was created).
 */
export function withholdFromReplay(res: Response, details: Record<string, unknown>): void {
  res.locals.replayWithheld = details;
}

export interface IdempotencyOptions {
  /** how long an in-progress claim lives between two heartbeats (for tests; default 60 s) */
  claimTtlMs?: number;
  /** how long a final response is kept (default 24 h) */
  ttlMs?: number;
}

/** Answers that may succeed when retried are not kept (SPEC §10). */
function isRetryable(res: Response): boolean {
  return res.statusCode >= 500 || res.statusCode === 429 || res.locals.retryable === true;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return body === undefined ? '' : JSON.stringify(body);
}

/**
 * `Idempotency-Key` on a POST: the first response (status, body, main headers) is kept for 24 h per
 * token (per address when anonymous) and key, and replayed for the same key and body without doing
 * the work again; the same key with another body is a 422. A request still running under the key
 * gets a 409; its claim is renewed while it runs and replaced by its response only if still ours.
 * Retryable answers (a lost compare-and-set, 429, 5xx) are not kept, so the client may retry; a
 * response holding a secret is not kept either (a replay is a 409 IDEMPOTENT_REPLAY_UNAVAILABLE).
 */
export function idempotency(redis: Redis, keys: Keys, options: IdempotencyOptions = {}) {
  const claimTtlMs = options.claimTtlMs ?? CLAIM_TTL_MS;
  const ttlMs = options.ttlMs ?? TTL_MS;
  const middleware = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ValidationError('Idempotency-Key must be 1 to 255 visible ASCII characters.', {
        errors: [{ path: 'header.Idempotency-Key', message: '1 to 255 visible ASCII characters' }],
      });
    }
    // Keys belong to the token that used them, not to its subject (SPEC §10).
    const principal = res.locals.principal;
    const caller = principal ? `token:${principal.tokenId}` : `ip:${clientAddress(req)}`;
    const redisKey = keys.idempotency(
      createHash('sha256').update(`${caller}\n${key}`).digest('hex'),
    );
    // The raw bytes, not a re-serialisation: that is what "the same body" means, and it never
    // recurses (a 10,000-level nested body is fine).
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n`)
      .update(res.locals.rawBody ?? Buffer.alloc(0))
      .digest('hex');

    const inProgress: StoredResponse = { state: 'in_progress', fingerprint, claim: randomUUID() };
    const claim = await IdempotencyClaim.acquire(
      redis,
      redisKey,
      JSON.stringify(inProgress),
      claimTtlMs,
    );
    if (!claim) {
      const raw = await redis.get(redisKey);
      const stored = raw ? (JSON.parse(raw) as StoredResponse) : null;
      if (!stored) return middleware(req, res, next); // expired in between: try again
      if (stored.fingerprint !== fingerprint) {
        throw new PolicyViolationError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with another request body or path; use a new key.',
        );
      }
      switch (stored.state) {
        case 'in_progress':
          throw new IdempotencyInProgressError(
            'A request with this Idempotency-Key is still being processed.',
          );
        case 'withheld':
          throw new IdempotentReplayUnavailableError(
            `The first request with this Idempotency-Key succeeded (${stored.status}), but its response held a secret, which is never stored; it cannot be replayed.`,
            { originalStatus: stored.status, ...stored.details },
          );
        case 'done':
          for (const [name, value] of Object.entries(stored.headers)) res.set(name, value);
          res.set('Idempotent-Replayed', 'true');
          res.status(stored.status).send(stored.body);
          return;
      }
    }

    // A response that never went through send (e.g. res.end()) is not kept.
    res.on('finish', () => void claim.settle(null, ttlMs).catch(() => {}));
    // Keep the response before it goes out, so that a retry right after it is a replay.
    const send = res.send.bind(res);
    let passThrough = false;
    res.send = (body?: unknown) => {
      if (passThrough) return send(body);
      passThrough = true;
      const text = bodyText(body);
      if (
        typeof body === 'object' &&
        body !== null &&
        !Buffer.isBuffer(body) &&
        !res.get('content-type')
      ) {
        res.type('application/json');
      }
      let record: StoredResponse | null;
      if (isRetryable(res)) {
        record = null;
      } else if (res.locals.replayWithheld && res.statusCode < 400) {
        record = {
          state: 'withheld',
          fingerprint,
          status: res.statusCode,
          details: res.locals.replayWithheld,
        };
      } else {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const value = res.getHeader(name);
          if (value !== undefined) headers[name] = String(value);
        }
        record = { state: 'done', fingerprint, status: res.statusCode, headers, body: text };
      }
      claim.settle(record ? JSON.stringify(record) : null, ttlMs).then(
        () => send(text),
        () => send(text),
      );
      return res;
    };
    next();
  };
  return middleware;
}
