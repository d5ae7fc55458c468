import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@exam-reservation/application';
import { z } from 'zod';
import { IdParams, MAX_ID, responseTime } from './common-schemas.js';
import { ReservationSchema } from './reservations/reservation-schemas.js';

/** The request and answer shapes of `/webhooks`, and the body of the webhooks themselves. */

const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]]).openapi({
  description: 'A kind of change of a reservation.',
  example: 'reservation.confirmed',
});

/** `POST /webhooks` body. */
export const CreateWebhookBody = z
  .strictObject({
    url: z
      .string()
      .max(2048)
      .openapi({
        description:
          'http or https, at most 2,048 characters, no user name or password, no fragment. Its host must resolve ' +
          'only to public addresses: loopback, private, link-local, shared and other special-purpose addresses ' +
          '(and `localhost`) are refused unless WEBHOOK_ALLOW_PRIVATE=true; checked again at every connection.',
        example: 'https://notify.example.com/hooks/exam',
      }),
    events: z
      .array(webhookEventType)
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine((events) => new Set(events).size === events.length, 'must not repeat a type')
      .openapi({ description: 'The kinds of change to send, 1 to 5 distinct.', uniqueItems: true }),
  })
  .openapi('CreateWebhookRequest');

/** `{id}` of a webhook endpoint. */
export const WebhookIdParams = z.strictObject({
  id: IdParams.shape.id.openapi({
    param: { name: 'id', in: 'path' },
    description: `Webhook endpoint id, 1 to ${MAX_ID}, in plain decimal digits (no sign, leading zero, point or exponent).`,
    example: 1,
  }),
});

/** `GET /webhooks/{id}/deliveries` query. */
export const DeliveriesQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: 'Most messages, newest first.' }),
});

/** A webhook endpoint as admins see it: never with its secret. */
export const WebhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    events: z.array(webhookEventType),
    status: z.enum(['active', 'disabled']).openapi({ description: '`disabled` once it answered 410 Gone.' }),
    created_at: responseTime,
    disabled_at: responseTime.nullable(),
    disabled_reason: z.string().nullable(),
  })
  .openapi('Webhook');

/** The answer to `POST /webhooks`: the only time the secret is shown. */
export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description:
      'The signing secret (`whsec_` and base64), shown this once: keep it to verify `webhook-signature`. ' +
      'It is never shown again; to change it, register the endpoint anew and remove the old one.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('WebhookWithSecret');

/** One message to one endpoint and its attempts. */
export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'The `webhook-id` of the message (the same on every attempt).' }),
    event_type: webhookEventType,
    reservation_id: z.number().int(),
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).openapi({
      description:
        '`pending` (waiting for an attempt, or one running), `delivered` (a 2xx), `failed` (no attempt left, ' +
        'or the endpoint answered 410), `cancelled` (the endpoint was removed or disabled first).',
    }),
    created_at: responseTime.openapi({ description: 'When the change was made.' }),
    next_attempt_at: responseTime
      .nullable()
      .openapi({ description: 'While pending: when the next attempt is due.' }),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        started_at: responseTime,
        duration_ms: z.number().int(),
        response_status: z.number().int().nullable(),
        error: z.string().nullable().openapi({ description: 'Why no answer came (timed out, refused…).' }),
      }),
    ),
  })
  .openapi('WebhookDelivery');

/** The body of every webhook request. */
export const WebhookPayloadSchema = z
  .object({
    type: webhookEventType,
    timestamp: responseTime.openapi({ description: 'When the change was made.' }),
    data: ReservationSchema.openapi({ description: 'The reservation after the change.' }),
    reason: z
      .string()
      .nullable()
      .optional()
      .openapi({
        description:
          'Only in `reservation.rejected` and `reservation.cancelled` messages: the reason given, as the ' +
          'history keeps it, or null.',
      }),
  })
  .openapi('WebhookPayload');

/** The headers of every webhook request (Standard Webhooks). */
export const WebhookHeaders = z.object({
  'webhook-id': z.string().openapi({
    param: { name: 'webhook-id', in: 'header' },
    description: 'Names the change; the same on every retry (and for every endpoint): deduplicate on it.',
    example: 'msg_4711',
  }),
  'webhook-timestamp': z.string().openapi({
    param: { name: 'webhook-timestamp', in: 'header' },
    description: 'When this attempt was sent, in seconds since the epoch.',
    example: '1795000000',
  }),
  'webhook-signature': z.string().openapi({
    param: { name: 'webhook-signature', in: 'header' },
    description:
      '`v1,` and the base64 HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` keyed with the base64 ' +
      'after `whsec_` of the endpoint’s secret (Standard Webhooks).',
  }),
});
