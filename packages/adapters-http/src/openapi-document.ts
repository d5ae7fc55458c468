import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { type BookingPolicy, bookableFrom, formatInstant, parseRequestTime } from '@exam-reservation/domain';
import type { oas31 } from 'openapi3-ts';
import { z } from 'zod';
import {
  AdmissionSchema,
  AdmitBody,
  BulkConfirmBody,
  BulkRejectBody,
  BulkResultSchema,
  CreatedWebhookSchema,
  CreateReservationBody,
  CreateWebhookBody,
  DeliveriesQuery,
  EmptyBody,
  EventSchema,
  HistoryQuery,
  IdempotencyKeyHeader,
  IdParams,
  ListQuery,
  LoginBody,
  ProblemSchema,
  RegisterBody,
  RejectBody,
  RejectIdParams,
  ReservationSchema,
  ScheduleQuery,
  ScheduleSchema,
  StatusSchema,
  TokenSchema,
  UpdateReservationBody,
  UserSchema,
  WebhookDeliverySchema,
  WebhookIdParams,
  WebhookPayloadSchema,
  WebhookSchema,
} from './schemas.js';

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

const PROBLEM_TEXT: Record<Status, string> = {
  400: '`validation_error`: malformed JSON, missing or unknown fields, bad formats or values; `errors` names the fields.',
  401: '`unauthorized`: missing, malformed, expired or forged bearer token.',
  403: '`forbidden`: the caller may not do this.',
  404: '`not_found`: no such reservation, or it is not yours (ids of others are not revealed).',
  409: 'A conflict with the current state.',
  413: '`payload_too_large`: the body is over the size limit (16 KiB by default).',
  422: '`idempotency_key_reused`: this Idempotency-Key was already used by you with another request (method, path or body).',
  429: '`rate_limited`: too many failed log-ins (see POST /users/login); `Retry-After` gives the seconds to wait.',
  500: '`internal_error`: an unexpected fault; the body carries no details (see the server log by X-Request-Id).',
  503: '`unavailable`: the database does not answer, or not in time; `Retry-After` says when to try again.',
};

const problem = (status: Status, description = PROBLEM_TEXT[status]): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

const json = (description: string, schema: z.ZodType): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

const body = (
  schema: z.ZodType,
  options: { required?: boolean; example?: Record<string, unknown> } = {},
) => ({
  required: options.required ?? true,
  content: {
    'application/json': options.example === undefined ? { schema } : { schema, example: options.example },
  },
});

/** An action's optional body: none, or `{}`. */
const noFields = { required: false, content: { 'application/json': { schema: EmptyBody } } };

const scheduleHeaders = {
  ETag: { description: 'Names this answer, for If-None-Match.', schema: { type: 'string' as const } },
  'Cache-Control': {
    description: '`private, max-age=<SCHEDULE_MAX_STALENESS_MS in whole seconds>`.',
    schema: { type: 'string' as const },
  },
};

/** What every paged answer carries. */
const pageHeaders: oas31.HeadersObject = {
  'X-Total-Count': { description: 'Items across all pages.', schema: { type: 'integer' } },
  Link: {
    description:
      'RFC 8288 links to other pages, as relative references that keep the request’s other query ' +
      'parameters: `rel="first"` and `rel="last"` always, `rel="prev"` unless on page 1 (from past the end ' +
      'it names the last page), `rel="next"` unless on or past the last page. An empty list has one page.',
    schema: { type: 'string' },
    example:
      '</reservations?page=1&limit=10>; rel="first", </reservations?page=1&limit=10>; rel="prev", ' +
      '</reservations?page=3&limit=10>; rel="next", </reservations?page=5&limit=10>; rel="last"',
  },
};

const REPLAYED: oas31.HeadersObject = {
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored answer to an earlier request with the same Idempotency-Key ' +
      '(on any stored status, 2xx or 4xx).',
    schema: { type: 'string', enum: ['true'] },
  },
};

