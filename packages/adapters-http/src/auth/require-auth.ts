import type { Authenticate } from '@exam-reservation/application';
import { type Actor, UnauthorizedError, type User } from '@exam-reservation/domain';
import type { RequestHandler, Response } from 'express';

interface Signed {
  readonly actor: Actor;
  readonly user: User;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Requires `Authorization: Bearer <token>` and puts the caller, with the
 * role read from the store just now, on the response for the handlers.
 */
export function requireAuth(authenticate: Authenticate): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) throw new UnauthorizedError('missing bearer token');
    const match = BEARER.exec(header);
    if (!match) throw new UnauthorizedError('malformed Authorization header; expected "Bearer <token>"');
    res.locals.signed = (await authenticate.execute(match[1]!)) satisfies Signed;
    next();
  };
}

/** The caller that {@link requireAuth} let through. */
export function signedIn(res: Response): Signed {
  const signed = res.locals.signed as Signed | undefined;
  // A route without requireAuth in front is a wiring bug, not a client error.
  if (!signed) throw new Error('route is missing requireAuth');
  return signed;
}
