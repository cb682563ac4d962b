import type { Config } from '../config.js';
import type { CatalogJob, NotificationJob, PlannedJob } from '../jobs/job-catalog.js';
import { deliveriesFor } from '../notifications/notification-deliveries.js';
import type { Subscription } from '../notifications/subscription-store.js';

/** What one relay batch adds: its jobs, and the connectors whose catalog entry is now dirty. */
export interface RelayBatch {
  jobs: PlannedJob[];
  /**
   * marked dirty in the step that acknowledges the entries; the relay then adds the catalog flush
   * job of the current window, which refreshes them
   */
  catalogDirty: string[];
}

/**
 * The jobs one relay batch adds, from the jobs its entries planned:
 * - each notification becomes its delivery jobs at once (none when no subscription matches: no
 *   notification hop);
 * - the catalog refreshes become dirty marks (the relay's flush job refreshes them);
 * - every other job is added as planned.
 */
export function batchJobs(
  planned: readonly PlannedJob[],
  subscriptions: readonly Subscription[],
  webhooks: Config['webhooks'],
): RelayBatch {
  const jobs: PlannedJob[] = [];
  const dirty = new Set<string>();
  for (const job of planned) {
    if (job.queue === 'notifications') {
      jobs.push(...deliveriesFor(job.data as NotificationJob, subscriptions, webhooks));
    } else if (job.queue === 'catalog' && 'connectorIds' in (job.data as CatalogJob)) {
      for (const id of (job.data as { connectorIds: string[] }).connectorIds) dirty.add(id);
    } else {
      jobs.push(job);
    }
  }
  return { jobs, catalogDirty: [...dirty] };
}

/** Whether a batch needs the subscriptions (it holds a notification). */
export function needsSubscriptions(planned: readonly PlannedJob[]): boolean {
  return planned.some((job) => job.queue === 'notifications');
}