const IN_PROGRESS =
  '`idempotency_in_progress`: a request with the same Idempotency-Key is still being processed; retry later.';

/** The answers every route that takes an Idempotency-Key adds, and the header on its success. */
const keyed = (success: ResponseConfig, conflicts: string, headers: oas31.HeadersObject = {}) => ({
  success: { ...success, headers: { ...headers, ...REPLAYED } } as ResponseConfig,
  409: problem(409, `${conflicts} Or ${IN_PROGRESS}`),
  422: problem(422),
});

/**
 * Request values that are valid when sent as they are: times on the first
 * bookable day at `now`, so that Swagger UI's "Try it out" succeeds unchanged.
 */
function requestExamples(policy: BookingPolicy, now: number) {
  const zone = policy.timeZone;
  const day = formatInstant(bookableFrom(policy, now), zone).slice(0, 10);
  const local = (time: string) => `${day} ${time}`;
  const offset = (time: string) => formatInstant(parseRequestTime(local(time), zone, 'example'), zone);
  return {
    day,
    start: [local('09:00'), offset('09:00')],
    end: [local('11:00'), offset('11:00')],
    create: { reservation_name: 'TOEIC', start: local('09:00'), end: local('11:00'), number_of_people: 120 },
    update: { start: local('10:00'), end: local('12:00') },
    // Ids as a newcomer's first two bookings get them: the first confirmed, the second rejected.
    reject: { reason: 'the room is full' },
    bulkConfirm: { ids: [1] },
    bulkReject: { ids: [2], reason: 'the room is full' },
    admit: { start: day, end: day, reject_rest: false },
  };
}

type Examples = ReturnType<typeof requestExamples>;

/** A time as answers write it, `2026-12-01T09:00:00+09:00`. */
const ANSWER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/**
 * Dates the examples the zod schemas cannot know (they are built once, and
 * the first bookable day moves on): date query parameters, and the time
 * fields of the request bodies.
 */
