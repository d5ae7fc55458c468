import {
  CapacityExceededError,
  DomainError,
  type ErrorCode,
  formatInstant,
  RateLimitedError,
  ValidationError,
} from '@exam-reservation/domain';
import type { ErrorRequestHandler, Request, Response } from 'express';

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
  payload_too_large: 'Payload too large',
  unavailable: 'Service unavailable',
  internal_error: 'Internal server error',
};

/** An RFC 9457 problem before it is written. */
export interface Problem {
  status: number;
  code: HttpErrorCode;
  detail: string;
  errors?: readonly { path: string; message: string }[] | undefined;
}

/** Writes an RFC 9457 problem document. */
export function sendProblem(res: Response, problem: Problem): void {
  const body: Record<string, unknown> = {
    type: `urn:exam-reservation:problem:${problem.code}`,
    title: TITLE[problem.code],
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
  if (problem.errors) body.errors = problem.errors;
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
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

/**
 * What a domain error tells the client. The domain knows no zone, so an
 * error that names an instant carries it as a number, and it is written here
 * in the deployment's zone like every other time in an answer.
 */
function detailOf(error: DomainError, zone: string): string {
  if (error instanceof CapacityExceededError) {
    const room = Math.max(0, error.available);
    return `slot starting ${formatInstant(error.slotStart, zone)} has ${room} places left, ${error.requested} requested`;
  }
  return error.message;
}

/**
 * The problem document of a refusal: a domain error through the status
 * table, or a body-parser refusal; `null` for anything else (an internal fault).
 * @param zone the IANA zone times in the detail are written in
 */
export function toProblem(error: unknown, zone: string): Problem | null {
  if (error instanceof DomainError) {
    return {
      status: STATUS[error.code],
      code: error.code,
      detail: detailOf(error, zone),
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
 * whose details go to the log only. Times in details are written in `zone`.
 */
export function problemHandler(zone: string): ErrorRequestHandler {
  return (error, req, res, _next) => {
    answer(error, zone, req, res);
  };
}

function answer(error: unknown, zone: string, req: Request, res: Response): void {
  const problem = toProblem(error, zone);
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
}
