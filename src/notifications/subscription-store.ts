import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NotificationType } from '../../machines/notification-types.js';
import { PolicyViolationError } from '../errors.js';
import type { Keys } from '../store/keys.js';
import {
  CREATE_SUBSCRIPTION,
  RECORD_DELIVERY_ATTEMPT,
  REMOVE_SUBSCRIPTION,
} from './subscription-scripts.js';

/** A webhook subscription. The secret signs deliveries and is never returned by the API. */
export interface Subscription {
  id: string;
  owner: string;
  url: string;
  secret: string;
  /** null: every event type */
  events: NotificationType[] | null;
  /** null: every connector */
  connectorIds: string[] | null;
  createdAt: string;
}

export type PublicSubscription = Omit<Subscription, 'secret'>;

export function publicSubscription(s: Subscription): PublicSubscription {
  return {
    id: s.id,
    owner: s.owner,
    url: s.url,
    events: s.events,
    connectorIds: s.connectorIds,
    createdAt: s.createdAt,
  };
}

export function subscriptionMatches(
  s: Pick<Subscription, 'events' | 'connectorIds'>,
  type: string,
  connectorId: string,
): boolean {
  return (
    (s.events === null || (s.events as string[]).includes(type)) &&
    (s.connectorIds === null || s.connectorIds.includes(connectorId))
  );
}

/** `blocked`: the target address was not allowed (SPEC §5); such an attempt is not retried. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead_lettered' | 'blocked';

/** One delivery attempt, as GET /v1/subscriptions/:id/deliveries shows it. */
export interface DeliveryAttempt {
  deliveryId: string;
  eventId: string;
  eventType: string;
  connectorId: string;
  attempt: number;
  maxAttempts: number;
  at: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  outcome: DeliveryOutcome;
  nextRetryAt: string | null;
}

/** A delivery log keeps the newest attempts only. */
export const MAX_ATTEMPTS_KEPT = 1000;

/** Subscriptions in one hash (few, read by every notification) and their delivery logs. */
export class SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    /** LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT */
    private readonly maxPerOwner: number,
  ) {}

  /** Creates a subscription; 422 `SUBSCRIPTION_LIMIT` when its owner already holds the maximum. */
  async create(input: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription> {
    const subscription: Subscription = {
      ...input,
      id: randomUUID(),
      createdAt: new Date().toISOString(),
    };
    const limit = this.maxPerOwner;
    const [created] = (await CREATE_SUBSCRIPTION.run(
      this.redis,
      [this.keys.subscriptions(), this.keys.subscriptionsVersion()],
      [
        subscription.owner,
        limit,
        subscription.id,
        JSON.stringify(subscription),
        this.keys.subscriptionsChanged(),
      ],
    )) as [number, number];
    if (created !== 1) {
      throw new PolicyViolationError(
        'SUBSCRIPTION_LIMIT',
        `A subject holds at most ${limit} subscriptions; delete one to add another.`,
        { limit },
      );
    }
    return subscription;
  }

  async get(id: string): Promise<Subscription | null> {
    const raw = await this.redis.hget(this.keys.subscriptions(), id);
    return raw ? (JSON.parse(raw) as Subscription) : null;
  }

  /**
   * Removes the subscription and its delivery log together, and tells the processes' indexes
   * (SubscriptionIndex) at once; later attempts find it gone.
   */
  async remove(id: string): Promise<void> {
    await REMOVE_SUBSCRIPTION.run(
      this.redis,
      [this.keys.subscriptions(), this.keys.deliveries(id), this.keys.subscriptionsVersion()],
      [id, this.keys.subscriptionsChanged()],
    );
  }

  /** Moves on with every create and delete (SubscriptionIndex reloads then). */
  async version(): Promise<string> {
    return (await this.redis.get(this.keys.subscriptionsVersion())) ?? '0';
  }

  async all(): Promise<Subscription[]> {
    const raw = await this.redis.hvals(this.keys.subscriptions());
    return raw
      .map((r) => JSON.parse(r) as Subscription)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async ownedBy(owner: string): Promise<Subscription[]> {
    return (await this.all()).filter((s) => s.owner === owner);
  }

  /** Appends to the delivery log (the newest MAX_ATTEMPTS_KEPT kept) while the subscription exists. */
  async recordAttempt(subscriptionId: string, attempt: DeliveryAttempt): Promise<void> {
    await RECORD_DELIVERY_ATTEMPT.run(
      this.redis,
      [this.keys.subscriptions(), this.keys.deliveries(subscriptionId)],
      [subscriptionId, JSON.stringify(attempt), MAX_ATTEMPTS_KEPT],
    );
  }

  async attempts(subscriptionId: string): Promise<DeliveryAttempt[]> {
    const raw = await this.redis.lrange(this.keys.deliveries(subscriptionId), 0, -1);
    return raw.map((r) => JSON.parse(r) as DeliveryAttempt);
  }
}
