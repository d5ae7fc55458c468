import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { type BookingPolicy, bookableFrom, formatInstant, parseRequestTime } from '@exam-reservation/domain';
import type { oas31 } from 'openapi3-ts';
import { z } from 'zod';
import {
  CreateReservationBody,
  IdParams,
  ListQuery,
  LoginBody,
  ProblemSchema,
  RegisterBody,
  ReservationSchema,
  ScheduleQuery,
  ScheduleSchema,
  StatusSchema,
  TokenSchema,
  UpdateReservationBody,
  UserSchema,
} from './schemas.js';

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

const PROBLEM_TEXT: Record<Status, string> = {
  400: '`validation_error`: malformed JSON, missing or unknown fields, bad formats or values; `errors` names the fields.',
  401: '`unauthorized`: missing, malformed, expired or forged bearer token.',
  403: '`forbidden`: the caller may not do this.',
  404: '`not_found`: no such reservation, or it is not yours (ids of others are not revealed).',
  409: 'A conflict with the current state.',
  413: '`payload_too_large`: the body is over the size limit (16 KiB by default).',
  429: '`rate_limited`: too many failed log-ins for this account or address; see `Retry-After` (seconds).',
  500: '`internal_error`: an unexpected fault; the body carries no details (see the server log by X-Request-Id).',
  503: '`unavailable`: the database does not answer.',
};

const problem = (status: Status, description = PROBLEM_TEXT[status]): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

const json = (description: string, schema: z.ZodType): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

const body = (schema: z.ZodType, example?: Record<string, unknown>) => ({
  required: true,
  content: { 'application/json': example === undefined ? { schema } : { schema, example } },
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
  const common = { 413: problem(413), 500: problem(500) };
  const authed = { ...common, 401: problem(401) };

  registry.registerPath({
    method: 'post',
    path: '/users/register',
    tags: ['users'],
    summary: 'Register an account',
    description: 'Anyone may register a `user` account. E-mails compare case-insensitively.',
    request: { body: body(RegisterBody) },
    responses: {
      201: json('The new account.', UserSchema),
      400: problem(400),
      403: problem(403, '`forbidden`: an account cannot register itself as admin.'),
      409: problem(409, '`conflict`: the e-mail is already registered.'),
      ...common,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/users/login',
    tags: ['users'],
    summary: 'Log in',
    description:
      'A wrong e-mail and a wrong password get the same 401. After 5 failures within 15 minutes for one ' +
      'account or one client address, log-ins from it are refused with 429 until the window passes.',
    request: { body: body(LoginBody) },
    responses: {
      200: json('An access token.', TokenSchema),
      400: problem(400),
      401: problem(401, '`unauthorized`: wrong e-mail or password.'),
      429: {
        ...problem(429),
        headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
      },
      ...common,
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
      `${policy.maxRangeDays} days is a 400.`,
    security: secured,
    request: { query: ScheduleQuery },
    responses: {
      200: json('The bookable stretches.', z.array(ScheduleSchema)),
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
      200: {
        ...json('One page.', z.array(ReservationSchema)),
        headers: {
          'X-Total-Count': { description: 'Matches across all pages.', schema: { type: 'integer' } },
        },
      },
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
    request: { body: body(CreateReservationBody, examples.create) },
    responses: {
      201: json('The new reservation, `status: "pending"`.', ReservationSchema),
      400: problem(400),
      409: problem(409, '`capacity_exceeded`: some slot has no room for this many people.'),
      ...authed,
    },
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
      'The owner while pending; an admin at any status but cancelled. An empty body is a 400. For a ' +
      'confirmed reservation its own old load is not counted against its new one.',
    security: secured,
    request: { ...byId, body: body(UpdateReservationBody, examples.update) },
    responses: {
      200: json('The reservation after the change.', ReservationSchema),
      400: problem(400),
      ...notFound,
      409: problem(409, '`capacity_exceeded`, or `invalid_state` when its status does not allow changes.'),
      ...authed,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/reservations/{id}/confirm',
    tags: ['reservations'],
    summary: 'Confirm (admin)',
    description:
      'Pending → confirmed; confirming a confirmed one is a no-op. A refusal for capacity leaves it pending.',
    security: secured,
    request: byId,
    responses: {
      200: json('The reservation, `status: "confirmed"`.', ReservationSchema),
      400: problem(400),
      403: problem(403, '`forbidden`: only admins confirm.'),
      ...notFound,
      409: problem(409, '`capacity_exceeded` (left pending), or `invalid_state` for a cancelled one.'),
      ...authed,
    },
  });
  const cancelText =
    'The owner while pending; an admin at any status. Cancelling a confirmed reservation frees its ' +
    'places; cancelling a cancelled one is a no-op. The row is kept with `status: "cancelled"`.';
  const cancelRefused = {
    400: problem(400),
    ...notFound,
    409: problem(409, '`invalid_state`: a user cannot cancel a confirmed reservation.'),
    ...authed,
  };
  registry.registerPath({
    method: 'post',
    path: '/reservations/{id}/cancel',
    tags: ['reservations'],
    summary: 'Cancel',
    description: cancelText,
    security: secured,
    request: byId,
    responses: { 200: json('The reservation, `status: "cancelled"`.', ReservationSchema), ...cancelRefused },
  });
  registry.registerPath({
    method: 'delete',
    path: '/reservations/{id}',
    tags: ['reservations'],
    summary: 'Cancel (as POST …/cancel)',
    description: cancelText,
    security: secured,
    request: byId,
    responses: { 204: { description: 'Cancelled.' }, ...cancelRefused },
  });

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
        '(the one sent, when it is 1–128 characters of `[A-Za-z0-9._-]`, else a new UUID).',
    },
    tags: [{ name: 'users' }, { name: 'reservations' }, { name: 'meta' }],
  });
  return dateExamples(document, examples);
}
