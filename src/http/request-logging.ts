import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { serializeError } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';

const VALID_REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * Request ids, request logs and request timing (pino-http).
 *
 * - X-Request-Id: a valid incoming id (`[\w.-]{1,128}`) is kept, anything else is replaced by a
 *   UUID; it is echoed on the response and kept in `res.locals.requestId`, from where it travels
 *   with the event into its outbox entries and jobs.
 * - One log line per request ("request") with its route, status, duration and subject.
 * - http_request_duration_seconds, labelled by the matched route, never the raw path, to keep
 *   label cardinality bounded.
 */
export function requestLogging(logger: Logger, metrics: Metrics) {
  const describe = (req: IncomingMessage, res: ServerResponse, durationMs: number) => {
    const request = req as Request;
    const response = res as Response;
    const route = request.route
      ? `${request.baseUrl}${String((request.route as { path: string }).path)}`
      : 'unmatched';
    metrics.httpDuration.observe(
      { route, method: request.method, status: String(response.statusCode) },
      durationMs / 1000,
    );
    const principal = response.locals.principal;
    return {
      method: request.method,
      route,
      url: request.originalUrl.slice(0, 300),
      status: response.statusCode,
      durationMs,
      subject: principal?.subject,
    };
  };
  return pinoHttp({
    logger,
    // every line logged for the request carries its id; the request line adds the fields of
    // `describe`, never the headers (they hold tokens)
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, url: req.url?.slice(0, 300) }),
      err: serializeError,
      error: serializeError,
    },
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id =
        typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      (res as Response).locals.requestId = id;
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customSuccessObject: (req, res, value: { responseTime: number }) =>
      describe(req, res, value.responseTime),
    customErrorObject: (req, res, _err, value: { responseTime: number }) =>
      describe(req, res, value.responseTime),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
}
