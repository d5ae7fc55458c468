import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Clock } from '@exam-reservation/application';
import { type BookingPolicy, bookableFrom } from '@exam-reservation/domain';
import type { oas31 } from 'openapi3-ts';
import { dateExamples, requestExamples } from './openapi-examples.js';
import { type ApiDocs, problem } from './openapi-parts.js';
import { documentReservationRoutes } from './routes/reservations/reservation-routes.js';
import { documentServiceRoutes } from './routes/service-routes.js';
import { documentUserRoutes } from './routes/user-routes.js';
import { documentWebhookRoutes } from './routes/webhook-routes.js';

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas that
 * parse the requests: each resource registers its own operations, next to
 * its handlers. Request examples are dated from the first bookable day at
 * `now` (epoch ms), so each one succeeds when sent unchanged.
 */
export function buildOpenApiDocument(policy: BookingPolicy, now: number): oas31.OpenAPIObject {
  const examples = requestExamples(policy, now);
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The `access_token` from `POST /users/login`.',
  });
  const common = { 413: problem(413), 500: problem(500), 503: problem(503) };
  const docs: ApiDocs = {
    registry,
    policy,
    examples,
    secured: [{ [bearer.name]: [] }],
    common,
    authed: { ...common, 401: problem(401) },
  };
  documentUserRoutes(docs);
  documentReservationRoutes(docs);
  documentWebhookRoutes(docs);
  documentServiceRoutes(docs);

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Exam reservation API',
      version: '1.0.0',
      description:
        `Times: requests take \`YYYY-MM-DD HH:MM\` (read in ${policy.timeZone}) or ISO 8601 with an offset; ` +
        `responses are ISO 8601 with the ${policy.timeZone} offset. Slots are ${policy.grid.slotMinutes} ` +
        `minutes; each holds at most ${policy.capacity} confirmed people. Every error is ` +
        '`application/problem+json` (RFC 9457) with a stable `code`. Unknown fields in a body and unknown ' +
        'query parameters are refused with 400, as is a body that is not JSON (`Content-Type: application/json`). ' +
        'Every response carries `X-Request-Id` ' +
        '(the one sent, when it is 1–128 characters of `[A-Za-z0-9._-]`, else a new UUID). ' +
        'Creating, confirming, rejecting and cancelling, bulk actions and admission take an optional ' +
        '`Idempotency-Key` header: the first answer (2xx or 4xx; 5xx is not stored) is stored with its effect, ' +
        'in one transaction, and given again to a repeat with the same key, method, path and body, marked ' +
        '`Idempotent-Replayed: true`. Answers decided before the service looks at the request (a malformed ' +
        'body or key, no token, a user on an admin-only route) are not stored.',
    },
    tags: [
      { name: 'users' },
      { name: 'reservations' },
      {
        name: 'admission',
        description: 'Admin tools: reject, bulk actions, first-come-first-served admission.',
      },
      {
        name: 'webhooks',
        description: 'Admin: endpoints that get every change of a reservation, signed (Standard Webhooks).',
      },
      { name: 'meta' },
    ],
  });
  return dateExamples(document, examples);
}

/**
 * The OpenAPI document as of now. Its examples are dated from the first
 * bookable day, so it is built again when that day moves on (once a day).
 */
export function currentDocument(policy: BookingPolicy, clock: Clock): () => oas31.OpenAPIObject {
  let day = Number.NaN;
  let document: oas31.OpenAPIObject | undefined;
  return () => {
    const now = clock.now();
    const first = bookableFrom(policy, now);
    if (document === undefined || first !== day) {
      document = buildOpenApiDocument(policy, now);
      day = first;
    }
    return document;
  };
}
