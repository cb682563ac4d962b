import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.js';

export interface UsageEntry {
  connectorId: string;
  date: string;
  activeConnections: number;
  syncs: number;
}

const BATCH = 1000;

/**
 * Daily usage per connector: one hash per connector, one field per UTC day
 * (`activeConnections:syncs`), so an upsert per connector and day is idempotent and a window is
 * read with one HMGET per connector, pipelined in batches.
 *
 * Every upsert also bumps the connector's usage stamp in the same transaction: the archival sweep
 * commits a deprecation only if the stamp it judged is still the stamp (SPEC §10), so a usage
 * report that lands after the sweep read the usage wins.
 */
export class UsageStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async upsert(entries: UsageEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += BATCH) {
      const tx = this.redis.multi();
      for (const e of entries.slice(i, i + BATCH)) {
        tx.hset(this.keys.usage(e.connectorId), e.date, `${e.activeConnections}:${e.syncs}`);
        tx.incr(this.keys.usageStamp(e.connectorId));
      }
      const results = (await tx.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
    }
  }

  /** The connector's usage stamp ('0' before its first usage report). */
  async stamp(connectorId: string): Promise<string> {
    return (await this.redis.get(this.keys.usageStamp(connectorId))) ?? '0';
  }

  /** The usage stamps of `connectorIds`, in their order, in one round trip per batch. */
  async stamps(connectorIds: string[]): Promise<string[]> {
    const stamps: string[] = [];
    for (let i = 0; i < connectorIds.length; i += BATCH) {
      const pipeline = this.redis.pipeline();
      for (const id of connectorIds.slice(i, i + BATCH)) pipeline.get(this.keys.usageStamp(id));
      for (const [err, value] of (await pipeline.exec()) ?? []) {
        if (err) throw err;
        stamps.push((value as string | null) ?? '0');
      }
    }
    return stamps;
  }

  /** Total activeConnections over `dates` for each connector, in bulk. */
  async totals(connectorIds: string[], dates: string[]): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    for (let i = 0; i < connectorIds.length; i += BATCH) {
      const batch = connectorIds.slice(i, i + BATCH);
      const pipeline = this.redis.pipeline();
      for (const id of batch) pipeline.hmget(this.keys.usage(id), ...dates);
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([err, values], j) => {
        if (err) throw err;
        let sum = 0;
        for (const v of values as (string | null)[]) {
          if (v) sum += Number(v.slice(0, v.indexOf(':')));
        }
        totals.set(batch[j]!, sum);
      });
    }
    return totals;
  }

  async forConnector(
    connectorId: string,
  ): Promise<Record<string, { activeConnections: number; syncs: number }>> {
    const raw = await this.redis.hgetall(this.keys.usage(connectorId));
    return Object.fromEntries(
      Object.entries(raw)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([date, v]) => {
          const [a, s] = v.split(':');
          return [date, { activeConnections: Number(a), syncs: Number(s) }];
        }),
    );
  }
}
