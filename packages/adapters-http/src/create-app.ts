import { isUtf8 } from 'node:buffer';
import { createServer, type Server } from 'node:http';
import { bookableFrom } from '@exam-reservation/domain';
import cors from 'cors';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import proxyAddr from 'proxy-addr';
import { FreshCache } from './fresh-cache.js';
import { hashGate } from './hash-gate.js';
import type { HttpDeps } from './http-deps.js';
import { bearerMatches } from './metrics/prometheus-metrics.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { problemHandler, sendProblem } from './problem.js';
import { mountedAt, type RequestCounts, requestLines, requestLog } from './request-log.js';
import { reservationRoutes } from './routes/reservation-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { type ScheduleAnswer, scheduleFastPath } from './schedule-fast-path.js';

/**
 * The OpenAPI document as of now. Its examples are dated from the first
 * bookable day, so it is built again when that day moves on (once a day).
 */
function currentDocument({ policy, clock }: HttpDeps): () => ReturnType<typeof buildOpenApiDocument> {
  let day = Number.NaN;
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  return () => {
    const now = clock.now();
    const first = bookableFrom(policy, now);
    if (document === undefined || first !== day) {
      document = buildOpenApiDocument(policy, now);
      day = first;
    }
    return document;
  };
}

/**
 * Swagger UI, set up on its first request rather than at start:
 * swagger-ui-express loads a copy of Express of its own and setting it up
 * builds the OpenAPI document, a noticeable part of every start (BENCHMARKS.md)
 * for a page most processes never serve.
 */
