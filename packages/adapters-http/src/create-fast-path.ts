import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Authenticate, CreateReservationCommand, UseCase } from '@exam-reservation/application';
import type { Reservation } from '@exam-reservation/domain';
import { bearerToken } from './auth/require-auth.js';
import { type FastRepliesDeps, fastReplies, JSON_TYPES, leftToApp } from './fast-replies.js';
import { present } from './presenters.js';
import type { RequestLine } from './request-log.js';
import { bookingCommand } from './routes/reservations/bookings.js';

/** What {@link createFastPath} needs: the create route's own parts, shared. */
export interface CreateFastPathDeps extends FastRepliesDeps {
  /** The use case the route's token check calls (the caller's role is read from the store). */
  readonly authenticate: Authenticate;
  readonly createReservation: UseCase<CreateReservationCommand, Reservation>;
  /** The app's body limit, in bytes: a longer body is left to the app (its 413). */
  readonly bodyLimit: number;
  /** Starts the request's log line (and its metrics), as the app's request log does. */
  readonly begin: (req: IncomingMessage, res: ServerResponse) => RequestLine;
  /** Told of each request the fast path answered (tests count them). */
  readonly served?: () => void;
}

const PATH = '/reservations';
const LENGTH = /^[1-9]\d{0,8}$/;

/**
 * The other hot path of the registration rush: a signed-in candidate's
 * booking, `POST /reservations` with a plain JSON body. Express's dispatch,
 * body-parser and the per-request middleware cost more than the booking
 * itself (BENCHMARKS.md, issue 24), so such a request is answered before
 * Express: the same token check and role read, the same body rules (UTF-8,
 * a JSON object, the route's schema), the same use case, headers, log line,
 * metrics and problem answers. Anything unusual goes to the app untouched,
 * before its body is read: another path or method, a query, another content
 * type or charset, no or a chunked or an encoded or an oversized body,
 * `Expect`, an `Idempotency-Key` (the app stores its answer), a token that
 * does not check out, any `Origin` (the app's CORS answers it). A test sends the same
 * requests both ways and compares them.
 *
 * @returns a request listener: serves what it can, hands the rest to `toApp`
 */
export function createFastPath(deps: CreateFastPathDeps, toApp: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const { headers } = req;
    const length = headers['content-length'];
    const token = req.method === 'POST' && req.url === PATH ? bearerToken(headers.authorization) : undefined;
    if (
      token === undefined ||
      leftToApp(req) ||
      !JSON_TYPES.has(headers['content-type'] ?? '') ||
      length === undefined ||
      !LENGTH.test(length) ||
      Number(length) > deps.bodyLimit
    ) {
      toApp(req, res);
      return;
    }
    deps.authenticate.execute(token).then(
      ({ actor }) => {
        deps.served?.();
        const { answer, refuse } = fastReplies(deps, res, deps.begin(req, res));
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('error', () => res.destroy());
        req.on('end', () => {
          const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          let input: unknown;
          try {
            input = parseJsonObject(bytes);
          } catch (error) {
            refuse(error);
            return;
          }
          let command: CreateReservationCommand;
          try {
            command = bookingCommand(input, actor, deps.zone);
          } catch (error) {
            refuse(error);
            return;
          }
          deps.createReservation
            .execute(command)
            .then((created) => {
              if (res.destroyed) return;
              answer(
                201,
                ['Content-Type', 'application/json; charset=utf-8', 'Location', `${PATH}/${created.id}`],
                JSON.stringify(present.reservation(created, deps.zone)),
              );
            })
            .catch(refuse);
        });
      },
      // The app answers a token that does not check out (401), with its own words; the body is unread.
      () => toApp(req, res),
    );
  };
}

/** An error as body-parser raises it: the app's error middleware answers both alike. */
const bodyError = (type: string, message: string) => Object.assign(new Error(message), { status: 400, type });

/**
 * A body as the app's JSON parser reads it: UTF-8 only (a byte-order mark
 * dropped), and (strict) an
 * object or an array at the top.
 * @throws an error of body-parser's shape (`status` 400, `type`)
 */
function parseJsonObject(bytes: Buffer): unknown {
  if (!isUtf8(bytes)) throw bodyError('entity.not.utf8', 'the body is not valid UTF-8');
  // body-parser decodes with iconv-lite, which drops a leading byte-order mark.
  const decoded = bytes.toString('utf8');
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw bodyError('entity.parse.failed', 'not an object or array');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw bodyError('entity.parse.failed', (error as Error).message);
  }
}
