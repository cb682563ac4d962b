import { DelayedError, type Job } from 'bullmq';
import { timerJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';
import type { LifecycleService } from '../src/lifecycle/lifecycle-service.js';

export interface TimerWorkerDeps {
  service: LifecycleService;
  /** whether an automatically deprecated connector's usage recovered (the archival policy) */
  usageRecovered: (connectorId: string) => Promise<boolean>;
  /** ends the acceptance gates whose job failed for good or went missing */
  checkGates: () => Promise<unknown>;
  /** the service's clock */
  clock: () => Date;
}

/**
 * Durable timers: ARCHIVE_DUE at a deprecation's archiveAt, breaking-change reminders
 * (REMINDER_DUE), and the periodic check of open acceptance gates. Timers only send events: the
 * machine decides whether they still apply.
 */
export function timerProcessor(deps: TimerWorkerDeps) {
  return async (job: Job, token?: string) => {
    const data = parseJob(timerJob, job);
    if (data.timer === 'checkGates') return deps.checkGates();
    if (data.timer === 'archiveDue') {
      const due = Date.parse(data.archiveAt);
      const early = due - deps.clock().getTime();
      if (early > 0) {
        // Fired early (clock skew between machines): wait for the real time.
        await job.moveToDelayed(Date.now() + early, token);
        throw new DelayedError();
      }
      const applied = await deps.service.sendInternal(
        data.connectorId,
        {
          type: 'ARCHIVE_DUE',
          archiveAt: data.archiveAt,
          usageRecovered: await deps.usageRecovered(data.connectorId),
        },
        { eventId: `archive-due-${data.connectorId}-${due}` },
      );
      return { applied };
    }
    const applied = await deps.service.sendInternal(
      data.connectorId,
      {
        type: 'REMINDER_DUE',
        version: data.version,
        upgradeDeadline: data.upgradeDeadline,
        daysBefore: data.daysBefore,
      },
      { eventId: `${data.id}-reminder` },
    );
    return { sent: applied === 'accepted' };
  };
}
