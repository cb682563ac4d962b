import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import {
  runAcceptanceCommand,
  type AcceptanceRunResult,
} from '../src/acceptance/acceptance-command.js';
import { isFinalRun, type AcceptanceGates } from '../src/acceptance/acceptance-gates.js';
import { acceptanceJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';
import type { ConnectorStore } from '../src/store/connector-store.js';
import { queuedAcceptanceRun, type AcceptanceRunRecord } from '../src/store/records.js';

export interface AcceptanceWorkerDeps {
  store: ConnectorStore;
  gates: AcceptanceGates;
  command: string | undefined;
  timeoutMs: number;
  /** the command's whole base environment (SPEC §10): never the service's own */
  environment: Record<string, string>;
  /** values scrubbed from what is kept of a run */
  secrets: readonly string[];
  /** aborted on shutdown: the running command is killed and the job handed back */
  shutdown: AbortSignal;
}

/**
 * Runs the acceptance command for one gate, records the run, and reports its result to the machine
 * as ACCEPTANCE_PASSED / ACCEPTANCE_FAILED. A retry after a crash does not run a finished run again:
 * it only re-sends the result, which the machine ignores if it already has it. A record that is
 * final is never overwritten: when two runs of one job overlap (a job handed back after a stall
 * while its first run went on), the first result recorded is the one reported, by both.
 */
export function acceptanceProcessor(deps: AcceptanceWorkerDeps) {
  return async (job: Job, token?: string) => {
    const data = parseJob(acceptanceJob, job);
    let run = (await deps.store.getRun(data.connectorId, data.runId)) ?? queuedRun(data);
    if (!isFinalRun(run)) {
      run = await deps.store.saveRun({
        ...run,
        status: 'running',
        startedAt: new Date().toISOString(),
        attempts: run.attempts + 1,
      });
    }
    if (!isFinalRun(run)) {
      const result = deps.command
        ? await runAcceptanceCommand({
            command: deps.command,
            connectorId: data.connectorId,
            image: data.image,
            timeoutMs: deps.timeoutMs,
            env: deps.environment,
            secrets: deps.secrets,
            signal: deps.shutdown,
          })
        : notConfigured();
      if (deps.shutdown.aborted) {
        // Shutting down: hand the job back untouched so that another worker runs it.
        await deps.store.saveRun({ ...run, status: 'queued' });
        await job.moveToDelayed(Date.now() + 500, token);
        throw new DelayedError();
      }
      run = await deps.store.saveRun({
        ...run,
        status: result.outcome,
        outcome: result.outcome,
        finishedAt: result.finishedAt,
        reason: result.reason,
        exitCode: result.exitCode,
        tests: result.tests,
        reportFiles: result.reportFiles,
        outputTail: result.outputTail,
        ...(result.spec ? { spec: result.spec } : {}),
      });
    }
    const applied = await deps.gates.report(run, data.requestId);
    return { runId: run.id, status: run.status, applied };
  };
}

/** What the final-failure handler needs of a job's payload (the rest may be what broke it). */
const failedJobRef = z.object({
  runId: z.string(),
  connectorId: z.string(),
  requestId: z.string().optional(),
});

/**
 * Called on every failure of an acceptance job: once the job failed for good (attempts exhausted,
 * stalled more often than allowed), its gate ends as ACCEPTANCE_FAILED with outcome `error`.
 */
export function acceptanceFailureHandler(deps: { gates: AcceptanceGates }) {
  return async (
    job: Job,
    err: Error,
  ): Promise<'accepted' | 'stale' | 'retrying' | 'unreadable'> => {
    if (!(await job.isFailed())) return 'retrying';
    const ref = failedJobRef.safeParse(job.data);
    if (!ref.success) return 'unreadable';
    return deps.gates.endRun(
      ref.data.connectorId,
      ref.data.runId,
      `The acceptance job failed for good (${err.message}, after ${job.attemptsMade} attempt(s)); the gate ends with outcome error.`,
      ref.data.requestId,
    );
  };
}

/** The commit records the run; this only covers a record that went missing. */
function queuedRun(data: ReturnType<typeof acceptanceJob.parse>): AcceptanceRunRecord {
  return queuedAcceptanceRun({
    id: data.runId,
    connectorId: data.connectorId,
    eventId: data.eventId,
    eventType: 'unknown',
    purpose: data.purpose,
    image: data.image,
    queuedAt: new Date().toISOString(),
  });
}

function notConfigured(): AcceptanceRunResult {
  const now = new Date().toISOString();
  return {
    outcome: 'error',
    reason:
      'LIFECYCLE_ACCEPTANCE_COMMAND is not set: no acceptance tests can run, so the gate fails.',
    exitCode: null,
    signal: null,
    tests: { total: 0, passed: 0, failures: 0, errors: 0, skipped: 0 },
    reportFiles: [],
    outputTail: '',
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
  };
}
