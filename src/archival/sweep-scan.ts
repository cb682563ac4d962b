import type { Redis } from 'ioredis';
import type { Keys } from '../store/keys.js';
import { LuaCommand } from '../store/lua-command.js';
import type { ConnectorRecord } from '../store/records.js';
import { migrateRecord } from '../store/snapshot-migrations.js';

/**
 * Reads a batch of connectors for the sweep's scan: for each connector (KEYS: its connector hash,
 * then its usage hash, pair after pair) its snapshot JSON (false when it is gone) and its total
 * activeConnections over the dates in ARGV[2..], summed inside Redis, newest week first, and no
 * further once it reaches ARGV[1]. Returns {doc, total, doc, total, …}.
 */
const SCAN_BATCH = new LuaCommand('sweep-scan-batch');

/** Connectors per script call: one call keeps Redis busy for a few milliseconds at most. */
const SCRIPT_BATCH = 250;
/** Connectors per round trip (SCRIPT_BATCH-sized calls in one pipeline). */
const ROUND_TRIP_BATCH = 1000;
/**
 * Round trips in flight while the caller judges a batch: Redis computes the next batches meanwhile,
 * so neither Redis nor this process waits for the other.
 */
const READS_AHEAD = 3;

/** One connector as the scan sees it: what the archival policy judges, and nothing more. */
export interface ScannedConnector {
  id: string;
  name: string;
  state: string;
  createdAt: string;
  activeSince: string | undefined;
  lastReleaseAt: string;
  /**
   * total activeConnections over the usage window, exact when it is under the scan's `enough`;
   * otherwise some number at or above `enough` (the scan stops summing there)
   */
  usage: number;
}

/**
 * The archival sweep's bulk read: connectors and their usage totals in large pipelined batches,
 * the totals computed inside Redis (one number per connector crosses the wire instead of a value
 * per day). A total is summed only as far as the policy needs: the archival threshold decides
 * `usage < threshold`, and a connector in use passes it in its latest days, so Redis stops there
 * (half the sweep's Redis time over 100,000 connectors in use, `npm run bench -- sweep`). Yields
 * one batch at a time and keeps READS_AHEAD reads in flight while the caller judges it, so at most
 * READS_AHEAD + 1 batches (4,000 connectors) are ever held in memory.
 */
export class SweepScan {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * The connectors of `ids` that still exist, batch after batch, with usage over `dates` (oldest
   * first), summed until it reaches `enough`.
   */
  async *batches(
    ids: readonly string[],
    dates: readonly string[],
    enough: number,
  ): AsyncGenerator<ScannedConnector[]> {
    const args = [String(enough), ...dates];
    let next = 0;
    const read = (): Promise<ScannedConnector[]> | null => {
      if (next >= ids.length) return null;
      const batch = ids.slice(next, next + ROUND_TRIP_BATCH);
      next += batch.length;
      const reading = this.read(batch, args);
      // Awaited below; this only keeps a failure from counting as unhandled if the caller stops.
      reading.catch(() => undefined);
      return reading;
    };
    const ahead: Promise<ScannedConnector[]>[] = [];
    for (;;) {
      while (ahead.length < READS_AHEAD) {
        const reading = read();
        if (!reading) break;
        ahead.push(reading);
      }
      const reading = ahead.shift();
      if (!reading) return;
      yield await reading;
    }
  }

  private async read(ids: string[], args: string[]): Promise<ScannedConnector[]> {
    const calls: { keys: string[]; args: string[] }[] = [];
    for (let i = 0; i < ids.length; i += SCRIPT_BATCH) {
      const keys: string[] = [];
      for (const id of ids.slice(i, i + SCRIPT_BATCH)) {
        keys.push(this.keys.connector(id), this.keys.usage(id));
      }
      calls.push({ keys, args });
    }
    const replies = await SCAN_BATCH.runMany(this.redis, calls);
    const scanned: ScannedConnector[] = [];
    for (const reply of replies) {
      if (reply instanceof Error) throw reply;
      const values = reply as (string | number | null)[];
      for (let j = 0; j < values.length; j += 2) {
        const doc = values[j];
        if (typeof doc !== 'string') continue;
        const record = migrateRecord(JSON.parse(doc) as ConnectorRecord);
        scanned.push({
          id: record.context.id,
          name: record.context.name,
          state: record.state,
          createdAt: record.createdAt,
          activeSince: record.context.activeSince,
          lastReleaseAt: record.context.lastReleaseAt,
          usage: Number(values[j + 1]),
        });
      }
    }
    return scanned;
  }
}
