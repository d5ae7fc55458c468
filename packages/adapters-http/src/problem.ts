import { OverloadedError, StoreUnavailableError } from '@exam-reservation/application';
import {
  CapacityExceededError,
  DomainError,
  type ErrorCode,
  formatInstant,
  RateLimitedError,
  ValidationError,
} from '@exam-reservation/domain';
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ClientGoneError } from './client-gone.js';

/** Codes of the HTTP adapter itself, on top of the domain's. */
export type HttpErrorCode = ErrorCode | 'payload_too_large' | 'unavailable' | 'overloaded' | 'internal_error';

const STATUS: Record<ErrorCode, number> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  capacity_exceeded: 409,
  invalid_state: 409,
  conflict: 409,
  rate_limited: 429,
  idempotency_in_progress: 409,
  idempotency_key_reused: 422,
  too_many_changes: 409,
  last_admin: 409,
};

const TITLE: Record<HttpErrorCode, string> = {
  validation_error: 'Invalid request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  capacity_exceeded: 'Capacity exceeded',
  invalid_state: 'Invalid state',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  idempotency_in_progress: 'Request in progress',
  idempotency_key_reused: 'Idempotency key reused',
  too_many_changes: 'Too many changes',
  last_admin: 'Last admin',
  payload_too_large: 'Payload too large',
  unavailable: 'Service unavailable',
  overloaded: 'Overloaded',
  internal_error: 'Internal server error',
};

/** An RFC 9457 problem before it is written. */
export interface Problem {
  status: number;
  code: HttpErrorCode;
  detail: string;
  errors?: readonly { path: string; message: string }[] | undefined;
  /** The first bookable instant, with the zone's offset, when the lead time was not met. */
  firstBookable?: string | undefined;
}

/** The content type of every problem document, as Express sends it. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The RFC 9457 document of a problem. */
function problemBody(problem: Problem): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: `urn:exam-reservation:problem:${problem.code}`,
    title: TITLE[problem.code],
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
  if (problem.errors) body.errors = problem.errors;
  if (problem.firstBookable !== undefined) body.first_bookable = problem.firstBookable;
  return body;
}

/** The JSON text of a problem document, as {@link sendProblem} writes it. */
export function problemJson(problem: Problem): string {
  return JSON.stringify(problemBody(problem));
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(problemJson(problem));
}

/**
 * The problem document of a domain refusal, through the same table as every
 * error answer: for answers that are stored (Idempotency-Key) or nested (one
 * per id of a bulk action) rather than sent by the error middleware.
 */
export function problemOf(
  error: DomainError,
  zone: string,
): { status: number; body: Record<string, unknown> } {
  const problem = toProblem(error, zone)!;
  return { status: problem.status, body: problemBody(problem) };
}

/**
 * A client error raised by Express's own machinery, in the http-errors
 * convention: the body parser (bad JSON, an unsupported or corrupt
 * Content-Encoding or charset, a body over the limit, a length that does not
 * match) and the router (a path parameter that is not valid percent-encoding).
 */
interface ClientHttpError {
  readonly status: number;
  readonly type?: unknown;
}

function isClientHttpError(error: unknown): error is ClientHttpError {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as Partial<ClientHttpError>).status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500;
}

/** What to tell the client, by body-parser error type; neither the error's message nor the body is logged (see answer). */
const BODY_PROBLEM: Record<string, string> = {
  'entity.parse.failed': 'the body is not a JSON object',
  'entity.not.utf8': 'the body is not valid UTF-8',
  'encoding.unsupported': 'unsupported Content-Encoding: send the body as is, or gzip, deflate or br',
  'charset.unsupported': 'unsupported charset: send JSON as UTF-8',
  'request.size.invalid': 'the body is not as long as Content-Length says',
  'request.aborted': 'the request body ended early',
};

/**
 * What a domain error tells the client. A capacity refusal already names its
 * slot in the zone it was given (the policy's, by the use cases and the
 * stores they call); it is written again here in the deployment's zone, so
 * that the answer never depends on whoever made the error remembering to.
 */
function detailOf(error: DomainError, zone: string): string {
  if (error instanceof CapacityExceededError) {
    const room = Math.max(0, error.available);
    return `slot starting ${formatInstant(error.slotStart, zone)} has ${room} places left, ${error.requested} requested`;
  }
  return error.message;
}

/** The problem of a request shed because too many passwords wait to be hashed or checked. */
export const OVERLOADED: Problem = {
  status: 503,
  code: 'overloaded',
  detail: 'too many passwords to check at once; try again shortly',
};

