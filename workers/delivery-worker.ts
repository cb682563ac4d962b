import { UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '../src/config.js';
import { toError } from '../src/errors.js';
import { deliveryJob } from '../src/jobs/job-catalog.js';
import { parseJob } from '../src/jobs/parse-job.js';
import type { SubscriptionIndex } from '../src/notifications/subscription-index.js';
import type {
  DeliveryOutcome,
  SubscriptionStore,
} from '../src/notifications/subscription-store.js';
import { isBlockedTarget, type WebhookClient } from '../src/notifications/webhook-client.js';
import { signWebhook, standardWebhookHeaders } from '../src/notifications/webhook-signature.js';

export interface DeliveryWorkerDeps {
  subscriptions: Pick<SubscriptionStore, 'get' | 'recordAttempt'>;
  /**
   * Where a first attempt finds its subscription without a round trip: the process's index,
   * told of every delete (src/notifications/subscription-index.ts). Retries read `subscriptions`.
   */
  index: Pick<SubscriptionIndex, 'get'>;
  client: Pick<WebhookClient, 'post'>;
  webhooks: Config['webhooks'];
}

/** A delivery that did not succeed; BullMQ retries it with exponential backoff. */
export class DeliveryFailedError extends Error {
  readonly code = 'DELIVERY_FAILED';
}

/** What the deliveries log says of a blocked attempt: nothing about the address or the socket. */
export const BLOCKED_TARGET = 'target address not allowed';

/**
 * POSTs one event to one subscriber, signed; records every attempt. A non-2xx answer, a connection
 * error or a timeout fails the attempt (retried with backoff); the last one is dead-lettered. A
 * target whose address is not allowed (SPEC §5) is recorded as `blocked` and not retried: a retry
 * would only probe the same address again.
 */
export function deliveryProcessor(deps: DeliveryWorkerDeps) {
  return async (job: Job) => {
    const d = parseJob(deliveryJob, job);
    const attempt = job.attemptsMade + 1;
    // A subscription deleted since this delivery was queued (or since its last attempt) gets nothing.
    const subscription =
      attempt === 1
        ? await deps.index.get(d.subscriptionId)
        : await deps.subscriptions.get(d.subscriptionId);
    if (!subscription) return { skipped: 'subscription deleted' };
    const maxAttempts = job.opts.attempts ?? 1;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let blocked = false;
    try {
      statusCode = await deps.client.post(
        subscription.url,
        {
          'content-type': 'application/json',
          'user-agent': 'connector-lifecycle-webhooks/1',
          'x-lifecycle-event-id': d.eventId,
          'x-lifecycle-event-type': d.type,
          'x-lifecycle-delivery-id': d.deliveryId,
          'x-lifecycle-attempt': String(attempt),
          'x-lifecycle-signature': signWebhook(subscription.secret, d.body),
          ...standardWebhookHeaders(
            subscription.secret,
            d.eventId,
            Math.floor(started / 1000),
            d.body,
          ),
        },
        d.body,
      );
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (err) {
      const e = toError(err);
      if (isBlockedTarget(e)) {
        blocked = true;
        error = BLOCKED_TARGET;
      } else {
        error =
          e.name === 'TimeoutError'
            ? `timed out after ${deps.webhooks.timeoutMs} ms`
            : `${e.message}${e.cause ? `: ${toError(e.cause).message}` : ''}`;
      }
    }
    const last = blocked || attempt >= maxAttempts;
    const delay = deps.webhooks.backoffMs * 2 ** (attempt - 1);
    const outcome: DeliveryOutcome =
      error === null ? 'delivered' : blocked ? 'blocked' : last ? 'dead_lettered' : 'retrying';
    await deps.subscriptions.recordAttempt(d.subscriptionId, {
      deliveryId: d.deliveryId,
      eventId: d.eventId,
      eventType: d.type,
      connectorId: d.connectorId,
      attempt,
      maxAttempts,
      at: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      statusCode,
      error,
      outcome,
      nextRetryAt: error === null || last ? null : new Date(Date.now() + delay).toISOString(),
    });
    if (blocked) throw new UnrecoverableError(BLOCKED_TARGET);
    if (error !== null) throw new DeliveryFailedError(error);
    return { statusCode };
  };
}
