import type { Subscription, SubscriptionStore } from './subscription-store.js';

/**
 * The subscriptions, kept in the process for the outbox relay's fan-out. Every create and delete
 * moves the subscriptions' version on, and every outbox entry carries the version at its commit
 * (src/store/lua/commit-event.lua): the index is current for an entry when it has loaded that
 * version or a later one, and reloads otherwise. Without a version (an entry of an earlier
 * release) it reads the version first (one small read). A delivery job still reads its
 * subscription before it POSTs, so one deleted since the reload gets nothing.
 */
export class SubscriptionIndex {
  private version: number | null = null;
  private subscriptions: Subscription[] = [];

  constructor(private readonly store: Pick<SubscriptionStore, 'version' | 'all'>) {}

  /** The subscriptions as of version `seen` or later (undefined: as of now). */
  async current(seen?: number): Promise<Subscription[]> {
    if (seen !== undefined && this.version !== null && this.version >= seen) {
      return this.subscriptions;
    }
    const version = Number(await this.store.version());
    if (version !== this.version) {
      // Read after the version: a change in between only makes a later batch reload again.
      this.subscriptions = await this.store.all();
      this.version = version;
    }
    return this.subscriptions;
  }
}
