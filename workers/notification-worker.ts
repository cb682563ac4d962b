import type { Job } from 'bullmq';
import type { Config } from '../src/config.js';
import { notificationJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';
import type { JobQueues } from '../src/jobs/job-queues.js';
import { deliveriesFor } from '../src/notifications/notification-deliveries.js';
import type { SubscriptionStore } from '../src/notifications/subscription-store.js';

export interface NotificationWorkerDeps {
  subscriptions: SubscriptionStore;
  queues: JobQueues;
  webhooks: Config['webhooks'];
}

/**
 * Fans one notification job out into its delivery jobs. The relay fans notifications out itself
 * (no notification job per event); this drains the notification jobs an earlier version queued.
 */
export function notificationProcessor(deps: NotificationWorkerDeps) {
  return async (job: Job) => {
    const n = parseJob(notificationJob, job);
    const deliveries = deliveriesFor(n, await deps.subscriptions.all(), deps.webhooks);
    await deps.queues.add(deliveries);
    return { deliveries: deliveries.length };
  };
}
