import { hash as oneShotHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors.js';
import type { Keys } from '../store/keys.js';
import type { Principal, Role } from './roles.js';

export interface TokenRecord {
  id: string;
  subject: string;
  role: Role;
  hash: string;
  createdAt: string;
  createdBy: string;
}

/** The hex SHA-256 of a token's UTF-8 bytes (one-shot `crypto.hash`: no Hash object per request). */
export function hashToken(token: string): string {
  return oneShotHash('sha256', token, 'hex');
}

/** The token id of LIFECYCLE_ADMIN_TOKEN's principal (it is not stored, nor cached). */
export const BOOTSTRAP_ADMIN_TOKEN_ID = 'bootstrap-admin';

/** Tokens kept in one process's cache at most; a full cache starts again empty. */
const CACHE_LIMIT = 10_000;

/**
 * API tokens: only their SHA-256 is stored (tokens are 256 random bits, so a fast hash is enough);
 * the clear token is returned once, at creation. LIFECYCLE_ADMIN_TOKEN bootstraps an admin.
 *
 * Known tokens can be looked up in a cache of this process (`authenticate(token, { cached: true })`)
 * when the caller then checks the tokens' version, which every create and revoke moves on, with
 * `observeVersion` in a round trip it makes anyway (the API's admission check): a move empties the
 * cache, and the caller looks its token up again. So a revoked token is refused by every process
 * from the first request after the revocation.
 */
export class TokenStore {
  private readonly adminHash: Buffer | null;
  private readonly cache = new Map<string, Principal>();
  /** the tokens' version the cache holds, as last observed (null: none observed yet) */
  private cacheVersion: string | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    adminToken: string | undefined,
  ) {
    this.adminHash = adminToken ? Buffer.from(hashToken(adminToken), 'hex') : null;
  }

  async create(subject: string, role: Role, createdBy: string) {
    const token = `lc_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = {
      id: randomUUID(),
      subject,
      role,
      hash: hashToken(token),
      createdAt: new Date().toISOString(),
      createdBy,
    };
    await this.redis
      .multi()
      .hset(this.keys.tokens(), record.id, JSON.stringify(record))
      .set(this.keys.tokenByHash(record.hash), record.id)
      .incr(this.keys.tokensVersion())
      .exec();
    return { id: record.id, token, subject, role, createdAt: record.createdAt };
  }

  async revoke(id: string): Promise<void> {
    const raw = await this.redis.hget(this.keys.tokens(), id);
    if (!raw) throw new NotFoundError(`No token with id "${id}".`);
    const record = JSON.parse(raw) as TokenRecord;
    await this.redis
      .multi()
      .hdel(this.keys.tokens(), id)
      .del(this.keys.tokenByHash(record.hash))
      .incr(this.keys.tokensVersion())
      .exec();
  }

  /**
   * The principal of a token, or null when it is unknown or revoked. With `cached`, a token this
   * process has seen since the last observed version is answered from memory: the caller must then
   * pass the tokens' version to `observeVersion` and look the token up again when it moved.
   */
  async authenticate(token: string, { cached = false } = {}): Promise<Principal | null> {
    const hash = hashToken(token);
    if (this.adminHash && timingSafeEqual(this.adminHash, Buffer.from(hash, 'hex'))) {
      return { subject: 'admin', role: 'admin', tokenId: BOOTSTRAP_ADMIN_TOKEN_ID };
    }
    if (cached) {
      const hit = this.cache.get(hash);
      if (hit) return hit;
    }
    const versionAtRead = this.cacheVersion;
    const id = await this.redis.get(this.keys.tokenByHash(hash));
    if (!id) return null;
    const raw = await this.redis.hget(this.keys.tokens(), id);
    if (!raw) return null;
    const record = JSON.parse(raw) as TokenRecord;
    const principal: Principal = { subject: record.subject, role: record.role, tokenId: record.id };
    // Cached only if no version move was observed during the read: a revocation that the read may
    // have missed has then emptied the cache after this read began, and must not be undone.
    if (versionAtRead !== null && versionAtRead === this.cacheVersion) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(hash, principal);
    }
    return principal;
  }

  /**
   * The tokens' version read in the caller's round trip: returns true when it moved since the
   * cache was filled (the cache is now empty, and a principal read from it must be read again).
   */
  observeVersion(version: string): boolean {
    if (version === this.cacheVersion) return false;
    this.cache.clear();
    const first = this.cacheVersion === null;
    this.cacheVersion = version;
    return !first;
  }
}
