import type { Redis } from 'ioredis';
import {
  archivalReasons,
  describeReasons,
  isOldEnough,
  usageWindowDates,
  type ArchivalSettings,
} from '../../machines/archival-policy.js';
import { DAY_MS } from '../../machines/time.js';
import type { Config } from '../config.js';
import { EventNotAllowedError, LifecycleError, toError } from '../errors.js';
import type { LifecycleService } from '../lifecycle/lifecycle-service.js';
import type { ConnectorStore } from '../store/connector-store.js';
import type { Keys } from '../store/keys.js';
import type { StoredConnector } from '../store/records.js';
import type { UsageStore } from '../usage/usage-store.js';
import type { SweepCandidate, SweepRecord, SweepStore } from './sweep-store.js';

const LOAD_BATCH = 1000;
const PARALLEL_DEPRECATIONS = 16;

/** Another sweep holds the lock; the job is retried shortly. */
export class SweepBusyError extends LifecycleError {
  readonly code = 'SWEEP_BUSY';
  readonly status = 409;
  override readonly retryable = true;
}

/**
 * The automated archival sweep (SPEC §8): finds low-usage and unmaintained connectors in bulk,
 * deprecates community ones automatically and suggests a review of certified ones. One sweep runs
 * at a time (a Redis lock); each deprecation is a compare-and-set on a connector still in
 * community.active, so two sweeps never deprecate anything twice.
 */
export class ArchivalSweeper {
  constructor(
    private readonly deps: {
      redis: Redis;
      keys: Keys;
      store: ConnectorStore;
      usage: UsageStore;
      sweeps: SweepStore;
      service: LifecycleService;
      config: Config;
      clock?: () => Date;
    },
  ) {}

  private get settings(): ArchivalSettings {
    return this.deps.config.archival;
  }

  /** Whether a deprecated connector's usage recovered: it would no longer be a candidate. */
  async usageRecovered(connectorId: string): Promise<boolean> {
    const connector = await this.deps.store.get(connectorId);
    if (!connector) return false;
    const now = this.now();
    const totals = await this.deps.usage.totals(
      [connectorId],
      usageWindowDates(now, this.settings.usageWindowDays),
    );
    const reasons = archivalReasons(
      { usage: totals.get(connectorId) ?? 0, lastReleaseAt: connector.context.lastReleaseAt },
      now,
      this.settings,
    );
    return reasons.length === 0;
  }