function swaggerUiOnFirstUse(document: () => ReturnType<typeof buildOpenApiDocument>): RequestHandler {
  let router: Promise<RequestHandler> | undefined;
  const load = async (): Promise<RequestHandler> => {
    const swaggerUi = await import('swagger-ui-express');
    const options = {
      customSiteTitle: 'Exam reservation API',
      swaggerOptions: { persistAuthorization: true, validatorUrl: null },
    };
    const routes = express.Router();
    // swagger-ui-express writes the document it finds on the request into its init script, so
    // the document is built when asked for, and again when its example dates move on.
    routes.use(
      ((req, _res, next) => {
        (req as { swaggerDoc?: unknown }).swaggerDoc = document();
        next();
      }) satisfies RequestHandler,
      // serveFiles, not serve: the init script it writes carries this app's document and options,
      // so several apps in one process (tests) do not overwrite each other's.
      swaggerUi.serveFiles(undefined, options),
      swaggerUi.setup(undefined, options),
    );
    return routes;
  };
  return (req, res, next) => {
    router ??= load().catch((error: unknown) => {
      router = undefined;
      throw error;
    });
    router.then((handle) => handle(req, res, next), next);
  };
}

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
  // HTTP/1.1 requires a Host header (RFC 9112); guardServer leaves this check to the app, so that
  // the refusal is problem+json and logged like any other.
  app.use((req, res, next) => {
    if (req.headers.host === undefined && req.httpVersion === '1.1') {
      sendProblem(res, {
        status: 400,
        code: 'validation_error',
        detail: 'an HTTP/1.1 request needs a Host header',
      });
      return;
    }
    next();
  });
  const security = helmet({
    contentSecurityPolicy: {
      // Swagger UI loads its own scripts and styles from this origin and draws icons from data: URIs,
      // which helmet's defaults allow; only the upgrade directive is dropped, so the docs work over
      // plain HTTP on a developer's machine (TLS is the reverse proxy's job).
      directives: { upgradeInsecureRequests: null },
    },
  });
  app.use(security);
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    app.use(
      cors({
        origin: origins.includes('*') ? '*' : [...origins],
        exposedHeaders: [
          'X-Total-Count',
          'Link',
          'X-Request-Id',
          'Retry-After',
          'Location',
          'Idempotent-Replayed',
        ],
        maxAge: 600,
      }),
    );
  }
  app.use(jsonBody(options.bodyLimit ?? '16kb'));

  const document = currentDocument(deps);
  app.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  app.use('/api-docs', mountedAt('/api-docs'), swaggerUiOnFirstUse(document));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    try {
      await deps.ready();
    } catch (error) {
      req.log.warn({ err: error }, 'readiness probe failed');
      sendProblem(res, { status: 503, code: 'unavailable', detail: 'the database is not reachable' });
      return;
    }
    res.json({ status: 'ok' });
  });

  const token = options.metricsToken;
  if (metrics && token) {
    // Without METRICS_TOKEN there is no such route: the 404 below.
    app.get('/metrics', async (req, res) => {
      if (!bearerMatches(req.headers.authorization, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        sendProblem(res, {
          status: 401,
          code: 'unauthorized',
          detail: 'send Authorization: Bearer <METRICS_TOKEN>',
        });
        return;
      }
      const { contentType, body } = await metrics.exposition();
      res.setHeader('Cache-Control', 'no-store');
      res.type(contentType).send(body);
    });
  }

  app.use('/users', mountedAt('/users'), userRoutes(deps));
  // The schedule answers, shared by the route and the fast path that serves them before Express.
  const staleness = options.scheduleMaxStalenessMs ?? 0;
  const scheduleAnswers = new FreshCache<ScheduleAnswer>(
    // Computed again in the background at three quarters of the bound, so that the rush never
    // waits for a schedule as its answer expires (the answer served is still never older than it).
    { maxAgeMs: staleness, refreshAfterMs: Math.floor((staleness * 3) / 4), now: () => deps.clock.now() },
    (answer) => answer.body.length,
  );
  app.use('/reservations', mountedAt('/reservations'), reservationRoutes(deps, { scheduleAnswers }));
  app.use('/webhooks', mountedAt('/webhooks'), webhookRoutes(deps));

  app.use((req, res) => {
    sendProblem(res, { status: 404, code: 'not_found', detail: `no route for ${req.method} ${req.path}` });
  });
  app.use(problemHandler(deps.policy.timeZone));

  const trust = app.get('trust proxy fn') as Parameters<typeof proxyAddr>[1];
  const fastPathServed = { count: 0 };
  app.locals.fastPathServed = fastPathServed;
  const fastPath = scheduleFastPath(
    {
      authenticate: deps.useCases.authenticate,
      answers: scheduleAnswers,
      headers: headersSetBy(security),
      cacheControl: `private, max-age=${Math.floor(staleness / 1000)}`,
      begin: (req, res) =>
        begin(req, res, {
          url: req.url ?? '',
          // What Express's req.ip gives, under the same trust proxy setting.
          remoteAddress: proxyAddr(req, trust),
          route: () => '/reservations/schedules',
        }),
      cors: origins.length > 0,
      served: () => {
        fastPathServed.count++;
      },
    },
    app,
  );
  // Registrations and log-ins are shed before their bodies are read while the hashing queue is full.
  const serve = deps.hashQueue
    ? hashGate(
        {
          queue: deps.hashQueue,
          headers: headersSetBy(security),
          begin: (req, res, route) =>
            begin(req, res, { url: req.url ?? '', remoteAddress: proxyAddr(req, trust), route: () => route }),
          cors: origins.length > 0,
        },
        fastPath,
      )
    : fastPath;
  // A server made by listen() serves through the hash gate and the fast path; the app itself (as a
  // request listener, say for supertest) is the plain version, answering everything.
  Object.defineProperty(app, 'listen', {
    value: (...args: Parameters<Server['listen']>) => createServer(serve).listen(...args),
  });
  return app;
}

/** The headers a middleware that only sets headers (helmet) sets, in its order: the same for every answer. */
function headersSetBy(middleware: RequestHandler): [string, string][] {
  const headers: [string, string][] = [];
  const res = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  middleware({ headers: {} } as Request, res as unknown as Response, () => undefined);
  return headers;
}
