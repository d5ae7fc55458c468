import express, { type IRouter, type RequestHandler } from 'express';
import type { oas31 } from 'openapi3-ts';
import { z } from 'zod';
import type { HttpDeps } from '../http-deps.js';
import { bearerMatches } from '../metrics/prometheus-metrics.js';
import { type ApiDocs, json, problem } from '../openapi-parts.js';
import { sendProblem } from '../problem.js';
import { mountedAt } from '../request-log.js';
// Adds .openapi() to zod schemas before StatusSchema is built.
import './common-schemas.js';

/** The body of /healthz and /readyz. */
export const StatusSchema = z.object({ status: z.literal('ok') }).openapi('Status');

/**
 * Swagger UI, set up on its first request rather than at start:
 * swagger-ui-express loads a copy of Express of its own and setting it up
 * builds the OpenAPI document, a noticeable part of every start (BENCHMARKS.md)
 * for a page most processes never serve.
 */
function swaggerUiOnFirstUse(document: () => oas31.OpenAPIObject): RequestHandler {
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

/**
 * The routes of the service itself, added to `app` (not a router of their
 * own, which every request would pass through): the OpenAPI document and
 * Swagger UI, liveness, readiness, and the metrics when METRICS_TOKEN is set.
 * @param document the current OpenAPI document
 */
export function serviceRoutes(app: IRouter, deps: HttpDeps, document: () => oas31.OpenAPIObject): void {
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

  const { metrics } = deps;
  const token = deps.options?.metricsToken;
  if (metrics && token) {
    // Without METRICS_TOKEN there is no such route: the app's 404.
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
}

/** The operations of {@link serviceRoutes} in the OpenAPI document. */
export function documentServiceRoutes({ registry }: ApiDocs): void {
  const metricsToken = registry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'METRICS_TOKEN, as set on the server.',
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['meta'],
    summary: 'Prometheus metrics',
    description:
      'The Prometheus text exposition: `exam_http_requests_total` and `exam_http_request_duration_seconds` by ' +
      'method, route template (never a raw path or an id) and status; `exam_confirmations_total` by outcome; ' +
      '`exam_capacity_refusals_total` by action; `exam_confirmation_batch_size`; `exam_admission_runs_total`, ' +
      '`exam_admission_decisions_total`, `exam_admission_duration_seconds`; `exam_webhook_attempts_total` by ' +
      'outcome, `exam_webhook_attempt_duration_seconds`, `exam_webhook_outbox_pending`, `_due` and ' +
      '`_oldest_due_seconds`; `exam_db_pool_connections` and `exam_db_pool_waiting_clients`; and node’s ' +
      'default process metrics. Only with `Authorization: Bearer <METRICS_TOKEN>`; the route does not exist ' +
      '(404) when METRICS_TOKEN is unset.',
    security: [{ [metricsToken.name]: [] }],
    responses: {
      200: {
        description: 'Prometheus text format 0.0.4.',
        content: { 'text/plain': { schema: { type: 'string' } } },
      },
      401: problem(401, '`unauthorized`: no token, or not METRICS_TOKEN.'),
      404: problem(404, '`not_found`: METRICS_TOKEN is not set.'),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['meta'],
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1.', content: { 'application/json': { schema: {} } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    tags: ['meta'],
    summary: 'Liveness',
    description: 'The process is up; does not touch the database.',
    responses: { 200: json('Alive.', StatusSchema), 500: problem(500) },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    tags: ['meta'],
    summary: 'Readiness',
    description: 'The database answers.',
    responses: { 200: json('Ready.', StatusSchema), 503: problem(503), 500: problem(500) },
  });
}
