import { Router } from 'express';
import type { AppServices } from '../../app-services.js';
import { toError } from '../../errors.js';
import { sendProblem } from '../problem.js';

export function healthRoutes(s: AppServices): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const withTimeout = <T>(p: Promise<T>) =>
      Promise.race([
        p,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref(),
        ),
      ]);
    try {
      await withTimeout(s.redis.ping());
      const queues = await withTimeout(s.queues.counts());
      const outboxBacklog = await withTimeout(s.redis.xlen(s.keys.outbox()));
      res.json({ status: 'ready', redis: 'ok', queues, outboxBacklog });
    } catch (err) {
      sendProblem(
        res,
        503,
        'NOT_READY',
        `Redis or the queues are unreachable: ${toError(err).message}`,
      );
    }
  });
  return router;
}
