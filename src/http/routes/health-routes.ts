import { z } from 'zod';
import type { AppServices } from '../../app-services.js';
import { withDeadline } from '../../deadline.js';
import { toError } from '../../errors.js';
import { ApiRouter } from '../api-router.js';
import { Health, Readiness } from '../contract/health.js';
import { sendProblem } from '../problem.js';

/** How long each readiness check may take. */
const READINESS_CHECK_TIMEOUT_MS = 2_000;

/** Operations: liveness, readiness and metrics (outside /v1). */
export function healthRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();
  api.get(
    '/healthz',
    {
      operationId: 'healthz',
      tag: 'operations',
      summary: 'Liveness',
      description: 'The process is up (it does not check Redis).',
      access: { kind: 'public' },
      responses: { 200: { description: 'Alive.', schema: Health } },
    },
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  api.get(
    '/readyz',
    {
      operationId: 'readyz',
      tag: 'operations',
      summary: 'Readiness',
      description:
        'Redis and the queues are reachable (each check times out after 2 s); includes queue depths and the outbox backlog.',
      access: { kind: 'public' },
      responses: { 200: { description: 'Ready.', schema: Readiness } },
      problems: { 503: ['Redis or the queues are unreachable (`NOT_READY`).'] },
    },
    async (_req, res) => {
      try {
        await withDeadline(s.redis.ping(), READINESS_CHECK_TIMEOUT_MS);
        const queues = await withDeadline(s.queues.counts(), READINESS_CHECK_TIMEOUT_MS);
        const outboxBacklog = await withDeadline(
          s.redis.xlen(s.keys.outbox()),
          READINESS_CHECK_TIMEOUT_MS,
        );
        res.json({ status: 'ready', redis: 'ok', queues, outboxBacklog });
      } catch (err) {
        sendProblem(
          res,
          503,
          'NOT_READY',
          `Redis or the queues are unreachable: ${toError(err).message}`,
        );
      }
    },
  );
  api.get(
    '/metrics',
    {
      operationId: 'metrics',
      tag: 'operations',
      summary: 'Prometheus metrics',
      description:
        "This process's metrics in the Prometheus text exposition format (each API and worker process exposes its own). Public unless LIFECYCLE_METRICS_TOKEN is set; then it needs `Authorization: Bearer <that token>` (401 otherwise).",
      access: { kind: 'public' },
      responses: {
        200: { description: 'The metrics.', media: { type: 'text/plain', schema: z.string() } },
      },
    },
    async (_req, res) => {
      res.type(s.metrics.registry.contentType).send(await s.metrics.registry.metrics());
    },
  );
  return api;
}
