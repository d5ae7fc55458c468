import { Kysely } from 'kysely';
import type { Database } from './database.js';
import { KyselyStore, type PostgresStore } from './kysely-store.js';

export interface EmbeddedStoreOptions {
  /**
   * Directory of the database files, created if missing; `memory://` keeps
   * it in memory (tests).
   */
  readonly dataDir: string;
}

/**
 * Opens PGlite (PostgreSQL compiled to WebAssembly, in this process) on disk
 * and brings the schema up to date. Same schema and queries as
 * `openPostgresStore`; one connection, so transactions run one at a
 * time, and only this process may open the directory.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<PostgresStore> {
  // Loaded only when used: a server deployment never pays for the engine's
  // modules in memory.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  const pglite = await PGlite.create(options.dataDir);
  const store = new KyselyStore('embedded', new Kysely<Database>({ dialect: new PGliteDialect(pglite) }));
  return store.migratedOrClosed();
}
