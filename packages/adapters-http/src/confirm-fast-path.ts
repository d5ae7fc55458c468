import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Authenticate, ConfirmReservationCommand, UseCase } from '@exam-reservation/application';
import { isAdmin, type Reservation } from '@exam-reservation/domain';
import { bearerToken } from './auth/require-auth.js';
import { type FastRepliesDeps, fastReplies, JSON_TYPES, leftToApp } from './fast-replies.js';
import { present } from './presenters.js';
import type { RequestLine } from './request-log.js';

/** What {@link confirmFastPath} needs: the confirm route's own parts, shared. */
export interface ConfirmFastPathDeps extends FastRepliesDeps {
  /** The use case the route's token check calls (the caller's role is read from the store). */
  readonly authenticate: Authenticate;
  readonly confirmReservation: UseCase<ConfirmReservationCommand, Reservation>;
  /** Starts the request's log line (and its metrics), as the app's request log does. */
  readonly begin: (req: IncomingMessage, res: ServerResponse) => RequestLine;
  /** Told of each request the fast path answered (tests count them). */
  readonly served?: () => void;
}

/** The route's template, as the app's request log and metrics name it. */
export const CONFIRM_ROUTE = '/reservations/:id/confirm';
/** Ids the app's `{id}` rule takes whatever their size (it allows up to 2^31 - 1). */
const PATH = /^\/reservations\/([1-9]\d{0,8})\/confirm$/;

/**
 * The hot path of admission day: an admin's `POST /reservations/{id}/confirm`
 * with no body (and no content type, or JSON's, and no content coding). Express's dispatch and per-request middleware cost about as
 * much as the confirmation's own work in the API (BENCHMARKS.md, issue 24),
 * so such a request is answered before Express, with the same token check
 * and role read, the same use case (still batched, each confirmation decided
 * on its own), headers, log line, metrics and problem answers. Anything else
 * goes to the app untouched: another path, method or id form, a query, any
 * body or another content type, `Expect`, an `Idempotency-Key` (the app stores its
 * answer), any `Origin` (the app's CORS answers it), a token that does not
 * check out or a caller who is not an admin (the app refuses them in its own
 * words). A test sends the same requests both ways and compares them.
 *
 * @returns a request listener: serves what it can, hands the rest to `toApp`
 */
export function confirmFastPath(deps: ConfirmFastPathDeps, toApp: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const { headers } = req;
    const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null;
    const token = match ? bearerToken(headers.authorization) : undefined;
    const length = headers['content-length'];
    if (
      !match ||
      token === undefined ||
      leftToApp(req) ||
      (length !== undefined && length !== '0') ||
      // An empty body is an empty JSON object to the app's parser; another charset is its 415.
      (headers['content-type'] !== undefined && !JSON_TYPES.has(headers['content-type']))
    ) {
      toApp(req, res);
      return;
    }
    deps.authenticate.execute(token).then(
      ({ actor }) => {
        if (!isAdmin(actor)) {
          toApp(req, res);
          return;
        }
        deps.served?.();
        const { answer, refuse } = fastReplies(deps, res, deps.begin(req, res));
        deps.confirmReservation
          .execute({ actor, id: Number(match[1]) })
          .then((confirmed) => {
            if (res.destroyed) return;
            answer(
              200,
              ['Content-Type', 'application/json; charset=utf-8'],
              JSON.stringify(present.reservation(confirmed, deps.zone)),
            );
          })
          .catch(refuse);
      },
      // The app answers a token that does not check out (401), with its own words.
      () => toApp(req, res),
    );
  };
}
