import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';

/**
 * Times every request into http_request_duration_seconds (labelled by the matched route, never the
 * raw path, to keep label cardinality bounded) and writes one structured log line per request with
 * its request id — the same id travels with the event into its outbox entries and jobs.
 */
export function observeRequests(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = req.route
        ? `${req.baseUrl}${String((req.route as { path: string }).path)}`
        : 'unmatched';
      metrics.httpDuration.observe(
        { route, method: req.method, status: String(res.statusCode) },
        seconds,
      );
      const principal = res.locals.principal;
      logger.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          route,
          url: req.originalUrl.slice(0, 300),
          status: res.statusCode,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          subject: principal?.subject,
        },
        'request',
      );
    });
    next();
  };
}
