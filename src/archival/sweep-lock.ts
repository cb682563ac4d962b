import type { Redis } from 'ioredis';
import { LuaCommand } from '../store/lua-command.js';

/** Extends the lock's expiry if it is still ours. ARGV: 1 owner, 2 ttl ms. Returns 1 or 0. */
const RENEW = new LuaCommand('renew-sweep-lock');

/** Deletes the lock if it is still ours. ARGV: 1 owner. Returns 1 or 0. */
const RELEASE = new LuaCommand('release-sweep-lock');

/**
 * The lock that lets one archival sweep run at a time. It expires (a crashed sweeper never blocks
 * the next one for long) but cannot expire under a long sweep: while held, it is renewed every
 * third of its lifetime. If a renewal finds it gone or taken (the process stalled longer than the
 * lifetime), `lost` turns true and the sweep stops before its next commit. Only our own lock is
 * ever released.
 */
export class SweepLock {
  private timer: NodeJS.Timeout | null = null;
  private lastRenewed = 0;
  private lostLock = false;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /**
   * Takes the lock for `owner`, or takes it back when `owner` already holds it (the retried job of
   * the same sweep); null when another sweep holds it.
   */
  static async acquire(
    redis: Redis,
    key: string,
    owner: string,
    ttlMs: number,
  ): Promise<SweepLock | null> {
    const lock = new SweepLock(redis, key, owner, ttlMs);
    const set = await redis.set(key, owner, 'PX', ttlMs, 'NX');
    if (set !== 'OK' && !(await lock.renew())) return null;
    lock.lastRenewed = Date.now();
    lock.timer = setInterval(() => void lock.renew(), Math.max(10, Math.floor(ttlMs / 3)));
    lock.timer.unref();
    return lock;
  }

  /** True once the lock may be another sweep's: stop committing. */
  get lost(): boolean {
    return this.lostLock || Date.now() - this.lastRenewed >= this.ttlMs;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await RELEASE.run(this.redis, [this.key], [this.owner]);
  }

  private async renew(): Promise<boolean> {
    try {
      const renewed = (await RENEW.run(this.redis, [this.key], [this.owner, this.ttlMs])) === 1;
      if (renewed) this.lastRenewed = Date.now();
      else if (this.timer) this.lostLock = true;
      return renewed;
    } catch {
      // Redis unreachable for a moment: the next tick tries again; `lost` turns true if the
      // lifetime passes without a renewal.
      return false;
    }
  }
}
