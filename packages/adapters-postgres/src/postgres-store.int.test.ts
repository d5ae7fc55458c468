import { describeLoginAttemptsContract, describeStoreContracts } from '@exam-reservation/application/testing';
import { describe, expect, inject, it } from 'vitest';
import { type KyselyStore, openPostgresStore } from './index.js';
import { createTestDatabase, resetSchema, type TestDatabase } from './testing/index.js';
import { storePerFile } from './testing/store-per-file.js';

let database: TestDatabase;
let store: KyselyStore;

storePerFile({ poolSize: 10 }, (opened) => {
  ({ database, store } = opened);
});

describeStoreContracts('PostgreSQL', () => resetSchema(store));
describeLoginAttemptsContract('PostgreSQL', async () => (await resetSchema(store)).loginAttempts);

describe('openPostgresStore', () => {
  it('is a migrated postgres store that answers ping', async () => {
    expect(store.kind).toBe('postgres');
    await expect(store.ping()).resolves.toBeUndefined();
    // Migrating again is a no-op.
    await expect(store.migrate()).resolves.toBeUndefined();
  });

  it('two processes may migrate one empty database at once', async () => {
    const fresh = await createTestDatabase(inject('testDatabaseAdminUrl'));
    try {
      const stores = await Promise.all([
        openPostgresStore({ url: fresh.url, poolSize: 2 }),
        openPostgresStore({ url: fresh.url, poolSize: 2 }),
      ]);
      const user = await stores[0].run((s) =>
        s.users.insert({
          email: 'm@example.com',
          userName: 'M',
          passwordHash: 'h',
          role: 'user',
          createdAt: 0,
        }),
      );
      expect(await stores[1].read((s) => s.users.findById(user.id))).toEqual(user);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await fresh.drop();
    }
  });

  it('rejects when no server answers, and ping of a closed store rejects', async () => {
    await expect(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow();
    const other = await openPostgresStore({ url: database.url, poolSize: 1 });
    await other.close();
    await expect(other.ping()).rejects.toThrow();
  });
});
