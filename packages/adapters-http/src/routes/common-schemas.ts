import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { MAX_PAGE_LIMIT } from '@exam-reservation/application';
import { z } from 'zod';

// Adds `.openapi()` to zod schemas; must run before any schema is built. Every module of
// schemas imports this one, so it has run before their own schemas are built.
extendZodWithOpenApi(z);

/*
 * The shapes every resource uses: request times and dates, answer times,
 * paging, ids, the empty body of an action, the problem document and the
 * Idempotency-Key header. Requests are parsed with these schemas and the
 * OpenAPI document is generated from the very same objects, so the two
 * cannot drift. Bounds the domain checks again are repeated here as
 * documentation only where zod and the domain count alike.
 */

/** What a request time may be, in the words of its refusals. */
const TIME_WORDS = 'a time, YYYY-MM-DD HH:MM, or ISO 8601 with an offset';

/** What a request date may be, in the words of its refusals. */
const DATE_WORDS = 'a date, YYYY-MM-DD';

/** A string schema's refusal when it is missing or not a string: what is required, in plain words. */
const requiredAs = (words: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? `required (${words})` : `must be ${words}`,
});

/** A whole number from `min` to `max`, refused in those words whatever is wrong with it. */
export const wholeNumber = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  // Plain digits only, as the path's ids: `1e2`, `1.0`, `+1` and ` 1` are refused, not coerced.
  return z
    .string({ error: message })
    .regex(/^\d{1,16}$/, { message, abort: true })
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message))
    .openapi({ type: 'integer', minimum: min, maximum: max });
};

/** A time in a request body. */
export const requestTime = z
  .string(requiredAs(TIME_WORDS))
  .max(64, `must be ${TIME_WORDS}`)
  .openapi({
    description:
      '`YYYY-MM-DD HH:MM` read in APP_TIMEZONE, or ISO 8601 with an explicit offset or `Z`. ' +
      'Must be on the 10-minute grid.',
    examples: ['2026-12-01 09:00', '2026-12-01T09:00:00+09:00'],
  });

/** A date in a request. */
export const requestDate = z
  .string(requiredAs(DATE_WORDS))
  .regex(/^\d{4}-\d{2}-\d{2}$/, `must be ${DATE_WORDS}`)
  .openapi({ description: 'A calendar date `YYYY-MM-DD`, read in APP_TIMEZONE.', example: '2026-12-01' });

/** A time in an answer. */
export const responseTime = z.string().openapi({
  description: 'ISO 8601 with the APP_TIMEZONE offset, seconds included.',
  example: '2026-12-01T09:00:00+09:00',
});

/** The `page` query parameter of a paged list. */
export const pageParam = wholeNumber(1, 1_000_000)
  .default(1)
  .openapi({ description: '1-based page.', default: 1 });

/** The `limit` query parameter of a paged list. */
export const limitParam = (byDefault: number) =>
  wholeNumber(1, MAX_PAGE_LIMIT)
    .default(byDefault)
    .openapi({ description: `Items per page, 1–${MAX_PAGE_LIMIT}.`, default: byDefault });

/** Largest id a reservation can have (PostgreSQL `integer`). */
export const MAX_ID = 2_147_483_647;

/**
 * `{id}` path parameter. A path segment is text, and the server reads it
 * strictly: plain decimal digits only, so `01`, `+1`, `1.0`, `1e3`, ` 1` and
 * anything over {@link MAX_ID} are a 400, never a lookup of reservation 1.
 * The document, though, says what a client holds and sends: an integer in
 * range, the same type as `Reservation.id`, so typed clients take
 * `{ id: reservation.id }` as it is. Its `type` is set by hand (zod-to-openapi
 * then drops the string schema, pattern included): JSON numbers written out in
 * a URL are exactly the text the regex accepts. Keep the two in step: the
 * bounds below, and the client's type test that a `Reservation['id']` fits
 * every `{id}`.
 */
export const IdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, { message: `must be an integer from 1 to ${MAX_ID}`, abort: true })
    .refine((id) => Number(id) <= MAX_ID, `must be an integer from 1 to ${MAX_ID}`)
    .openapi({
      param: { name: 'id', in: 'path' },
      type: 'integer',
      minimum: 1,
      maximum: MAX_ID,
      description: `Reservation id, 1 to ${MAX_ID}, in plain decimal digits (no sign, leading zero, point or exponent).`,
      example: 1,
    }),
});

/** The body of an action that takes no fields (confirm, cancel, DELETE): absent, or `{}`. */
export const EmptyBody = z.strictObject({}).openapi('NoFields', {
  description: 'This action takes no fields: send no body, or `{}`. Any field is refused with 400.',
});

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
        'last_admin',
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
    first_bookable: z
      .string()
      .optional()
      .openapi({
        description:
          'Only for a `validation_error` whose `start` is before the lead-time boundary: the first instant a ' +
          'reservation may start at (00:00 of today + LEAD_TIME_DAYS in APP_TIMEZONE), ISO 8601 with the ' +
          'APP_TIMEZONE offset.',
        example: '2026-12-10T00:00:00+09:00',
      }),
  })
  .openapi('Problem');

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
