import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import {
  MAX_BULK_IDS,
  MAX_PAGE_LIMIT,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '@exam-reservation/application';
import { z } from 'zod';

// Adds `.openapi()` to zod schemas; must run before any schema below is built.
extendZodWithOpenApi(z);

/*
 * The request and response shapes of the HTTP API. Requests are parsed with
 * these schemas and the OpenAPI document is generated from the very same
 * objects, so the two cannot drift. Bounds the domain checks again (name and
 * password lengths, head count against the configured capacity) are repeated
 * here as documentation only where zod and the domain count alike.
 */

const requestTime = z
  .string()
  .max(64)
  .openapi({
    description:
      '`YYYY-MM-DD HH:MM` read in APP_TIMEZONE, or ISO 8601 with an explicit offset or `Z`. ' +
      'Must be on the 10-minute grid.',
    examples: ['2026-12-01 09:00', '2026-12-01T09:00:00+09:00'],
  });

const requestDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .openapi({ description: 'A calendar date `YYYY-MM-DD`, read in APP_TIMEZONE.', example: '2026-12-01' });

const responseTime = z.string().openapi({
  description: 'ISO 8601 with the APP_TIMEZONE offset, seconds included.',
  example: '2026-12-01T09:00:00+09:00',
});

/** `POST /users/register` body. */
export const RegisterBody = z
  .strictObject({
    email: z.string().max(320).openapi({ format: 'email', example: 'kim@example.com' }),
    password: z.string().max(1024).openapi({ description: '8–128 characters.', example: 'correct horse' }),
    user_name: z.string().max(1024).openapi({ description: '1–100 characters.', example: 'Kim' }),
    role: z.string().max(32).optional().openapi({
      description: 'Optional; only `"user"` is accepted. `"admin"` is refused with 403 forbidden.',
      example: 'user',
    }),
  })
  .openapi('RegisterRequest');

/** `POST /users/login` body. */
export const LoginBody = z
  .strictObject({
    email: z.string().max(320).openapi({ example: 'kim@example.com' }),
    password: z.string().max(1024).openapi({ example: 'correct horse' }),
  })
  .openapi('LoginRequest');

const reservationFields = {
  reservation_name: z.string().max(1024).openapi({ description: '1–100 characters.', example: 'TOEIC' }),
  start: requestTime,
  end: requestTime.openapi({ description: 'Exclusive end; after `start`, on the 10-minute grid.' }),
  number_of_people: z
    .number()
    .int()
    .min(1)
    .openapi({ description: 'Integer from 1 to SLOT_CAPACITY (50,000 by default).', example: 120 }),
};

/** `POST /reservations` body: all four fields. */
export const CreateReservationBody = z.strictObject(reservationFields).openapi('CreateReservationRequest', {
  description:
    'A new pending reservation. `start` must be on or after 00:00 of today + LEAD_TIME_DAYS in APP_TIMEZONE.',
});

/** `PATCH /reservations/{id}` body: any non-empty subset of the fields. */
export const UpdateReservationBody = z
  .strictObject({
    reservation_name: reservationFields.reservation_name.optional(),
    start: reservationFields.start.optional(),
    end: reservationFields.end.optional(),
    number_of_people: reservationFields.number_of_people.optional(),
  })
  .openapi('UpdateReservationRequest', {
    description:
      'Any of the fields; at least one. Fields left out keep their value, and the result must satisfy ' +
      'every rule of a new reservation.',
  });

/** The body of an action that takes no fields (confirm, cancel, DELETE): absent, or `{}`. */
export const EmptyBody = z.strictObject({}).openapi('NoFields', {
  description: 'This action takes no fields: send no body, or `{}`. Any field is refused with 400.',
});

/** `GET /reservations/schedules` query. */
export const ScheduleQuery = z.strictObject({
  start: requestDate,
  end: requestDate.openapi({ description: 'Inclusive last date; not before `start`; at most 366 days on.' }),
});

const pageParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .default(1)
  .openapi({ description: '1-based page.' });
const limitParam = (byDefault: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(byDefault)
    .openapi({ description: `Items per page, 1–${MAX_PAGE_LIMIT}.` });

/** `GET /reservations` query. */
export const ListQuery = z.strictObject({
  start: requestDate
    .optional()
    .openapi({ description: 'Give both `start` and `end`, or neither (no filter).' }),
  end: requestDate.optional().openapi({ description: 'Inclusive last date; not before `start`.' }),
  page: pageParam,
  limit: limitParam(10),
});

/** `GET /reservations/{id}/history` query. */
export const HistoryQuery = z.strictObject({ page: pageParam, limit: limitParam(MAX_PAGE_LIMIT) });

/** Largest id a reservation can have (PostgreSQL `integer`). */
export const MAX_ID = 2_147_483_647;

/** `{id}` path parameter. */
export const IdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, { message: `must be an integer from 1 to ${MAX_ID}`, abort: true })
    .refine((id) => Number(id) <= MAX_ID, `must be an integer from 1 to ${MAX_ID}`)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: `Reservation id, 1 to ${MAX_ID}.`,
      example: '1',
    }),
});

