import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../../machines/notification-types.js';
import { listOf, orNull, timestamp, url } from './fields.js';

/** Webhook subscriptions (SPEC §5). */

export const Subscription = z
  .object({
    id: z.string(),
    owner: z.string(),
    url,
    events: orNull(z.array(z.enum(NOTIFICATION_TYPES))),
    connectorIds: orNull(z.array(z.string())),
    createdAt: timestamp,
  })
  .meta({
    id: 'Subscription',
    description:
      'A webhook subscription; the secret is never returned. `events` and `connectorIds` are `null` when the subscription matches every event type or every connector.',
  });
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionList = listOf(Subscription).meta({
  id: 'SubscriptionList',
  description: "The caller's subscriptions.",
});
export type SubscriptionList = z.infer<typeof SubscriptionList>;
