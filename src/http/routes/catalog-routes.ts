import { Router, type Request, type Response } from 'express';
import type { AppServices } from '../../app-services.js';
import { describeMachine } from '../../../machines/connector-lifecycle.js';
import { API_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../../machines/connector-events.js';
import { toRegistry, type Registry } from '../../airbyte/registry-export.js';
import { exportSourceOfEntry } from '../../catalog/catalog-entry.js';
import { etagMatches } from '../connector-view.js';

function notModified(req: Request, res: Response, etag: string): boolean {
  res.set('ETag', etag).set('Cache-Control', 'public, max-age=0, must-revalidate');
  if (etagMatches(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return true;
  }
  return false;
}

/** Public routes: the catalog and the machine definition. */
export function catalogRoutes(s: AppServices): Router {
  const router = Router();

  router.get('/catalog', async (req, res) => {
    const doc = await s.catalog.document();
    if (notModified(req, res, `"catalog-${doc.catalogVersion}"`)) return;
    // The support policy of each level rides along (SPEC §11).
    res.json({ ...doc, supportLevels: s.config.supportLevels });
  });

  let registry: { version: number; body: Registry } | null = null;
  router.get('/catalog/registry.json', async (req, res) => {
    const doc = await s.catalog.document();
    if (notModified(req, res, `"registry-${doc.catalogVersion}"`)) return;
    if (registry?.version !== doc.catalogVersion) {
      const body = toRegistry(doc.connectors.map(exportSourceOfEntry), s.config.airbyte);
      registry = { version: doc.catalogVersion, body };
    }
    res.json(registry.body);
  });

  const machine = {
    ...describeMachine(s.lifecycle),
    events: API_EVENT_TYPES,
    internalEvents: INTERNAL_EVENT_TYPES,
  };
  router.get('/machine', (_req, res) => {
    res.json(machine);
  });

  return router;
}
