import { describe, expect, it } from 'vitest';
import {
  CATALOG_FLUSH_WINDOW_MS,
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
  it('marks the connectors of a batch dirty and adds the one flush job of its relay and window', () => {
    const batch = batchJobs(
      [catalog('e1', 'a'), catalog('e2', 'b'), catalog('e3', 'a')],
      [],
      webhooks,
      flush,
    );
    expect(batch.catalogDirty).toEqual(['a', 'b']);
    expect(batch.jobs).toHaveLength(1);
    const [job] = batch.jobs;
    expect(job!.queue).toBe('catalog');
    expect(job!.data).toEqual({ flush: true });
    expect(job!.opts.jobId).not.toContain(':');
    // due when the window ends, and not kept once done
    expect(job!.opts.delay).toBe(CATALOG_FLUSH_WINDOW_MS - 50);
    expect(job!.opts.removeOnComplete).toBe(true);
    // another batch of the same relay in the same window: the same job (BullMQ adds it once)
    const same = batchJobs([catalog('e4', 'c')], [], webhooks, { ...flush, now: 1_000_099 });
    expect(same.jobs[0]!.opts.jobId).toBe(job!.opts.jobId);
    // the next window, or another relay: another job
    const next = batchJobs([catalog('e5', 'c')], [], webhooks, { ...flush, now: 1_000_100 });
    expect(next.jobs[0]!.opts.jobId).not.toBe(job!.opts.jobId);
    const other = batchJobs([catalog('e6', 'c')], [], webhooks, { ...flush, consumer: 'relay-b' });
    expect(other.jobs[0]!.opts.jobId).not.toBe(job!.opts.jobId);
  });

  it('fans a notification out to the matching subscriptions, and to nothing without one', () => {
    expect(batchJobs([notify('e1', 'a')], [], webhooks, flush)).toEqual({
      jobs: [],
      catalogDirty: [],
    });
    const subs = [
      subscription('s1'),
      subscription('s2', { connectorIds: ['b'] }),
      subscription('s3', { events: ['connector.deprecated'] }),
    ];
    const { jobs } = batchJobs([notify('e1', 'a')], subs, webhooks, flush);
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
    expect(batchJobs([timer], [], webhooks, flush)).toEqual({ jobs: [timer], catalogDirty: [] });
    expect(needsSubscriptions([timer, catalog('e1', 'a')])).toBe(false);
    expect(needsSubscriptions([timer, notify('e1', 'a')])).toBe(true);
  });
});
