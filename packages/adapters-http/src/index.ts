/**
 * The HTTP adapter: an Express 5 application over the use cases, with zod
 * request schemas that also generate the OpenAPI document, problem+json
 * errors, and the authentication adapters (argon2 hashes, HS256 JWTs).
 * @packageDocumentation
 */
export { Argon2PasswordHasher } from './auth/argon2-password-hasher.js';
export { JoseTokenIssuer, type JoseTokenIssuerOptions } from './auth/jose-token-issuer.js';
export { createApp, createServer, type HttpApp } from './create-app.js';
export type { HttpDeps, HttpOptions } from './http-deps.js';
export {
  bearerMatches,
  type HttpMetrics,
  type MetricSources,
  type PoolGauge,
  PrometheusMetrics,
} from './metrics/prometheus-metrics.js';
export { buildOpenApiDocument } from './openapi-document.js';
export { type RequestCounts, requestCounts } from './request-log.js';
export { guardServer } from './server-guards.js';
export {
  checkedAddresses,
  type HostResolver,
  isPublicAddress,
  RefusedAddressError,
  type ResolvedAddress,
  systemResolver,
} from './webhooks/address-policy.js';
export {
  MAX_WEBHOOK_URL_LENGTH,
  NodeWebhookTransport,
  type NodeWebhookTransportOptions,
  parseUrl,
} from './webhooks/node-webhook-transport.js';
