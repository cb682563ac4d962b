import { Router } from 'express';
import { importBody } from '../../airbyte/import-body.js';
import { ImportService } from '../../airbyte/import-service.js';
import type { AppServices } from '../../app-services.js';
import { principalOf, requireRole } from '../auth-middleware.js';
import { parseInput } from '../validate.js';

/** POST /v1/imports (SPEC §11): Airbyte metadata.yaml documents and registries (admin). */
export function importRoutes(s: AppServices): Router {
  const router = Router();
  const imports = new ImportService({
    store: s.store,
    service: s.service,
    lifecycle: s.lifecycle,
    options: s.config.airbyte,
  });

  router.post('/imports', requireRole('admin'), async (req, res) => {
    const body = parseInput(importBody, req.body);
    const report = await imports.run(body, principalOf(res), res.locals.requestId);
    res.json(report);
  });

  return router;
}
