import { describeHttpApi } from '@exam-reservation/adapters-http/testing';
import { openPostgresStore } from '@exam-reservation/adapters-postgres';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { afterAll, inject } from 'vitest';

// Each resource's suite gets a database of its own, copied from one migrated once.
let migrated: Promise<TestDatabase> | undefined;
const template = () =>
  (migrated ??= (async () => {
    const database = await createTestDatabase(inject('testDatabaseAdminUrl'));
    const store = await openPostgresStore({ url: database.url, poolSize: 1 });
    await store.close();
    return database;
  })());
afterAll(async () => {
  await (await migrated)?.drop();
});

describeHttpApi('PostgreSQL', async () => {
  const database = await createTestDatabase(inject('testDatabaseAdminUrl'), { template: await template() });
  const store = await openPostgresStore({ url: database.url, poolSize: 5 });
  return {
    uow: store,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
});
