import type {
  Account,
  NewUser,
  UserListQuery,
  UserPage,
  Users,
  UserWithPassword,
} from '@exam-reservation/application';
import { ConflictError, type Role, type User } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import type { Executor } from './executor.js';
import { isRowId, toAccount, toUser, toUserWithPassword } from './rows.js';

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

  async findManyById(ids: readonly number[]): Promise<Account[]> {
    const wanted = [...new Set(ids)].filter(isRowId);
    if (wanted.length === 0) return [];
    const rows = await this.exec.rows(
      this.db.selectFrom('users').selectAll().where('id', 'in', wanted),
      READS,
    );
    return rows.map(toAccount);
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

  async changePassword(id: number, passwordHash: string, fromVersion: number): Promise<number | null> {
    if (!isRowId(id)) return null;
    const [row] = await this.exec.rows(
      this.db
        .updateTable('users')
        .set({ password_hash: passwordHash, token_version: sql<number>`token_version + 1` })
        .where('id', '=', id)
        // Compare and set: a second change made with the same token finds no row.
        .where('token_version', '=', fromVersion)
        .returning('token_version'),
      READS,
    );
    return row ? row.token_version : null;
  }

  async lockAdmins(): Promise<number[]> {
    // In id order, so that two units locking the admins cannot deadlock on them. Under READ
    // COMMITTED a unit that waited here reads each row as the one before it left it: an admin it
    // demoted is no longer among them.
    const rows = await this.exec.rows(
      this.db.selectFrom('users').select('id').where('role', '=', 'admin').orderBy('id').forUpdate(),
      READS,
    );
    return rows.map((row) => row.id);
  }

  async list(query: UserListQuery): Promise<UserPage> {
    let filtered = this.db.selectFrom('users');
    if (query.email !== undefined) filtered = filtered.where('email', '=', query.email);
    if (query.role !== undefined) filtered = filtered.where('role', '=', query.role);
    // Only what the API shows: the password hash never leaves the table here.
    const rows = await this.exec.rows(
      filtered
        .select(['id', 'email', 'user_name', 'role', 'created_at'])
        .select(sql<number>`(count(*) over ())::int`.as('total'))
        .orderBy('id')
        .offset(query.offset)
        .limit(query.limit),
      READS,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && query.offset > 0) {
      const [counted] = await this.exec.rows(filtered.select(sql<number>`count(*)::int`.as('n')), READS);
      total = counted?.n ?? 0;
    }
    const items: User[] = rows.map((row) => ({
      id: row.id,
      email: row.email,
      userName: row.user_name,
      role: row.role,
      createdAt: row.created_at.getTime(),
    }));
    return { items, total };
  }
}
