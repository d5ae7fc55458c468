import { sql } from 'kysely';
import type { KyselyStore } from '../kysely-store.js';

/**
 * Empties a store completely (schema, data, identity counters, migration
 * history) and migrates it again: a fresh store for each test at a fraction
 * of the cost of a new database. Dropping the schema also sidesteps the
 * append-only trigger on the audit table, which refuses TRUNCATE.
 */
export async function resetSchema(store: KyselyStore): Promise<KyselyStore> {
  await sql`drop schema public cascade`.execute(store.kysely);
  await sql`create schema public`.execute(store.kysely);
  await store.migrate();
  return store;
}
