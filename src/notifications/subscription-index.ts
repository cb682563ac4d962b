import type { Subscription, SubscriptionStore } from './subscription-store.js';

/**
 * The subscriptions, kept in the process for the outbox relay's fan-out: one small read per batch
 * (the subscriptions' version, which every create and delete moves on) and a reload only when it
 * moved. A delivery job still reads its subscription before it POSTs, so one deleted since the
 * reload gets nothing.
 */
export class SubscriptionIndex {
  private version: string | null = null;
  private subscriptions: Subscription[] = [];

  constructor(private readonly store: Pick<SubscriptionStore, 'version' | 'all'>) {}

  async current(): Promise<Subscription[]> {
    const version = await this.store.version();
    if (version !== this.version) {
      // Read after the version: a change in between only makes the next batch reload again.
      this.subscriptions = await this.store.all();
      this.version = version;
    }
    return this.subscriptions;
  }
}
