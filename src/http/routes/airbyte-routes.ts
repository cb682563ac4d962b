import { Router } from 'express';
import { airbyteSchemas } from '../../airbyte/airbyte-schemas.js';
import { exportSourceOf } from '../../airbyte/export-source.js';
import { metadataYaml } from '../../airbyte/metadata-export.js';
import type { AppServices } from '../../app-services.js';
import { requireRole } from '../auth-middleware.js';
import { connectorEtag, etagMatches } from '../connector-view.js';

/** Airbyte interoperability reads (SPEC §11): a connector's metadata.yaml, the support levels. */
export function airbyteRoutes(s: AppServices): Router {
  const router = Router();
  // Airbyte's schemas are compiled once, now, rather than on the first import.
  airbyteSchemas();

  router.get('/connectors/:id/metadata.yaml', requireRole('reader'), async (req, res) => {
    const connector = await s.store.require(req.params.id as string);
    const etag = connectorEtag(connector);
    res.set('ETag', etag);
    if (etagMatches(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/yaml').send(metadataYaml(exportSourceOf(connector), s.config.airbyte));
  });

  router.get('/support-levels', (_req, res) => {
    res.json({ items: s.config.supportLevels });
  });

  return router;
}
