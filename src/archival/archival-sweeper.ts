import type { Redis } from 'ioredis';
import {
  ageCountsFrom,
  archivalReasons,
  describeReasons,
  isOldEnough,
  usageWindowDates,
  usageWindowStart,
  type ArchivalReason,
  type ArchivalSettings,
} from '../../machines/archival-policy.js';
import { sweepActionFor } from '../../machines/lifecycle-rules.js';
import type { Config } from '../config.js';
import { ConcurrentChangeError, EventNotAllowedError, LifecycleError, toError } from '../errors.js';
import type { LifecycleService } from '../lifecycle/lifecycle-service.js';
import type { ConnectorStore } from '../store/connector-store.js';
import type { Keys } from '../store/keys.js';
import type { StoredConnector } from '../store/records.js';
import type { UsageStore } from '../usage/usage-store.js';
import { SweepLock } from './sweep-lock.js';
import { SweepScan } from './sweep-scan.js';
import type { SweepCandidate, SweepRecord, SweepStore } from './sweep-store.js';

const PARALLEL_DEPRECATIONS = 16;
/** A connector changed under the sweep this often in a row is left for the next sweep. */
const MAX_COMMIT_ATTEMPTS = 5;
/** The sweep lock's lifetime; it is renewed every third of it while the sweep runs. */
const LOCK_TTL_MS = 60_000;

/** Another sweep holds the lock; the job is retried shortly. */
export class SweepBusyError extends LifecycleError {
  readonly code = 'SWEEP_BUSY';
  readonly status = 409;
  override readonly retryable = true;
}

/** The sweep lock was lost (the process stalled longer than its lifetime): the sweep stops. */
export class SweepLockLostError extends LifecycleError {
  readonly code = 'SWEEP_LOCK_LOST';
  readonly status = 409;
  override readonly retryable = true;
}

/** A candidate judged again on fresh data, right before its commit. */
type Judgement =
  | { kind: 'skip'; detail: string }
  | {
      kind: 'candidate';
      connector: StoredConnector;
      usageStamp: string;
      reasons: ArchivalReason[];
    };

/** Points where tests (or tracing) run code in the middle of a sweep. */
export interface SweepHooks {
  /** after the scan, before any change; `lock.lost` says whether the sweep's lock is gone */
  afterScan?: (
    candidates: readonly SweepCandidate[],
    lock: { readonly lost: boolean },
  ) => Promise<void>;
  /** after a candidate was judged again with fresh data, right before its commit */
  beforeCommit?: (connectorId: string) => Promise<void>;
}

/**
 * The automated archival sweep (SPEC §8): finds low-usage and unmaintained connectors in bulk,
 * deprecates community ones automatically and suggests a review of certified ones. One sweep runs
 * at a time (a Redis lock, renewed while the sweep runs).
 *
 * A deprecation is committed only if the connector is still a candidate at the version being
 * changed (SPEC §10): right before the commit the candidate is judged again on fresh data (its
 * state, age, last release and usage), and the commit is a compare-and-set on both the connector's
 * version (a release moves it) and its usage stamp (a usage report moves it). A lost
 * compare-and-set judges again; so a release or a usage report that arrives after the scan wins,
 * and two sweeps never deprecate anything twice.
 */
