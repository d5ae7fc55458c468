import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticate } from '@exam-reservation/application';
import type { RequestHandler } from 'express';
import type { FreshCache } from './fresh-cache.js';
import type { RequestLine } from './request-log.js';

/** A schedule answer as the route writes it and the cache keeps it. */
export interface ScheduleAnswer {
  /** The JSON, as bytes: encoded once per computation, not once per request. */
  readonly body: Buffer;
  readonly etag: string;
}

/** What {@link scheduleFastPath} needs: the route's own parts, shared. */
export interface ScheduleFastPathDeps {
  readonly authenticate: Authenticate;
  /** The schedule route's cache: the fast path serves only what it holds, fresh. */
  readonly answers: FreshCache<ScheduleAnswer>;
  /** The headers every answer of the app carries (helmet's), in the order the app sets them. */
  readonly headers: readonly (readonly [string, string])[];
  readonly cacheControl: string;
  /** Starts the request's log line (and its metrics), as the app's request log does. */
  readonly begin: (req: IncomingMessage, res: ServerResponse) => RequestLine;
  /** Requests with an `Origin` are left to the app (its CORS answers them). */
  readonly cors: boolean;
  /** Told of each request the fast path answered (tests count them). */
  readonly served?: () => void;
}

const PATH = /^\/reservations\/schedules\?start=(\d{4}-\d{2}-\d{2})&end=(\d{4}-\d{2}-\d{2})$/;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The hot path of the registration rush: a signed-in candidate asking for a
 * schedule whose answer is in the cache. Express's own dispatch costs more
 * than everything else such a request needs (BENCHMARKS.md, the registration
 * rush), so these are answered before Express, with the same token check,
 * cached answer, headers, log line and metrics; anything else goes to the app
 * as before. A test sends the same requests both ways and compares them.
 *
 * @returns a request listener: serves what it can, hands the rest to `app`
 */
export function scheduleFastPath(
  deps: ScheduleFastPathDeps,
  app: RequestHandler | ((req: IncomingMessage, res: ServerResponse) => void),
): (req: IncomingMessage, res: ServerResponse) => void {
  const toApp = app as (req: IncomingMessage, res: ServerResponse) => void;
  const fixed: string[] = deps.headers.flat();
  return (req, res) => {
    const match = req.method === 'GET' ? PATH.exec(req.url ?? '') : null;
    const bearer = match ? BEARER.exec(req.headers.authorization ?? '') : null;
    const key = match ? `${match[1]}/${match[2]}` : '';
    if (
      !match ||
      !bearer ||
      // The app refuses an HTTP/1.1 request with no Host (guardServer leaves that to it).
      req.headers.host === undefined ||
      (deps.cors && req.headers.origin !== undefined) ||
      deps.answers.peek(key) === undefined
    ) {
      toApp(req, res);
      return;
    }
    deps.authenticate.signedIn(bearer[1]!).then(
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
        const headers = [
          ...fixed,
          'X-Request-Id',
          line.id,
          'Cache-Control',
          deps.cacheControl,
          'ETag',
          answer.etag,
        ];
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
