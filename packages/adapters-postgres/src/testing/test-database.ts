import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A fresh, empty database of its own on the test server. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * Creates a new database on the server at `adminUrl` (in tests, the one
 * `inject('testDatabaseAdminUrl')` gives), so test files never share state.
 * With `template` (a test database nobody is connected to), the new one is a
 * copy of it: cheaper than migrating each of many databases afresh.
 */
export async function createTestDatabase(
  adminUrl: string,
  options: { template?: TestDatabase } = {},
): Promise<TestDatabase> {
  const name = `exam_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(
      `create database ${name}${options.template ? ` template ${options.template.name}` : ''}`,
    );
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
