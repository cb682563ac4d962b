import type { Config } from '../config.js';
import {
  deliveryJobOptions,
  type DeliveryJob,
  type NotificationJob,
  type PlannedJob,
} from '../jobs/job-catalog.js';
import { subscriptionMatches, type Subscription } from './subscription-store.js';

/** The exact bytes every subscriber of one notification receives (and that are signed). */
export function notificationBody(n: NotificationJob): string {
  return JSON.stringify({
    id: n.id,
    type: n.type,
    connectorId: n.connectorId,
    occurredAt: n.occurredAt,
    data: n.data,
  });
}

/**
 * One delivery job per subscription that matches the notification. Delivery job ids are
 * `<eventId>-<subscriptionId>`, so planning the same notification twice delivers nothing twice.
 */
export function deliveriesFor(
  n: NotificationJob,
  subscriptions: readonly Subscription[],
  webhooks: Config['webhooks'],
): PlannedJob[] {
  const matching = subscriptions.filter((s) => subscriptionMatches(s, n.type, n.connectorId));
  if (matching.length === 0) return [];
  const body = notificationBody(n);
  return matching.map((s) => {
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
      opts: deliveryJobOptions(webhooks, data.deliveryId),
    };
  });
}
