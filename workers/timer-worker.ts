import { DelayedError, type Job } from 'bullmq';
import { QUEUES, timerJob, type NotificationJob } from '../src/jobs/job-catalog.js';
import type { JobQueues } from '../src/jobs/job-queues.js';
import type { LifecycleService } from '../src/lifecycle/lifecycle-service.js';
import type { ConnectorStore } from '../src/store/connector-store.js';

export interface TimerWorkerDeps {
  store: ConnectorStore;
  service: LifecycleService;
  queues: JobQueues;
  /** whether an automatically deprecated connector's usage recovered (the archival policy) */
  usageRecovered: (connectorId: string) => Promise<boolean>;
  /** ends the acceptance gates whose job failed for good or went missing */
  checkGates: () => Promise<unknown>;
  /** the service's clock */
  clock: () => Date;
}

/**
 * Durable timers: ARCHIVE_DUE at a deprecation's archiveAt, breaking-change reminders, and the
 * periodic check of open acceptance gates.
 */
export function timerProcessor(deps: TimerWorkerDeps) {
  return async (job: Job, token?: string) => {
    const data = timerJob.parse(job.data);
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
    // A reminder goes out only while the breaking change is still the connector's and it is listed.
    const connector = await deps.store.get(data.connectorId);
    const change = connector?.context.breakingChanges[data.version];
    if (
      !connector ||
      !change ||
      connector.state.startsWith('archived') ||
      change.upgradeDeadline !== data.upgradeDeadline
    ) {
      return { sent: false };
    }
    const notification: NotificationJob = {
      id: `${data.id}-reminder`,
      type: 'connector.breaking_change_reminder',
      connectorId: data.connectorId,
      occurredAt: deps.clock().toISOString(),
      data: {
        version: data.version,
        daysBefore: data.daysBefore,
        upgradeDeadline: change.upgradeDeadline,
        message: change.message,
        migrationDocumentationUrl: change.migrationDocumentationUrl,
        supportLevel: connector.state.split('.')[0],
        status: connector.state.split('.')[1],
      },
    };
    await deps.queues.add([
      {
        queue: 'notifications',
        name: notification.type,
        data: notification,
        opts: { ...QUEUES.notifications.options, jobId: notification.id },
      },
    ]);
    return { sent: true };
  };
}
