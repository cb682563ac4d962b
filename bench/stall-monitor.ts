import { Redis } from 'ioredis';

/*
 * What may have held up a latency round: Redis's latency monitor on a bench Redis, and the
 * service's event loop.
 */

/** Redis's latency monitor: its events (`aof-fsync-always`, `command`…) slower than a threshold. */
export class RedisLatencyMonitor {
  private constructor(private readonly redis: Redis) {}

  static async start(url: string, thresholdMs = 10): Promise<RedisLatencyMonitor> {
    const redis = new Redis(url, { maxRetriesPerRequest: null });
    await redis.config('SET', 'latency-monitor-threshold', String(thresholdMs));
    return new RedisLatencyMonitor(redis);
  }

  async reset(): Promise<void> {
    await latency(this.redis, 'RESET');
  }

  /** The slowest of each event since the reset, ms, slowest first. */
  async worst(): Promise<[event: string, maxMs: number][]> {
    const rows = (await latency(this.redis, 'LATEST')) as [string, number, number, number][];
    return rows
      .map(([event, , , max]): [string, number] => [event, max])
      .sort((a, b) => b[1] - a[1]);
  }

  close(): void {
    this.redis.disconnect();
  }
}

/** LATENCY <subcommand> on `connection`. */
function latency(connection: Redis, ...args: string[]): Promise<unknown> {
  return connection.call('LATENCY', ...args);
}

/**
 * The longest event-loop delay of the service since the previous call, ms (null: not exposed):
 * prom-client's `nodejs_eventloop_lag_max_seconds`, which each scrape of /metrics resets.
 */
export async function eventLoopLagMaxMs(base: string): Promise<number | null> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  return match ? Number(match[1]) * 1000 : null;
}
