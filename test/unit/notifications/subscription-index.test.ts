import { describe, expect, it } from 'vitest';
import { SubscriptionIndex } from '../../../src/notifications/subscription-index.js';
import type { Subscription } from '../../../src/notifications/subscription-store.js';

/** A subscription store in memory: its version moves on with every change, as in Redis. */
class Subscriptions {
  version = 0;
  reads = 0;
  versionReads = 0;
  list: Subscription[] = [];
  add(id: string) {
    this.list.push({ id } as Subscription);
    this.version += 1;
  }
  all() {
    this.reads += 1;
    return Promise.resolve([...this.list]);
  }
  versionNow() {
    this.versionReads += 1;
    return Promise.resolve(String(this.version));
  }
}

function indexOf(store: Subscriptions) {
  return new SubscriptionIndex({ all: () => store.all(), version: () => store.versionNow() });
}

describe('SubscriptionIndex', () => {
  it('reloads only when an entry was committed under a version it has not loaded', async () => {
    const store = new Subscriptions();
    store.add('s1');
    const index = indexOf(store);
    expect((await index.current(1)).map((s) => s.id)).toEqual(['s1']);
    expect(store.reads).toBe(1);
    // Entries committed under version 1 again: no read at all.
    await index.current(1);
    await index.current(0);
    expect([store.reads, store.versionReads]).toEqual([1, 1]);
    // A subscription created after those commits is not owed their events...
    store.add('s2');
    expect((await index.current(1)).map((s) => s.id)).toEqual(['s1']);
    // ...but an entry committed under the new version gets the new list.
    expect((await index.current(2)).map((s) => s.id)).toEqual(['s1', 's2']);
    expect(store.reads).toBe(2);
  });

  it('reads the version first when an entry does not say (an earlier release wrote it)', async () => {
    const store = new Subscriptions();
    store.add('s1');
    const index = indexOf(store);
    await index.current(undefined);
    await index.current(undefined);
    expect([store.reads, store.versionReads]).toEqual([1, 2]);
    store.add('s2');
    expect((await index.current(undefined)).map((s) => s.id)).toEqual(['s1', 's2']);
  });
});
