import type { Response } from 'express';
import type { AppServices } from '../../app-services.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { publicSubscription, type Subscription } from '../../notifications/subscription-store.js';
import { ApiRouter } from '../api-router.js';
import { principalOf } from '../auth-middleware.js';
import { DeliveryAttemptList } from '../contract/delivery-attempt.js';
import { SubscriptionIdParams } from '../contract/params.js';
import { REQUEST_EXAMPLES, SubscriptionRequest } from '../contract/requests.js';
import { Subscription as SubscriptionView, SubscriptionList } from '../contract/subscription.js';
import { subscriptionBody } from '../schemas.js';
import { parseInput } from '../validate.js';

const ownerProblems = {
  403: ['The subscription belongs to another subject (`FORBIDDEN`).'],
  404: ['No subscription with this id (`NOT_FOUND`).'],
};

/** Webhook subscriptions, each owned by the subject that created it (admins see all). */
export function subscriptionRoutes(s: AppServices): ApiRouter {
  const api = new ApiRouter();

  const owned = async (res: Response, id: string): Promise<Subscription> => {
    const subscription = await s.subscriptions.get(id);
    if (!subscription) throw new NotFoundError(`No subscription with id "${id}".`);
    const principal = principalOf(res);
    if (subscription.owner !== principal.subject && principal.role !== 'admin') {
      throw new ForbiddenError('This subscription belongs to another subject.');
    }
    return subscription;
  };

  api.post(
    '/subscriptions',
    {
      operationId: 'createSubscription',
      tag: 'notifications',
      summary: 'Subscribe a webhook',
      description:
        'Creates a webhook subscription owned by the caller. Each matching notification is POSTed to `url` as JSON, signed with `secret` (see the webhook `connectorNotification`), retried with exponential backoff and dead-lettered after the last attempt. Unless `LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`, `url` must point to a public address: its host may not be, or resolve to, a loopback, private, link-local, shared, unspecified, multicast or reserved address (checked again at each delivery against the address connected to). A subject holds at most `LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT` subscriptions.',
      access: { kind: 'role', role: 'reader' },
      body: {
        schema: SubscriptionRequest,
        required: true,
        examples: { deprecations: REQUEST_EXAMPLES.SubscriptionRequest },
      },
      responses: {
        201: {
          description: 'The subscription (without its secret).',
          schema: SubscriptionView,
          headers: ['Location', 'Idempotent-Replayed'],
        },
      },
      problems: {
        422: [
          'The URL is, or resolves to, a loopback, private, link-local, shared, unspecified or multicast address (`WEBHOOK_URL_FORBIDDEN`), unless LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS is true.',
          'The caller already holds LIFECYCLE_MAX_SUBSCRIPTIONS_PER_SUBJECT subscriptions (`SUBSCRIPTION_LIMIT`).',
        ],
      },
    },
    async (req, res) => {
      const body = parseInput(subscriptionBody, req.body);
      // SPEC §5: 422 WEBHOOK_URL_FORBIDDEN for a non-public target; 422 SUBSCRIPTION_LIMIT past the cap
      await s.webhookTargets.checkSubscriptionUrl(body.url);
      const created = await s.subscriptions.create({
        owner: principalOf(res).subject,
        url: body.url,
        secret: body.secret,
        events: body.events ? [...new Set(body.events)] : null,
        connectorIds: body.connectorIds ? [...new Set(body.connectorIds)] : null,
      });
      res.status(201).location(`/v1/subscriptions/${created.id}`).json(publicSubscription(created));
    },
  );

  api.get(
    '/subscriptions',
    {
      operationId: 'listSubscriptions',
      tag: 'notifications',
      summary: 'List your subscriptions',
      description: 'The subscriptions owned by the caller (the token subject).',
      access: { kind: 'role', role: 'reader' },
      responses: { 200: { description: 'The subscriptions.', schema: SubscriptionList } },
    },
    async (_req, res) => {
      const mine = await s.subscriptions.ownedBy(principalOf(res).subject);
      res.json({ items: mine.map(publicSubscription) });
    },
  );

  api.get(
    '/subscriptions/:id',
    {
      operationId: 'getSubscription',
      tag: 'notifications',
      summary: 'Get a subscription',
      description: 'One subscription (without its secret).',
      access: { kind: 'owner' },
      params: SubscriptionIdParams,
      responses: { 200: { description: 'The subscription.', schema: SubscriptionView } },
      problems: ownerProblems,
    },
    async (req, res) => {
      res.json(publicSubscription(await owned(res, req.params.id as string)));
    },
  );

  api.delete(
    '/subscriptions/:id',
    {
      operationId: 'deleteSubscription',
      tag: 'notifications',
      summary: 'Delete a subscription',
      description:
        'Removes the subscription and its delivery log; no further deliveries are attempted.',
      access: { kind: 'owner' },
      params: SubscriptionIdParams,
      responses: { 204: { description: 'Deleted.' } },
      problems: ownerProblems,
    },
    async (req, res) => {
      const subscription = await owned(res, req.params.id as string);
      await s.subscriptions.remove(subscription.id);
      res.status(204).end();
    },
  );

  api.get(
    '/subscriptions/:id/deliveries',
    {
      operationId: 'listDeliveries',
      tag: 'notifications',
      summary: "A subscription's delivery attempts",
      description:
        'The newest 1,000 delivery attempts with their outcome (`delivered`, `retrying`, `dead_lettered`, `blocked`), HTTP status or error, and next retry time.',
      access: { kind: 'owner' },
      params: SubscriptionIdParams,
      responses: { 200: { description: 'The attempts.', schema: DeliveryAttemptList } },
      problems: ownerProblems,
    },
    async (req, res) => {
      const subscription = await owned(res, req.params.id as string);
      res.json({ items: await s.subscriptions.attempts(subscription.id) });
    },
  );

  return api;
}
