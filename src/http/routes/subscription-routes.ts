import { Router, type Response } from 'express';
import type { AppServices } from '../../app-services.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { publicSubscription, type Subscription } from '../../notifications/subscription-store.js';
import { principalOf, requireRole } from '../auth-middleware.js';
import { subscriptionBody } from '../schemas.js';
import { parseInput } from '../validate.js';

/** Webhook subscriptions, each owned by the subject that created it (admins see all). */
export function subscriptionRoutes(s: AppServices): Router {
  const router = Router();

  const owned = async (res: Response, id: string): Promise<Subscription> => {
    const subscription = await s.subscriptions.get(id);
    if (!subscription) throw new NotFoundError(`No subscription with id "${id}".`);
    const principal = principalOf(res);
    if (subscription.owner !== principal.subject && principal.role !== 'admin') {
      throw new ForbiddenError('This subscription belongs to another subject.');
    }
    return subscription;
  };

  router.post('/subscriptions', requireRole('reader'), async (req, res) => {
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
  });

  router.get('/subscriptions', requireRole('reader'), async (_req, res) => {
    const mine = await s.subscriptions.ownedBy(principalOf(res).subject);
    res.json({ items: mine.map(publicSubscription) });
  });

  router.get('/subscriptions/:id', requireRole('reader'), async (req, res) => {
    res.json(publicSubscription(await owned(res, req.params.id as string)));
  });

  router.delete('/subscriptions/:id', requireRole('reader'), async (req, res) => {
    const subscription = await owned(res, req.params.id as string);
    await s.subscriptions.remove(subscription.id);
    res.status(204).end();
  });

  router.get('/subscriptions/:id/deliveries', requireRole('reader'), async (req, res) => {
    const subscription = await owned(res, req.params.id as string);
    res.json({ items: await s.subscriptions.attempts(subscription.id) });
  });

  return router;
}
