import { KyselyStore, openPostgresStore } from '@exam-reservation/adapters-postgres';
import { createTestDatabase, type TestDatabase } from '@exam-reservation/adapters-postgres/testing';
import { expect } from 'vitest';
import { type ApiProcess, runCli } from './api-process.js';
import { type Call, jsonClient } from './stories.js';

const JWT_SECRET = 'waiting-list-secret-waiting-list-1234';

/** A database of its own with an admin account, the environment of its API processes, and SQL access. */
export async function waitingListDatabase(adminUrl: string, env: Record<string, string>) {
  const database: TestDatabase = await createTestDatabase(adminUrl);
  const full = { DATABASE_URL: database.url, JWT_SECRET, DATABASE_POOL_SIZE: '10', ...env };
  const created = await runCli(
    ['create-admin', '--email', 'boss@example.com', '--password', 'boss-password'],
    full,
  );
  expect(created.code, created.stderr).toBe(0);
  const opened = await openPostgresStore({ url: database.url, poolSize: 2 });
  if (!(opened instanceof KyselyStore)) throw new Error('expected a KyselyStore');
  return {
    database,
    env: full,
    db: opened.kysely,
    /** An admin's token from `api`. */
    async admin(api: ApiProcess | string): Promise<string> {
      const call = jsonClient(typeof api === 'string' ? api : api.url);
      const answer = await call('POST', '/users/login', {
        body: { email: 'boss@example.com', password: 'boss-password' },
      });
      expect(answer.status).toBe(200);
      return answer.body.access_token as string;
    },
    async close(): Promise<void> {
      await opened.close();
      await database.drop();
    },
  };
}

/** Books `[start, end)` of `day` for `people` (pending), through `call`; returns the reservation's id. */
export async function book(
  call: Call,
  token: string,
  day: string,
  start: string,
  end: string,
  people: number,
) {
  const answer = await call('POST', '/reservations', {
    token,
    body: {
      reservation_name: `${start}-${end} ${people}`,
      start: `${day} ${start}`,
      end: `${day} ${end}`,
      number_of_people: people,
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.id as number;
}

/** Polls `probe` every 50 ms until it returns true or `ms` pass; says whether it did. */
export async function eventually(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
