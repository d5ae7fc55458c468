import { afterAll, beforeAll, inject } from 'vitest';
import { KyselyStore } from '../kysely-store.js';
import { openPostgresStore } from '../open-postgres-store.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A test file's database and the store open on it. */
export interface FileStore {
  readonly database: TestDatabase;
  readonly store: KyselyStore;
}

/**
 * A database of the test file's own on the test server, with a store of
 * `poolSize` connections open on it: made before the file's tests (handed to
 * `opened`) and closed and dropped after them.
 */
export function storePerFile(options: { poolSize: number }, opened: (file: FileStore) => void): void {
  let file: Partial<FileStore> = {};
  beforeAll(async () => {
    const database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    file = { database };
    const store = await openPostgresStore({ url: database.url, poolSize: options.poolSize });
    if (!(store instanceof KyselyStore)) throw new Error('expected a KyselyStore');
    file = { database, store };
    opened({ database, store });
  });
  afterAll(async () => {
    await file.store?.close();
    await file.database?.drop();
  });
}
