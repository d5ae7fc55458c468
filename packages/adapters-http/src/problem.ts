import { DomainError, type ErrorCode, RateLimitedError, ValidationError } from '@exam-reservation/domain';
import type { ErrorRequestHandler, Response } from 'express';

/** Codes of the HTTP adapter itself, on top of the domain's. */
export type HttpErrorCode = ErrorCode | 'payload_too_large' | 'unavailable' | 'internal_error';

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
  payload_too_large: 'Payload too large',
  unavailable: 'Service unavailable',
  internal_error: 'Internal server error',
};

interface Problem {
  status: number;
  code: HttpErrorCode;
  detail: string;
  errors?: readonly { path: string; message: string }[] | undefined;
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
  return body;
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemBody(problem)));
}

/**
 * The problem document of a domain refusal, through the same table as every
 * error answer: for answers that are stored (Idempotency-Key) or nested (one
 * per id of a bulk action) rather than sent by the error middleware.
 */
export function problemOf(error: DomainError): { status: number; body: Record<string, unknown> } {
  const problem = toProblem(error)!;
  return { status: problem.status, body: problemBody(problem) };
}

/** The shape of errors raised by Express's body parser (http-errors). */
interface BodyParserError {
  readonly type: string;
  readonly status: number;
  readonly expose: boolean;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Partial<BodyParserError>;
  return typeof e.type === 'string' && typeof e.status === 'number' && e.expose === true && e.status < 500;
}

function toProblem(error: unknown): Problem | null {
  if (error instanceof DomainError) {
    return {
      status: STATUS[error.code],
      code: error.code,
      detail: error.message,
      errors: error instanceof ValidationError ? error.errors : undefined,
    };
  }
  if (isBodyParserError(error)) {
    if (error.status === 413) {
      return { status: 413, code: 'payload_too_large', detail: 'the request body is larger than allowed' };
    }
    const detail =
      error.type === 'entity.parse.failed' ? 'the body is not valid JSON' : 'unreadable request body';
    return { status: 400, code: 'validation_error', detail, errors: [{ path: '', message: detail }] };
  }
  return null;
}

/**
 * The one place errors become responses: domain codes through a fixed
 * table, body-parser refusals as 400/413, and anything else as a bare 500
 * whose details go to the log only.
 */
export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const problem = toProblem(error);
  if (res.headersSent) {
    req.log.error({ err: error }, 'error after the response started');
    res.destroy();
    return;
  }
  if (!problem) {
    req.log.error({ err: error }, 'unhandled error');
    sendProblem(res, { status: 500, code: 'internal_error', detail: 'an unexpected error occurred' });
    return;
  }
  if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (problem.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer');
  sendProblem(res, problem);
};