export class ArchivalSweeper {
  private readonly scan: SweepScan;
  /** the last usage window computed, by its first date */
  private window: { start: string; dates: string[] } | null = null;

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
      hooks?: SweepHooks;
      /** the sweep lock's lifetime (default 60 s); renewed every third of it */
      lockTtlMs?: number;
    },
  ) {
    this.scan = new SweepScan(deps.redis, deps.keys);
  }

  private get settings(): ArchivalSettings {
    return this.deps.config.archival;
  }

  /** Whether a deprecated connector's usage recovered: it would no longer be a candidate. */
  async usageRecovered(connectorId: string): Promise<boolean> {
    const connector = await this.deps.store.get(connectorId);
    if (!connector) return false;
    return (await this.reasonsNow(connector, this.now())).length === 0;
  }

  /** Why one connector should be archived, on its usage as stored now. */
  private async reasonsNow(connector: StoredConnector, now: Date): Promise<ArchivalReason[]> {
    const id = connector.context.id;
    const totals = await this.deps.usage.totals([id], this.windowDates(now));
    return archivalReasons(
      { usage: totals.get(id) ?? 0, lastReleaseAt: connector.context.lastReleaseAt },
      now,
      this.settings,
    );
  }

  async run(record: SweepRecord): Promise<SweepRecord> {
    const lock = await SweepLock.acquire(
      this.deps.redis,
      this.deps.keys.sweepLock(),
      record.id,
      this.deps.lockTtlMs ?? LOCK_TTL_MS,
    );
    if (!lock) throw new SweepBusyError('Another archival sweep is running.');
    const noticeDays = this.deps.config.policy.archivalNoticeDays;
    let current: SweepRecord = {
      ...record,
      status: 'running',
      startedAt: this.now().toISOString(),
      settings: { ...this.settings, noticeDays },
      candidates: [],
      error: null,
    };
    try {
      await this.deps.sweeps.save(current);
      current = {
        ...current,
        ...(await this.sweep(current, lock)),
        status: 'completed',
        finishedAt: this.now().toISOString(),
      };
    } catch (err) {
      current = {
        ...current,
        status: 'failed',
        finishedAt: this.now().toISOString(),
        error: toError(err).message,
      };
    } finally {
      await lock.release();
    }
    await this.deps.sweeps.save(current);
    return current;
  }

  private async sweep(
    record: SweepRecord,
    lock: SweepLock,
  ): Promise<Pick<SweepRecord, 'scanned' | 'candidates' | 'summary'>> {
    const now = this.now();
    const dates = this.windowDates(now);
    const communityIds = await this.deps.store.idsInState('community.active');
    const certifiedIds = await this.deps.store.idsInState('certified.active');
    const candidates: SweepCandidate[] = [];
    let oldEnough = 0;
    for (const [level, ids] of [
      ['community', communityIds],
      ['certified', certifiedIds],
    ] as const) {
      for await (const batch of this.scan.batches(ids, dates, this.settings.minUsage)) {
        for (const c of batch) {
          const age = { createdAt: c.createdAt, activeSince: c.activeSince };
          if (c.state !== `${level}.active` || !isOldEnough(age, now, this.settings)) continue;
          oldEnough++;
          const reasons = archivalReasons(
            { usage: c.usage, lastReleaseAt: c.lastReleaseAt },
            now,
            this.settings,
          );
          if (reasons.length === 0) continue;
          candidates.push({
            connectorId: c.id,
            name: c.name,
            supportLevel: level,
            reasons,
            description: describeReasons(reasons),
            action:
              sweepActionFor(level) === 'deprecate' ? 'would_deprecate' : 'would_suggest_review',
          });
        }
      }
    }
    await this.deps.hooks?.afterScan?.(candidates, lock);
    if (!record.dryRun) await this.act(record, candidates, lock);
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

  /**
   * Deprecates or suggests a review for each candidate, PARALLEL_DEPRECATIONS at a time: the
   * community candidates of a group are judged again together (one read for the group), then the
   * group's commits run side by side. Nothing new starts once the lock is lost; when a candidate
   * fails, the rest of its group ends and the first failure is thrown.
   */
  private async act(record: SweepRecord, candidates: SweepCandidate[], lock: SweepLock) {
    for (let i = 0; i < candidates.length; i += PARALLEL_DEPRECATIONS) {
      if (lock.lost) throw new SweepLockLostError('The archival sweep lost its lock; it stopped.');
      const group = candidates.slice(i, i + PARALLEL_DEPRECATIONS);
      const deprecations = group.filter((c) => sweepActionFor(c.supportLevel) === 'deprecate');
      const judged = await this.judgeAgain(deprecations.map((c) => c.connectorId));
      const results = await Promise.allSettled(
        group.map((candidate) => {
          const j = deprecations.indexOf(candidate);
          return j >= 0
            ? this.deprecate(record, candidate, lock, judged[j]!)
            : this.suggestReview(record, candidate);
        }),
      );
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /**
   * Deprecates a candidate if it still is one: `judged` on fresh data, committed with a
   * compare-and-set on its version and usage stamp, judged again when either moved.
   */
  private async deprecate(
    record: SweepRecord,
    candidate: SweepCandidate,
    lock: SweepLock,
    judged: Judgement,
  ): Promise<void> {
    const id = candidate.connectorId;
    let fresh = judged;
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      if (lock.lost) throw new SweepLockLostError('The archival sweep lost its lock; it stopped.');
      if (attempt > 0) fresh = (await this.judgeAgain([id]))[0]!;
      if (fresh.kind === 'skip') {
        candidate.action = 'skipped';
        candidate.detail = fresh.detail;
        return;
      }
      candidate.reasons = fresh.reasons;
      candidate.description = describeReasons(fresh.reasons);
      await this.deps.hooks?.beforeCommit?.(id);
      try {
        const result = await this.deps.service.sendAsSystemOnce(
          fresh.connector,
          {
            type: 'DEPRECATE',
            reason: `Automated archival: ${candidate.description}`,
            noticeDays: this.deps.config.policy.archivalNoticeDays,
            automated: true,
          },
          {
            actor: 'archival-sweep',
            eventId: `sweep-${record.id}-${id}`,
            guard: { key: this.deps.keys.usageStamp(id), value: fresh.usageStamp },
          },
        );
        if (result.kind === 'accepted') {
          candidate.action = 'deprecated';
          candidate.archiveAt = result.connector.context.deprecation?.archiveAt;
        }
        return;
      } catch (err) {
        if (err instanceof ConcurrentChangeError) continue; // a release or usage came in: judge again
        if (!(err instanceof EventNotAllowedError)) throw err;
        candidate.action = 'skipped';
        candidate.detail = `no longer community.active (${String(err.details.state)})`;
        return;
      }
    }
    candidate.action = 'skipped';
    candidate.detail = `changed ${MAX_COMMIT_ATTEMPTS} times while the sweep judged it; left for the next sweep`;
  }

  /**
   * Candidates judged again with fresh data, in one round trip for their usage stamps and then one
   * for their snapshots and usage. The stamps are read first: a usage report after that read moves
   * the stamp, so the commit's compare-and-set catches it.
   */
  private async judgeAgain(ids: string[]): Promise<Judgement[]> {
    if (ids.length === 0) return [];
    const stamps = await this.deps.usage.stamps(ids);
    const now = this.now();
    const [connectors, totals] = await Promise.all([
      this.deps.store.getMany(ids),
      this.deps.usage.totals(ids, this.windowDates(now)),
    ]);
    return ids.map((id, i) => {
      const connector = connectors[i];
      if (!connector) return { kind: 'skip', detail: 'no longer exists' };
      if (connector.state !== 'community.active') {
        return { kind: 'skip', detail: `no longer community.active (${connector.state})` };
      }
      const age = { createdAt: connector.createdAt, activeSince: connector.context.activeSince };
      if (!isOldEnough(age, now, this.settings)) {
        return {
          kind: 'skip',
          detail: `no longer old enough (counted from ${ageCountsFrom(age)})`,
        };
      }
      const reasons = archivalReasons(
        { usage: totals.get(id) ?? 0, lastReleaseAt: connector.context.lastReleaseAt },
        now,
        this.settings,
      );
      if (reasons.length === 0) {
        return {
          kind: 'skip',
          detail: 'no longer a candidate: a release or usage report arrived after the scan',
        };
      }
      return { kind: 'candidate', connector, usageStamp: stamps[i]!, reasons };
    });
  }

  /**
   * Certified connectors are never archived automatically: the machine decides whether their
   * maintainers get a review suggestion now (at most once per notice period, SPEC §8).
   */
  private async suggestReview(record: SweepRecord, candidate: SweepCandidate): Promise<void> {
    const id = candidate.connectorId;
    const result = await this.deps.service.sendAsSystem(
      id,
      {
        type: 'SUGGEST_REVIEW',
        reasons: candidate.reasons,
        reason: candidate.description,
        sweepId: record.id,
      },
      { actor: 'archival-sweep', eventId: `sweep-${record.id}-${id}` },
    );
    if (result.kind === 'accepted') {
      candidate.action = 'review_suggested';
      return;
    }
    const connector = await this.deps.store.get(id);
    if (connector?.state === 'certified.active') {
      candidate.action = 'review_already_suggested';
    } else {
      candidate.action = 'skipped';
      candidate.detail = `no longer certified.active (${connector?.state ?? 'gone'})`;
    }
  }

  /** The usage window's dates on `now`'s UTC day (computed once a day, not once a candidate). */
  private windowDates(now: Date): string[] {
    const start = usageWindowStart(now, this.settings.usageWindowDays);
    if (this.window?.start !== start) {
      this.window = { start, dates: usageWindowDates(now, this.settings.usageWindowDays) };
    }
    return this.window.dates;
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }
}
