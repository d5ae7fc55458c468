import { type Kysely, type Migration, sql } from 'kysely';

/** A token version per account: a password change raises it, and tokens of older versions are refused. */
export const userTokenVersion: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const statements = [
      sql`
          -- Tokens carry the version they were issued under (none: 0); every
          -- request compares it with this column. A constant default: no rewrite
          -- of the table.
          alter table users add column token_version integer not null default 0
        `,
      sql`
          -- The admins, which a demotion locks and counts (there must stay one).
          create index users_admin_idx on users (id) where role = 'admin'
        `,
    ];
    for (const statement of statements) await statement.execute(db);
  },
};
