import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { KyselyStore, type PostgresStore } from './kysely-store.js';
import { sessionLimits } from './pg-read-executor.js';

export interface PostgresStoreOptions {
  /** A libpq connection string. */
  readonly url: string;
  /** Most connections the pool opens; default 10. */
  readonly poolSize?: number;
  /**
   * Longest a statement may run before the server cancels it (default 30 s),
   * and longest a transaction may sit idle (twice that): no query, and no
   * process frozen in the middle of a transaction, can hold a connection or
   * a lock forever.
   */
  readonly statementTimeoutMs?: number;
}

/**
 * Opens a pool on a PostgreSQL server and brings the schema up to date.
 * @throws when the server cannot be reached or a migration fails (the pool is closed again)
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const timeout = options.statementTimeoutMs ?? 30_000;
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
    {
      pool,
      // Per transaction (`set local`), never per connection: a setting left on a server connection
      // would leak to other clients behind a transaction-pooling PgBouncer.
      settings: sessionLimits({ statementTimeoutMs: timeout, idleInTransactionMs: 2 * timeout }),
    },
  );
  return store.migratedOrClosed();
}
