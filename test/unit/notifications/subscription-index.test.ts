import { describe, expect, it } from 'vitest';
import { SubscriptionIndex } from '../../../src/notifications/subscription-index.js';
import type { Subscription } from '../../../src/notifications/subscription-store.js';

/** A subscription store in memory: its version moves on with every change, as in Redis. */
class Subscriptions {
  version = 0;
  reads = 0;
  versionReads = 0;
  list: Subscription[] = [];
  add(id: string, events: string[] | null = null, connectorIds: string[] | null = null) {
    this.list.push({ id, events, connectorIds } as Subscription);
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

  it('tells, from what it holds, the version as of which no subscription wants a notification, and checks in the background when due', async () => {
    const store = new Subscriptions();
    store.add('s1', ['connector.archived']);
    let now = 0;
    const index = new SubscriptionIndex(
      { all: () => store.all(), version: () => store.versionNow() },
      { maxAgeMs: 1_000, now: () => now },
    );
    // Nothing loaded yet: it cannot tell, and starts a check.
    expect(index.unmatchedAt('connector.released', 'source-a')).toBeNull();
    await index.get('s1');
    expect([store.reads, store.versionReads]).toEqual([1, 1]);
    expect(index.unmatchedAt('connector.released', 'source-a')).toBe(1);
    expect(index.unmatchedAt('connector.archived', 'source-a')).toBeNull();
    // A subscription to source-b it has not heard of: until a check is due it answers from what it
    // holds (the commit finds the version moved), without a read.
    store.add('s2', null, ['source-b']);
    now = 1_000;
    expect(index.unmatchedAt('connector.released', 'source-b')).toBe(1);
    expect(store.versionReads).toBe(1);
    // Due: it still answers at once, and checks in the background.
    now = 1_001;
    expect(index.unmatchedAt('connector.released', 'source-b')).toBe(1);
    await index.get('s2');
    expect([store.reads, store.versionReads]).toEqual([2, 2]);
    expect(index.unmatchedAt('connector.released', 'source-b')).toBeNull();
    expect(index.unmatchedAt('connector.released', 'source-a')).toBe(2);
  });
});
