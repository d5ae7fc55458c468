import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, guardServer, requestCounts } from '@exam-reservation/adapters-http';
import { ConflictError } from '@exam-reservation/domain';
import { type Logger, pino } from 'pino';
import { type Config, ConfigError, loadConfig, redactUrl } from './config.js';
import { createContainer, TYPES } from './container.js';
import { stdoutDestination } from './log-destination.js';
import { describeStartupError } from './startup-error.js';
import { WaitingListPoller } from './waiting-list-poller.js';
import { WebhookPoller } from './webhook-poller.js';

/** How long in-flight requests get to finish after SIGTERM before their sockets are cut. */
const DRAIN_MS = 10_000;

/** How long the last log lines get to be taken by stdout's reader before the process exits without them. */
const LOG_SETTLE_MS = 1_000;

/** How often expired Idempotency-Key answers and old webhook messages are deleted (in small batches, in the background). */
const PURGE_EVERY_MS = 10 * 60_000;

/** How long finished webhook messages (and their attempts) are kept for GET /webhooks/{id}/deliveries. */
const WEBHOOK_HISTORY_MS = 7 * 86_400_000;

/** How long attempts in flight get to end and be recorded at shutdown (the rest are retried after their lease). */
const WEBHOOK_DRAIN_MS = 5_000;

