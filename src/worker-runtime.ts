import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { honouringRetryable } from './jobs/parse-job.js';
import { acceptanceFailureHandler, acceptanceProcessor } from '../workers/acceptance-worker.js';
import { catalogProcessor } from '../workers/catalog-worker.js';
import { deliveryProcessor } from '../workers/delivery-worker.js';
import { notificationProcessor } from '../workers/notification-worker.js';
import { sweepProcessor } from '../workers/sweep-worker.js';
import { timerProcessor } from '../workers/timer-worker.js';
import type { AppServices } from './app-services.js';
import { catalogFlushJob, QUEUES, type QueueKey } from './jobs/job-catalog.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { batchJobs, needsSubscriptions } from './outbox/relay-batch.js';
import { toError } from './errors.js';

export interface WorkerRuntimeOptions {
  /** consumer name in the relay group; unique per process */
  consumer: string;
  /**
   * How long a job's lock lasts without renewal. A crashed worker's job is handed back after
   * about lockDurationMs + stalledIntervalMs: LIFECYCLE_JOB_LOCK_MS (10 s) + 3 s unless given
   * here (BullMQ's defaults are 30 s + 30 s).
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  relayClaimIdleMs?: number;
}

/** The outbox relay and the BullMQ workers of this process. */
export class WorkerRuntime {
  readonly relay: OutboxRelay;
  private readonly workers: Worker[] = [];
  private readonly shutdown = new AbortController();

  constructor(
    private readonly s: AppServices,
    private readonly options: WorkerRuntimeOptions,
  ) {
    this.relay = new OutboxRelay(
      s.connect(),
      s.keys.outbox(),
      s.queues,
      s.logger.child({ component: 'relay' }),
      {
        consumer: options.consumer,
        clock: s.clock,
        deadLetterKey: s.keys.outboxDeadLetters(),
        onDeadLetter: (reason) => s.metrics.outboxDeadLetters.inc({ reason }),
        catalog: {
          dirtyKey: s.keys.catalogDirty(),
          // a monotonic clock: a flush window is never one that has passed
          flushJob: () =>
            catalogFlushJob(options.consumer, performance.timeOrigin + performance.now()),
        },
        batch: async (planned, { subscriptionsVersion }) =>
          batchJobs(
            planned,
            needsSubscriptions(planned)
              ? await s.subscriptionIndex.current(subscriptionsVersion)
              : [],
            s.config.webhooks,
          ),
        ...(options.relayClaimIdleMs !== undefined
          ? { claimIdleMs: options.relayClaimIdleMs }
          : {}),
      },
    );
  }

  async start(): Promise<void> {
    const s = this.s;
    await s.watchSubscriptions();
    await this.relay.ensureGroup();
    this.relay.start();
    this.add('catalog', catalogProcessor(s.catalog), { concurrency: 8 });
    const acceptance = this.add(
      'acceptance',
      acceptanceProcessor({
        store: s.store,
        gates: s.gates,
        command: s.config.acceptance.command,
        timeoutMs: s.config.acceptance.timeoutMs,
        environment: s.config.acceptance.environment,
        secrets: s.config.secrets,
        shutdown: this.shutdown.signal,
      }),
      { concurrency: s.config.acceptance.concurrency },
    );
    // A job that failed for good ends its gate (SPEC §10); the periodic gate check (the scheduler
    // role) catches what this handler misses (a crash here, Redis down at that moment).
    const endGate = acceptanceFailureHandler({ gates: s.gates });
    const gateLog = s.logger.child({ component: 'worker', queue: 'acceptance' });
    acceptance.on('failed', (job, err) => {
      if (!job) return;
      endGate(job, err).catch((cause: unknown) =>
        gateLog.error(
          { jobId: job.id, err: toError(cause) },
          'could not end the gate of a failed acceptance job; the periodic gate check will',
        ),
      );
    });
    this.add(
      'notifications',
      notificationProcessor({
        subscriptions: s.subscriptions,
        queues: s.queues,
        webhooks: s.config.webhooks,
      }),
      { concurrency: 8 },
    );
    // Each delivery is its own job and a slow receiver holds one slot for at most the timeout, so
    // one slow or dead receiver never delays the others.
    this.add(
      'deliveries',
      deliveryProcessor({
        subscriptions: s.subscriptions,
        index: s.subscriptionIndex,
        client: s.webhookClient,
        webhooks: s.config.webhooks,
      }),
      { concurrency: 64 },
    );
    this.add(
      'timers',
      timerProcessor({
        service: s.service,
        usageRecovered: (id) => s.sweeper.usageRecovered(id),
        checkGates: () => s.gates.check(),
        clock: s.clock,
      }),
      { concurrency: 4 },
    );
    // Sweeps hold a lock while they run; they can take a while on a large catalog.
    this.add('sweeps', sweepProcessor({ sweeper: s.sweeper, sweeps: s.sweeps }), {
      concurrency: 1,
      lockDuration: 60_000,
    });
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  add(queue: QueueKey, processor: Processor, options: Partial<WorkerOptions> = {}): Worker {
    // Every worker honours the retry contract: an error that cannot heal fails the job at once.
    const worker = new Worker(QUEUES[queue].name, honouringRetryable(processor), {
      connection: this.s.connect(),
      prefix: this.s.queues.prefix,
      lockDuration: this.options.lockDurationMs ?? this.s.config.jobLockMs,
      stalledInterval: this.options.stalledIntervalMs ?? 3_000,
      maxStalledCount: 3,
      ...options,
    });
    const log = this.s.logger.child({ component: 'worker', queue });
    worker.on('failed', (job, err) =>
      log.warn(
        { jobId: job?.id, attemptsMade: job?.attemptsMade, err: toError(err) },
        'job failed',
      ),
    );
    worker.on('completed', (job) => {
      this.s.metrics.jobs.inc({ queue, outcome: 'completed' });
      log.debug(
        { jobId: job.id, requestId: (job.data as { requestId?: string }).requestId },
        'job completed',
      );
    });
    worker.on('failed', (job) => {
      // finishedOn is set only when the job moved to failed (attempts exhausted, unrecoverable).
      const final = job?.finishedOn !== undefined;
      this.s.metrics.jobs.inc({ queue, outcome: final ? 'failed' : 'retried' });
    });
    worker.on('error', (err) => log.error({ err: toError(err) }, 'worker error'));
    this.workers.push(worker);
    return worker;
  }

  /** Finishes or hands back running jobs (long acceptance runs are handed back), then stops. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await this.relay.stop();
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
