import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { LifecycleError, PolicyViolationError, ValidationError } from '../errors.js';
import type { Keys } from '../store/keys.js';

const TTL_SECONDS = 24 * 3600;
const IN_PROGRESS_SECONDS = 60;
const REPLAYED_HEADERS = ['content-type', 'etag', 'location', 'cache-control'];

interface StoredResponse {
  state: 'in_progress' | 'done';
  fingerprint: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export class IdempotencyInProgressError extends LifecycleError {
  readonly code = 'IDEMPOTENCY_KEY_IN_PROGRESS';
  readonly status = 409;
}

/**
 * `Idempotency-Key` on a POST: the first response (status, body, main headers) is kept for 24 h per
 * caller and key, and replayed for the same key and body without doing the work again; the same key
 * with another body is a 422. A request still running under the key gets a 409; a 5xx is not kept,
 * so the client may retry.
 */
export function idempotency(redis: Redis, keys: Keys) {
  const middleware = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ValidationError('Idempotency-Key must be 1 to 255 visible ASCII characters.', {
        errors: [{ path: 'header.Idempotency-Key', message: '1 to 255 visible ASCII characters' }],
      });
    }
    const principal = res.locals.principal;
    const caller = principal ? principal.subject : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
    const redisKey = keys.idempotency(
      createHash('sha256').update(`${caller}\n${key}`).digest('hex'),
    );
    // The raw bytes, not a re-serialisation: that is what "the same body" means, and it never
    // recurses (a 10,000-level nested body is fine).
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n`)
      .update(res.locals.rawBody ?? Buffer.alloc(0))
      .digest('hex');

    const claim: StoredResponse = { state: 'in_progress', fingerprint };
    const claimed = await redis.set(
      redisKey,
      JSON.stringify(claim),
      'EX',
      IN_PROGRESS_SECONDS,
      'NX',
    );
    if (claimed !== 'OK') {
      const raw = await redis.get(redisKey);
      const stored = raw ? (JSON.parse(raw) as StoredResponse) : null;
      if (!stored) return middleware(req, res, next); // expired in between: try again
      if (stored.fingerprint !== fingerprint) {
        throw new PolicyViolationError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with another request body or path; use a new key.',
        );
      }
      if (stored.state === 'in_progress') {
        throw new IdempotencyInProgressError(
          'A request with this Idempotency-Key is still being processed.',
        );
      }
      for (const [name, value] of Object.entries(stored.headers ?? {})) res.set(name, value);
      res.set('Idempotent-Replayed', 'true');
      res.status(stored.status ?? 200).send(stored.body ?? '');
      return;
    }

    // Keep the response before it goes out, so that a retry right after it is a replay.
    const send = res.send.bind(res);
    let passThrough = false;
    res.send = (body?: unknown) => {
      if (passThrough) return send(body);
      passThrough = true;
      if (res.statusCode >= 500) {
        redis.del(redisKey).then(
          () => send(body),
          () => send(body),
        );
        return res;
      }
      const text =
        typeof body === 'string'
          ? body
          : Buffer.isBuffer(body)
            ? body.toString('utf8')
            : body === undefined
              ? ''
              : JSON.stringify(body);
      if (
        typeof body === 'object' &&
        body !== null &&
        !Buffer.isBuffer(body) &&
        !res.get('content-type')
      ) {
        res.type('application/json');
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = res.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const stored: StoredResponse = {
        state: 'done',
        fingerprint,
        status: res.statusCode,
        headers,
        body: text,
      };
      redis.set(redisKey, JSON.stringify(stored), 'EX', TTL_SECONDS).then(
        () => send(text),
        () => send(text),
      );
      return res;
    };
    next();
  };
  return middleware;
}