/**
 * `{id}` of `POST /reservations/{id}/reject`: the same as {@link IdParams},
 * with the example a newcomer's second booking (the first is the one the other
 * examples confirm), so that Try it out succeeds unchanged for both.
 */
export const RejectIdParams = z.strictObject({
  id: IdParams.shape.id.openapi({ param: { name: 'id', in: 'path' }, example: '2' }),
});

// A cheap cap before the domain counts characters: 500 characters are at most 1,000 UTF-16 units.
const reason = z.string().max(2000, 'must be 1–500 characters').openapi({
  description: '1–500 characters; kept in the history. No NUL, no unpaired surrogates.',
  example: 'the room is full',
});

/** `POST /reservations/{id}/reject` body: optional, as is its one field. */
export const RejectBody = z
  .strictObject({ reason: reason.optional() })
  .openapi('RejectRequest', { description: 'May be absent or `{}`. Unknown fields are a 400.' });

const reservationIds = z
  .array(z.number().int().min(1).max(MAX_ID))
  .min(1)
  .max(MAX_BULK_IDS)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
  .openapi({
    description: `1 to ${MAX_BULK_IDS} distinct reservation ids, decided in this order.`,
    uniqueItems: true,
    example: [7, 8, 9],
  });

/** `POST /reservations/bulk/confirm` body. */
export const BulkConfirmBody = z.strictObject({ ids: reservationIds }).openapi('BulkConfirmRequest');

/** `POST /reservations/bulk/reject` body. */
export const BulkRejectBody = z
  .strictObject({ ids: reservationIds, reason: reason.optional() })
  .openapi('BulkRejectRequest');

/** `POST /reservations/admit` body. */
export const AdmitBody = z
  .strictObject({
    start: requestDate,
    end: requestDate.openapi({
      description: 'Inclusive last date; not before `start`; at most 366 days on.',
    }),
    reject_rest: z.boolean().optional().openapi({
      description: 'Reject what does not fit (reason "no capacity left") instead of leaving it pending.',
      default: false,
    }),
  })
  .openapi('AdmitRequest');

/** A user account as the API shows it. */
export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    user_name: z.string(),
    role: z.enum(['user', 'admin']),
    created_at: responseTime,
  })
  .openapi('User');

/** The answer to a successful log-in. */
export const TokenSchema = z
  .object({
    access_token: z.string().openapi({ description: 'A JWT (HS256); send it as `Authorization: Bearer …`.' }),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().openapi({ description: 'Seconds until the token expires.' }),
  })
  .openapi('Token');

/** A reservation as the API shows it. */
export const ReservationSchema = z
  .object({
    id: z.number().int(),
    user_id: z.number().int(),
    reservation_name: z.string(),
    start_time: responseTime,
    end_time: responseTime,
    number_of_people: z.number().int(),
    status: z.enum(['pending', 'confirmed', 'cancelled', 'rejected']),
    created_at: responseTime,
    updated_at: responseTime,
  })
  .openapi('Reservation');

