import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { HttpDeps } from './http-deps.js';
import { bearerMatches } from './metrics/prometheus-metrics.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { problemHandler, sendProblem } from './problem.js';
import { mountedAt, requestLog } from './request-log.js';
import { reservationRoutes } from './routes/reservation-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';

/** The Express application {@link createApp} builds. */
export type HttpApp = Express;

/**
 * `express.json()`, with a shortcut for the commonest bodiless request (an
 * action such as `POST …/confirm` sent with `Content-Length: 0` and a plain
 * JSON content type): body-parser would stream zero bytes to find `{}`,
 * which was a few per cent of the API's CPU under load. Anything else, even
 * an empty body with a charset or an encoding, goes through body-parser and
 * gets its answers.
 */
function jsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit });
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
  app.use(requestLog(app, deps.logger, metrics ? (...args) => metrics.observeRequest(...args) : undefined));
  app.use(
    helmet({
      contentSecurityPolicy: {
        // Swagger UI loads its own scripts and styles from this origin and draws icons from data: URIs,
        // which helmet's defaults allow; only the upgrade directive is dropped, so the docs work over
        // plain HTTP on a developer's machine (TLS is the reverse proxy's job).
        directives: { upgradeInsecureRequests: null },
      },
    }),
  );
  const origins = options.corsOrigins ?? [];
  if (origins.length > 0) {
    app.use(
      cors({
        origin: origins.includes('*') ? '*' : [...origins],
        exposedHeaders: ['X-Total-Count', 'X-Request-Id', 'Retry-After', 'Location', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  app.use(jsonBody(options.bodyLimit ?? '16kb'));

  const document = buildOpenApiDocument(deps.policy);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  const docsOptions = {
    customSiteTitle: 'Exam reservation API',
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  };
  app.use(
    '/api-docs',
    mountedAt('/api-docs'),
    // serveFiles, not serve: the init script it writes carries this app's document and options, so
    // several apps in one process (tests) do not overwrite each other's.
    swaggerUi.serveFiles(document, docsOptions),
    swaggerUi.setup(document, docsOptions),
  );

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
  app.use('/reservations', mountedAt('/reservations'), reservationRoutes(deps));
  app.use('/webhooks', mountedAt('/webhooks'), webhookRoutes(deps));

  app.use((req, res) => {
    sendProblem(res, { status: 404, code: 'not_found', detail: `no route for ${req.method} ${req.path}` });
  });
  app.use(problemHandler);
  return app;
}
