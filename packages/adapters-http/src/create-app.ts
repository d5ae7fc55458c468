import { isUtf8 } from 'node:buffer';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import proxyAddr from 'proxy-addr';
import { CONFIRM_ROUTE, confirmFastPath } from './confirm-fast-path.js';
import { createFastPath } from './create-fast-path.js';
import { hashGate } from './hash-gate.js';
import { hostRefusal } from './host-header.js';
import type { HttpDeps } from './http-deps.js';
import { currentDocument } from './openapi-document.js';
import { problemHandler, sendProblem } from './problem.js';
import { mountedAt, type RequestCounts, requestLines, requestLog } from './request-log.js';
import { consoleRoutes } from './routes/console-routes.js';
import { reservationRoutes } from './routes/reservations/reservation-routes.js';
import { SCHEDULES_ROUTE, scheduleAnswers } from './routes/reservations/schedules.js';
import { serviceRoutes } from './routes/service-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { scheduleFastPath } from './schedule-fast-path.js';
import { headersSetBy, securityHeaders } from './security-headers.js';

/** The Express application {@link createApp} builds. */
export type HttpApp = Express;

/**
 * JSON comes as UTF-8 only. body-parser would also take a `charset=utf-16…`
 * body, and would decode bytes that are not UTF-8 to U+FFFD and store the
 * result: both are refused instead (a 400; body-parser keeps the status of an
 * error thrown here).
 */
function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer, charset: string): void {
  if (charset !== 'utf-8') {
    throw Object.assign(new Error(`charset ${charset}`), { status: 400, type: 'charset.unsupported' });
  }
  if (!isUtf8(body)) {
    throw Object.assign(new Error('the body is not valid UTF-8'), { status: 400, type: 'entity.not.utf8' });
  }
}

/**
 * `express.json()`, with a shortcut for the commonest bodiless request (an
 * action such as `POST …/confirm` sent with `Content-Length: 0` and a plain
 * JSON content type): body-parser would stream zero bytes to find `{}`,
 * which was a few per cent of the API's CPU under load. Anything else, even
 * an empty body with a charset or an encoding, goes through body-parser and
 * gets its answers.
 */
function jsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit, verify: refuseInvalidUtf8 });
  return (req, res, next) => {
    const { headers } = req;
    if (
      headers['content-length'] === '0' &&
      headers['transfer-encoding'] === undefined &&
      headers['content-encoding'] === undefined &&
      headers['content-type'] === 'application/json'
    ) {
      req.body = {};
      next();
      return;
    }
    parse(req, res, next);
  };
}

/**
 * The Express application of the API: every route of the HTTP contract,
 * problem+json errors, request ids and logs, security headers, CORS, a body
 * size limit, the OpenAPI document and Swagger UI.
 */
