import type { Job } from 'bullmq';
import type { Config } from '../src/config.js';
import { deliveryJobOptions, notificationJob, type DeliveryJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';
import type { JobQueues } from '../src/jobs/job-queues.js';
import {
  subscriptionMatches,
  type SubscriptionStore,
} from '../src/notifications/subscription-store.js';

export interface NotificationWorkerDeps {
  subscriptions: SubscriptionStore;
  queues: JobQueues;
  webhooks: Config['webhooks'];
}

/**
 * Fans one notification out into one delivery job per matching subscription. Delivery job ids are
 * `<eventId>-<subscriptionId>`, so running this twice delivers nothing twice.
 */
export function notificationProcessor(deps: NotificationWorkerDeps) {
  return async (job: Job) => {
    const n = parseJob(notificationJob, job);
    const body = JSON.stringify({
      id: n.id,
      type: n.type,
      connectorId: n.connectorId,
      occurredAt: n.occurredAt,
      data: n.data,
    });
    const matching = (await deps.subscriptions.all()).filter((s) =>
      subscriptionMatches(s, n.type, n.connectorId),
    );
    await deps.queues.add(
      matching.map((s) => {
        const data: DeliveryJob = {
          deliveryId: `${n.id}-${s.id}`,
          subscriptionId: s.id,
          eventId: n.id,
          type: n.type,
          connectorId: n.connectorId,
          body,
        };
        return {
          queue: 'deliveries' as const,
          name: n.type,
          data,
          opts: deliveryJobOptions(deps.webhooks, data.deliveryId),
        };
      }),
    );
    return { deliveries: matching.length };
  };
}
