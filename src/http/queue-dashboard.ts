import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Router } from 'express';
import type { JobQueues } from '../jobs/job-queues.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** The BullMQ dashboard (bull-board); mounted behind the admin role. */
export function queueDashboard(queues: JobQueues): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(queues.queues).map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter,
  });
  return serverAdapter.getRouter() as Router;
}
