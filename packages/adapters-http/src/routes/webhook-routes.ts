import { assertAdmin } from '@exam-reservation/domain';
import { type Response, Router } from 'express';
import { z } from 'zod';
import { requireAuth, signedIn } from '../auth/require-auth.js';
import type { HttpDeps } from '../http-deps.js';
import { type ApiDocs, body, json, noFields, problem } from '../openapi-parts.js';
import { bodyOf, parseInput, parseQuery, refuseQuery } from '../parse.js';
import { present } from '../presenters.js';
import { EmptyBody } from './common-schemas.js';
import {
  CreatedWebhookSchema,
  CreateWebhookBody,
  DeliveriesQuery,
  WebhookDeliverySchema,
  WebhookHeaders,
  WebhookIdParams,
  WebhookPayloadSchema,
  WebhookSchema,
} from './webhook-schemas.js';

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

/** The operations of {@link webhookRoutes} in the OpenAPI document, and the webhooks themselves. */
export function documentWebhookRoutes({ registry, secured, authed }: ApiDocs): void {
  const webhookAdmin = {
    403: problem(403, '`forbidden`: admins only (refused before anything is looked up).'),
  };
  registry.registerPath({
    method: 'post',
    path: '/webhooks',
    tags: ['webhooks'],
    summary: 'Register a webhook endpoint (admin)',
    description:
      'Every change of a reservation of a subscribed type is sent to the URL (see the `webhooks` section for ' +
      'the request it gets). The answer carries the endpoint’s signing secret, shown this once. At most 100 ' +
      'endpoints at a time (409 `conflict` beyond).',
    security: secured,
    request: {
      body: body(CreateWebhookBody, {
        example: {
          url: 'https://notify.example.com/hooks/exam',
          events: ['reservation.confirmed', 'reservation.rejected'],
        },
      }),
    },
    responses: {
      201: {
        ...json('The endpoint, with its secret.', CreatedWebhookSchema),
        headers: { Location: { description: 'The new endpoint.', schema: { type: 'string' } } },
      },
      400: problem(
        400,
        '`validation_error`: a bad or unknown field, an unknown event type, or a URL that is not http(s), ' +
          'carries credentials, does not resolve, or resolves to a non-public address.',
      ),
      ...webhookAdmin,
      409: problem(409, '`conflict`: 100 endpoints are registered already.'),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/webhooks',
    tags: ['webhooks'],
    summary: 'List webhook endpoints (admin)',
    description: 'Every endpoint not removed, by id, without secrets.',
    security: secured,
    responses: {
      200: json('The endpoints.', z.array(WebhookSchema)),
      400: problem(400),
      ...webhookAdmin,
      ...authed,
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/webhooks/{id}',
    tags: ['webhooks'],
    summary: 'Remove a webhook endpoint (admin)',
    description: 'Nothing more is sent to it (an attempt already under way may still arrive).',
    security: secured,
    request: { params: WebhookIdParams, body: noFields },
    responses: {
      204: { description: 'Removed.' },
      400: problem(400),
      ...webhookAdmin,
      404: problem(404, '`not_found`: no such endpoint.'),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    tags: ['webhooks'],
    summary: 'Recent deliveries of an endpoint (admin)',
    description:
      'Its most recent messages, newest first, each with its status, the next attempt while pending, and every ' +
      'attempt so far (when, how long, the answer’s status or why none came).',
    security: secured,
    request: { params: WebhookIdParams, query: DeliveriesQuery },
    responses: {
      200: json('The messages.', z.array(WebhookDeliverySchema)),
      400: problem(400),
      ...webhookAdmin,
      404: problem(404, '`not_found`: no such endpoint.'),
      ...authed,
    },
  });

  for (const type of ['created', 'updated', 'confirmed', 'rejected', 'cancelled'] as const) {
    registry.registerWebhook({
      method: 'post',
      path: `reservation.${type}`,
      tags: ['webhooks'],
      summary: `A reservation was ${type}`,
      description:
        'Sent to every active endpoint subscribed to this type, in the Standard Webhooks format, at least once: ' +
        'the message is put in an outbox in the transaction of the change itself, so a change that is committed ' +
        'is sent even if the API crashes, and one that is rolled back (a refusal) never is. Only a 2xx answer ' +
        'counts; anything else (or no answer within 20 s) is retried with jitter after about 5 s, 5 min, 30 min, ' +
        '2 h, 5 h, 10 h and 10 h (over 24 hours in all); `410 Gone` disables the endpoint. Redirects are not ' +
        'followed. Messages may arrive out of order and more than once: order by `data.updated_at`, deduplicate ' +
        'on `webhook-id`.',
      request: { headers: WebhookHeaders, body: body(WebhookPayloadSchema) },
      responses: {
        200: { description: 'Any 2xx: delivered.' },
        410: { description: 'Gone: the endpoint is disabled, nothing more is sent to it.' },
      },
    });
  }
}
