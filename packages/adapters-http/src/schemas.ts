import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
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

/** `GET /reservations` query. */
export const ListQuery = z.strictObject({
  start: requestDate
    .optional()
    .openapi({ description: 'Give both `start` and `end`, or neither (no filter).' }),
  end: requestDate.optional().openapi({ description: 'Inclusive last date; not before `start`.' }),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ description: '1-based page.' }),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

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
    status: z.enum(['pending', 'confirmed', 'cancelled']),
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
        'payload_too_large',
        'unavailable',
        'internal_error',
      ])
      .openapi({
        description:
          'Stable machine-readable code. Besides the API codes: `payload_too_large` (413, body over the ' +
          'limit), `unavailable` (503 from /readyz), `internal_error` (500, no details).',
      }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({
        description: 'Only for `validation_error`: one entry per offending field (API field names).',
      }),
  })
  .openapi('Problem');

/** The body of /healthz and /readyz. */
export const StatusSchema = z.object({ status: z.literal('ok') }).openapi('Status');
