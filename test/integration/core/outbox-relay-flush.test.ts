import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { PlannedJob } from '../../../src/jobs/job-catalog.js';
import { JobQueues } from '../../../src/jobs/job-queues.js';
import { FLUSH_DUE_MARGIN_MS, OutboxRelay } from '../../../src/outbox/outbox-relay.js';
import { batchJobs } from '../../../src/outbox/relay-batch.js';
import { Keys } from '../../../src/store/keys.js';
import {
  deletePrefix,
  redisUrl,
  testConfig,
  uniquePrefix,
  waitFor,
} from '../../support/harness.js';

/**
 * The catalog flush job after each acknowledgement that marked connectors dirty: a job this relay
 * already added for the window, and that is not close to due, is not added again (it has not run,
 * so it finds the new marks); a new window's job, or one close to due, is.
 */
describe('outbox relay: the catalog flush job of a window', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setup() {
    const prefix = uniquePrefix();
    const keys = new Keys(prefix);
    const webhooks = testConfig(prefix).webhooks;
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queueConnection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const queues = new JobQueues(queueConnection, keys.queuePrefix());
    const added: string[] = [];
    const add = queues.add.bind(queues);
    vi.spyOn(queues, 'add').mockImplementation(async (jobs: PlannedJob[]) => {
      for (const job of jobs) if (job.name === 'flush') added.push(String(job.opts.jobId));
      await add(jobs);
    });
    // The flush job the relay plans next: its id names the window, its delay says when it is due.
    let next = { jobId: 'flush-window-1', delay: 60_000 };
    // The relay logs each batch once it is done with it, its flush job included.
    let batchesDone = 0;
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          if (chunk.toString().includes('relayed outbox entries')) batchesDone += 1;
          callback();
        },
      }),
    );
    const relay = new OutboxRelay(redis.duplicate(), keys.outbox(), queues, log, {
      consumer: 'flush-test',
      blockMs: 50,
      // no periodic claim step (it adds a flush job for connectors left dirty) during the test
      claimIdleMs: 600_000,
      batch: (planned) => Promise.resolve(batchJobs(planned, [], webhooks)),
      catalog: {
        dirtyKey: keys.catalogDirty(),
        flushJob: () => ({
          queue: 'catalog',
          name: 'flush',
          data: { flush: true },
          opts: { jobId: next.jobId, delay: next.delay, removeOnComplete: true },
        }),
      },
    });
    await relay.ensureGroup();
    relay.start();
    cleanups.push(async () => {
      await relay.stop();
      await Promise.all(Object.values(queues.queues).map((q) => q.close()));
      queueConnection.disconnect();
      redis.disconnect();
      await deletePrefix(prefix);
    });

    let seq = 0;
    /** Commits one catalog refresh of `connectorId`; waits until the relay is done with it. */
    async function commitAndRelay(connectorId: string) {
      seq += 1;
      const entry = {
        id: `event-${seq}-0`,
        connectorId,
        eventId: `event-${seq}`,
        version: seq,
        occurredAt: new Date().toISOString(),
        effect: { kind: 'catalog' },
      };
      await redis.xadd(keys.outbox(), '*', 'effect', JSON.stringify(entry), 'subscriptions', '0');
      await waitFor(() => Promise.resolve(batchesDone === seq), {
        what: `the relay to be done with ${entry.id}`,
      });
    }
    const setNext = (jobId: string, delay: number) => (next = { jobId, delay });
    return { redis, keys, queues, added, commitAndRelay, setNext };
  }

  it('adds the window’s job once while it is far from due, and a new window’s job at once', async () => {
    const { redis, keys, queues, added, commitAndRelay, setNext } = await setup();
    await commitAndRelay('source-a');
    await commitAndRelay('source-b');
    await commitAndRelay('source-a');
    expect(added).toEqual(['flush-window-1']);
    // The one job is there, delayed, and every connector the batches marked is dirty for it.
    const delayed = await queues.get('catalog').getJobs(['delayed']);
    expect(delayed.map((j) => j.id)).toEqual(['flush-window-1']);
    expect((await redis.smembers(keys.catalogDirty())).sort()).toEqual(['source-a', 'source-b']);

    setNext('flush-window-2', 60_000);
    await commitAndRelay('source-c');
    expect(added).toEqual(['flush-window-1', 'flush-window-2']);
  });

  it(`adds the window’s job again when it is within ${FLUSH_DUE_MARGIN_MS} ms of due`, async () => {
    const { added, commitAndRelay, setNext } = await setup();
    setNext('flush-window-3', FLUSH_DUE_MARGIN_MS);
    await commitAndRelay('source-a');
    await commitAndRelay('source-b');
    expect(added).toEqual(['flush-window-3', 'flush-window-3']);
  });
});
