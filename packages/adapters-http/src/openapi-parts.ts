import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { BookingPolicy } from '@exam-reservation/domain';
import type { oas31 } from 'openapi3-ts';
import type { z } from 'zod';
import type { RequestExamples } from './openapi-examples.js';
import { EmptyBody, ProblemSchema } from './routes/common-schemas.js';

/*
 * The pieces of the OpenAPI document every resource writes its operations
 * with: problem answers, JSON answers and bodies, paging and replay headers.
 * Choices the contract leaves open are written into the descriptions.
 */

/** What a resource registers its operations with, for one document. */
export interface ApiDocs {
  readonly registry: OpenAPIRegistry;
  readonly policy: BookingPolicy;
  /** Request examples dated from the first bookable day. */
  readonly examples: RequestExamples;
  /** The bearer token the signed-in routes require. */
  readonly secured: oas31.SecurityRequirementObject[];
  /** The answers of any route: 413, 500, 503. */
  readonly common: Record<413 | 500 | 503, ResponseConfig>;
  /** {@link common}, and 401 for a route that needs a token. */
  readonly authed: Record<401 | 413 | 500 | 503, ResponseConfig>;
}

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

const PROBLEM_TEXT: Record<Status, string> = {
  400: '`validation_error`: malformed JSON, missing or unknown fields, bad formats or values; `errors` names the fields.',
  401: '`unauthorized`: missing, malformed, expired or forged bearer token, or one issued before the account’s password changed.',
  403: '`forbidden`: the caller may not do this.',
  404: '`not_found`: no such reservation, or it is not yours (ids of others are not revealed).',
  409: 'A conflict with the current state.',
  413: '`payload_too_large`: the body is over the size limit (16 KiB by default).',
  422: '`idempotency_key_reused`: this Idempotency-Key was already used by you with another request (method, path or body).',
  429: '`rate_limited`: too many failed log-ins (see POST /users/login); `Retry-After` gives the seconds to wait.',
  500: '`internal_error`: an unexpected fault; the body carries no details (see the server log by X-Request-Id).',
  503: '`unavailable`: the database does not answer, or not in time; `Retry-After` says when to try again.',
};

/** A problem+json answer. */
export const problem = (status: Status, description = PROBLEM_TEXT[status]): ResponseConfig => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** A JSON answer. */
export const json = (description: string, schema: z.ZodType): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});

/** A JSON request body. */
export const body = (
  schema: z.ZodType,
  options: { required?: boolean; example?: Record<string, unknown> } = {},
) => ({
  required: options.required ?? true,
  content: {
    'application/json': options.example === undefined ? { schema } : { schema, example: options.example },
  },
});

/** An action's optional body: none, or `{}`. */
export const noFields = { required: false, content: { 'application/json': { schema: EmptyBody } } };

/** The `Retry-After` header of a refusal. */
export const retryAfter = {
  'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
} as const;

/** What every paged answer carries. */
export const pageHeaders: oas31.HeadersObject = {
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

/** The 409 of a key whose first request is still being processed. */
export const IN_PROGRESS =
  '`idempotency_in_progress`: a request with the same Idempotency-Key is still being processed; retry later.';

/** The answers every route that takes an Idempotency-Key adds, and the header on its success. */
export const keyed = (success: ResponseConfig, conflicts: string, headers: oas31.HeadersObject = {}) => ({
  success: { ...success, headers: { ...headers, ...REPLAYED } } as ResponseConfig,
  409: problem(409, `${conflicts} Or ${IN_PROGRESS}`),
  422: problem(422),
});
