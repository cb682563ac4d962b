import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../../machines/notification-types.js';
import { listOf, orNull, timestamp } from './fields.js';

/** Webhook delivery attempts (SPEC §5). */

export const DeliveryAttempt = z
  .object({
    deliveryId: z.string(),
    eventId: z.string(),
    eventType: z
      .string()
      .meta({ description: `The notification type: ${NOTIFICATION_TYPES.join(', ')}.` }),
    connectorId: z.string(),
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    at: timestamp,
    durationMs: z.number(),
    statusCode: orNull(z.number().int()),
    error: orNull(z.string()),
    outcome: z.enum(['delivered', 'retrying', 'dead_lettered', 'blocked']),
    nextRetryAt: orNull(timestamp),
  })
  .meta({
    id: 'DeliveryAttempt',
    description:
      'One attempt to deliver a notification; `dead_lettered` after the last attempt failed; `blocked` when the target address is not allowed (not retried; `error` says `target address not allowed`, nothing more).',
  });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const DeliveryAttemptList = listOf(DeliveryAttempt).meta({
  id: 'DeliveryAttemptList',
  description: 'Delivery attempts of a subscription, oldest first (the latest 1,000 are kept).',
});
export type DeliveryAttemptList = z.infer<typeof DeliveryAttemptList>;
