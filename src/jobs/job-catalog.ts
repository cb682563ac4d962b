import { createHash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../machines/notification-types.js';
import type { Effect, EffectKind } from '../../machines/effects.js';
import type { OutboxEntry } from '../store/records.js';

/**
 * One place for every queue: its name, the schema of its payload, and its retry settings, so that
 * producers (the outbox relay) and processors (workers/) are typed from the same definitions.
 */
/**
 * A catalog job: a flush of the connectors the relay marked dirty (`flush`), or the refresh of
 * given connectors (the shapes of earlier versions, still read).
 */
export const catalogJob = z.union([
  z.object({ flush: z.literal(true) }),
  z.object({ connectorIds: z.array(z.string()).min(1), requestId: z.string().optional() }),
  z
    .object({ connectorId: z.string(), requestId: z.string().optional() })
    .transform(({ connectorId, requestId }) => ({
      connectorIds: [connectorId],
      ...(requestId !== undefined ? { requestId } : {}),
    })),
]);

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
    // attempts and backoff come from LIFECYCLE_WEBHOOK_* (deliveryJobOptions below)
    options: { ...keepFinished },
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

type EffectOf<K extends EffectKind> = Extract<Effect, { kind: K }>;

/** How one kind of effect becomes a job: its queue, job name and id, payload, and when it runs. */
interface EffectJob<K extends EffectKind> {
  queue: QueueKey;
  name: (effect: EffectOf<K>) => string;
  jobId: (entry: OutboxEntry, effect: EffectOf<K>) => string;
  data: (entry: OutboxEntry, effect: EffectOf<K>) => unknown;
  /** a timer: the job waits until then */
  at?: (effect: EffectOf<K>) => string;
}

const withRequestId = (entry: OutboxEntry) =>
  entry.requestId ? { requestId: entry.requestId } : {};

/** Every effect kind the machine names (machines/effects.ts) and the job that carries it out. */
export const EFFECT_JOBS: { [K in EffectKind]: EffectJob<K> } = {
  catalog: {
    queue: 'catalog',
    name: () => 'refresh',
    jobId: (entry) => entry.id,
    data: (entry) =>
      ({ connectorIds: [entry.connectorId], ...withRequestId(entry) }) satisfies CatalogJob,
  },
  notify: {
    queue: 'notifications',
    name: (effect) => effect.type,
    jobId: (entry) => entry.id,
    data: (entry, effect) =>
      ({
        id: entry.id,
        type: effect.type,
        connectorId: entry.connectorId,
        occurredAt: entry.occurredAt,
        data: effect.data,
        ...withRequestId(entry),
      }) satisfies NotificationJob,
  },
  acceptance: {
    queue: 'acceptance',
    name: (effect) => effect.purpose,
    jobId: (_, effect) => effect.runId,
    data: (entry, effect) =>
      ({
        runId: effect.runId,
        connectorId: entry.connectorId,
        image: effect.image,
        purpose: effect.purpose,
        eventId: entry.eventId,
        ...withRequestId(entry),
      }) satisfies AcceptanceJob,
  },
  archiveDue: {
    queue: 'timers',
    name: () => 'archiveDue',
    jobId: (entry) => entry.id,
    data: (entry, effect) =>
      ({
        timer: 'archiveDue',
        connectorId: entry.connectorId,
        archiveAt: effect.archiveAt,
      }) satisfies TimerJob,
    at: (effect) => effect.at,
  },
  breakingChangeReminder: {
    queue: 'timers',
    name: () => 'breakingChangeReminder',
    jobId: (entry) => entry.id,
    data: (entry, effect) =>
      ({
        timer: 'breakingChangeReminder',
        id: entry.id,
        connectorId: entry.connectorId,
        version: effect.version,
        upgradeDeadline: effect.upgradeDeadline,
        daysBefore: effect.daysBefore,
      }) satisfies TimerJob,
    at: (effect) => effect.at,
  },
};

/** How long the relay gathers catalog changes before one job refreshes them all. */
export const CATALOG_FLUSH_WINDOW_MS = 100;

/**
 * The job that refreshes the catalog entries the relay marked dirty during the window of `now`
 * (a monotonic time in ms): one per relay process and window, run when the window ends. Its
 * completed record is not kept, so that a later window can never be mistaken for it.
 */
export function catalogFlushJob(consumer: string, now: number): PlannedJob {
  const windowEnd = (Math.floor(now / CATALOG_FLUSH_WINDOW_MS) + 1) * CATALOG_FLUSH_WINDOW_MS;
  const owner = createHash('sha256').update(consumer).digest('hex').slice(0, 16);
  return {
    queue: 'catalog',
    name: 'flush',
    data: { flush: true } satisfies CatalogJob,
    opts: {
      ...QUEUES.catalog.options,
      jobId: `flush-${owner}-${windowEnd}`,
      delay: Math.max(1, Math.ceil(windowEnd - now)),
      removeOnComplete: true,
    },
  };
}

/** The BullMQ job that carries out one outbox entry; its id is deterministic. */
export function jobForOutboxEntry(entry: OutboxEntry, now = Date.now()): PlannedJob {
  return planEffect(entry, entry.effect, now);
}

function planEffect<K extends EffectKind>(
  entry: OutboxEntry,
  effect: EffectOf<K>,
  now: number,
): PlannedJob {
  const job = EFFECT_JOBS[effect.kind];
  const delay = job.at ? Math.max(0, Date.parse(job.at(effect)) - now) : 0;
  return plan(
    job.queue,
    job.name(effect),
    job.jobId(entry, effect),
    job.data(entry, effect),
    delay,
  );
}

/**
 * The options of a webhook delivery job: LIFECYCLE_WEBHOOK_MAX_ATTEMPTS attempts with exponential
 * backoff from LIFECYCLE_WEBHOOK_BACKOFF_MS (SPEC §5).
 */
export function deliveryJobOptions(
  webhooks: { maxAttempts: number; backoffMs: number },
  jobId: string,
): JobsOptions {
  return {
    ...QUEUES.deliveries.options,
    jobId,
    attempts: webhooks.maxAttempts,
    backoff: { type: 'exponential', delay: webhooks.backoffMs },
  };
}

function plan(queue: QueueKey, name: string, jobId: string, data: unknown, delay = 0): PlannedJob {
  return {
    queue,
    name,
    data,
    opts: { ...QUEUES[queue].options, jobId, ...(delay > 0 ? { delay } : {}) },
  };
}
