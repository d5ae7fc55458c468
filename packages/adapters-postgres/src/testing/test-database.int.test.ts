import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from './test-database.js';

describe('createTestDatabase', () => {
  it('gives each caller an empty database of its own and drops it', async () => {
    const adminUrl = inject('testDatabaseAdminUrl');
    const [a, b] = await Promise.all([createTestDatabase(adminUrl), createTestDatabase(adminUrl)]);
    expect(a.name).not.toBe(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('select current_database() as db');
    await client.end();
    expect(rows[0]?.db).toBe(a.name);
    await Promise.all([a.drop(), b.drop()]);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const left = await admin.query('select 1 from pg_database where datname = any($1)', [[a.name, b.name]]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });
});
