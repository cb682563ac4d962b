import { Router } from 'express';
import type { AppServices } from '../../app-services.js';
import { principalOf, requireRole } from '../auth-middleware.js';
import { withholdFromReplay } from '../idempotency.js';
import { tokenBody } from '../schemas.js';
import { parseInput } from '../validate.js';

export function tokenRoutes(s: AppServices): Router {
  const router = Router();
  router.post('/tokens', requireRole('admin'), async (req, res) => {
    const body = parseInput(tokenBody, req.body);
    const created = await s.tokens.create(body.subject, body.role, principalOf(res).subject);
    // The token is shown once: never kept for an idempotent replay (SPEC §10).
    withholdFromReplay(res, { tokenId: created.id });
    res.status(201).set('Cache-Control', 'no-store').json(created);
  });
  router.delete('/tokens/:id', requireRole('admin'), async (req, res) => {
    await s.tokens.revoke(req.params.id as string);
    res.status(204).end();
  });
  return router;
}
