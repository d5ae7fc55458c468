import { fileURLToPath } from 'node:url';
import {
  Argon2PasswordHasher,
  createApp,
  type HttpApp,
  JoseTokenIssuer,
  NodeWebhookTransport,
  PrometheusMetrics,
} from '@exam-reservation/adapters-http';
import {
  openEmbeddedStore,
  openPostgresStore,
  type PostgresStore,
} from '@exam-reservation/adapters-postgres';
import {
  type Clock,
  createUseCases,
  EnsureAdmin,
  type LoginAttempts,
  type PasswordHasher,
  QueuedPasswordHasher,
  SystemClock,
  type TokenIssuer,
  type UseCases,
  type WebhookTransport,
} from '@exam-reservation/application';
import { type BookingPolicy, bookingPolicy } from '@exam-reservation/domain';
import { Container, type ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import type { Config } from './config.js';

/**
 * The admin console's files, as scripts/build.mjs makes them: this module runs as
 * apps/api/src, apps/api/dist or inside apps/api/bundle, each two levels below apps/.
 */
const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/public/', import.meta.url));

const id = (name: string): symbol => Symbol.for(`exam-reservation.${name}`);

/** Typed keys of everything the container builds. */
export interface ServiceIds {
  readonly Config: ServiceIdentifier<Config>;
  readonly Logger: ServiceIdentifier<Logger>;
  readonly Clock: ServiceIdentifier<Clock>;
  readonly Policy: ServiceIdentifier<BookingPolicy>;
  readonly Store: ServiceIdentifier<PostgresStore>;
  readonly PasswordHasher: ServiceIdentifier<PasswordHasher>;
  readonly TokenIssuer: ServiceIdentifier<TokenIssuer>;
  readonly LoginAttempts: ServiceIdentifier<LoginAttempts>;
  readonly EnsureAdmin: ServiceIdentifier<EnsureAdmin>;
  readonly UseCases: ServiceIdentifier<UseCases>;
  readonly HttpApp: ServiceIdentifier<HttpApp>;
  readonly WebhookTransport: ServiceIdentifier<NodeWebhookTransport>;
  readonly Metrics: ServiceIdentifier<MetricsHolder>;
}

/** The metrics of the process: none when METRICS_TOKEN is unset (nothing is recorded then). */
export interface MetricsHolder {
  readonly prometheus: PrometheusMetrics | undefined;
}

/** The keys themselves: one symbol per service. */
export const TYPES: ServiceIds = {
  Config: id('Config'),
  Logger: id('Logger'),
  Clock: id('Clock'),
  Policy: id('Policy'),
  Store: id('Store'),
  PasswordHasher: id('PasswordHasher'),
  TokenIssuer: id('TokenIssuer'),
  LoginAttempts: id('LoginAttempts'),
  EnsureAdmin: id('EnsureAdmin'),
  UseCases: id('UseCases'),
  HttpApp: id('HttpApp'),
  WebhookTransport: id('WebhookTransport'),
  Metrics: id('Metrics'),
};

/**
 * The composition root: config → store → use cases → HTTP app, as
 * singleton factory bindings (the packages carry no decorators). The store
 * binding is asynchronous (it connects and migrates), so resolve with
 * `getAsync`.
 */
export function createContainer(config: Config, logger: Logger): Container {
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TYPES.Config).toConstantValue(config);
  c.bind(TYPES.Logger).toConstantValue(logger);
  c.bind(TYPES.Clock).toConstantValue(new SystemClock());
  c.bind(TYPES.Policy).toResolvedValue(
    (cfg: Config) =>
      bookingPolicy({
        capacity: cfg.slotCapacity,
        leadTimeDays: cfg.leadTimeDays,
        timeZone: cfg.timeZone,
        maxReservationHours: cfg.maxReservationHours,
        maxChangesPerReservation: cfg.maxChangesPerReservation,
      }),
    [TYPES.Config],
  );
  c.bind(TYPES.Store)
    .toResolvedValue(
      (cfg: Config) =>
        cfg.databaseUrl !== undefined
          ? openPostgresStore({
              url: cfg.databaseUrl,
              poolSize: cfg.databasePoolSize,
              statementTimeoutMs: cfg.databaseStatementTimeoutMs,
            })
          : openEmbeddedStore({ dataDir: cfg.dataDir }),
      [TYPES.Config],
    )
    .onDeactivation((store) => store.close());
  c.bind(TYPES.PasswordHasher).toResolvedValue(
    (cfg: Config) => {
      const argon2 = new Argon2PasswordHasher();
      // Bounded: a crowd of registrations makes a log-in wait at most this long, or get a quick 503.
      return new QueuedPasswordHasher(argon2, {
        concurrency: argon2.concurrency,
        maxWaitMs: cfg.hashQueueMaxWaitMs,
      });
    },
    [TYPES.Config],
  );
  c.bind(TYPES.TokenIssuer).toResolvedValue(
    (cfg: Config, clock: Clock) =>
      new JoseTokenIssuer({
        secret: cfg.jwtSecret,
        issuer: 'exam-reservation',
        audience: 'exam-reservation-api',
        ttlSeconds: cfg.jwtTtlSeconds,
        clock,
      }),
    [TYPES.Config, TYPES.Clock],
  );
  // In the database: the limits hold across every API process that shares it.
  c.bind(TYPES.LoginAttempts).toResolvedValue((store: PostgresStore) => store.loginAttempts, [TYPES.Store]);
  c.bind(TYPES.EnsureAdmin).toResolvedValue(
    (uow: PostgresStore, clock: Clock, passwordHasher: PasswordHasher) =>
      new EnsureAdmin({ uow, clock, passwordHasher }),
    [TYPES.Store, TYPES.Clock, TYPES.PasswordHasher],
  );
  c.bind(TYPES.WebhookTransport)
    .toResolvedValue(
      (cfg: Config) =>
        new NodeWebhookTransport({
          timeZone: cfg.timeZone,
          allowPrivate: cfg.webhookAllowPrivate,
          timeoutMs: cfg.webhookTimeoutMs,
        }),
      [TYPES.Config],
    )
    .onDeactivation((transport) => transport.close());
  c.bind(TYPES.Metrics).toResolvedValue(
    (cfg: Config, store: PostgresStore, clock: Clock): MetricsHolder => ({
      prometheus:
        cfg.metricsToken === undefined
          ? undefined
          : new PrometheusMetrics({
              pool: () => store.poolUsage(),
              outbox: () => store.read((s) => s.outbox.depth(clock.now())),
              now: () => clock.now(),
            }),
    }),
    [TYPES.Config, TYPES.Store, TYPES.Clock],
  );
  c.bind(TYPES.UseCases).toResolvedValue(
    (
      uow: PostgresStore,
      clock: Clock,
      policy: BookingPolicy,
      passwordHasher: PasswordHasher,
      tokenIssuer: TokenIssuer,
      loginAttempts: LoginAttempts,
      cfg: Config,
      webhookTransport: WebhookTransport,
      metrics: MetricsHolder,
    ): UseCases =>
      createUseCases({
        uow,
        clock,
        policy,
        passwordHasher,
        tokenIssuer,
        loginAttempts,
        idempotencyTtlMs: cfg.idempotencyKeyTtlHours * 3_600_000,
        admissionMaxMs: cfg.admissionMaxMs,
        registrationsPerAddressPerHour: cfg.registrationsPerAddressPerHour,
        webhookTransport,
        metrics: metrics.prometheus,
        waitingList: cfg.autoAdmit === 'fifo' ? {} : undefined,
        webhookDelivery: {
          // Longer than an attempt may take, so no other process starts the same one meanwhile.
          leaseMs: 2 * cfg.webhookTimeoutMs + 5_000,
          retryDelaysMs: cfg.webhookRetryDelaysMs,
        },
      }),
    [
      TYPES.Store,
      TYPES.Clock,
      TYPES.Policy,
      TYPES.PasswordHasher,
      TYPES.TokenIssuer,
      TYPES.LoginAttempts,
      TYPES.Config,
      TYPES.WebhookTransport,
      TYPES.Metrics,
    ],
  );
  c.bind(TYPES.HttpApp).toResolvedValue(
    (
      useCases: UseCases,
      policy: BookingPolicy,
      log: Logger,
      store: PostgresStore,
      cfg: Config,
      clock: Clock,
      metrics: MetricsHolder,
      passwordHasher: PasswordHasher,
    ) =>
      createApp({
        useCases,
        policy,
        clock,
        logger: log,
        ready: () => store.ping(),
        metrics: metrics.prometheus,
        hashQueue: passwordHasher instanceof QueuedPasswordHasher ? passwordHasher.queue : undefined,
        options: {
          corsOrigins: cfg.corsOrigins,
          trustProxy: cfg.trustProxy,
          bodyLimit: '16kb',
          scheduleMaxStalenessMs: cfg.scheduleMaxStalenessMs,
          metricsToken: cfg.metricsToken,
          consoleDir: CONSOLE_DIR,
        },
      }),
    [
      TYPES.UseCases,
      TYPES.Policy,
      TYPES.Logger,
      TYPES.Store,
      TYPES.Config,
      TYPES.Clock,
      TYPES.Metrics,
      TYPES.PasswordHasher,
    ],
  );
  return c;
}
