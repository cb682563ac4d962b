import type { Redis } from 'ioredis';
import { LuaCommand } from '../store/lua-command.js';

/**
 * Renews a claim only while it is still ours (the stored value is exactly our claim).
 * KEYS: 1 record. ARGV: 1 our claim, 2 TTL in ms. Returns 1 when renewed, 0 when lost.
 */
const RENEW_CLAIM = new LuaCommand('renew-idempotency-claim');

/**
 * Replaces our claim with the final record ('' = delete it), only while the claim is still ours.
 * KEYS: 1 record. ARGV: 1 our claim, 2 final record or '', 3 its TTL in ms. Returns 1 or 0 (lost).
 */
const SETTLE_CLAIM = new LuaCommand('settle-idempotency-claim');

/**
 * The in-progress claim of one Idempotency-Key by one running request. While the request runs, a
 * heartbeat renews it (every third of its TTL), so that it never expires under a slow request and
 * lets a second one run the same work; the final write replaces it only if it is still ours.
 */
export class IdempotencyClaim {
  private heartbeat: NodeJS.Timeout | null = null;
  private settled = false;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    /** the exact value stored while in progress: a random id makes it ours alone */
    private readonly value: string,
    private readonly ttlMs: number,
  ) {}

  /** Claims `key` (SET NX); null when another request holds it or has finished under it. */
  static async acquire(
    redis: Redis,
    key: string,
    value: string,
    ttlMs: number,
  ): Promise<IdempotencyClaim | null> {
    const claimed = await redis.set(key, value, 'PX', ttlMs, 'NX');
    if (claimed !== 'OK') return null;
    const claim = new IdempotencyClaim(redis, key, value, ttlMs);
    claim.startHeartbeat();
    return claim;
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(
      () => {
        RENEW_CLAIM.run(this.redis, [this.key], [this.value, this.ttlMs]).then(
          (renewed) => {
            if (renewed !== 1) this.stopHeartbeat(); // lost: nothing left to keep alive
          },
          () => {}, // Redis unreachable: the next beat tries again
        );
      },
      Math.max(10, Math.floor(this.ttlMs / 3)),
    );
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * Ends the claim: stores `record` for `recordTtlMs`, or deletes the claim when `record` is null
   * (the answer is not kept). Only once, and only if the claim is still ours; true when written.
   */
  async settle(record: string | null, recordTtlMs: number): Promise<boolean> {
    if (this.settled) return false;
    this.settled = true;
    this.stopHeartbeat();
    const written = await SETTLE_CLAIM.run(
      this.redis,
      [this.key],
      [this.value, record ?? '', recordTtlMs],
    );
    return written === 1;
  }
}
