import { DelayedError, type Job } from 'bullmq';
import {
  runAcceptanceCommand,
  type AcceptanceRunResult,
} from '../src/acceptance/acceptance-command.js';
import { acceptanceJob } from '../src/jobs/job-catalog.js';
import type { LifecycleService } from '../src/lifecycle/lifecycle-service.js';
import type { ConnectorStore } from '../src/store/connector-store.js';
import { queuedAcceptanceRun, type AcceptanceRunRecord } from '../src/store/records.js';

export interface AcceptanceWorkerDeps {
  store: ConnectorStore;
  service: LifecycleService;
  command: string | undefined;
  timeoutMs: number;
  /** aborted on shutdown: the running command is killed and the job handed back */
  shutdown: AbortSignal;
}

const FINAL = new Set(['passed', 'failed', 'timeout', 'error']);

/**
 * Runs the acceptance command for one gate, records the run, and reports its result to the machine
 * as ACCEPTANCE_PASSED / ACCEPTANCE_FAILED. A retry after a crash does not run a finished run again:
 * it only re-sends the result, which the machine ignores if it already has it.
 */
export function acceptanceProcessor(deps: AcceptanceWorkerDeps) {
  return async (job: Job, token?: string) => {
    const data = acceptanceJob.parse(job.data);
    let run = (await deps.store.getRun(data.connectorId, data.runId)) ?? queuedRun(data);
    if (!FINAL.has(run.status)) {
      run = {
        ...run,
        status: 'running',
        startedAt: new Date().toISOString(),
        attempts: run.attempts + 1,
      };
      await deps.store.saveRun(run);
      const result = deps.command
        ? await runAcceptanceCommand({
            command: deps.command,
            connectorId: data.connectorId,
            image: data.image,
            timeoutMs: deps.timeoutMs,
            signal: deps.shutdown,
          })
        : notConfigured();
      if (deps.shutdown.aborted) {
        // Shutting down: hand the job back untouched so that another worker runs it.
        await deps.store.saveRun({ ...run, status: 'queued' });
        await job.moveToDelayed(Date.now() + 500, token);
        throw new DelayedError();
      }
      run = {
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
      };
      await deps.store.saveRun(run);
    }
    const event =
      run.status === 'passed'
        ? ({
            type: 'ACCEPTANCE_PASSED',
            runId: run.id,
            ...(run.spec ? { spec: run.spec } : {}),
          } as const)
        : ({ type: 'ACCEPTANCE_FAILED', runId: run.id, outcome: run.status } as const);
    const applied = await deps.service.sendInternal(data.connectorId, event, {
      eventId: `${run.id}-result`,
      ...(data.requestId ? { requestId: data.requestId } : {}),
    });
    return { runId: run.id, status: run.status, applied };
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
