import { Kysely } from 'kysely';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';
import { KyselyStore, type PostgresStore } from './kysely-store.js';

/**
 * The engine's buffer pool. PGlite's default, the server's 128 MB, makes
 * preparing the pool most of the time it takes to open a store; 32 MB
 * (4,096 pages) holds an embedded store's working set many times over
 * (BENCHMARKS.md, start and restart).
 */
export const EMBEDDED_SHARED_BUFFERS = '32MB';

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
 * time. Only one process may open a directory: PGlite has no way to share
 * one, and two processes writing it would silently lose each other's
 * writes, so the directory is locked while the store is open.
 * @throws DataDirInUseError when another process has the directory open
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<PostgresStore> {
  const inMemory = options.dataDir.startsWith('memory://');
  const lock = inMemory ? undefined : await lockDataDir(options.dataDir);
  // Loaded only when used: a server deployment never pays for the engine's
  // modules in memory.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  try {
    const pglite = await PGlite.create(options.dataDir, {
      // startParams replaces PGlite's own parameters, so they come first.
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
    });
    const store = new KyselyStore('embedded', new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), {
      onClose: async () => lock?.release(),
    });
    return await store.migratedOrClosed();
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
