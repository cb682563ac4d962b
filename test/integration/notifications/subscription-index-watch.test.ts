import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionIndex } from '../../../src/notifications/subscription-index.js';
import { SubscriptionStore } from '../../../src/notifications/subscription-store.js';
import { Keys } from '../../../src/store/keys.js';
import { redisUrl, uniquePrefix, waitFor } from '../../support/harness.js';
import { storeInput } from './helpers.js';

/**
 * The subscription index of a worker process, watching the change notices on a real Redis: a
 * delivery's first attempt reads its subscription there, without a round trip, and must never
 * find one deleted before it started.
 */
describe('SubscriptionIndex, watching the change notices', () => {
  const keys = new Keys(uniquePrefix());
  const opened: Redis[] = [];
  let store: SubscriptionStore;
  /** another process's store: its changes reach the index only through Redis */
  let elsewhere: SubscriptionStore;

  const connection = () => {
    const redis = new Redis(redisUrl());
    opened.push(redis);
    return redis;
  };
  const input = (owner: string) => storeInput(owner, 'index-test-secret');

  /** The index over `store`, counting the reads it makes, on a clock the test moves. */
  function countedIndex({ maxAgeMs = 1_000 } = {}) {
    const reads = { version: 0, all: 0 };
    const clock = { now: 0 };
    let held: Promise<void> | undefined;
    const index = new SubscriptionIndex(
      {
        version: () => {
          reads.version += 1;
          return store.version();
        },
        all: async () => {
          reads.all += 1;
          const list = await store.all();
          // a held read answers what Redis held when it was made, once `held` resolves
          const wait = held;
          held = undefined;
          if (wait) await wait;
          return list;
        },
      },
      { maxAgeMs, now: () => clock.now },
    );
    /** Holds the next full read until `until` resolves. */
    const hold = (until: Promise<void>): void => {
      held = until;
    };
    return { index, reads, clock, hold };
  }

  /** Counts the notices `subscriber` receives (the index's own listener hears each one first). */
  function noticesOn(subscriber: Redis) {
    const heard = { count: 0 };
    subscriber.on('message', () => (heard.count += 1));
    return heard;
  }

  beforeAll(() => {
    store = new SubscriptionStore(connection(), keys, 25);
    elsewhere = new SubscriptionStore(connection(), keys, 25);
  });
  afterEach(async () => {
    for (const s of await store.all()) await store.remove(s.id);
  });
  afterAll(async () => {
    await Promise.all(opened.map((r) => r.quit().catch(() => r.disconnect())));
  });

  it('answers from memory while it watches, and a delete elsewhere reaches it by its notice', async () => {
    const { index, reads } = countedIndex({ maxAgeMs: 3_600_000 });
    const subscriber = connection();
    await index.watch(subscriber, keys.subscriptionsChanged());
    const heard = noticesOn(subscriber);
    const kept = await elsewhere.create(input('owner-a'));
    const doomed = await elsewhere.create(input('owner-b'));
    await waitFor(() => heard.count === 2, { what: 'the notices of the creates' });
    expect(await index.get(doomed.id)).toEqual(doomed);
    const checks = reads.version;
    for (let i = 0; i < 5; i++) expect((await index.get(kept.id))?.url).toBe(kept.url);
    expect(reads.version).toBe(checks);

    await elsewhere.remove(doomed.id);
    // the clock never moves: only the notice can make the index look again
    await waitFor(async () => (await index.get(doomed.id)) === null, { what: 'the delete' });
    expect(reads.version).toBe(checks + 1);
    expect(await index.get(kept.id)).toEqual(kept);
    expect(reads.version).toBe(checks + 1);
  });

  it('checks the version at every lookup before it watches and while its connection is down', async () => {
    const { index, reads } = countedIndex({ maxAgeMs: 3_600_000 });
    const doomed = await elsewhere.create(input('owner-c'));
    expect(await index.get(doomed.id)).toEqual(doomed);
    expect(await index.get(doomed.id)).toEqual(doomed);
    expect(reads).toEqual({ version: 2, all: 1 });

    const subscriber = connection();
    await index.watch(subscriber, keys.subscriptionsChanged());
    await index.get(doomed.id);
    await index.get(doomed.id);
    expect(reads.version).toBe(3);

    subscriber.disconnect();
    await waitFor(() => subscriber.status === 'end', { what: 'the connection to close' });
    await elsewhere.remove(doomed.id);
    // no notice can come now: the very next lookup finds it gone
    expect(await index.get(doomed.id)).toBeNull();
    expect(reads.version).toBe(4);
  });

  it('trusts what it holds for at most maxAgeMs (a notice lost on a broken connection)', async () => {
    const { index, reads, clock } = countedIndex({ maxAgeMs: 1_000 });
    const subscriber = connection();
    await index.watch(subscriber, keys.subscriptionsChanged());
    const heard = noticesOn(subscriber);
    const sub = await elsewhere.create(input('owner-d'));
    await waitFor(() => heard.count === 1, { what: 'the notice of the create' });
    expect(await index.get(sub.id)).toEqual(sub);
    const checks = reads.version;
    clock.now += 1_000;
    await index.get(sub.id);
    expect(reads.version).toBe(checks);
    clock.now += 1;
    await index.get(sub.id);
    expect(reads.version).toBe(checks + 1);
  });

  it('a lookup after a notice does not share a check that began before it', async () => {
    const { index, reads, hold } = countedIndex({ maxAgeMs: 3_600_000 });
    const subscriber = connection();
    await index.watch(subscriber, keys.subscriptionsChanged());
    /** resolves once the index has counted the next notice (its listener runs before this one) */
    const nextNotice = () =>
      new Promise<void>((resolve) => subscriber.once('message', () => resolve()));
    const made = nextNotice();
    const doomed = await elsewhere.create(input('owner-e'));
    await made;
    expect(await index.get(doomed.id)).toEqual(doomed);

    // A create elsewhere: the next lookup checks, and its read of the list is held.
    let release!: () => void;
    hold(new Promise<void>((resolve) => (release = resolve)));
    const created = nextNotice();
    await elsewhere.create(input('owner-f'));
    await created;
    const allReads = reads.all;
    const early = index.get(doomed.id);
    await waitFor(() => reads.all === allReads + 1, { what: 'the held check' });

    // The delete lands while that check is held: a lookup after its notice must look again.
    const deleted = nextNotice();
    await elsewhere.remove(doomed.id);
    await deleted;
    const late = index.get(doomed.id);
    release();
    expect(await early).toEqual(doomed);
    expect(await late).toBeNull();
  });
});
