import { describe, expect, it } from 'vitest';
import {
  CATALOG_FLUSH_WINDOW_MS,
  catalogFlushJob,
  jobForOutboxEntry,
  type PlannedJob,
} from '../../../src/jobs/job-catalog.js';
import type { Subscription } from '../../../src/notifications/subscription-store.js';
import { batchJobs, needsSubscriptions } from '../../../src/outbox/relay-batch.js';
import type { OutboxEntry } from '../../../src/store/records.js';

const webhooks = { maxAttempts: 3, backoffMs: 100, timeoutMs: 1000 } as never;
const at = '2026-12-01T00:00:00.000Z';

function entry(id: string, connectorId: string, effect: OutboxEntry['effect']): PlannedJob {
  return jobForOutboxEntry({
    id,
    connectorId,
    eventId: `ev-${id}`,
    version: 1,
    occurredAt: at,
    effect,
  });
}
const catalog = (id: string, connectorId: string) => entry(id, connectorId, { kind: 'catalog' });
const notify = (id: string, connectorId: string) =>
  entry(id, connectorId, { kind: 'notify', type: 'connector.registered', data: {} });

function subscription(id: string, over: Partial<Subscription> = {}): Subscription {
  return {
    id,
    owner: 'o',
    url: 'https://hooks.example.com/x',
    secret: 'secret-0123456789',
    events: null,
    connectorIds: null,
    createdAt: at,
    ...over,
  };
}

const flush = { consumer: 'relay-a', now: 1_000_050 };

describe('relay batches', () => {
  it('marks the connectors of a batch dirty instead of adding refresh jobs', () => {
    const batch = batchJobs(
      [catalog('e1', 'a'), catalog('e2', 'b'), catalog('e3', 'a')],
      [],
      webhooks,
    );
    expect(batch).toEqual({ jobs: [], catalogDirty: ['a', 'b'] });
  });

  it('has one flush job per relay and window, due when the window ends, not kept once done', () => {
    const job = catalogFlushJob(flush.consumer, flush.now);
    expect(job.queue).toBe('catalog');
    expect(job.data).toEqual({ flush: true });
    expect(job.opts.jobId).not.toContain(':');
    expect(job.opts.delay).toBe(CATALOG_FLUSH_WINDOW_MS - 50);
    expect(job.opts.removeOnComplete).toBe(true);
    // later in the same window: the same job (BullMQ adds it once)
    expect(catalogFlushJob(flush.consumer, 1_000_099).opts.jobId).toBe(job.opts.jobId);
    // the next window, or another relay: another job
    expect(catalogFlushJob(flush.consumer, 1_000_100).opts.jobId).not.toBe(job.opts.jobId);
    expect(catalogFlushJob('relay-b', flush.now).opts.jobId).not.toBe(job.opts.jobId);
  });

  it('fans a notification out to the matching subscriptions, and to nothing without one', () => {
    expect(batchJobs([notify('e1', 'a')], [], webhooks)).toEqual({
      jobs: [],
      catalogDirty: [],
    });
    const subs = [
      subscription('s1'),
      subscription('s2', { connectorIds: ['b'] }),
      subscription('s3', { events: ['connector.deprecated'] }),
    ];
    const { jobs } = batchJobs([notify('e1', 'a')], subs, webhooks);
    expect(jobs.map((j) => [j.queue, j.opts.jobId])).toEqual([['deliveries', 'e1-s1']]);
    expect(jobs[0]!.opts.attempts).toBe(3);
    expect(JSON.parse((jobs[0]!.data as { body: string }).body)).toEqual({
      id: 'e1',
      type: 'connector.registered',
      connectorId: 'a',
      occurredAt: at,
      data: {},
    });
  });

  it('passes other jobs through and says when a batch needs the subscriptions', () => {
    const timer = entry('e9', 'a', {
      kind: 'archiveDue',
      archiveAt: at,
      at,
    });
    expect(batchJobs([timer], [], webhooks)).toEqual({ jobs: [timer], catalogDirty: [] });
    expect(needsSubscriptions([timer, catalog('e1', 'a')])).toBe(false);
    expect(needsSubscriptions([timer, notify('e1', 'a')])).toBe(true);
  });
});