/**
 * The problem document of a refusal: the database unavailable (503), a
 * domain error through the status table, or a refusal of Express's own
 * machinery; `null` for anything else (an internal fault).
 * @param zone the IANA zone times in the detail are written in
 */
export function toProblem(error: unknown, zone: string): Problem | null {
  if (error instanceof StoreUnavailableError) {
    return { status: 503, code: 'unavailable', detail: 'the database is unavailable; try again shortly' };
  }
  if (error instanceof OverloadedError) return OVERLOADED;
  if (error instanceof DomainError) {
    const invalid = error instanceof ValidationError ? error : undefined;
    return {
      status: STATUS[error.code],
      code: error.code,
      detail: detailOf(error, zone),
      errors: invalid?.errors,
      firstBookable:
        invalid?.firstBookable === undefined ? undefined : formatInstant(invalid.firstBookable, zone),
    };
  }
  if (isClientHttpError(error)) {
    if (error.status === 413) {
      return { status: 413, code: 'payload_too_large', detail: 'the request body is larger than allowed' };
    }
    // Everything else Express refuses is malformed input: one 400 for all,
    // so clients need to know no status beyond the API's table.
    const detail =
      (typeof error.type === 'string' ? BODY_PROBLEM[error.type] : undefined) ??
      (error instanceof URIError
        ? 'the path is not valid percent-encoding'
        : 'the body could not be decoded as its Content-Encoding says');
    return { status: 400, code: 'validation_error', detail, errors: [{ path: '', message: detail }] };
  }
  return null;
}

/**
 * The one place errors become responses: domain codes through a fixed
 * table, body-parser refusals as 400/413, an unavailable database as 503, and
 * anything else as a bare 500 whose details go to the log only. Times in
 * details are written in `zone`.
 */
export function problemHandler(zone: string): ErrorRequestHandler {
  return (error, req, res, _next) => answer(error, zone, req, res);
}

function answer(error: unknown, zone: string, req: Parameters<ErrorRequestHandler>[1], res: Response): void {
  if (error instanceof ClientGoneError) {
    // The request log already says it was aborted.
    res.destroy();
    return;
  }
  if (res.headersSent) {
    req.log.error({ err: error }, 'error after the response started');
    res.destroy();
    return;
  }
  const { problem, headers } = problemAnswer(error, zone, () => req.log);
  for (const [name, value] of headers) res.setHeader(name, value);
  sendProblem(res, problem);
}

const INTERNAL: Problem = { status: 500, code: 'internal_error', detail: 'an unexpected error occurred' };

/**
 * The problem answer to an error that reached no handler, with its headers,
 * and the log line it deserves (an unexpected error, the database away, a
 * refusal by the transport). Shared by the error middleware and the create
 * fast path.
 */
export function problemAnswer(
  error: unknown,
  zone: string,
  log: () => Logger,
): { problem: Problem; headers: [string, string][] } {
  const problem = toProblem(error, zone);
  if (!problem) {
    log().error({ err: error }, 'unhandled error');
    return { problem: INTERNAL, headers: [] };
  }
  if (problem.status < 500 && !(error instanceof DomainError)) {
    // Only what kind of refusal: body-parser's error carries the body itself (a password sent
    // with a typo in its JSON), and JSON.parse's message quotes part of it.
    const { type, status } = error as Partial<ClientHttpError>;
    log().info({ refusal: { type, status } }, 'request refused by the transport');
  }
  if (problem.status === 503 && !(error instanceof OverloadedError)) {
    log().warn({ err: error }, 'the database is unavailable');
  }
  return { problem, headers: problemHeaders(error, problem) };
}

/**
 * The headers a problem answer carries besides its content type: when to
 * come back (429, 503), and how to sign in (401). Shared by the error
 * middleware and the create fast path.
 */
export function problemHeaders(error: unknown, problem: Problem): [string, string][] {
  const headers: [string, string][] = [];
  if (error instanceof RateLimitedError || error instanceof OverloadedError) {
    // Shedding on purpose, and cheap: the request log's line (a 503, at warn) is all that is written.
    headers.push(['Retry-After', String(error.retryAfterSeconds)]);
  } else if (problem.status === 503) {
    headers.push(['Retry-After', '1']);
  }
  if (problem.code === 'unauthorized') headers.push(['WWW-Authenticate', 'Bearer']);
  return headers;
}
