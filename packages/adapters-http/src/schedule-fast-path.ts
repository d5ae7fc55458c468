import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Authenticate } from '@exam-reservation/application';
import { bearerToken } from './auth/require-auth.js';
import { hostRefusal } from './host-header.js';
import type { RequestLine } from './request-log.js';
import { rangeKey, SCHEDULES_ROUTE, type ScheduleAnswers } from './routes/reservations/schedules.js';

/** What {@link scheduleFastPath} needs: the route's own parts, shared. */
export interface ScheduleFastPathDeps {
  /** The use case the route's token check calls. */
  readonly authenticate: Authenticate;
  /** The schedule route's cache: the fast path serves only what it holds, fresh, with its headers. */
  readonly answers: ScheduleAnswers;
  /** The headers every answer of the app carries (helmet's, and CORS's when it is on), in the order the app sets them. */
  readonly headers: readonly string[];
  /** Starts the request's log line (and its metrics), as the app's request log does. */
  readonly begin: (req: IncomingMessage, res: ServerResponse) => RequestLine;
  /** Requests with an `Origin` are left to the app (its CORS answers them). */
  readonly cors: boolean;
  /** Told of each request the fast path answered (tests count them). */
  readonly served?: () => void;
}

const PATH = new RegExp(`^${SCHEDULES_ROUTE}\\?start=(\\d{4}-\\d{2}-\\d{2})&end=(\\d{4}-\\d{2}-\\d{2})$`);

/**
 * The hot path of the registration rush: a signed-in candidate asking for a
 * schedule whose answer is in the cache. Express's own dispatch costs more
 * than everything else such a request needs (BENCHMARKS.md, the registration
 * rush), so these are answered before Express, with the same token check,
 * cached answer, headers, log line and metrics; anything else goes to the app
 * as before. A test sends the same requests both ways and compares them.
 *
 * @returns a request listener: serves what it can, hands the rest to `toApp`
 */
export function scheduleFastPath(deps: ScheduleFastPathDeps, toApp: RequestListener): RequestListener {
  const fixed = deps.headers;
  return (req: IncomingMessage, res: ServerResponse) => {
    const match = req.method === 'GET' ? PATH.exec(req.url ?? '') : null;
    const token = match ? bearerToken(req.headers.authorization) : undefined;
    const key = match ? rangeKey(match[1]!, match[2]!) : '';
    if (
      !match ||
      token === undefined ||
      // The app refuses a missing, repeated or invalid Host (guardServer leaves that to it).
      hostRefusal(req) !== undefined ||
      (deps.cors && req.headers.origin !== undefined) ||
      deps.answers.peek(key) === undefined
    ) {
      toApp(req, res);
      return;
    }
    deps.authenticate.signedIn(token).then(
      () => {
        // Looked up again: the answer may have aged past the bound while the token was checked.
        const answer = deps.answers.peek(key);
        const ifNoneMatch = req.headers['if-none-match'];
        if (answer === undefined || (ifNoneMatch !== undefined && ifNoneMatch !== answer.etag)) {
          toApp(req, res);
          return;
        }
        deps.served?.();
        const line = deps.begin(req, res);
        const headers = [...fixed, 'X-Request-Id', line.id, ...answer.headers];
        if (ifNoneMatch !== undefined) {
          res.writeHead(304, headers);
          res.end();
          return;
        }
        const body = answer.body;
        res.writeHead(200, [
          ...headers,
          'Content-Type',
          'application/json; charset=utf-8',
          'Content-Length',
          String(body.length),
        ]);
        res.end(body);
      },
      // The app answers a token that does not check out (401), with its own words.
      () => toApp(req, res),
    );
  };
}
