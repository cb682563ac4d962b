import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { jobForOutboxEntry } from '../jobs/job-catalog.js';
import type { JobQueues } from '../jobs/job-queues.js';
import type { OutboxEntry } from '../store/records.js';
import { toError } from '../errors.js';

export interface OutboxRelayOptions {
  /** the consumer name of this process in the relay group */
  consumer: string;
  /** how long an entry read by another relay may stay unacknowledged before we take it over */
  claimIdleMs?: number;
  blockMs?: number;
  batchSize?: number;
}

type StreamEntries = [id: string, fields: string[]][];
const GROUP = 'relay';

/**
 * Moves committed side effects from the outbox stream into BullMQ. The stream is read through a
 * consumer group: an entry is acknowledged (and deleted) only after its job was added, with a
 * deterministic job id, so a relay that dies mid-way leaves the entry pending; another relay (or
 * this one after restart) claims it and adds the same job id again, which BullMQ ignores.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | null = null;
  private lastClaim = 0;
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
          pendingFirst = false;
        }
        await this.relay(await this.claimAbandoned(false));
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

  /** Takes over entries another relay read but never acknowledged (it crashed). */
  private async claimAbandoned(force: boolean): Promise<StreamEntries> {
    const now = Date.now();
    if (!force && now - this.lastClaim < Math.max(this.claimIdleMs / 2, 200)) return [];
    this.lastClaim = now;
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

  private async relay(entries: StreamEntries): Promise<number> {
    if (entries.length === 0) return 0;
    const now = Date.now();
    const jobs = entries.map(([, fields]) => {
      const raw = fields[fields.indexOf('effect') + 1] ?? '{}';
      return jobForOutboxEntry(JSON.parse(raw) as OutboxEntry, now);
    });
    await this.queues.add(jobs);
    const ids = entries.map(([id]) => id);
    await this.redis
      .multi()
      .xack(this.outboxKey, GROUP, ...ids)
      .xdel(this.outboxKey, ...ids)
      .exec();
    this.logger.debug({ count: entries.length }, 'relayed outbox entries');
    return entries.length;
  }
}
