import { Router } from 'express';
import type { z } from 'zod';
import type { ApiEventInput } from '../../lifecycle/lifecycle-service.js';
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../errors.js';
import type { AppServices } from '../../app-services.js';
import { principalOf, requireRole } from '../auth-middleware.js';
import { connectorEtag, connectorView, etagMatches, parseIfMatch } from '../connector-view.js';
import { eventBodies, eventType, listConnectorsQuery, registrationBody } from '../schemas.js';
import { parseInput } from '../validate.js';

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z0-9-]{1,200}$/.test(id)) {
    throw new ValidationError('Invalid query: cursor: not a cursor returned by this API', {
      errors: [{ path: 'query.cursor', message: 'not a cursor returned by this API' }],
    });
  }
  return id;
}

export function connectorRoutes(s: AppServices): Router {
  const router = Router();
  const view = (c: Parameters<typeof connectorView>[0]) => connectorView(c, s.lifecycle);

  router.post('/connectors', requireRole('contributor'), async (req, res) => {
    const body = parseInput(registrationBody, req.body);
    const connector = await s.service.register(body, principalOf(res), res.locals.requestId);
    res
      .status(201)
      .location(`/v1/connectors/${connector.context.id}`)
      .set('ETag', connectorEtag(connector))
      .json(view(connector));
  });

  router.get('/connectors', requireRole('reader'), async (req, res) => {
    const query = parseInput(listConnectorsQuery, req.query, 'query');
    const page = await s.store.list(
      query,
      query.limit,
      query.cursor ? decodeCursor(query.cursor) : null,
    );
    res.json({
      items: page.items.map(view),
      nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
    });
  });

  router.get('/connectors/:id', requireRole('reader'), async (req, res) => {
    const connector = await s.store.require(req.params.id as string);
    const etag = connectorEtag(connector);
    res.set('ETag', etag);
    if (etagMatches(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.json(view(connector));
  });

  router.post('/connectors/:id/events', requireRole('reader'), async (req, res) => {
    const id = req.params.id as string;
    const { type } = parseInput(eventType, req.body);
    // 404 and 403 before the payload is examined: callers who may not send it learn nothing more.
    const current = await s.store.require(id);
    s.service.authorize(current, type, principalOf(res));
    const payload: ApiEventInput = parseInput<z.ZodType<ApiEventInput>>(
      eventBodies[type],
      req.body,
    );
    const ifMatch = parseIfMatch(req.get('if-match'));
    if (ifMatch !== undefined && Number.isNaN(ifMatch)) {
      throw new PreconditionFailedError(
        `If-Match must be an ETag of this connector (e.g. "v${current.version}").`,
        { currentVersion: current.version },
      );
    }
    const result = await s.service.sendTo(current, payload, principalOf(res), {
      ...(ifMatch !== undefined ? { ifMatchVersion: ifMatch } : {}),
      requestId: res.locals.requestId,
    });
    res
      .status(result.gateStarted ? 202 : 200)
      .set('ETag', connectorEtag(result.connector))
      .json(view(result.connector));
  });

  router.get('/connectors/:id/history', requireRole('reader'), async (req, res) => {
    const id = req.params.id as string;
    if (!(await s.store.get(id))) throw new NotFoundError(`No connector with id "${id}".`, { id });
    res.json({ items: await s.store.history(id) });
  });

  router.get('/connectors/:id/acceptance-runs', requireRole('reader'), async (req, res) => {
    const id = req.params.id as string;
    if (!(await s.store.get(id))) throw new NotFoundError(`No connector with id "${id}".`, { id });
    res.json({ items: await s.store.runs(id) });
  });

  return router;
}
