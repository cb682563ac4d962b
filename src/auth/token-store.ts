import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
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

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * API tokens: only their SHA-256 is stored (tokens are 256 random bits, so a fast hash is enough);
 * the clear token is returned once, at creation. LIFECYCLE_ADMIN_TOKEN bootstraps an admin.
 */
export class TokenStore {
  private readonly adminHash: Buffer | null;

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
      .exec();
  }

  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    if (this.adminHash && timingSafeEqual(this.adminHash, Buffer.from(hash, 'hex'))) {
      return { subject: 'admin', role: 'admin', tokenId: 'bootstrap-admin' };
    }
    const id = await this.redis.get(this.keys.tokenByHash(hash));
    if (!id) return null;
    const raw = await this.redis.hget(this.keys.tokens(), id);
    if (!raw) return null;
    const record = JSON.parse(raw) as TokenRecord;
    return { subject: record.subject, role: record.role, tokenId: record.id };
  }
}
