import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express as ExpressApp, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

declare global {
  namespace Express {
    interface Request {
      /** The request id: the client's `X-Request-Id` when well formed, else a new UUID. */
      id: string;
      /** A logger whose lines carry `reqId`; made on first use. */
      readonly log: Logger;
    }
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Told of every finished request: how long it took and which route answered it. */
export type RequestObserver = (method: string, route: string, status: number, seconds: number) => void;

/** Marks the requests a router mounted at `path` took, so a route template names the mount too. */
export function mountedAt(path: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.mount = path;
    next();
  };
}

/**
 * The route template that answered a request (`/reservations/:id/confirm`),
 * never the raw path: a few dozen values in all. A request refused inside a
 * router before its route matched (no token) is `<mount>/*`; one no route
 * matched, `unmatched`.
 */
export function routeTemplate(req: Request, mount: unknown): string {
  const prefix = typeof mount === 'string' ? mount : '';
  const path = req.route?.path;
  if (typeof path === 'string') return path === '/' && prefix ? prefix : `${prefix}${path}`;
  return prefix ? `${prefix}/*` : 'unmatched';
}
const CHILD = Symbol('request logger');

type WithChild = Request & { [CHILD]?: Logger };

/** A request the log has begun: its id. */
export interface RequestLine {
  /** The client's `X-Request-Id` when well formed, else a new UUID. */
  readonly id: string;
}

/** How the log sees one request. */
export interface RequestSeen {
  /** The URL as received. */
  readonly url: string;
  /** The client's address (behind a proxy, as TRUST_PROXY lets it be told). */
  readonly remoteAddress: string | undefined;
  /** The route template that answered it, asked once the answer is done. */
  readonly route: () => string;
}

/** A JWT's three base64url parts; the first starts as every JSON object's encoding does. */
const JWT_LIKE = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;

/**
 * The URL as logged: query parameters that look like secrets (a metrics token
 * or a password put in the query by mistake) are written as `***`, and so is
 * anything shaped like a JWT. No route takes one, so they are refused, but
 * the log line is written all the same.
 */
export function loggableUrl(sent: string): string {
  // A token pasted into the path (`/reservations/<token>/confirm`) is refused too, and masked alike.
  const url = sent.includes('eyJ') ? sent.replace(JWT_LIKE, '***') : sent;
  const query = url.indexOf('?');
  if (query < 0) return url;
  return (
    url.slice(0, query + 1) +
    url
      .slice(query + 1)
      .split('&')
      .map((pair) => {
        const name = pair.split('=', 1)[0]!;
        return /token|pass|secret|key|auth/i.test(name) && pair.includes('=') ? `${name}=***` : pair;
      })
      .join('&')
  );
}

/**
 * The request log's own part, shared by the Express app and the schedule
 * fast path: one JSON line per request when its response is finished (or the
 * client went away first), at `info` for 1xx–3xx, `warn` for 4xx and aborted
 * requests, `error` for 5xx, with the request id, method, URL, status and
 * milliseconds taken, and the observer (metrics) told of it. Headers stay out
 * of it: they carry bearer tokens.
 */
export function requestLines(
  logger: Logger,
  counts: RequestCounts,
  observe?: RequestObserver,
): (req: IncomingMessage, res: ServerResponse, seen: RequestSeen) => RequestLine {
  return (req, res, seen) => {
    counts.inFlight++;
    counts.started++;
    const sent = req.headers['x-request-id'];
    const id = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    const start = performance.now();
    // 'close' follows 'finish' on a completed response, and comes alone when the client left first;
    // a fast path begins after a token check, by when the client may already have gone.
    const onClose = () => {
      counts.inFlight--;
      const finished = res.writableFinished;
      const status = res.statusCode;
      const method = req.method ?? '';
      const line = {
        reqId: id,
        method,
        url: loggableUrl(seen.url),
        status: finished ? status : undefined,
        responseTime: Math.round((performance.now() - start) * 10) / 10,
        remoteAddress: seen.remoteAddress,
      };
      if (finished && observe) observe(method, seen.route(), status, line.responseTime / 1000);
      if (!finished) logger.warn(line, 'request aborted');
      // 503 is a refusal on purpose (overloaded) or the database away, which is logged apart.
      else if (status >= 500 && status !== 503) logger.error(line, 'request completed');
      else if (status >= 400) logger.warn(line, 'request completed');
      else logger.info(line, 'request completed');
    };
    if (res.destroyed) onClose();
    else res.once('close', onClose);
    return { id };
  };
}

/**
 * Request ids and the request log of the Express app (see
 * {@link requestLines}).
 *
 * Leaner than pino-http, whose per-request child logger and serializers were
 * a tenth of the API's CPU under load: `req.log` (for handlers' own lines) is
 * a getter on the app's request prototype that makes its child logger only
 * when a handler logs.
 */
export function requestLog(
  app: ExpressApp,
  begin: (req: IncomingMessage, res: ServerResponse, seen: RequestSeen) => RequestLine,
  logger: Logger,
): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: WithChild): Logger {
      let child = this[CHILD];
      if (child === undefined) {
        child = logger.child({ reqId: this.id });
        this[CHILD] = child;
      }
      return child;
    },
  });
  return (req, res, next) => {
    const { id } = begin(req, res, {
      url: req.originalUrl,
      // Read now: once the client has closed the connection, the socket no longer knows its address.
      remoteAddress: req.ip,
      route: () => routeTemplate(req, res.locals.mount),
    });
    req.id = id;
    res.setHeader('X-Request-Id', id);
    next();
  };
}

/** How many requests an app has taken. */
export interface RequestCounts {
  /** Received and not yet finished answering (or seen aborted). */
  inFlight: number;
  /** Received since the app started. */
  started: number;
}

/** The request counts of an app made by createApp (live: read them when needed). */
export function requestCounts(app: ExpressApp): Readonly<RequestCounts> {
  return (app.locals.requests as RequestCounts | undefined) ?? { inFlight: 0, started: 0 };
}