/** One bookable stretch of time. */
export const ScheduleSchema = z
  .object({
    start: responseTime,
    end: responseTime,
    available_capacity: z.number().int().openapi({ description: 'SLOT_CAPACITY minus the confirmed load.' }),
  })
  .openapi('Schedule');

/** An RFC 9457 problem document, the body of every error. */
export const ProblemSchema = z
  .object({
    type: z
      .string()
      .openapi({ description: 'A URN naming the problem type, `urn:exam-reservation:problem:<code>`.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z
      .enum([
        'validation_error',
        'unauthorized',
        'forbidden',
        'not_found',
        'capacity_exceeded',
        'invalid_state',
        'conflict',
        'rate_limited',
        'idempotency_in_progress',
        'idempotency_key_reused',
        'too_many_changes',
        'payload_too_large',
        'unavailable',
        'overloaded',
        'internal_error',
      ])
      .openapi({
        description:
          'Stable machine-readable code. Besides the API codes: `payload_too_large` (413, body over the ' +
          'limit), `unavailable` (503 from /readyz), `overloaded` (503: too many passwords to hash at once, ' +
          'with `Retry-After`), `internal_error` (500, no details).',
      }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({
        description: 'Only for `validation_error`: one entry per offending field (API field names).',
      }),
  })
  .openapi('Problem');

/** A problem nested in a bulk answer: the document a single action would have answered with. */
const NestedProblemSchema = ProblemSchema.omit({ errors: true });

/** What a bulk action did for each id, in the order given. */
export const BulkResultSchema = z
  .object({
    results: z.array(
      z.union([
        z.object({
          id: z.number().int(),
          status: z.literal(200),
          reservation: ReservationSchema,
        }),
        z.object({
          id: z.number().int(),
          status: z
            .number()
            .int()
            .openapi({ description: 'What the single action would have answered: 404, 409…' }),
          problem: NestedProblemSchema,
        }),
      ]),
    ),
  })
  .openapi('BulkResult');

/** The counts of one admission. */
export const AdmissionSchema = z
  .object({
    confirmed: z.number().int(),
    rejected: z.number().int(),
    left_pending: z.number().int(),
    complete: z.boolean().openapi({
      description:
        'True when the run went through the whole range; false when it stopped at `ADMISSION_MAX_MS` with ' +
        'what it did so far (a repeat goes on from where the queue then stands).',
    }),
  })
  .openapi('Admission');

/** One change of a reservation, from its audit trail. */
export const EventSchema = z
  .object({
    type: z.enum(['created', 'updated', 'confirmed', 'rejected', 'cancelled']),
    at: responseTime,
    actor_id: z.number().int(),
    actor_role: z.enum(['user', 'admin']).openapi({ description: 'The role the actor had when acting.' }),
    reason: z.string().nullable().openapi({ description: 'A rejection’s reason; otherwise null.' }),
    before: ReservationSchema.nullable().openapi({ description: 'Null for `created`.' }),
    after: ReservationSchema,
  })
  .openapi('Event');

/** The `Idempotency-Key` request header. */
export const IdempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .optional()
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header' },
      description:
        '1–255 visible ASCII characters, bare or as a quoted structured-field string (`"…"`, the same key). ' +
        'Per user; kept IDEMPOTENCY_KEY_TTL_HOURS (24 by default). A repeat with the same method, path and body ' +
        'gets the stored answer again (with `Idempotent-Replayed: true`) and changes nothing; with another ' +
        'request it is a 422; while the first is still being processed, a 409.',
      example: '6f1c2a9e-1d2b-4c1a-9a55-3b8e1d0f7c21',
    }),
});

/** The body of /healthz and /readyz. */
export const StatusSchema = z.object({ status: z.literal('ok') }).openapi('Status');

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
    description: `Webhook endpoint id, 1 to ${MAX_ID}.`,
    example: '1',
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
  })
  .openapi('WebhookPayload');
