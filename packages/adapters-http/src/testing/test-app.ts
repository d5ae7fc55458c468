import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import {
  createUseCases,
  EnsureAdmin,
  type LoginAttempts,
  type PasswordHasher,
  QueuedPasswordHasher,
  type UnitOfWork,
  type UseCases,
  type WebhookTransport,
} from '@exam-reservation/application';
import {
  FakePasswordHasher,
  FakeWebhookTransport,
  FixedClock,
  InMemoryLoginAttempts,
} from '@exam-reservation/application/testing';
import { type BookingPolicy, bookingPolicy } from '@exam-reservation/domain';
import { type Logger, pino } from 'pino';
import { JoseTokenIssuer } from '../auth/jose-token-issuer.js';
import { createApp, createServer, type HttpApp } from '../create-app.js';
import type { HttpOptions } from '../http-deps.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import { guardServer } from '../server-guards.js';

/** The test apps' fixed clock, noon in Seoul: with the default 3-day lead time, the first bookable day is three days on. */
export const TEST_NOW = Date.parse('2026-11-20T03:00:00Z');

/** The HMAC key the test apps sign with, for tests that forge or expire tokens. */
export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret!';

/** An info-level logger whose JSON lines are parsed into `lines`, for tests that read the log. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** A running test app and the handles tests need to poke it. */
export interface TestApp {
  readonly url: string;
  /** The Express app itself: as a request listener, the plain version (no schedule fast path). */
  readonly app: HttpApp;
  readonly useCases: UseCases;
  readonly clock: FixedClock;
  readonly policy: BookingPolicy;
  readonly tokens: JoseTokenIssuer;
  readonly ensureAdmin: EnsureAdmin;
  close(): Promise<void>;
}

/**
 * Serves the real Express app on a random local port over `uow`, with a
 * fixed clock, real JWTs and a cheap password hasher (argon2 has its own test).
 */
export async function startTestApp(
  uow: UnitOfWork,
  options: {
    ready?: () => Promise<void>;
    http?: HttpOptions;
    now?: number;
    logger?: Logger;
    /** Where failed log-ins are counted; in this process by default. */
    loginAttempts?: LoginAttempts;
    /** Suites register many accounts from one address; unlimited unless a test sets it. */
    registrationsPerAddressPerHour?: number;
    /** How webhook URLs are checked and webhooks sent; a fake that sends nothing by default. */
    webhookTransport?: WebhookTransport;
    /** What the app and its use cases record, shown at /metrics when `http.metricsToken` is set. */
    metrics?: PrometheusMetrics;
    /** Admission's chunk size and time limit; the defaults when absent. */
    admission?: { chunkSize?: number; maxMs?: number };
    /** The password hasher (a cheap fake by default); a QueuedPasswordHasher's queue feeds the hash gate. */
    passwordHasher?: PasswordHasher;
  } = {},
): Promise<TestApp> {
  const clock = new FixedClock(options.now ?? TEST_NOW);
  const policy = bookingPolicy();
  const passwordHasher = options.passwordHasher ?? new FakePasswordHasher();
  const tokens = new JoseTokenIssuer({
    secret: TEST_JWT_SECRET,
    issuer: 'exam-reservation',
    audience: 'exam-reservation-api',
    ttlSeconds: 3600,
    clock,
  });
  const useCases = createUseCases({
    uow,
    clock,
    policy,
    passwordHasher,
    tokenIssuer: tokens,
    loginAttempts: options.loginAttempts ?? new InMemoryLoginAttempts(),
    registrationsPerAddressPerHour: options.registrationsPerAddressPerHour ?? 1_000_000,
    webhookTransport: options.webhookTransport ?? new FakeWebhookTransport(),
    metrics: options.metrics,
    admissionChunkSize: options.admission?.chunkSize,
    admissionMaxMs: options.admission?.maxMs,
  });
  const app = createApp({
    useCases,
    metrics: options.metrics,
    policy,
    clock,
    logger: options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ready: options.ready ?? (async () => undefined),
    options: options.http ?? {},
    hashQueue: passwordHasher instanceof QueuedPasswordHasher ? passwordHasher.queue : undefined,
  });
  const server: Server = await new Promise((resolve) => {
    const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s));
    guardServer(s);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    useCases,
    clock,
    policy,
    tokens,
    ensureAdmin: new EnsureAdmin({ uow, clock, passwordHasher }),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
