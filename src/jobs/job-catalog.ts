import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../machines/notification-types.js';
import type { OutboxEntry } from '../store/records.js';

/**
 * One place for every queue: its name, the schema of its payload, and its retry settings, so that
 * producers (the outbox relay) and processors (workers/) are typed from the same definitions.
 */
export const catalogJob = z.object({ connectorId: z.string(), requestId: z.string().optional() });

export const notificationJob = z.object({
  /** stable event id: every receiver drops duplicates by it */
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  connectorId: z.string(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  requestId: z.string().optional(),
});

export const acceptanceJob = z.object({
  runId: z.string(),
  connectorId: z.string(),
  image: z.string(),
  purpose: z.enum(['contribution', 'certification', 'unarchive']),
  eventId: z.string(),
  requestId: z.string().optional(),
});

/** One webhook delivery: one event to one subscription; `body` is the exact bytes that are signed. */
export const deliveryJob = z.object({
  deliveryId: z.string(),
  subscriptionId: z.string(),
  eventId: z.string(),
  type: z.string(),
  connectorId: z.string(),
  body: z.string(),
});

/** An archival sweep: manual (with the id the API returned) or from the Job Scheduler. */
export const sweepJob = z.object({
  sweepId: z.string().optional(),
  dryRun: z.boolean().default(false),
  trigger: z.enum(['manual', 'scheduled']).default('scheduled'),
  requestedBy: z.string().default('scheduler'),
});

export const timerJob = z.discriminatedUnion('timer', [
  z.object({ timer: z.literal('archiveDue'), connectorId: z.string(), archiveAt: z.string() }),
  z.object({
    timer: z.literal('breakingChangeReminder'),
    id: z.string(),
    connectorId: z.string(),
    version: z.string(),
    upgradeDeadline: z.string(),
    daysBefore: z.number(),
  }),
  /** periodic: ends the gates whose acceptance job failed for good or went missing */
  z.object({ timer: z.literal('checkGates') }),
]);

export type CatalogJob = z.infer<typeof catalogJob>;
export type NotificationJob = z.infer<typeof notificationJob>;
export type AcceptanceJob = z.infer<typeof acceptanceJob>;
export type TimerJob = z.infer<typeof timerJob>;
export type DeliveryJob = z.infer<typeof deliveryJob>;
export type SweepJob = z.input<typeof sweepJob>;

const keepFinished: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  // Kept long enough that a re-relayed outbox entry finds its job and is not run twice.
  removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export const QUEUES = {
  catalog: {
    name: 'catalog',
    schema: catalogJob,
    options: { attempts: 20, backoff: { type: 'exponential', delay: 200 }, ...keepFinished },
  },
  notifications: {
    name: 'notifications',
    schema: notificationJob,
    options: { attempts: 20, backoff: { type: 'exponential', delay: 1000 }, ...keepFinished },
  },
  deliveries: {
    name: 'deliveries',
    schema: deliveryJob,
    // attempts and backoff come from LIFECYCLE_WEBHOOK_* at fan-out (see notification-worker.ts)
    options: { attempts: 10, backoff: { type: 'exponential', delay: 30_000 }, ...keepFinished },
  },
  acceptance: {
    name: 'acceptance',
    schema: acceptanceJob,
    // A run that crashed its worker is run again; a failing command is a result, not a retry.
    options: { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, ...keepFinished },
  },
  sweeps: {
    name: 'sweeps',
    schema: sweepJob,
    options: { attempts: 30, backoff: { type: 'fixed', delay: 2000 }, ...keepFinished },
  },
  timers: {
    name: 'timers',
    schema: timerJob,
    options: { attempts: 50, backoff: { type: 'exponential', delay: 1000 }, ...keepFinished },
  },
} as const satisfies Record<string, { name: string; schema: z.ZodType; options: JobsOptions }>;

export type QueueKey = keyof typeof QUEUES;

export interface PlannedJob {
  queue: QueueKey;
  name: string;
  data: unknown;
  opts: JobsOptions;
}

/** The BullMQ job that carries out one outbox entry; its id is deterministic. */
export function jobForOutboxEntry(entry: OutboxEntry, now = Date.now()): PlannedJob {
  const effect = entry.effect;
  const delayUntil = (at: string) => Math.max(0, Date.parse(at) - now);
  switch (effect.kind) {
    case 'catalog':
      return plan('catalog', 'refresh', entry.id, {
        connectorId: entry.connectorId,
        ...(entry.requestId ? { requestId: entry.requestId } : {}),
      } satisfies CatalogJob);
    case 'notify':
      return plan('notifications', effect.type, entry.id, {
        id: entry.id,
        type: effect.type,
        connectorId: entry.connectorId,
        occurredAt: entry.occurredAt,
        data: effect.data,
        ...(entry.requestId ? { requestId: entry.requestId } : {}),
      } satisfies NotificationJob);
    case 'acceptance':
      return plan('acceptance', effect.purpose, effect.runId, {
        runId: effect.runId,
        connectorId: entry.connectorId,
        image: effect.image,
        purpose: effect.purpose,
        eventId: entry.eventId,
        ...(entry.requestId ? { requestId: entry.requestId } : {}),
      } satisfies AcceptanceJob);
    case 'archiveDue':
      return plan(
        'timers',
        'archiveDue',
        entry.id,
        {
          timer: 'archiveDue',
          connectorId: entry.connectorId,
          archiveAt: effect.archiveAt,
        } satisfies TimerJob,
        delayUntil(effect.at),
      );
    case 'breakingChangeReminder':
      return plan(
        'timers',
        'breakingChangeReminder',
        entry.id,
        {
          timer: 'breakingChangeReminder',
          id: entry.id,
          connectorId: entry.connectorId,
          version: effect.version,
          upgradeDeadline: effect.upgradeDeadline,
          daysBefore: effect.daysBefore,
        } satisfies TimerJob,
        delayUntil(effect.at),
      );
  }
}

function plan(queue: QueueKey, name: string, jobId: string, data: unknown, delay = 0): PlannedJob {
  return {
    queue,
    name,
    data,
    opts: { ...QUEUES[queue].options, jobId, ...(delay > 0 ? { delay } : {}) },
  };
}
