import type { NewUser, Users, UserWithPassword } from '@exam-reservation/application';
import { ConflictError, type Role, type User } from '@exam-reservation/domain';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import { isRowId, toUser, toUserWithPassword } from './rows.js';

const READS = ['users'] as const;

/** Accounts in the `users` table. */
export class PostgresUsers implements Users {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async findById(id: number): Promise<User | null> {
    if (!isRowId(id)) return null;
    const [row] = await this.exec.rows(this.db.selectFrom('users').selectAll().where('id', '=', id), READS);
    return row ? toUser(row) : null;
  }

  async findManyById(ids: readonly number[]): Promise<User[]> {
    const wanted = [...new Set(ids)].filter(isRowId);
    if (wanted.length === 0) return [];
    const rows = await this.exec.rows(
      this.db.selectFrom('users').selectAll().where('id', 'in', wanted),
      READS,
    );
    return rows.map(toUser);
  }

  async findByEmail(email: string): Promise<UserWithPassword | null> {
    const [row] = await this.exec.rows(
      this.db.selectFrom('users').selectAll().where('email', '=', email),
      READS,
    );
    return row ? toUserWithPassword(row) : null;
  }

  async insert(user: NewUser): Promise<User> {
    // ON CONFLICT DO NOTHING rather than catching the unique violation: the
    // index still decides between racing registrations, but a refusal does
    // not abort the caller's transaction.
    const [row] = await this.exec.rows(
      this.db
        .insertInto('users')
        .values({
          email: user.email,
          user_name: user.userName,
          password_hash: user.passwordHash,
          role: user.role,
          created_at: new Date(user.createdAt),
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll(),
      READS,
    );
    if (!row) throw new ConflictError();
    return toUser(row);
  }

  async setRole(id: number, role: Role): Promise<void> {
    await this.exec.rows(
      this.db.updateTable('users').set({ role }).where('id', '=', id).returning('id'),
      READS,
    );
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.exec.rows(
      this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).returning('id'),
      READS,
    );
  }
}
