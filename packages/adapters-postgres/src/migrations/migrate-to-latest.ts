import { type Kysely, sql } from 'kysely';
import { migrations } from './index.js';

/** The advisory lock every migration run holds for its transaction: one id for this schema. */
const MIGRATION_LOCK_ID = 7_306_115_201_263_142_001n;

/** What a run did: the migrations it applied, in order. */
export interface MigrationRun {
  readonly applied: readonly string[];
}

/**
 * Brings the schema of `db` to the latest version (or to `upTo`), all in one
 * transaction: a failed migration leaves the schema as it was. Safe to call
 * from several processes at once, also through PgBouncer in transaction
 * pooling mode: the run first takes a transaction-scoped advisory lock, so
 * the others wait, then find the work done; the lock ends with the
 * transaction, so a process that dies mid-run never leaves it held.
 * (Kysely's own migrator takes a session lock outside its transaction,
 * which a transaction pooler hands to a server connection the run then
 * leaves behind.) The applied versions are kept in `kysely_migration`,
 * the table Kysely's migrator used, so existing databases carry on.
 * @throws the first migration error, after everything rolled back
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  options: { upTo?: string } = {},
): Promise<MigrationRun> {
  const names = Object.keys(migrations).sort();
  if (options.upTo !== undefined && !names.includes(options.upTo)) {
    throw new Error(`no migration named ${options.upTo}`);
  }
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_ID.toString())}::bigint)`.execute(trx);
    await sql`create table if not exists kysely_migration (
        name varchar(255) not null primary key,
        timestamp varchar(255) not null
      )`.execute(trx);
    const done = new Set(
      (await sql<{ name: string }>`select name from kysely_migration`.execute(trx)).rows.map((r) => r.name),
    );
    const unknown = [...done].filter((name) => !names.includes(name));
    if (unknown.length > 0) {
      throw new Error(`the database has migrations this version does not know: ${unknown.join(', ')}`);
    }
    const applied: string[] = [];
    for (const name of names) {
      if (done.has(name)) continue;
      await migrations[name]!.up(trx);
      await sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(
        trx,
      );
      applied.push(name);
      if (name === options.upTo) break;
    }
    return { applied };
  });
}
