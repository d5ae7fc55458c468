import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConflictError } from '@exam-reservation/domain';
import { pino } from 'pino';
import { type Config, ConfigError, loadConfig, redactUrl } from './config.js';
import { createContainer, TYPES } from './container.js';

/** How long in-flight requests get to finish after SIGTERM before their sockets are cut. */
const DRAIN_MS = 10_000;

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`config error: ${error.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  // Synchronous writes: pino's default (asynchronous) stdout stream lost the
  // last lines before process.exit() when the reader of the pipe was slow.
  const logger = pino({ level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random key, so tokens die with this process');
  }
  const container = createContainer(config, logger);
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
    logger.fatal({ err: error }, 'start-up failed');
    await container.unbindAllAsync().catch(() => undefined);
    process.exit(1);
  }

  const app = await container.getAsync(TYPES.HttpApp);
  const server: Server = app.listen(config.port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (error: unknown) => {
    logger.fatal({ err: error }, `cannot listen on port ${config.port}`);
    await container.unbindAllAsync().catch(() => undefined);
    process.exit(1);
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, `listening on http://localhost:${port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    force.unref();
    server.close(async () => {
      try {
        // Closes the store (the pool) through its deactivation hook.
        await container.unbindAllAsync();
        logger.info('stopped');
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'error while closing the store');
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
