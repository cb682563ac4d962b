import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppServices } from '../app-services.js';
import { UnsupportedMediaTypeError } from '../errors.js';
import { authenticate, requireRole } from './auth-middleware.js';
import { DOCS_CONTENT_SECURITY_POLICY, renderDocsPage } from './docs-page.js';
import { idempotency } from './idempotency.js';
import { buildOpenApiDocument } from './openapi.js';
import { QUEUE_DASHBOARD_PATH, queueDashboard } from './queue-dashboard.js';
import { rateLimit } from './rate-limit.js';
import { observeRequests } from './request-observer.js';
import { problemHandler, sendProblem } from './problem.js';
import { airbyteRoutes } from './routes/airbyte-routes.js';
import { archivalRoutes } from './routes/archival-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { connectorRoutes } from './routes/connector-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { importRoutes } from './routes/import-routes.js';
import { subscriptionRoutes } from './routes/subscription-routes.js';
import { tokenRoutes } from './routes/token-routes.js';

const BODY_LIMIT = '1mb';
const USAGE_BODY_LIMIT = '8mb';
/** 1,000 metadata.yaml documents and more (SPEC §11). */
const IMPORT_BODY_LIMIT = '16mb';

function hasBody(req: Request): boolean {
  return req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
}

/** The HTTP API (SPEC §4). */
export function createApp(s: AppServices): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    res.locals.requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', res.locals.requestId);
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('X-Frame-Options', 'DENY');
    res.set('Referrer-Policy', 'no-referrer');
    res.set('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  });

  app.use(observeRequests(s.logger, s.metrics));
  app.use(healthRoutes(s));
  const apiReference = buildOpenApiDocument();
  const docsHtml = renderDocsPage(apiReference);
  app.get('/openapi.json', (_req: Request, res: Response) => {
    res.json(apiReference);
  });
  app.get('/docs', (_req: Request, res: Response) => {
    res.type('html').set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY).send(docsHtml);
  });
  app.get('/metrics', async (_req: Request, res: Response) => {
    res.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
  });
  app.use(
    QUEUE_DASHBOARD_PATH,
    authenticate(s.tokens),
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
  // Usage batches of 10,000 entries are larger than 1 MB; every other body is limited to 1 MB.
  const keepRaw = (_req: Request, res: Response, buf: Buffer) => {
    res.locals.rawBody = buf;
  };
  app.use(
    '/v1/usage',
    express.json({ limit: USAGE_BODY_LIMIT, strict: false, type: jsonTypes, verify: keepRaw }),
  );
  app.use(
    '/v1/imports',
    express.json({ limit: IMPORT_BODY_LIMIT, strict: false, type: jsonTypes, verify: keepRaw }),
  );
  app.use(express.json({ limit: BODY_LIMIT, strict: false, type: jsonTypes, verify: keepRaw }));

  const v1 = express.Router();
  v1.use(authenticate(s.tokens));
  v1.use(rateLimit(s.redis, s.keys, s.config.rateLimitPerMinute));
  v1.use(idempotency(s.redis, s.keys));
  v1.use(catalogRoutes(s));
  v1.use(tokenRoutes(s));
  v1.use(connectorRoutes(s));
  v1.use(subscriptionRoutes(s));
  v1.use(archivalRoutes(s));
  v1.use(importRoutes(s));
  v1.use(airbyteRoutes(s));
  app.use('/v1', v1);

  app.use((req: Request, res: Response) => {
    sendProblem(res, 404, 'NOT_FOUND', `No route for ${req.method} ${req.path}.`);
  });
  app.use(problemHandler(s.logger));
  return app;
}