export function createApp(deps: HttpDeps): HttpApp {
  const options = deps.options ?? {};
  const app = express();
  app.disable('x-powered-by');
  // JSON answers change with every write; hashing each body for an ETag is wasted work.
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  const metrics = deps.metrics;
  const counts: RequestCounts = { inFlight: 0, started: 0 };
  app.locals.requests = counts;
  const begin = requestLines(
    deps.logger,
    counts,
    metrics ? (...args) => metrics.observeRequest(...args) : undefined,
  );
  app.use(requestLog(app, begin, deps.logger));
  // One valid Host header, and one at all in HTTP/1.1 (RFC 9112); guardServer leaves this check to
  // the app, so that the refusal is problem+json and logged like any other.
  app.use((req, res, next) => {
    const refusal = hostRefusal(req);
    if (refusal !== undefined) {
      sendProblem(res, { status: 400, code: 'validation_error', detail: refusal });
      return;
    }
    next();
  });
  const security = securityHeaders();
  app.use(security.middleware);
  const origins = options.corsOrigins ?? [];
  // What the app adds to every answer: helmet's headers, and CORS's for a request without an Origin
  // (the fast paths and the hash gate answer only those, and write these on each).
  const fixed = [...security.fixed];
  if (origins.length > 0) {
    const corsHeaders = cors({
      origin: origins.includes('*') ? '*' : [...origins],
      exposedHeaders: [
        'X-Total-Count',
        'Link',
        'X-Request-Id',
        'Retry-After',
        'Location',
        'Idempotent-Replayed',
        'First-Bookable',
      ],
      maxAge: 600,
    });
    app.use(corsHeaders);
    fixed.push(...headersSetBy(corsHeaders));
  }
  app.use(jsonBody(options.bodyLimit ?? '16kb'));

  serviceRoutes(app, deps, currentDocument(deps.policy, deps.clock));

  app.use('/users', mountedAt('/users'), userRoutes(deps));
  // The schedule answers, shared by the route and the fast path that serves them before Express.
  const answers = scheduleAnswers(deps);
  app.use('/reservations', mountedAt('/reservations'), reservationRoutes(deps, { scheduleAnswers: answers }));
  app.use('/webhooks', mountedAt('/webhooks'), webhookRoutes(deps));
  consoleRoutes(app, options.consoleDir);

  app.use((req, res) => {
    sendProblem(res, { status: 404, code: 'not_found', detail: `no route for ${req.method} ${req.path}` });
  });
  app.use(problemHandler(deps.policy.timeZone));

  const trust = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
  /** Begins the log line of a request answered before Express, under `route`, as the app's request log would. */
  const beginBefore = (req: IncomingMessage, res: ServerResponse, route: string) =>
    begin(req, res, {
      url: req.url ?? '',
      // What Express's req.ip gives, under the same trust proxy setting.
      remoteAddress: proxyAddr(req, trust),
      route: () => route,
    });
  const createServed = { count: 0 };
  app.locals.createFastPathServed = createServed;
  const confirmServed = { count: 0 };
  app.locals.confirmFastPathServed = confirmServed;
  const confirmOrApp = confirmFastPath(
    {
      authenticate: deps.useCases.authenticate,
      confirmReservation: deps.useCases.confirmReservation,
      zone: deps.policy.timeZone,
      headers: fixed,
      begin: (req, res) => beginBefore(req, res, CONFIRM_ROUTE),
      logger: deps.logger,
      served: () => {
        confirmServed.count++;
      },
    },
    app,
  );
  const bodyLimit = limitBytes(options.bodyLimit ?? '16kb');
  const toApp: RequestListener =
    bodyLimit === undefined
      ? confirmOrApp
      : createFastPath(
          {
            authenticate: deps.useCases.authenticate,
            createReservation: deps.useCases.createReservation,
            zone: deps.policy.timeZone,
            bodyLimit,
            headers: fixed,
            begin: (req, res) => beginBefore(req, res, '/reservations'),
            logger: deps.logger,
            served: () => {
              createServed.count++;
            },
          },
          confirmOrApp,
        );
  const fastPathServed = { count: 0 };
  app.locals.fastPathServed = fastPathServed;
  const fastPath = scheduleFastPath(
    {
      authenticate: deps.useCases.authenticate,
      answers,
      headers: fixed,
      begin: (req, res) => beginBefore(req, res, SCHEDULES_ROUTE),
      cors: origins.length > 0,
      served: () => {
        fastPathServed.count++;
      },
    },
    toApp,
  );
  // Registrations and log-ins are shed before their bodies are read while the hashing queue is full.
  const serve = deps.hashQueue
    ? hashGate(
        {
          queue: deps.hashQueue,
          headers: fixed,
          begin: beginBefore,
          cors: origins.length > 0,
        },
        fastPath,
      )
    : fastPath;
  fastPaths.set(app, serve);
  return app;
}

/** A body limit as Express takes it (`16kb`) in bytes; undefined for any other form. */
function limitBytes(limit: string): number | undefined {
  const match = /^(\d+)(b|kb|mb)$/i.exec(limit);
  if (!match) return undefined;
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2]!.toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(match[1]) * unit;
}

/** The request listener of each app's servers: the app behind its hash gate and fast paths (schedules, bookings, confirmations). */
const fastPaths = new WeakMap<HttpApp, RequestListener>();

/**
 * An HTTP server for an app made by {@link createApp}: requests go through
 * the hash gate and the fast paths, and what they do not answer to the app. (The app
 * itself, as a request listener or through its own `listen`, is the plain
 * version, answering everything: what the fast paths are tested against.)
 */
export function createServer(app: HttpApp): Server {
  return createHttpServer(fastPaths.get(app) ?? app);
}
