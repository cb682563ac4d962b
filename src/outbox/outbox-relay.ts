import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PlannedJob } from '../jobs/job-catalog.js';
import type { JobQueues } from '../jobs/job-queues.js';
import { toError } from '../errors.js';
import { planOutboxEntry, streamField, type PoisonReason } from './outbox-entry.js';
import type { RelayBatch } from './relay-batch.js';

export interface OutboxRelayOptions {
  /** the consumer name of this process in the relay group */
  consumer: string;
  /** how long an entry read by another relay may stay unacknowledged before we take it over */
  claimIdleMs?: number;
  blockMs?: number;
  batchSize?: number;
  /** the service's clock: the delays of timers are measured with it */
  clock?: () => Date;
  /** the dead-letter stream (default `<outbox>:dead`) */
  deadLetterKey?: string;
  /** called for each entry moved to the dead-letter stream (the metric) */
  onDeadLetter?: (reason: PoisonReason) => void;
  /**
   * The jobs a batch adds, from the jobs its entries planned (see ./relay-batch.ts: notifications
   * fanned out to deliveries, catalog refreshes coalesced); by default, as planned.
   */
  batch?: (planned: PlannedJob[], context: BatchContext) => Promise<RelayBatch>;
  /**
   * The catalog's dirty set (with `batch`), and the flush job that refreshes it, planned when
   * added: after the acknowledgement that marked connectors dirty (a job of the current window
   * runs after this moment, so it finds them), and whenever the relay finds the set not empty at
   * start and every `claimIdleMs / 2` (a relay that died between the two steps).
   */
  catalog?: { dirtyKey: string; flushJob: () => PlannedJob };
}

/** What a batch knows besides its planned jobs. */
export interface BatchContext {
  /**
   * The newest subscriptions' version its entries were committed under (undefined when an entry
   * does not say: it was written by an earlier release).
   */
  subscriptionsVersion: number | undefined;
}

/** How much of a poison entry's text the log line shows (the dead-letter stream keeps it all). */
const LOGGED_CHARS = 500;

/**
 * A flush job added this close to being due, or closer, is added again by the next batch that marks
 * connectors dirty: another process whose clock runs a little ahead may already have run it.
 */
export const FLUSH_DUE_MARGIN_MS = 20;

type StreamEntries = [id: string, fields: string[]][];
const GROUP = 'relay';

