import type { Redis } from 'ioredis';
import type { ArchivalReason, ArchivalSettings } from '../../machines/archival-policy.js';
import type { Keys } from '../store/keys.js';

export type SweepStatus = 'queued' | 'running' | 'completed' | 'failed';

export type SweepAction =
  | 'deprecated'
  | 'would_deprecate'
  | 'review_suggested'
  | 'would_suggest_review'
  | 'review_already_suggested'
  | 'skipped';

export interface SweepCandidate {
  connectorId: string;
  name: string;
  supportLevel: 'community' | 'certified';
  reasons: ArchivalReason[];
  description: string;
  action: SweepAction;
  archiveAt?: string;
  detail?: string;
}

export interface SweepRecord {
  id: string;
  status: SweepStatus;
  dryRun: boolean;
  trigger: 'manual' | 'scheduled';
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  settings: (ArchivalSettings & { noticeDays: number }) | null;
  scanned: { community: number; certified: number; oldEnough: number };
  candidates: SweepCandidate[];
  summary: { candidates: number; deprecated: number; reviewSuggested: number; skipped: number };
  error: string | null;
}

/** Sweep reports are kept for 90 days. */
const TTL_SECONDS = 90 * 24 * 3600;

export class SweepStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Creates the record unless it exists (a retried or duplicate job keeps the first). */
  async create(record: SweepRecord): Promise<boolean> {
    // Indexed first: an id whose record is missing (expired, or a crash in between) is skipped.
    await this.redis.zadd(this.keys.sweepIndex(), 'NX', Date.parse(record.createdAt), record.id);
    const set = await this.redis.set(
      this.keys.sweep(record.id),
      JSON.stringify(record),
      'EX',
      TTL_SECONDS,
      'NX',
    );
    return set === 'OK';
  }

  async save(record: SweepRecord): Promise<void> {
    await this.redis.set(this.keys.sweep(record.id), JSON.stringify(record), 'EX', TTL_SECONDS);
  }

  async get(id: string): Promise<SweepRecord | null> {
    const raw = await this.redis.get(this.keys.sweep(id));
    return raw ? (JSON.parse(raw) as SweepRecord) : null;
  }

  /** The newest sweeps first, at most `limit`; ids whose records expired leave the index. */
  async list(limit: number): Promise<SweepRecord[]> {
    const index = this.keys.sweepIndex();
    await this.redis.zremrangebyscore(index, '-inf', Date.now() - TTL_SECONDS * 1000);
    const ids = await this.redis.zrevrange(index, 0, limit - 1);
    if (!ids.length) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.sweep(id)));
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as SweepRecord] : []));
  }
}

export function newSweepRecord(
  id: string,
  fields: { dryRun: boolean; trigger: SweepRecord['trigger']; requestedBy: string },
): SweepRecord {
  return {
    id,
    status: 'queued',
    ...fields,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    settings: null,
    scanned: { community: 0, certified: 0, oldEnough: 0 },
    candidates: [],
    summary: { candidates: 0, deprecated: 0, reviewSuggested: 0, skipped: 0 },
    error: null,
  };
}
