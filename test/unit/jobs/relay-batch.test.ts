import { describe, expect, it } from 'vitest';
import { jobForOutboxEntry, type PlannedJob } from '../../../src/jobs/job-catalog.js';
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

describe('relay batches', () => {
  it('coalesces the catalog refreshes of a batch into one job, with an id of that set', () => {
    const jobs = batchJobs(
      [catalog('e1', 'a'), catalog('e2', 'b'), catalog('e3', 'a')],
      [],
      webhooks,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.queue).toBe('catalog');
    expect(jobs[0]!.data).toEqual({ connectorIds: ['a', 'b'] });
    const again = batchJobs(
      [catalog('e3', 'a'), catalog('e1', 'a'), catalog('e2', 'b')],
      [],
      webhooks,
    );
    expect(again[0]!.opts.jobId).toBe(jobs[0]!.opts.jobId);
    const regrouped = batchJobs([catalog('e1', 'a'), catalog('e7', 'c')], [], webhooks);
    expect(regrouped[0]!.opts.jobId).not.toBe(jobs[0]!.opts.jobId);
    expect(regrouped[0]!.opts.jobId).not.toContain(':');
  });

  it('keeps a lone refresh as its own job', () => {
    const [job] = batchJobs([catalog('e1', 'a')], [], webhooks);
    expect(job!.opts.jobId).toBe('e1');
    expect(job!.data).toEqual({ connectorIds: ['a'] });
  });

  it('fans a notification out to the matching subscriptions, and to nothing without one', () => {
    expect(batchJobs([notify('e1', 'a')], [], webhooks)).toEqual([]);
    const subs = [
      subscription('s1'),
      subscription('s2', { connectorIds: ['b'] }),
      subscription('s3', { events: ['connector.deprecated'] }),
    ];
    const jobs = batchJobs([notify('e1', 'a')], subs, webhooks);
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
    expect(batchJobs([timer], [], webhooks)).toEqual([timer]);
    expect(needsSubscriptions([timer, catalog('e1', 'a')])).toBe(false);
    expect(needsSubscriptions([timer, notify('e1', 'a')])).toBe(true);
  });
});
