import type { Config } from '../config.js';
import { coalesceCatalogJobs, type NotificationJob, type PlannedJob } from '../jobs/job-catalog.js';
import { deliveriesFor } from '../notifications/notification-deliveries.js';
import type { Subscription } from '../notifications/subscription-store.js';

/**
 * The jobs one relay batch adds, from the jobs its entries planned: each notification becomes its
 * delivery jobs at once (none when no subscription matches: no notification hop), and the
 * catalog refreshes of the batch become one job. Every other job is added as planned.
 */
export function batchJobs(
  planned: readonly PlannedJob[],
  subscriptions: readonly Subscription[],
  webhooks: Config['webhooks'],
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const catalog: PlannedJob[] = [];
  for (const job of planned) {
    if (job.queue === 'notifications') {
      jobs.push(...deliveriesFor(job.data as NotificationJob, subscriptions, webhooks));
    } else if (job.queue === 'catalog') {
      catalog.push(job);
    } else {
      jobs.push(job);
    }
  }
  if (catalog.length > 0) jobs.push(coalesceCatalogJobs(catalog));
  return jobs;
}

/** Whether a batch needs the subscriptions (it holds a notification). */
export function needsSubscriptions(planned: readonly PlannedJob[]): boolean {
  return planned.some((job) => job.queue === 'notifications');
}
