import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process (each API and worker process exposes its own). */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly transitions = new Counter({
    name: 'lifecycle_transitions_total',
    help: 'Accepted lifecycle events by event, from-state and to-state',
    labelNames: ['event', 'from', 'to'] as const,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'lifecycle_jobs_total',
    help: 'Jobs processed by this process, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly outboxDeadLetters = new Counter({
    name: 'lifecycle_outbox_dead_letters_total',
    help: 'Outbox entries that could not be relayed and were moved to the dead-letter stream, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(collect: {
    outboxBacklog: () => Promise<number>;
    outboxDeadLetters: () => Promise<number>;
    queueDepths: () => Promise<Record<string, Record<string, number>>>;
  }) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'lifecycle_outbox_backlog',
      help: 'Side effects committed but not yet moved to their queues',
      registers: [this.registry],
      async collect() {
        this.set(await collect.outboxBacklog());
      },
    });
    new Gauge({
      name: 'lifecycle_outbox_dead_letter_entries',
      help: 'Outbox entries kept in the dead-letter stream (they need a look; none is relayed)',
      registers: [this.registry],
      async collect() {
        this.set(await collect.outboxDeadLetters());
      },
    });
    new Gauge({
      name: 'lifecycle_queue_jobs',
      help: 'Jobs in each queue by state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const depths = await collect.queueDepths();
        this.reset();
        for (const [queue, counts] of Object.entries(depths)) {
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      },
    });
  }
}
