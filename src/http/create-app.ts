import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppServices } from '../app-services.js';
import { UnsupportedMediaTypeError } from '../errors.js';
import { AuthFailureLimit, refuseLockedOutClients } from './auth-failure-limit.js';
import { admission } from './admission.js';
import { authenticate, requireBearer, requireRole } from './auth-middleware.js';
import { BODY_LIMIT_OVERRIDES, DEFAULT_BODY_LIMIT } from './body-limits.js';
import { DASHBOARD_PATH, dashboard } from './dashboard.js';
import { idempotency } from './idempotency.js';
import { ApiReference } from './openapi.js';
import { QUEUE_DASHBOARD_PATH, queueDashboard } from './queue-dashboard.js';
import { requestContext } from './request-context.js';
import { requestLogging } from './request-logging.js';
import { securityHeaders } from './security-headers.js';
import { problemHandler, sendProblem } from './problem.js';
import { airbyteRoutes } from './routes/airbyte-routes.js';
import { archivalRoutes } from './routes/archival-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { connectorRoutes } from './routes/connector-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { referenceRoutes } from './routes/reference-routes.js';
import { subscriptionRoutes } from './routes/subscription-routes.js';
import { tokenRoutes } from './routes/token-routes.js';

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

/** The HTTP API (SPEC §4). */
export function createApp(s: AppServices): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Which proxies' X-Forwarded-For to believe for req.ip (LIFECYCLE_TRUST_PROXY, SPEC §10).
  app.set('trust proxy', s.config.trustProxy);
  // Both limits count in windows of the service's clock (SPEC §10).
  const now = () => s.clock().getTime();
  const authFailures = new AuthFailureLimit(s.redis, s.keys, s.config.authFailuresPerMinute, now);

  app.use(requestContext(s.metrics));
  const logging = requestLogging(s.logger);
  if (logging) app.use(logging);
  app.use(securityHeaders());
  app.use(refuseLockedOutClients(authFailures));
  // SPEC §10: /metrics needs LIFECYCLE_METRICS_TOKEN when it is set.
  if (s.config.metricsToken)
    app.use('/metrics', requireBearer(s.config.metricsToken, authFailures));
  // Every route is mounted through the reference, which documents it (GET /openapi.json, /docs).
  const reference = new ApiReference();
  reference.mount(app.router, '', healthRoutes(s), referenceRoutes(reference));
  // The maintainers' dashboard (SPEC §13): static files, every asset served here.
  app.use(DASHBOARD_PATH, dashboard());
  app.use(
    QUEUE_DASHBOARD_PATH,
    authenticate(s.tokens, authFailures),
    (_req: Request, res: Response, next: NextFunction) => {
      // Browsers get a login prompt: the admin token is the password.
      if (!res.locals.principal) res.set('WWW-Authenticate', 'Basic realm="connector-lifecycle"');
      next();
    },
    requireRole('admin'),
    queueDashboard(s.queues),
  );

  // JSON only: a body of another type is refused before it is read.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (hasBody(req) && !req.is(['application/json', 'application/*+json'])) {
      throw new UnsupportedMediaTypeError('Send the request body as application/json.');
    }
    next();
  });
  const jsonTypes = ['application/json', 'application/*+json'];
  // Body limits: ./body-limits.ts (a path with its own limit first; a parsed body is not re-read).
  const keepRaw = (_req: Request, res: Response, buf: Buffer) => {
    res.locals.rawBody = buf;
  };
  for (const [path, limit] of Object.entries(BODY_LIMIT_OVERRIDES)) {
    app.use(path, express.json({ limit, strict: false, type: jsonTypes, verify: keepRaw }));
  }
  app.use(
    express.json({ limit: DEFAULT_BODY_LIMIT, strict: false, type: jsonTypes, verify: keepRaw }),
  );

  const v1 = express.Router();
  v1.use(authenticate(s.tokens, authFailures, { cached: true }));
  v1.use(
    admission(s.admissionRedis, s.keys, s.tokens, authFailures, {
      perMinute: s.config.rateLimitPerMinute,
      now,
    }),
  );
  v1.use(idempotency(s.redis, s.keys));
  // The routes of /v1 go on its router itself: one router less to enter per request.
  reference.mount(
    v1,
    '/v1',
    catalogRoutes(s),
    tokenRoutes(s),
    connectorRoutes(s),
    subscriptionRoutes(s),
    archivalRoutes(s),
    importRoutes(s),
    airbyteRoutes(s),
  );
  app.use('/v1', v1);

  app.use((req: Request, res: Response) => {
    sendProblem(res, 404, 'NOT_FOUND', `No route for ${req.method} ${req.path}.`);
  });
  app.use(problemHandler(s.logger));
  return app;
}
