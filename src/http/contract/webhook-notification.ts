import type { z } from 'zod';
import { notificationJob } from '../../jobs/job-catalog.js';

/** The JSON body of a webhook delivery (SPEC §5). */

export const WebhookNotification = notificationJob
  .pick({ id: true, type: true, connectorId: true, occurredAt: true, data: true })
  .meta({
    id: 'WebhookNotification',
    description:
      'The JSON body of a webhook delivery. `id` is stable across retries: drop duplicates by it.',
  });
export type WebhookNotification = z.infer<typeof WebhookNotification>;