/** Requests in flight, or a request rate, from which this process counts as busy and delivers webhooks at a trickle. */
const BUSY_REQUESTS = 8;
const BUSY_REQUESTS_PER_SECOND = 200;

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`config error: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * An operator's mistake at start (a database that does not answer, a folder
 * another process holds, a port in use, a bad admin password) ends the
 * process with one line on stderr that says what failed, and the same as
 * one JSON log line; no stack trace.
 */
function failStart(logger: Logger, what: string, error: unknown): never {
  const reason = describeStartupError(error);
  logger.fatal({ reason }, `start-up failed: ${what}`);
  process.stderr.write(`start-up failed: ${what}: ${reason}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = readConfig();
  // Asynchronous writes to stdout; a reader that went away or stopped reading never holds up a shutdown.
  const destination = stdoutDestination();
  const logger = pino({ level: config.logLevel }, destination.stream);
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random key, so tokens die with this process');
  }
  const container = createContainer(config, logger);
  const where =
    config.databaseUrl !== undefined
      ? `PostgreSQL at ${redactUrl(config.databaseUrl)}`
      : `the embedded store in ${config.dataDir}`;
  let step = `cannot open ${where}`;
  try {
    const opened = await container.getAsync(TYPES.Store);
    logger.info(
      config.databaseUrl !== undefined
        ? { store: 'postgres', url: redactUrl(config.databaseUrl) }
        : { store: 'embedded', dataDir: config.dataDir },
      opened.kind === 'postgres'
        ? `store: PostgreSQL at ${redactUrl(config.databaseUrl ?? '')}, migrations applied`
        : `store: embedded PostgreSQL (PGlite) in ${config.dataDir}, migrations applied`,
    );
    if (config.admin) {
      step = 'cannot create the admin account of ADMIN_EMAIL and ADMIN_PASSWORD';
      const ensureAdmin = await container.getAsync(TYPES.EnsureAdmin);
      // Two processes starting together may both miss the account and both insert it; the loser's
      // second try finds it and promotes it instead.
      const admin = config.admin;
      const { user, created } = await ensureAdmin.execute(admin).catch((error: unknown) => {
        if (error instanceof ConflictError) return ensureAdmin.execute(admin);
        throw error;
      });
      logger.info({ userId: user.id }, created ? 'admin account created' : 'admin account ensured');
    }
  } catch (error) {
    await container.unbindAllAsync().catch(() => undefined);
    failStart(logger, step, error);
  }

  const app = await container.getAsync(TYPES.HttpApp);
  // A deep accept queue (the kernel caps it at net.core.somaxconn): with Node's 511, a burst of
  // connections overflows it and the kernel drops SYNs, whose clients (a log-in among them) then
  // wait for TCP's retransmissions, 1, 3, 7, 15 s later, however fast the API answers.
  const server: Server = createServer(app).listen({ port: config.port, backlog: 4096 });
  guardServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (error: unknown) => {
    await container.unbindAllAsync().catch(() => undefined);
    failStart(logger, `cannot listen on port ${config.port}`, error);
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, `listening on http://localhost:${port}`);

  // Expired keys already count as unused; this only reclaims their rows. One
  // round at a time, never holding up a request (each batch is its own small
  // transaction that skips rows in use).
  const { purgeIdempotencyKeys, deliverWebhooks, promoteWaitingList } = await container.getAsync(
    TYPES.UseCases,
  );
  let purging = false;
  const purge = setInterval(() => {
    if (purging) return;
    purging = true;
    Promise.all([
      purgeIdempotencyKeys.execute().then(
        (deleted) => {
          if (deleted > 0) logger.info({ deleted }, 'expired idempotency keys deleted');
        },
        (error: unknown) => logger.warn({ err: error }, 'deleting expired idempotency keys failed'),
      ),
      deliverWebhooks.tidy(WEBHOOK_HISTORY_MS).then(
        (tidied) => {
          if (tidied > 0) logger.info({ tidied }, 'old webhook messages cancelled or deleted');
        },
        (error: unknown) => logger.warn({ err: error }, 'tidying webhook messages failed'),
      ),
    ]).finally(() => {
      purging = false;
    });
  }, PURGE_EVERY_MS);
  purge.unref();

  // Webhook deliveries run in every API process: each polls the outbox, and
  // is nudged right after it commits a change that queued messages.
  // Answers come first: while requests pour in, deliveries go on at a trickle. The rate since the
  // last look, not only the requests in flight: those drop to nothing for an instant each time a
  // batch of confirmations is answered, which is when the poller is nudged.
  const requests = requestCounts(app);
  let seen = { started: requests.started, at: performance.now() };
  const busy = (): boolean => {
    const now = performance.now();
    const rate = ((requests.started - seen.started) * 1000) / Math.max(1, now - seen.at);
    seen = { started: requests.started, at: now };
    return requests.inFlight >= BUSY_REQUESTS || rate >= BUSY_REQUESTS_PER_SECOND;
  };
  const poller = new WebhookPoller(deliverWebhooks, { logger, busy });
  const store = await container.getAsync(TYPES.Store);
  store.onWebhooksQueued(() => poller.nudge());
  poller.start();

  // The waiting list: a quarter of the delay between looks, so a freed room waits at most that plus one step.
  const waitingList =
    config.autoAdmit === 'fifo'
      ? new WaitingListPoller(promoteWaitingList, {
          everyMs: Math.floor(config.autoAdmitDelayMs / 4),
          logger,
        })
      : null;
  waitingList?.start();
  logger.info(
    { autoAdmit: config.autoAdmit, autoAdmitDelayMs: config.autoAdmitDelayMs },
    config.autoAdmit === 'fifo'
      ? `waiting list on: freed room goes to pending reservations within ${config.autoAdmitDelayMs} ms (AUTO_ADMIT=fifo)`
      : 'waiting list off: freed room waits for an admission (AUTO_ADMIT=off)',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(purge);
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    force.unref();
    server.close(async () => {
      try {
        await waitingList?.stop();
        await poller.stop(WEBHOOK_DRAIN_MS);
        // Closes the store (the pool) through its deactivation hook.
        await container.unbindAllAsync();
        logger.info('stopped');
        await destination.settle(LOG_SETTLE_MS);
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'error while closing the store');
        await destination.settle(LOG_SETTLE_MS);
        process.exit(1);
      }
    });
    // Keep-alive sockets with no request in flight would hold close() open.
    server.closeIdleConnections();
  };
  // `on`, not `once`: under `pnpm start` a Ctrl-C arrives twice (from the terminal, and forwarded by
  // pnpm), and a second signal with no listener left would kill the process mid-drain with that
  // signal, which pnpm reports as a failed command. Repeats are ignored; the drain is bounded anyway.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

await main();
