import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { LifecycleError, toError } from '../errors.js';
import { describeBodyLimits } from './body-limits.js';

const TITLES: Record<number, string> = {
  400: 'Invalid input',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Blocked by policy',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

export function problemType(code: string): string {
  return `https://connector-lifecycle.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

/** Writes an RFC 9457 problem+json response. */
export function sendProblem(
  res: Response,
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  if (res.headersSent) return;
  res
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: problemType(code),
        title: TITLES[status] ?? 'Error',
        status,
        detail,
        code,
        ...extra,
        instance: res.req.originalUrl,
        requestId: res.locals.requestId as string | undefined,
      }),
    );
}

/** body-parser's errors, by their `type`. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.too.large': [
    413,
    'PAYLOAD_TOO_LARGE',
    `The request body is too large (${describeBodyLimits()}).`,
  ],
  'entity.parse.failed': [400, 'INVALID_JSON', 'The request body is not valid JSON.'],
  'encoding.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding.'],
  'charset.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset; send UTF-8 JSON.'],
  'request.aborted': [400, 'REQUEST_ABORTED', 'The request was aborted.'],
  'request.size.invalid': [
    400,
    'INVALID_BODY',
    'The request body size does not match Content-Length.',
  ],
  'stream.encoding.set': [500, 'INTERNAL', 'Internal error.'],
};

/** Maps every error to a problem; internals never reach the client. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof LifecycleError) {
      if (err.retryable) res.locals.retryable = true;
      if (err.status >= 500) logger.error({ err, requestId: res.locals.requestId }, err.message);
      sendProblem(res, err.status, err.code, err.message, err.details);
      return;
    }
    const bodyError = err as { type?: string; status?: number };
    const mapped = bodyError.type ? BODY_ERRORS[bodyError.type] : undefined;
    if (mapped) {
      sendProblem(res, mapped[0], mapped[1], mapped[2]);
      return;
    }
    if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
      sendProblem(res, bodyError.status, 'BAD_REQUEST', 'The request could not be read.');
      return;
    }
    const unavailable = redisUnavailability(err);
    if (unavailable) {
      logger.warn(
        { err: toError(err).message, requestId: res.locals.requestId },
        unavailable === 'unreachable' ? 'redis unavailable' : 'redis refuses writes',
      );
      res.set('Retry-After', '5');
      sendProblem(
        res,
        503,
        'REDIS_UNAVAILABLE',
        unavailable === 'unreachable'
          ? 'The store is unreachable right now; nothing was changed. Retry shortly.'
          : 'The store cannot serve this request right now (read-only, out of memory, unable to persist or busy); nothing was changed. Retry shortly.',
      );
      return;
    }
    logger.error(
      { err: toError(err), requestId: res.locals.requestId, url: req.originalUrl },
      'unhandled error',
    );
    sendProblem(res, 500, 'INTERNAL', 'An internal error occurred; it has been logged.');
  };
}

/**
 * Why Redis cannot serve the request now, if that is the trouble: the connection is gone (ioredis'
 * ways of saying the command was not executed or not answered), or the server refuses writes for
 * a while (MISCONF: it cannot persist, READONLY: a replica, OOM: maxmemory reached; also LOADING,
 * BUSY, MASTERDOWN...). Redis checks these before a command (or a script's first write) runs, so
 * nothing was written; the client may retry.
 */
function redisUnavailability(err: unknown): 'unreachable' | 'refusing' | null {
  const e = toError(err);
  if (
    e.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Stream isn't writeable|enableOfflineQueue|Reached the max retries/.test(
      e.message,
    )
  ) {
    return 'unreachable';
  }
  if (e.name === 'ReplyError' && isRefusal(e)) return 'refusing';
  return null;
}

function isRefusal(e: Error): boolean {
  if (
    /^(MISCONF|READONLY|OOM|LOADING|BUSY|MASTERDOWN|NOREPLICAS|TRYAGAIN|CLUSTERDOWN) /.test(
      e.message,
    )
  ) {
    return true;
  }
  // A MULTI whose commands were refused when queued: EXEC answers EXECABORT, with their errors.
  const previous = (e as { previousErrors?: unknown }).previousErrors;
  return (
    e.message.startsWith('EXECABORT') &&
    Array.isArray(previous) &&
    previous.some((p) => p instanceof Error && isRefusal(p))
  );
}
