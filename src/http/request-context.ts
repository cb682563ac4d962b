import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from '../observability/metrics.js';

const VALID_REQUEST_ID = /^[\w.-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Locals {
    /** the whole pattern of the API route that matched (`/v1/connectors/:id`, ./api-router.ts) */
    route?: string;
  }
}

/**
 * The matched route's pattern (`/v1/connectors/:id`), never the raw path; 'unmatched' if none. An
 * API route names its pattern itself; another route's is read from Express.
 */
export function routeLabel(req: Request, res: Response): string {
  if (res.locals.route !== undefined) return res.locals.route;
  return req.route ? `${req.baseUrl}${String((req.route as { path: string }).path)}` : 'unmatched';
}

/**
 * What every request gets, whether or not it is logged:
 * - its id: a valid incoming `X-Request-Id` (`[\w.-]{1,128}`) is kept, anything else is replaced
 *   by a UUID; it is echoed on the response and kept in `res.locals.requestId`, from where it
 *   travels with the event into its outbox entries and jobs (and into the request's log line);
 * - its timing: http_request_duration_seconds, labelled by the matched route, never the raw path,
 *   to keep label cardinality bounded. Observed when the response closes: once it is sent, or when
 *   the client went away first.
 */
export function requestContext(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const id =
      typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    res.once('close', () => {
      metrics.httpDuration.observe(
        { route: routeLabel(req, res), method: req.method, status: String(res.statusCode) },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}
