import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NotificationType } from '../../machines/notification-types.js';
import type { Keys } from '../store/keys.js';

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

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead_lettered';

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

const MAX_ATTEMPTS_KEPT = 1000;

/** Subscriptions in one hash (few, read by every notification) and their delivery logs. */
export class SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async create(input: Omit<Subscription, 'id' | 'createdAt'>): Promise<Subscription> {
    const subscription: Subscription = {
      ...input,
      id: randomUUID(),
      createdAt: new Date().toISOString(),
    };
    await this.redis.hset(this.keys.subscriptions(), subscription.id, JSON.stringify(subscription));
    return subscription;
  }

  async get(id: string): Promise<Subscription | null> {
    const raw = await this.redis.hget(this.keys.subscriptions(), id);
    return raw ? (JSON.parse(raw) as Subscription) : null;
  }

  async remove(id: string): Promise<void> {
    await this.redis.hdel(this.keys.subscriptions(), id);
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

  async recordAttempt(subscriptionId: string, attempt: DeliveryAttempt): Promise<void> {
    const key = this.keys.deliveries(subscriptionId);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify(attempt))
      .ltrim(key, -MAX_ATTEMPTS_KEPT, -1)
      .exec();
  }

  async attempts(subscriptionId: string): Promise<DeliveryAttempt[]> {
    const raw = await this.redis.lrange(this.keys.deliveries(subscriptionId), 0, -1);
    return raw.map((r) => JSON.parse(r) as DeliveryAttempt);
  }
}
