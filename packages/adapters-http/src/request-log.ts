import { randomUUID } from 'node:crypto';
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

/**
 * Request ids and the request log: one JSON line per request when its
 * response is finished (or the client went away first), at `info` for
 * 1xx–3xx, `warn` for 4xx and aborted requests, `error` for 5xx, with the
 * request id, method, URL, status and milliseconds taken. Headers stay out
 * of it: they carry bearer tokens.
 *
 * Leaner than pino-http, whose per-request child logger and serializers were
 * a tenth of the API's CPU under load: `req.log` (for handlers' own lines) is
 * a getter on the app's request prototype that makes its child logger only
 * when a handler logs.
 */
export function requestLog(app: ExpressApp, logger: Logger, observe?: RequestObserver): RequestHandler {
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
  const counts: RequestCounts = { inFlight: 0, started: 0 };
  app.locals.requests = counts;
  return (req, res, next) => {
    counts.inFlight++;
    counts.started++;
    const sent = req.headers['x-request-id'];
    const id = typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    const start = performance.now();
    // Read now: once the client has closed the connection, the socket no longer knows its address.
    const remoteAddress = req.ip;
    // 'close' follows 'finish' on a completed response, and comes alone when the client left first.
    res.once('close', () => {
      counts.inFlight--;
      const finished = res.writableFinished;
      const status = res.statusCode;
      const line = {
        reqId: id,
        method: req.method,
        url: req.originalUrl,
        status: finished ? status : undefined,
        responseTime: Math.round((performance.now() - start) * 10) / 10,
        remoteAddress,
      };
      if (finished && observe)
        observe(req.method, routeTemplate(req, res.locals.mount), status, line.responseTime / 1000);
      if (!finished) logger.warn(line, 'request aborted');
      else if (status >= 500) logger.error(line, 'request completed');
      else if (status >= 400) logger.warn(line, 'request completed');
      else logger.info(line, 'request completed');
    });
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
