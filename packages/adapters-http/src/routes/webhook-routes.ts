import { assertAdmin } from '@exam-reservation/domain';
import { type Response, Router } from 'express';
import { requireAuth, signedIn } from '../auth/require-auth.js';
import type { HttpDeps } from '../http-deps.js';
import { bodyOf, parseInput, parseQuery, refuseQuery } from '../parse.js';
import { present } from '../presenters.js';
import { CreateWebhookBody, DeliveriesQuery, EmptyBody, WebhookIdParams } from '../schemas.js';

/** `/webhooks`: admins register, list and remove endpoints and look at their deliveries. */
export function webhookRoutes(deps: HttpDeps): Router {
  const uc = deps.useCases;
  const zone = deps.policy.timeZone;
  const router = Router();
  /** A user is refused before the request is even parsed, let alone looked up. */
  const admin = (res: Response) => {
    const { actor } = signedIn(res);
    assertAdmin(actor, 'manage webhooks');
    return actor;
  };
  const idOf = (params: unknown): number => Number(parseInput(WebhookIdParams, params).id);

  router.use(requireAuth(uc.authenticate));

  router.post('/', async (req, res) => {
    const actor = admin(res);
    refuseQuery(req);
    const body = parseInput(CreateWebhookBody, bodyOf(req));
    const { endpoint, secret } = await uc.createWebhookEndpoint.execute({
      actor,
      url: body.url,
      events: body.events,
    });
    res.setHeader('Location', `${req.baseUrl}/${endpoint.id}`);
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ ...present.webhook(endpoint, zone), secret });
  });

  router.get('/', async (req, res) => {
    const actor = admin(res);
    refuseQuery(req);
    const endpoints = await uc.listWebhookEndpoints.execute({ actor });
    res.json(endpoints.map((e) => present.webhook(e, zone)));
  });

  router.delete('/:id', async (req, res) => {
    const actor = admin(res);
    const id = idOf(req.params);
    refuseQuery(req);
    parseInput(EmptyBody, bodyOf(req));
    await uc.removeWebhookEndpoint.execute({ actor, id });
    res.status(204).end();
  });

  router.get('/:id/deliveries', async (req, res) => {
    const actor = admin(res);
    const id = idOf(req.params);
    const { limit } = parseQuery(DeliveriesQuery, req);
    const deliveries = await uc.listWebhookDeliveries.execute({ actor, id, limit });
    res.json(deliveries.map((d) => present.delivery(d, zone)));
  });

  return router;
}
