import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { KyselyStore, type PostgresStore } from './kysely-store.js';

export interface PostgresStoreOptions {
  /** A libpq connection string. */
  readonly url: string;
  /** Most connections the pool opens; default 10. */
  readonly poolSize?: number;
}

/**
 * Opens a pool on a PostgreSQL server and brings the schema up to date.
 * @throws when the server cannot be reached or a migration fails (the pool is closed again)
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
  });
  // A client whose server connection dies (a restart, pg_terminate_backend)
  // emits 'error'; with no listener that is an uncaught exception that takes
  // the process down. The query in flight still rejects, the transaction is
  // rolled back by the server, and the pool discards the broken client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const store = new KyselyStore(
    'postgres',
    new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    pool,
  );
  return store.migratedOrClosed();
}
