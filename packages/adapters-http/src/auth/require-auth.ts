import type { Authenticate } from '@exam-reservation/application';
import { type Actor, UnauthorizedError, type User } from '@exam-reservation/domain';
import type { RequestHandler, Response } from 'express';

interface Signed {
  readonly actor: Actor;
  readonly user: User;
  /** The version the token carries (the account's when it was checked). */
  readonly tokenVersion: number;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The token of an `Authorization: Bearer <token>` header; undefined when
 * the header is absent or not of that form. The routes and the schedule fast
 * path read tokens with this one function.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** The bearer token of the request. @throws UnauthorizedError */
function bearerOf(header: string | undefined): string {
  if (header === undefined) throw new UnauthorizedError('missing bearer token');
  const token = bearerToken(header);
  if (token === undefined)
    throw new UnauthorizedError('malformed Authorization header; expected "Bearer <token>"');
  return token;
}

/**
 * Requires `Authorization: Bearer <token>` and puts the caller, with the
 * role read from the store just now, on the response for the handlers.
 */
export function requireAuth(authenticate: Authenticate): RequestHandler {
  return async (req, res, next) => {
    res.locals.signed = (await authenticate.execute(bearerOf(req.headers.authorization))) satisfies Signed;
    next();
  };
}

/**
 * Requires a valid bearer token of an existing account, not issued before
 * its password changed, for routes open to any signed-in caller whatever the
 * role (the role is not used).
 */
export function requireSignedIn(authenticate: Authenticate): RequestHandler {
  return async (req, res, next) => {
    res.locals.signedIn = await authenticate.signedIn(bearerOf(req.headers.authorization));
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
