import { Router } from 'express';
import type { AppServices } from '../../app-services.js';
import type { WhoAmI } from '../../auth/roles.js';
import { principalOf, requireRole } from '../auth-middleware.js';
import { tokenBody } from '../schemas.js';
import { parseInput } from '../validate.js';

export function tokenRoutes(s: AppServices): Router {
  const router = Router();
  router.post('/tokens', requireRole('admin'), async (req, res) => {
    const body = parseInput(tokenBody, req.body);
    const created = await s.tokens.create(body.subject, body.role, principalOf(res).subject);
    res.status(201).set('Cache-Control', 'no-store').json(created);
  });
  // Who the caller's token speaks for, so that a client (the dashboard) shows what it may do.
  router.get('/whoami', requireRole('reader'), (_req, res) => {
    const { subject, role } = principalOf(res);
    res.set('Cache-Control', 'no-store').json({ subject, role } satisfies WhoAmI);
  });
  router.delete('/tokens/:id', requireRole('admin'), async (req, res) => {
    await s.tokens.revoke(req.params.id as string);
    res.status(204).end();
  });
  return router;
}
