import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as preSplit from '../testing/frozen-pre-split-migrations.js';
import { createTestDatabase, type TestDatabase } from '../testing/index.js';
import { migrations } from './index.js';
import { type MigrationRun, migrateToLatest } from './migrate-to-latest.js';

/** A Kysely instance on a database of its own, and the SQL it has sent. */
interface Recorded {
  readonly database: TestDatabase;
  readonly db: Kysely<unknown>;
  readonly statements: string[];
}

async function recorded(): Promise<Recorded> {
  const database = await createTestDatabase(inject('testDatabaseAdminUrl'));
  const statements: string[] = [];
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  pool.on('error', () => undefined); // the drop may end a connection still closing
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      statements.push(event.query.sql);
    },
  });
  return { database, db, statements };
}

/** Everything a migration makes in the public schema, in a stable order. */
async function schemaOf(db: Kysely<unknown>): Promise<Record<string, unknown[]>> {
  const rows = async (query: ReturnType<typeof sql>) => (await query.execute(db)).rows;
  return {
    tables: await rows(sql`
      select table_name, table_type from information_schema.tables
      where table_schema = 'public' order by table_name`),
    columns: await rows(sql`
      select table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
             is_identity, identity_generation, character_maximum_length, collation_name
      from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`),
    constraints: await rows(sql`
      select conrelid::regclass::text as table_name, conname, contype, convalidated,
             pg_get_constraintdef(oid) as definition
      from pg_constraint where connamespace = 'public'::regnamespace order by 1, 2`),
    indexes: await rows(sql`
      select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`),
    functions: await rows(sql`
      select proname, pg_get_function_identity_arguments(oid) as arguments,
             pg_get_functiondef(oid) as definition
      from pg_proc where pronamespace = 'public'::regnamespace order by 1, 2`),
    triggers: await rows(sql`
      select t.tgrelid::regclass::text as table_name, t.tgname, t.tgenabled,
             pg_get_triggerdef(t.oid) as definition
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      where not t.tgisinternal and c.relnamespace = 'public'::regnamespace order by 1, 2`),
    sequences: await rows(sql`
      select sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle
      from pg_sequences where schemaname = 'public' order by 1`),
  };
}

const migrationRows = async (db: Kysely<unknown>) =>
  (await sql`select name, timestamp from kysely_migration order by name`.execute(db)).rows;

// Migrations added after the split run on both databases too, so this test
// holds as the list grows: it compares the pre-split five and what follows.
describe('the migrations split into one file each, on a database migrated before the split', () => {
  let upgraded: Recorded;
  let fresh: Recorded;
  let preSplitRun: MigrationRun;
  let preSplitStatements: string[];
  let upgradeRun: MigrationRun;
  let rowsBefore: unknown[];
  let rowsAfter: unknown[];
  let freshRun: MigrationRun;
  let freshStatements: string[];

  beforeAll(async () => {
    upgraded = await recorded();
    fresh = await recorded();
    preSplitRun = await preSplit.migrateToLatest(upgraded.db);
    preSplitStatements = [...upgraded.statements];
    rowsBefore = await migrationRows(upgraded.db);
    upgradeRun = await migrateToLatest(upgraded.db);
    rowsAfter = await migrationRows(upgraded.db);
    freshRun = await migrateToLatest(fresh.db);
    freshStatements = [...fresh.statements];
  });

  afterAll(async () => {
    for (const { db, database } of [upgraded, fresh]) {
      await db?.destroy();
      await database?.drop();
    }
  });

  const preSplitNames = [
    '0001-initial-schema',
    '0002-login-throttle',
    '0003-rejected-history-idempotency',
    '0004-webhooks-outbox',
    '0005-login-undecided-attempts',
  ];
  const addedSinceSplit = () => Object.keys(migrations).sort().slice(preSplitNames.length);

  it('has the same migrations under the same names, in the same order', () => {
    expect(Object.keys(preSplit.migrations)).toEqual(preSplitNames);
    expect(preSplitRun.applied).toEqual(preSplitNames);
    expect(Object.keys(migrations).slice(0, preSplitNames.length)).toEqual(preSplitNames);
    expect(freshRun.applied).toEqual([...preSplitNames, ...addedSinceSplit()]);
  });

  it('runs nothing again on it and leaves the rows of its migration table as they were', () => {
    expect(upgradeRun.applied.filter((name) => preSplitNames.includes(name))).toEqual([]);
    expect(upgradeRun.applied).toEqual(addedSinceSplit());
    expect(rowsBefore.map((row) => (row as { name: string }).name)).toEqual(preSplitNames);
    expect(rowsAfter.slice(0, rowsBefore.length)).toEqual(rowsBefore);
  });

  it('sends the same SQL, statement for statement, as the code before the split', () => {
    expect(preSplitStatements.length).toBeGreaterThan(preSplitNames.length * 2);
    // Up to its commit: migrations added since run after these, in the same transaction.
    const upToCommit = preSplitStatements.slice(0, -1);
    expect(preSplitStatements.at(-1)).toBe('commit');
    expect(freshStatements.slice(0, upToCommit.length)).toEqual(upToCommit);
  });

  it('gives a fresh database the same tables, columns, constraints, indexes, functions and triggers', async () => {
    const before = await schemaOf(upgraded.db);
    const after = await schemaOf(fresh.db);
    for (const [kind, found] of Object.entries(before)) expect(found.length, kind).toBeGreaterThan(0);
    expect(after).toEqual(before);
  });
});
