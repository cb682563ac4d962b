import type { Job } from 'bullmq';
import type { Config } from '../src/config.js';
import { toError } from '../src/errors.js';
import { deliveryJob } from '../src/jobs/job-catalog.js';
import type { SubscriptionStore } from '../src/notifications/subscription-store.js';
import { signWebhook } from '../src/notifications/webhook-signature.js';

export interface DeliveryWorkerDeps {
  subscriptions: SubscriptionStore;
  webhooks: Config['webhooks'];
}

/** A delivery that did not succeed; BullMQ retries it with exponential backoff. */
export class DeliveryFailedError extends Error {
  readonly code = 'DELIVERY_FAILED';
}

/**
 * POSTs one event to one subscriber, signed; records every attempt. A non-2xx answer, a connection
 * error or a timeout fails the attempt (retried with backoff); the last one is dead-lettered.
 */
export function deliveryProcessor(deps: DeliveryWorkerDeps) {
  return async (job: Job) => {
    const d = deliveryJob.parse(job.data);
    const subscription = await deps.subscriptions.get(d.subscriptionId);
    if (!subscription) return { skipped: 'subscription deleted' };
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(subscription.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.webhooks.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'connector-lifecycle-webhooks/1',
          'x-lifecycle-event-id': d.eventId,
          'x-lifecycle-event-type': d.type,
          'x-lifecycle-delivery-id': d.deliveryId,
          'x-lifecycle-attempt': String(attempt),
          'x-lifecycle-signature': signWebhook(subscription.secret, d.body),
        },
        body: d.body,
      });
      statusCode = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
    } catch (err) {
      const e = toError(err);
      error =
        e.name === 'TimeoutError'
          ? `timed out after ${deps.webhooks.timeoutMs} ms`
          : `${e.message}${e.cause ? `: ${toError(e.cause).message}` : ''}`;
    }
    const last = attempt >= maxAttempts;
    const delay = deps.webhooks.backoffMs * 2 ** (attempt - 1);
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
      outcome: error === null ? 'delivered' : last ? 'dead_lettered' : 'retrying',
      nextRetryAt: error === null || last ? null : new Date(Date.now() + delay).toISOString(),
    });
    if (error !== null) throw new DeliveryFailedError(error);
    return { statusCode };
  };
}