  async run(record: SweepRecord): Promise<SweepRecord> {
    const lockKey = this.deps.keys.sweepLock();
    const locked = await this.deps.redis.set(lockKey, record.id, 'PX', 10 * 60_000, 'NX');
    if (locked !== 'OK' && (await this.deps.redis.get(lockKey)) !== record.id) {
      throw new SweepBusyError('Another archival sweep is running.');
    }
    const noticeDays = this.deps.config.policy.archivalNoticeDays;
    let current: SweepRecord = {
      ...record,
      status: 'running',
      startedAt: new Date().toISOString(),
      settings: { ...this.settings, noticeDays },
      candidates: [],
      error: null,
    };
    await this.deps.sweeps.save(current);
    try {
      current = {
        ...current,
        ...(await this.sweep(current)),
        status: 'completed',
        finishedAt: new Date().toISOString(),
      };
    } catch (err) {
      current = {
        ...current,
        status: 'failed',
        finishedAt: new Date().toISOString(),
        error: toError(err).message,
      };
    } finally {
      // Release only our own lock.
      await this.deps.redis.eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        1,
        lockKey,
        record.id,
      );
    }
    await this.deps.sweeps.save(current);
    return current;
  }

  private async sweep(
    record: SweepRecord,
  ): Promise<Pick<SweepRecord, 'scanned' | 'candidates' | 'summary'>> {
    const now = this.now();
    const dates = usageWindowDates(now, this.settings.usageWindowDays);
    const communityIds = await this.deps.store.idsInState('community.active');
    const certifiedIds = await this.deps.store.idsInState('certified.active');
    const candidates: SweepCandidate[] = [];
    let oldEnough = 0;
    for (const [level, ids] of [
      ['community', communityIds],
      ['certified', certifiedIds],
    ] as const) {
      for (let i = 0; i < ids.length; i += LOAD_BATCH) {
        const loaded = (await this.deps.store.getMany(ids.slice(i, i + LOAD_BATCH))).filter(
          (c): c is StoredConnector =>
            c !== null &&
            c.state === `${level}.active` &&
            isOldEnough(c.createdAt, now, this.settings),
        );
        oldEnough += loaded.length;
        const totals = await this.deps.usage.totals(
          loaded.map((c) => c.context.id),
          dates,
        );
        for (const c of loaded) {
          const reasons = archivalReasons(
            { usage: totals.get(c.context.id) ?? 0, lastReleaseAt: c.context.lastReleaseAt },
            now,
            this.settings,
          );
          if (reasons.length === 0) continue;
          candidates.push({
            connectorId: c.context.id,
            name: c.context.name,
            supportLevel: level,
            reasons,
            description: describeReasons(reasons),
            action: level === 'community' ? 'would_deprecate' : 'would_suggest_review',
          });
        }
      }
    }
    if (!record.dryRun) {
      for (let i = 0; i < candidates.length; i += PARALLEL_DEPRECATIONS) {
        await Promise.all(
          candidates
            .slice(i, i + PARALLEL_DEPRECATIONS)
            .map((candidate) =>
              candidate.supportLevel === 'community'
                ? this.deprecate(record, candidate)
                : this.suggestReview(record, candidate),
            ),
        );
      }
    }
    return {
      scanned: { community: communityIds.length, certified: certifiedIds.length, oldEnough },
      candidates,
      summary: {
        candidates: candidates.length,
        deprecated: candidates.filter((c) => c.action === 'deprecated').length,
        reviewSuggested: candidates.filter((c) => c.action === 'review_suggested').length,
        skipped: candidates.filter(
          (c) => c.action === 'skipped' || c.action === 'review_already_suggested',
        ).length,
      },
    };
  }

  private async deprecate(record: SweepRecord, candidate: SweepCandidate): Promise<void> {
    try {
      const result = await this.deps.service.sendAsSystem(
        candidate.connectorId,
        {
          type: 'DEPRECATE',
          reason: `Automated archival: ${candidate.description}`,
          noticeDays: this.deps.config.policy.archivalNoticeDays,
          automated: true,
        },
        { actor: 'archival-sweep', eventId: `sweep-${record.id}-${candidate.connectorId}` },
      );
      if (result.kind === 'accepted') {
        candidate.action = 'deprecated';
        candidate.archiveAt = result.connector.context.deprecation?.archiveAt;
      }
    } catch (err) {
      if (!(err instanceof EventNotAllowedError)) throw err;
      candidate.action = 'skipped';
      candidate.detail = `no longer community.active (${String(err.details.state)})`;
    }
  }

  /** Certified connectors are never archived automatically: their maintainers are told instead. */
  private async suggestReview(record: SweepRecord, candidate: SweepCandidate): Promise<void> {
    const quietSeconds = Math.max(
      60,
      Math.round((this.deps.config.policy.archivalNoticeDays * DAY_MS) / 1000),
    );
    const suggestedKey = this.deps.keys.reviewSuggested(candidate.connectorId);
    if ((await this.deps.redis.exists(suggestedKey)) === 1) {
      candidate.action = 'review_already_suggested';
      return;
    }
    const connector = await this.deps.store.get(candidate.connectorId);
    const eventId = `sweep-${record.id}-${candidate.connectorId}`;
    await this.deps.store.enqueueEffects([
      {
        id: `${eventId}-review`,
        connectorId: candidate.connectorId,
        eventId,
        occurredAt: new Date().toISOString(),
        effect: {
          kind: 'notify',
          type: 'connector.review_suggested',
          data: {
            name: candidate.name,
            supportLevel: 'certified',
            status: 'active',
            state: 'certified.active',
            maintainers: connector?.context.maintainers ?? [],
            reasons: candidate.reasons,
            reason: candidate.description,
            sweepId: record.id,
          },
        },
      },
    ]);
    // Marked only once the notification is in the outbox: a crash in between sends it again
    // (same event id, so receivers drop the duplicate) rather than never.
    await this.deps.redis.set(suggestedKey, record.id, 'EX', quietSeconds);
    candidate.action = 'review_suggested';
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }
}
