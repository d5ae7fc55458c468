import { describeHttpApi } from '@exam-reservation/adapters-http/testing';
import { openPostgresStore } from '@exam-reservation/adapters-postgres';
import { createTestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { inject } from 'vitest';

describeHttpApi('PostgreSQL', async () => {
  const database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  const store = await openPostgresStore({ url: database.url, poolSize: 5 });
  return {
    uow: store,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
});
