import type { Logger } from 'pino';
import type { StateName } from '../../machines/connector-types.js';
import type { JobQueues } from '../jobs/job-queues.js';
import type { LifecycleService } from '../lifecycle/lifecycle-service.js';
import type { ConnectorStore } from '../store/connector-store.js';
import {
  queuedAcceptanceRun,
  type AcceptanceRunRecord,
  type StoredConnector,
} from '../store/records.js';
import { scrubSecrets } from './secret-scrubber.js';

/** The states in which a connector waits for an acceptance run (SPEC §7). */
export const GATE_STATES = [
  'custom.contributing',
  'community.certifying',
  'archived.unarchiveTesting',
] as const satisfies readonly StateName[];

/**
 * A gate whose acceptance job is nowhere to be found is ended once it is this old. The outbox relay
 * moves a gate's job into its queue within seconds; the grace covers a relay that was down for a
 * while, and the job of an entry still waiting in the outbox is never judged missing.
 */
export const MISSING_JOB_GRACE_MS = 15 * 60_000;

/** How often the scheduler checks every open gate (the `checkGates` timer job). */
export const GATE_CHECK_INTERVAL_MS = 60_000;

const FINAL = new Set(['passed', 'failed', 'timeout', 'error']);
const LOAD_BATCH = 500;

export function isFinalRun(run: AcceptanceRunRecord): boolean {
  return FINAL.has(run.status);
}

export interface GateCheckReport {
  /** open gates looked at */
  checked: number;
  /** connector ids whose gate this check ended */
  ended: string[];
}

/**
 * No gate stays open for ever (SPEC §10): the result of a run reaches the machine, and a run whose
 * job failed for good (command missing, attempts exhausted, a worker crash loop, Redis trouble past
 * its retries) ends its gate as ACCEPTANCE_FAILED with outcome `error`, through the machine like any
 * result. Two paths lead here: the acceptance worker's final-failure handler, and `check()`, run
 * periodically, which finds gates whose job failed or went missing while nobody was listening.
 */
export class AcceptanceGates {
  constructor(
    private readonly deps: {
      store: ConnectorStore;
      service: LifecycleService;
      queues: JobQueues;
      logger: Logger;
      secrets: readonly string[];
      clock: () => Date;
      /** the event ids of the acceptance runs still waiting in the outbox */
      pendingOutboxRunIds: () => Promise<Set<string>>;
    },
  ) {}

  /**
   * Reports a final run to the machine: ACCEPTANCE_PASSED, or ACCEPTANCE_FAILED with its outcome.
   * The event id is the run's, so a repeat is recognised; a result for a gate that is no longer
   * open is stale and changes nothing.
   */
  report(run: AcceptanceRunRecord, requestId?: string): Promise<'accepted' | 'stale'> {
    const event =
      run.status === 'passed'
        ? ({
            type: 'ACCEPTANCE_PASSED',
            runId: run.id,
            ...(run.spec ? { spec: run.spec } : {}),
          } as const)
        : ({ type: 'ACCEPTANCE_FAILED', runId: run.id, outcome: run.status } as const);
    return this.deps.service.sendInternal(run.connectorId, event, {
      eventId: `${run.id}-result`,
      ...(requestId ? { requestId } : {}),
    });
  }

  /**
   * Ends the gate of a run whose job failed for good. The run is recorded as `error` with `reason`,
   * unless it already has a final record: then that record's result is the one reported, so the
   * run record and the machine always agree.
   */
  async endRun(
    connectorId: string,
    runId: string,
    reason: string,
    requestId?: string,
  ): Promise<'accepted' | 'stale'> {
    const connector = await this.deps.store.get(connectorId);
    if (!connector) return 'stale';
    // An unreadable record (the reason its job kept failing, maybe) is replaced.
    let run = await this.deps.store.getRun(connectorId, runId).catch(() => null);
    if (!run || !isFinalRun(run)) {
      const now = this.deps.clock().toISOString();
      run = await this.deps.store.saveRun({
        ...(run ?? this.missingRecord(connector, runId, now)),
        status: 'error',
        outcome: 'error',
        finishedAt: now,
        reason: scrubSecrets(reason, this.deps.secrets),
      });
    }
    const applied = await this.report(run, requestId);
    if (applied === 'accepted') {
      this.deps.logger.warn(
        { connectorId, runId, outcome: run.status, reason: run.reason },
        'acceptance gate ended: its job failed for good',
      );
    }
    return applied;
  }

  /**
   * Looks at every open gate and ends those whose acceptance job failed for good or is missing
   * (never relayed within MISSING_JOB_GRACE_MS and not waiting in the outbox).
   */
  async check(): Promise<GateCheckReport> {
    const report: GateCheckReport = { checked: 0, ended: [] };
    const queue = this.deps.queues.get('acceptance');
    let outboxRunIds: Set<string> | null = null;
    for (const state of GATE_STATES) {
      const ids = await this.deps.store.idsInState(state);
      for (let i = 0; i < ids.length; i += LOAD_BATCH) {
        const connectors = await this.deps.store.getMany(ids.slice(i, i + LOAD_BATCH));
        for (const connector of connectors) {
          const gate = connector?.state === state ? connector.context.gate : null;
          if (!connector || !gate) continue;
          report.checked += 1;
          const jobState = await queue.getJobState(gate.runId);
          let reason: string | null = null;
          if (jobState === 'failed') {
            const job = await queue.getJob(gate.runId);
            reason = `The acceptance job failed for good (${job?.failedReason ?? 'no reason recorded'}, after ${job?.attemptsMade ?? '?'} attempt(s)); the gate ends with outcome error.`;
          } else if (jobState === 'unknown') {
            const age = this.deps.clock().getTime() - Date.parse(gate.requestedAt);
            if (age < MISSING_JOB_GRACE_MS) continue;
            outboxRunIds ??= await this.deps.pendingOutboxRunIds();
            if (outboxRunIds.has(gate.runId)) continue;
            reason = `The acceptance job is missing from its queue ${Math.round(age / 60_000)} minutes after the gate opened; the gate ends with outcome error.`;
          }
          if (reason === null) continue;
          const applied = await this.endRun(connector.context.id, gate.runId, reason);
          if (applied === 'accepted') report.ended.push(connector.context.id);
        }
      }
    }
    return report;
  }

  /** The record of a run whose record went missing, rebuilt from its gate. */
  private missingRecord(
    connector: StoredConnector,
    runId: string,
    now: string,
  ): AcceptanceRunRecord {
    const gate = connector.context.gate;
    return queuedAcceptanceRun({
      id: runId,
      connectorId: connector.context.id,
      eventId: runId.replace(/^run-/, ''),
      eventType: 'unknown',
      purpose: gate?.runId === runId ? gate.purpose : 'unknown',
      image: gate?.runId === runId ? gate.image : 'unknown',
      queuedAt: gate?.runId === runId ? gate.requestedAt : now,
    });
  }
}