function dateExamples(document: oas31.OpenAPIObject, examples: Examples): oas31.OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of [item.get, item.post, item.patch, item.delete]) {
      for (const parameter of (operation?.parameters ?? []) as oas31.ParameterObject[]) {
        if (parameter.in !== 'query' || (parameter.name !== 'start' && parameter.name !== 'end')) continue;
        parameter.example = examples.day;
        if (parameter.schema && !('$ref' in parameter.schema)) parameter.schema.example = examples.day;
      }
    }
  }
  for (const name of ['CreateReservationRequest', 'UpdateReservationRequest']) {
    const schema = document.components?.schemas?.[name] as oas31.SchemaObject | undefined;
    for (const field of ['start', 'end'] as const) {
      const property = schema?.properties?.[field] as oas31.SchemaObject | undefined;
      if (property) property.examples = examples[field];
    }
  }
  // Times in answers: the same day, with the zone's own offset.
  for (const schema of Object.values(document.components?.schemas ?? {}) as oas31.SchemaObject[]) {
    for (const [field, property] of Object.entries(schema.properties ?? {}) as [
      string,
      oas31.SchemaObject,
    ][]) {
      if (typeof property.example !== 'string' || !ANSWER_TIME.test(property.example)) continue;
      property.example = field.startsWith('end') ? examples.end[1] : examples.start[1];
    }
  }
  return document;
}

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas that
 * parse the requests. Choices the contract leaves open are written into the
 * descriptions here. Request examples are dated from the first bookable day
 * at `now` (epoch ms), so each one succeeds when sent unchanged.
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
  const secured = [{ [bearer.name]: [] }];
  const common = { 413: problem(413), 500: problem(500), 503: problem(503) };
  const authed = { ...common, 401: problem(401) };
  const retryAfter = {
    'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
  } as const;
  /** Routes that hash a password: their 503 may also be `overloaded`. */
  const hashing = {
    503: {
      ...problem(
        503,
        '`overloaded`: too many passwords to hash at once; this one would have waited longer than ' +
          'HASH_QUEUE_MAX_WAIT_MS (default 2 s), so it was refused at once and nothing was done or counted. ' +
          '`Retry-After` is the expected wait in seconds. Or `unavailable`: the database does not answer, ' +
          'or not in time (`Retry-After: 1`).',
      ),
      headers: retryAfter,
    },
  };

  registry.registerPath({
    method: 'post',
    path: '/users/register',
    tags: ['users'],
    summary: 'Register an account',
    description:
      'Anyone may register a `user` account. E-mails compare case-insensitively. At most ' +
      'REGISTRATIONS_PER_ADDRESS_PER_HOUR (default 20) registrations per client address in an hour, counted ' +
      'in the database across every API process: a created account and an e-mail already taken (409) count; ' +
      'invalid input (400, 403), a refusal (429, 503) and a client that left count nothing. Past the limit, ' +
      '429 with `Retry-After`. An IPv6 client is counted by its /64; behind a proxy set TRUST_PROXY.',
    request: { body: body(RegisterBody) },
    responses: {
      201: json('The new account.', UserSchema),
      400: problem(400),
      403: problem(403, '`forbidden`: an account cannot register itself as admin.'),
      409: problem(409, '`conflict`: the e-mail is already registered.'),
      429: {
        ...problem(
          429,
          '`rate_limited`: too many registrations from this address in the last hour; `Retry-After` gives ' +
            'the seconds until one more is allowed.',
        ),
        headers: retryAfter,
      },
      ...common,
      ...hashing,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/users/login',
    tags: ['users'],
    summary: 'Log in',
    description:
      'A wrong e-mail and a wrong password get the same 401. Failed log-ins are counted in the database ' +
      '(the limits hold across every API process, and for requests sent in parallel: each attempt is counted ' +
      'before its password is checked, and taken back when it was right): at most 5 failures per account ' +
      'and client address and 50 per client address in 15 minutes, and 100 per account from all addresses ' +
      'in an hour. Past a limit, 429 with `Retry-After`. A stranger’s failures do not lock the owner out ' +
      'from the owner’s own address. An IPv6 client is counted by its /64; behind a proxy set TRUST_PROXY ' +
      'so that the client’s address is seen. A log-in refused with 503 `overloaded` is not counted.',
    request: { body: body(LoginBody) },
    responses: {
      200: json('An access token.', TokenSchema),
      400: problem(400),
      401: problem(401, '`unauthorized`: wrong e-mail or password.'),
      429: { ...problem(429), headers: retryAfter },
      ...common,
      ...hashing,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/users/me',
    tags: ['users'],
    summary: 'The signed-in account',
    security: secured,
    responses: { 200: json('The caller, with the role as stored now.', UserSchema), ...authed },
  });

  registry.registerPath({
    method: 'get',
    path: '/reservations/schedules',
    tags: ['reservations'],
    summary: 'Bookable time and room left',
    description:
      `The range cut into ${policy.grid.slotMinutes}-minute slots, in time order; slots before the lead-time ` +
      'boundary and full slots are dropped; adjacent slots with the same room are merged, across midnight ' +
      `too. \`available_capacity\` is ${policy.capacity} minus the confirmed load. A range over ` +
      `${policy.maxRangeDays} days is a 400. An answer may be up to SCHEDULE_MAX_STALENESS_MS old ` +
      '(1 s by default; booking and confirming always check the live load), and carries an ETag.',
    security: secured,
    request: {
      query: ScheduleQuery,
      headers: z.object({
        'if-none-match': z.string().optional().openapi({
          description: 'An ETag of an earlier answer: 304 with no body while it is still the answer.',
        }),
      }),
    },
    responses: {
      200: {
        ...json('The bookable stretches.', z.array(ScheduleSchema)),
        headers: scheduleHeaders,
      },
      304: { description: 'The answer is still the one the If-None-Match names.', headers: scheduleHeaders },
      400: problem(400),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/reservations',
    tags: ['reservations'],
    summary: 'List reservations',
    description:
      'Reservations overlapping the date range (all when no range is given), any status, ordered by ' +
      '`start_time` then `id`. Admins see everyone’s, users their own. A page past the end is an empty list.',
    security: secured,
    request: { query: ListQuery },
    responses: {
      200: { ...json('One page.', z.array(ReservationSchema)), headers: pageHeaders },
      400: problem(400),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/reservations',
    tags: ['reservations'],
    summary: 'Book a reservation (pending)',
    description:
      `Lead time: \`start\` no earlier than 00:00 of today + ${policy.leadTimeDays} days in ` +
      `${policy.timeZone}. Pending reservations hold no places; the request is refused with 409 only when ` +
      'the confirmed load already leaves no room for it. `Location` names the new reservation.',
    security: secured,
    request: {
      body: body(CreateReservationBody, { example: examples.create }),
      headers: IdempotencyKeyHeader,
    },
    responses: (() => {
      const k = keyed(
        json('The new reservation, `status: "pending"`.', ReservationSchema),
        '`capacity_exceeded`: some slot has no room for this many people.',
        { Location: { description: 'The new reservation.', schema: { type: 'string' } } },
      );
      return { 201: k.success, 400: problem(400), 409: k[409], 422: k[422], ...authed };
    })(),
  });

  const byId = { params: IdParams };
  const notFound = { 404: problem(404) };
  registry.registerPath({
    method: 'get',
    path: '/reservations/{id}',
    tags: ['reservations'],
    summary: 'One reservation',
    security: secured,
    request: byId,
    responses: {
      200: json('The reservation.', ReservationSchema),
      400: problem(400),
      ...notFound,
      ...authed,
    },
  });
  registry.registerPath({
    method: 'patch',
    path: '/reservations/{id}',
    tags: ['reservations'],
    summary: 'Change a reservation',
    description:
      'The owner while pending; an admin at any status but cancelled or rejected. An empty body is a 400. For a ' +
      'confirmed reservation its own old load is not counted against its new one. A user may change one ' +
      'reservation at most MAX_CHANGES_PER_RESERVATION times (100 by default); a change that repeats the ' +
      'current values records nothing and is not counted.',
    security: secured,
    request: { ...byId, body: body(UpdateReservationBody, { example: examples.update }) },
    responses: {
      200: json('The reservation after the change.', ReservationSchema),
      400: problem(400),
      ...notFound,
      409: problem(
        409,
        '`capacity_exceeded`; `invalid_state` when its status does not allow changes; `too_many_changes` when ' +
          'a user has already changed it MAX_CHANGES_PER_RESERVATION times (admins are not limited; cancelling ' +
          'is still possible).',
      ),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/reservations/{id}/confirm',
    tags: ['reservations'],
    summary: 'Confirm (admin)',
    description:
      'Pending → confirmed; confirming a confirmed one is a no-op. A refusal for capacity leaves it pending. ' +
      'A user gets 403 whether or not the id exists.',
    security: secured,
    request: { ...byId, body: noFields, headers: IdempotencyKeyHeader },
    responses: (() => {
      const k = keyed(
        json('The reservation, `status: "confirmed"`.', ReservationSchema),
        '`capacity_exceeded` (left pending), or `invalid_state` for a cancelled or rejected one.',
      );
      return {
        200: k.success,
        400: problem(400),
        403: problem(403, '`forbidden`: only admins confirm.'),
        ...notFound,
        409: k[409],
        422: k[422],
        ...authed,
      };
    })(),
  });
  registry.registerPath({
    method: 'post',
    path: '/reservations/{id}/reject',
    tags: ['admission'],
    summary: 'Reject (admin)',
    description:
      'Pending → rejected, with an optional reason kept in the history. Rejected is final: rejecting a ' +
      'rejected one is a no-op. A confirmed one is a 409 (cancel it instead), as is a cancelled one. A user ' +
      'gets 403 whether or not the id exists. The body may be absent or `{}`.',
    security: secured,
    request: {
      params: RejectIdParams,
      body: body(RejectBody, { required: false, example: examples.reject }),
      headers: IdempotencyKeyHeader,
    },
    responses: (() => {
      const k = keyed(
        json('The reservation, `status: "rejected"`.', ReservationSchema),
        '`invalid_state`: it is confirmed or cancelled.',
      );
      return {
        200: k.success,
        400: problem(400),
        403: problem(403, '`forbidden`: only admins reject.'),
        ...notFound,
        409: k[409],
        422: k[422],
        ...authed,
      };
    })(),
  });
  registry.registerPath({
    method: 'get',
    path: '/reservations/{id}/history',
    tags: ['reservations'],
    summary: 'History of a reservation',
    description:
      'Every change, oldest first, from the audit trail written in the same transaction as the change: who ' +
      '(and in which role), when, why (a rejection’s reason), and the reservation before and after. A no-op ' +
      'records nothing. For the owner and admins. Paged like GET /reservations (`limit` up to 100, 100 by ' +
      'default); a page past the end is an empty list.',
    security: secured,
    request: { ...byId, query: HistoryQuery },
    responses: {
      200: { ...json('One page of events, oldest first.', z.array(EventSchema)), headers: pageHeaders },
      400: problem(400),
      ...notFound,
      ...authed,
    },
  });
  const cancelText =
    'The owner while pending; an admin while pending or confirmed. Cancelling a confirmed reservation frees ' +
    'its places; cancelling a cancelled one is a no-op; a rejected one cannot be cancelled. The row is kept ' +
    'with `status: "cancelled"`.';
  const cancelConflict = '`invalid_state`: a user cancelling a confirmed reservation, or a rejected one.';
  const cancelRefused = {
    400: problem(400),
    ...notFound,
    409: problem(409, cancelConflict),
    ...authed,
  };
  const keyedCancel = keyed(
    json('The reservation, `status: "cancelled"`.', ReservationSchema),
    cancelConflict,
  );
  registry.registerPath({
    method: 'post',
    path: '/reservations/{id}/cancel',
    tags: ['reservations'],
    summary: 'Cancel',
    description: cancelText,
    security: secured,
    request: { ...byId, body: noFields, headers: IdempotencyKeyHeader },
    responses: { ...cancelRefused, 200: keyedCancel.success, 409: keyedCancel[409], 422: keyedCancel[422] },
  });
  registry.registerPath({
    method: 'delete',
    path: '/reservations/{id}',
    tags: ['reservations'],
    summary: 'Cancel (as POST …/cancel)',
    description: cancelText,
    security: secured,
    request: { ...byId, body: noFields },
    responses: { 204: { description: 'Cancelled.' }, ...cancelRefused },
  });

  const bulkText =
    'Each id is decided as if the single action had been called for it, one after another in the order ' +
    'given, in one transaction; the answer lists every id in that order with the status and body the single ' +
    'action would have answered (200 with the reservation, or 404/409 with a problem). Ids are 1–1,000 ' +
    'distinct integers. A user gets 403 whatever the body.';
  const bulkResponses = () => {
    const k = keyed(json('One result per id, in the order given.', BulkResultSchema), '');
    return {
      200: k.success,
      400: problem(400),
      403: problem(403, '`forbidden`: admins only.'),
      409: problem(409, IN_PROGRESS),
      422: k[422],
      ...authed,
    };
  };
  registry.registerPath({
    method: 'post',
    path: '/reservations/bulk/confirm',
    tags: ['admission'],
    summary: 'Confirm many (admin)',
    description: `${bulkText} Confirmations go through the same batched, lock-ordered path as single ones.`,
    security: secured,
    request: {
      body: body(BulkConfirmBody, { example: examples.bulkConfirm }),
      headers: IdempotencyKeyHeader,
    },
    responses: bulkResponses(),
  });
  registry.registerPath({
    method: 'post',
    path: '/reservations/bulk/reject',
    tags: ['admission'],
    summary: 'Reject many (admin)',
    description: `${bulkText} The reason, if given, is recorded with every rejection.`,
    security: secured,
    request: { body: body(BulkRejectBody, { example: examples.bulkReject }), headers: IdempotencyKeyHeader },
    responses: bulkResponses(),
  });
  registry.registerPath({
    method: 'post',
    path: '/reservations/admit',
    tags: ['admission'],
    summary: 'Admit first come, first served (admin)',
    description:
      'Takes the pending reservations that overlap the date range (read as for schedules, at most ' +
      `${policy.maxRangeDays} days) in creation order (\`created_at\`, then \`id\`) and confirms each one that ` +
      'still fits; one that does not fit stays pending, or is rejected with reason "no capacity left" when ' +
      '`reject_rest` is true. Runs in chunks of a few hundred, each its own transaction in creation order, so ' +
      'single confirmations are never held up for long; it is safe beside other confirmations and admissions ' +
      'from any process. Creation order is the stored creation time at full precision (rows written by SQL ' +
      'carry microseconds), and each reservation is decided at most once per run. A run stops after ' +
      'ADMISSION_MAX_MS with what it did so far and answers `complete: false` (`true` when it went through ' +
      'the whole range); a repeat goes on from where the queue then stands. The run goes on when the client ' +
      'disconnects, within that bound. With an Idempotency-Key the key is held for the whole run; a retry ' +
      'after a crash runs admission again, which only confirms what still fits. An answer with ' +
      '`complete: false` is not stored: the key is given up when the run stops, so a repeat with it admits again.',
    security: secured,
    request: { body: body(AdmitBody, { example: examples.admit }), headers: IdempotencyKeyHeader },
    responses: (() => {
      const k = keyed(json('What the admission did.', AdmissionSchema), '');
      return {
        200: k.success,
        400: problem(400),
        403: problem(403, '`forbidden`: admins only.'),
        409: problem(409, IN_PROGRESS),
        422: k[422],
        ...authed,
      };
    })(),
  });

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
  const metricsToken = registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, as set on the server.',
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['meta'],
    summary: 'Prometheus metrics',
    description:
      'The Prometheus text exposition: `exam_http_requests_total` and `exam_http_request_duration_seconds` by ' +
      'method, route template (never a raw path or an id) and status; `exam_confirmations_total` by outcome; ' +
      '`exam_capacity_refusals_total` by action; `exam_confirmation_batch_size`; `exam_admission_runs_total`, ' +
      '`exam_admission_decisions_total`, `exam_admission_duration_seconds`; `exam_webhook_attempts_total` by ' +
      'outcome, `exam_webhook_attempt_duration_seconds`, `exam_webhook_outbox_pending`, `_due` and ' +
      '`_oldest_due_seconds`; `exam_db_pool_connections` and `exam_db_pool_waiting_clients`; and node’s ' +
      'default process metrics. Only with `Authorization: Bearer <METRICS_TOKEN>`; the route does not exist ' +
      '(404) when METRICS_TOKEN is unset.',
    security: [{ [metricsToken.name]: [] }],
    responses: {
      200: {
        description: 'Prometheus text format 0.0.4.',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      401: problem(401, '`unauthorized`: no token, or not METRICS_TOKEN.'),
      404: problem(404, '`not_found`: METRICS_TOKEN is not set.'),
    },
  });

  const webhookHeaders = z.object({
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
      request: { headers: webhookHeaders, body: body(WebhookPayloadSchema) },
      responses: {
        200: { description: 'Any 2xx: delivered.' },
        410: { description: 'Gone: the endpoint is disabled, nothing more is sent to it.' },
      },
    });
  }

  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['meta'],
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: {} } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    tags: ['meta'],
    summary: 'Liveness',
    description: 'The process is up; does not touch the database.',
    responses: { 200: json('Alive.', StatusSchema), 500: problem(500) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    tags: ['meta'],
    summary: 'Readiness',
    description: 'The database answers.',
    responses: { 200: json('Ready.', StatusSchema), 503: problem(503), 500: problem(500) },
  });

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
