import type { Redis } from 'ioredis';
import type { NotificationAudience } from '../store/commit-call.js';
import {
  subscriptionMatches,
  type Subscription,
  type SubscriptionStore,
} from './subscription-store.js';

export interface SubscriptionIndexOptions {
  /**
   * While watching, the index trusts what it holds for at most this long without checking the
   * version (a bound on a change notice lost with a broken connection).
   */
  maxAgeMs?: number;
  /** the clock of that bound (ms) */
  now?: () => number;
}

/** A watched index trusts what it holds for at most this long without checking the version. */
export const SUBSCRIPTION_INDEX_MAX_AGE_MS = 1_000;

/**
 * The subscriptions, kept in the process: the outbox relay's fan-out and the deliveries' first
 * attempts read them here instead of in Redis.
 *
 * Every create and delete moves the subscriptions' version on, and every outbox entry carries the
 * version at its commit (src/store/lua/commit-event.lua): for the fan-out, the index is current
 * for an entry when it has loaded that version or a later one, and reloads otherwise. Without a
 * version (an entry of an earlier release) it reads the version first (one small read).
 *
 * A delivery must not reach a subscription deleted before it starts. Once `watch` has subscribed
 * to the channel every create and delete publishes on (in the same step as the change), a notice
 * marks the index stale and the next lookup reloads; a lookup trusts the index otherwise, for at
 * most `maxAgeMs` (a notice lost with a broken connection is caught then). Until it watches, or
 * while its connection is down, every lookup checks the version first.
 */
export class SubscriptionIndex implements NotificationAudience {
  private version: number | null = null;
  private subscriptions: Subscription[] = [];
  private byId = new Map<string, Subscription>();
  /** subscribed to the change notices, on a connection that is up */
  private watching = false;
  /** notices received (a reconnect counts as one); the index is stale until a check covers them */
  private notices = 1;
  private noticesChecked = 0;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** the check in flight, and the notices it covers */
  private checking: { done: Promise<void>; notices: number } | null = null;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<SubscriptionStore, 'version' | 'all'>,
    options: SubscriptionIndexOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? SUBSCRIPTION_INDEX_MAX_AGE_MS;
    this.now = options.now ?? (() => performance.now());
  }

  /** The subscriptions as of version `seen` or later (undefined: as of now). */
  async current(seen?: number): Promise<Subscription[]> {
    if (seen !== undefined && this.version !== null && this.version >= seen) {
      return this.subscriptions;
    }
    await this.check();
    return this.subscriptions;
  }

  /**
   * The version of the subscriptions held when none of them wants a notification of `type` about
   * `connectorId`; null when one does, or before the first load. It answers from what it holds,
   * at once: a commit leaves such a notification out of its outbox only if the subscriptions'
   * version is still this one in the commit's own step (src/store/lua/commit-event.lua), so an
   * index that is behind costs a notification hop, never a notification. An index with notices
   * not yet checked, or not checked for `maxAgeMs`, checks the version in the background.
   */
  unmatchedAt(type: string, connectorId: string): number | null {
    if (this.notices !== this.noticesChecked || this.now() - this.checkedAt > this.maxAgeMs) {
      this.check().catch(() => undefined);
    }
    if (this.version === null) return null;
    return this.subscriptions.some((s) => subscriptionMatches(s, type, connectorId))
      ? null
      : this.version;
  }

  /**
   * The subscription `id` as it is now, or null when it does not exist (deleted): from the index
   * while it watches and has had no notice since its last check, else after checking the version.
   */
  async get(id: string): Promise<Subscription | null> {
    if (
      !this.watching ||
      this.notices !== this.noticesChecked ||
      this.now() - this.checkedAt > this.maxAgeMs
    ) {
      await this.check();
    }
    return this.byId.get(id) ?? null;
  }

  /**
   * Subscribes `subscriber` (a connection of its own, in subscriber mode from then on) to the
   * change notices on `channel`; resolves true once subscribed, or false when Redis refuses the
   * subscription (an ACL without the channel: NOPERM), and the index then checks the version on
   * every lookup, as before it watched. The connection's owner closes it.
   */
  async watch(subscriber: Redis, channel: string): Promise<boolean> {
    subscriber.on('message', (from: string) => {
      if (from === channel) this.notices += 1;
    });
    // Notices sent while the connection is down are lost: check the version until it is back.
    subscriber.on('close', () => {
      this.watching = false;
    });
    const subscribed = async () => {
      await subscriber.subscribe(channel);
      // whatever changed before the subscription took hold is found by the check this forces
      this.notices += 1;
      this.watching = true;
    };
    try {
      await subscribed();
    } catch (err) {
      if (isPermissionRefusal(err)) return false;
      throw err;
    }
    // After a reconnect, trusted again only once subscribed again (confirmed by Redis); until then,
    // or if that fails, every lookup checks the version.
    subscriber.on('ready', () => {
      subscribed().catch(() => undefined);
    });
    return true;
  }

  /**
   * Reads the version and, when it moved, every subscription. Lookups share a check in flight
   * when it began after every notice they know of; otherwise they wait for it and check again.
   */
  private async check(): Promise<void> {
    for (;;) {
      const inFlight = this.checking;
      if (!inFlight) break;
      if (inFlight.notices === this.notices) return inFlight.done;
      await inFlight.done.catch(() => undefined);
    }
    const notices = this.notices;
    const checkedAt = this.now();
    const done = (async () => {
      try {
        const version = Number(await this.store.version());
        if (version !== this.version) {
          // Read after the version: a change in between only makes a later check reload again.
          const subscriptions = await this.store.all();
          this.subscriptions = subscriptions;
          this.byId = new Map(subscriptions.map((s) => [s.id, s]));
          this.version = version;
        }
        this.noticesChecked = notices;
        this.checkedAt = checkedAt;
      } finally {
        this.checking = null;
      }
    })();
    this.checking = { done, notices };
    return done;
  }
}

/** Redis's answer to a command or channel its ACL does not allow the connection's user. */
function isPermissionRefusal(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOPERM');
}