/**
 * Moves committed side effects from the outbox stream into BullMQ. The stream is read through a
 * consumer group: an entry is acknowledged (and deleted) only after its job was added, with a
 * deterministic job id, so a relay that dies mid-way leaves the entry pending; another relay (or
 * this one after restart) claims it and adds the same job id again, which BullMQ ignores.
 *
 * One bad entry never stops the relay: an entry that cannot be parsed, names an unknown effect kind
 * or would make a job BullMQ refuses is moved, with the reason, to the dead-letter stream
 * `<outbox>:dead`, logged, counted (`lifecycle_outbox_dead_letters_total`) and acknowledged.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private lastClaim = 0;
  /** the last catalog flush job this relay added, and when it is due (Date.now() time) */
  private lastFlush: { id: string; dueAt: number } | null = null;
  private readonly claimIdleMs: number;
  private readonly blockMs: number;
  private readonly batchSize: number;

  constructor(
    /** a dedicated connection: XREADGROUP BLOCK holds it */
    private readonly redis: Redis,
    private readonly outboxKey: string,
    private readonly queues: JobQueues,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    this.claimIdleMs = options.claimIdleMs ?? 10_000;
    this.blockMs = options.blockMs ?? 1_000;
    this.batchSize = options.batchSize ?? 200;
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.outboxKey, GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!toError(err).message.includes('BUSYGROUP')) throw err;
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the current batch; nothing read is lost (unacknowledged entries stay pending). */
  async stop(): Promise<void> {
    this.running = false;
    // Interrupts a blocking read at once; whatever was read and not acknowledged stays pending.
    this.redis.disconnect();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    let backoff = 100;
    let pendingFirst = true;
    while (this.running) {
      try {
        if (pendingFirst) {
          await this.ensureGroup();
          await this.relay(await this.readOwnPending());
          // a (re)start runs the claim step at once, as at the very start
          this.lastClaim = 0;
          pendingFirst = false;
        }
        await this.relay(await this.claimAbandoned());
        await this.relay(await this.read(this.blockMs));
        backoff = 100;
      } catch (err) {
        if (!this.running) break;
        this.logger.error({ err: toError(err) }, 'outbox relay failed; retrying');
        pendingFirst = true;
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private async read(blockMs: number | null): Promise<StreamEntries> {
    const args: (string | number)[] = [
      'GROUP',
      GROUP,
      this.options.consumer,
      'COUNT',
      this.batchSize,
    ];
    if (blockMs !== null) args.push('BLOCK', blockMs);
    args.push('STREAMS', this.outboxKey, '>');
    const reply = (await (this.redis.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(
      ...args,
    )) as [string, StreamEntries][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  private async readOwnPending(): Promise<StreamEntries> {
    const reply = (await (this.redis.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(
      'GROUP',
      GROUP,
      this.options.consumer,
      'COUNT',
      10_000,
      'STREAMS',
      this.outboxKey,
      '0',
    )) as [string, StreamEntries][] | null;
    return (reply?.[0]?.[1] ?? []).filter(([, fields]) => fields !== null);
  }

  /**
   * Adds the flush job of the current window, after an acknowledgement that marked connectors
   * dirty. A job this relay added earlier in the window is not added again while it is more than
   * FLUSH_DUE_MARGIN_MS from due (by the clock BullMQ schedules it with): it has not run yet, so it
   * will find the new marks. Adding it again would change nothing but cost a round trip.
   */
  private async addFlushJob(job: PlannedJob): Promise<void> {
    const now = Date.now();
    const id = job.opts.jobId;
    const last = this.lastFlush;
    if (last && last.id === id && now < last.dueAt - FLUSH_DUE_MARGIN_MS) return;
    await this.queues.add([job]);
    // BullMQ makes it due at its own Date.now() (not earlier than ours) plus the delay.
    this.lastFlush = id === undefined ? null : { id, dueAt: now + (job.opts.delay ?? 0) };
  }

  /** Adds a catalog flush job when connectors are marked dirty (a relay died before adding it). */
  private async flushLeftDirty(): Promise<void> {
    const catalog = this.options.catalog;
    if (catalog && (await this.redis.scard(catalog.dirtyKey)) > 0) {
      await this.queues.add([catalog.flushJob()]);
    }
  }

  /**
   * Every `claimIdleMs / 2` (and at start): takes over entries another relay read but never
   * acknowledged, and adds a flush job for connectors left dirty (that relay crashed).
   */
  private async claimAbandoned(): Promise<StreamEntries> {
    const now = Date.now();
    if (now - this.lastClaim < Math.max(this.claimIdleMs / 2, 200)) return [];
    this.lastClaim = now;
    await this.flushLeftDirty();
    const reply = (await this.redis.xautoclaim(
      this.outboxKey,
      GROUP,
      this.options.consumer,
      this.claimIdleMs,
      '0-0',
      'COUNT',
      this.batchSize,
    )) as [string, StreamEntries, string[]?];
    return (reply[1] ?? []).filter(([, fields]) => fields !== null);
  }

  /** The stream where entries that cannot be relayed are kept, with the reason. */
  get deadLetterKey(): string {
    return this.options.deadLetterKey ?? `${this.outboxKey}:dead`;
  }

  private async relay(entries: StreamEntries): Promise<number> {
    if (entries.length === 0) return 0;
    const now = (this.options.clock?.() ?? new Date()).getTime();
    const jobs: PlannedJob[] = [];
    const dead: { id: string; fields: string[]; reason: PoisonReason; detail: string }[] = [];
    for (const [id, fields] of entries) {
      const planned = planOutboxEntry(fields, now);
      if (planned.ok) jobs.push(planned.job);
      else dead.push({ id, fields, reason: planned.reason, detail: planned.detail });
    }
    const batch: RelayBatch = this.options.batch
      ? await this.options.batch(jobs, { subscriptionsVersion: newestStamp(entries) })
      : { jobs, catalogDirty: [] };
    // The jobs first, then the dirty marks with the acknowledgement: a crash in between leaves the
    // entries pending, to be relayed again.
    if (batch.jobs.length > 0) await this.queues.add(batch.jobs);
    const ids = entries.map(([id]) => id);
    const tx = this.redis.multi();
    const catalog = batch.catalogDirty.length > 0 ? this.options.catalog : undefined;
    if (catalog) tx.sadd(catalog.dirtyKey, ...batch.catalogDirty);
    for (const entry of dead) {
      tx.xadd(
        this.deadLetterKey,
        '*',
        'entryId',
        entry.id,
        'reason',
        entry.reason,
        'detail',
        entry.detail,
        'deadAt',
        new Date(now).toISOString(),
        ...entry.fields,
      );
    }
    const replies = await tx
      .xack(this.outboxKey, GROUP, ...ids)
      .xdel(this.outboxKey, ...ids)
      .exec();
    for (const [err] of replies ?? []) if (err) throw err;
    if (catalog) await this.addFlushJob(catalog.flushJob());
    for (const entry of dead) {
      this.options.onDeadLetter?.(entry.reason);
      this.logger.error(
        {
          entryId: entry.id,
          reason: entry.reason,
          detail: entry.detail,
          entry: entry.fields.join(' ').slice(0, LOGGED_CHARS),
          deadLetterStream: this.deadLetterKey,
        },
        'outbox entry cannot be relayed: moved to the dead-letter stream',
      );
    }
    this.logger.debug(
      { entries: jobs.length, jobs: batch.jobs.length, dead: dead.length },
      'relayed outbox entries',
    );
    return entries.length;
  }
}

/** The newest `subscriptions` stamp of the entries, or undefined when one has none. */
function newestStamp(entries: StreamEntries): number | undefined {
  let newest = 0;
  for (const [, fields] of entries) {
    const stamp = Number(streamField(fields, 'subscriptions') ?? NaN);
    if (!Number.isFinite(stamp)) return undefined;
    newest = Math.max(newest, stamp);
  }
  return newest;
}
