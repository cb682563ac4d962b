import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { serializeError } from '../logger.js';
import { routeLabel } from './request-context.js';

/** The level of the request lines. */
const REQUEST_LINE_LEVEL = 'info';

/**
 * One log line per request ("request", pino-http) with its id, route, status, duration and
 * subject, never the headers (they hold tokens); the id comes from requestContext, mounted first.
 *
 * null when the logger would drop the lines (LOG_LEVEL above info): pino-http builds two child
 * loggers and listens on every response, about 40 µs of CPU per request on the machines of issue
 * 13, which is worth paying only for lines that are written.
 */
export function requestLogging(logger: Logger): RequestHandler | null {
  if (!logger.isLevelEnabled(REQUEST_LINE_LEVEL)) return null;
  const describe = (req: IncomingMessage, res: ServerResponse, durationMs: number) => {
    const request = req as Request;
    const response = res as Response;
    return {
      method: request.method,
      route: routeLabel(request, response),
      url: request.originalUrl.slice(0, 300),
      status: response.statusCode,
      durationMs,
      subject: response.locals.principal?.subject,
    };
  };
  return pinoHttp({
    logger,
    useLevel: REQUEST_LINE_LEVEL,
    // every line logged for the request carries its id; the request line adds the fields of
    // `describe`
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ method: req.method, url: req.url?.slice(0, 300) }),
      err: serializeError,
      error: serializeError,
    },
    genReqId: (_req, res) => (res as Response).locals.requestId,
    customSuccessObject: (req, res, value: { responseTime: number }) =>
      describe(req, res, value.responseTime),
    customErrorObject: (req, res, _err, value: { responseTime: number }) =>
      describe(req, res, value.responseTime),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
}
