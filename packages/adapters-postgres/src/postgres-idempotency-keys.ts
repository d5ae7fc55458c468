import type {
  IdempotencyClaim,
  IdempotencyKeys,
  IdempotencyRecord,
  IdempotencyScope,
} from '@exam-reservation/application';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, IdempotencyKeysTable } from './database.js';
import type { Executor } from './executor.js';

const READS = ['idempotency_keys'] as const;

/** The text hashed into a key's advisory lock: user and key, which has no colon-free guarantee but a fixed prefix. */
const lockName = (scope: IdempotencyScope): string => `idempotency:${scope.userId}:${scope.key}`;

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  if (row.state === 'running') {
    return {
      state: 'running',
      fingerprint: row.fingerprint,
      token: row.token!,
      leaseUntil: row.lease_until!.getTime(),
      expiresAt: row.expires_at.getTime(),
    };
  }
  return {
    state: 'done',
    fingerprint: row.fingerprint,
    answer: row.answer!,
    expiresAt: row.expires_at.getTime(),
  };
}

/**
 * Stored answers in `idempotency_keys`, bound to one unit of work. A claim
 * takes `pg_try_advisory_xact_lock` on a hash of (user, key): it never waits,
 * so a concurrent request with the key is told at once it is in progress, and
 * the lock ends with the transaction (fine behind PgBouncer). The row is read
 * by a second statement, whose snapshot follows the lock, so the previous
 * holder's answer is seen. A hash collision costs only a spurious 409.
 */
export class PostgresIdempotencyKeys implements IdempotencyKeys {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly exec: Executor,
  ) {}

  async claim(scopes: readonly IdempotencyScope[], now: number): Promise<IdempotencyClaim[]> {
    if (scopes.length === 0) return [];
    const names = sql.join(scopes.map((scope, n) => sql`(${lockName(scope)}::text, ${n}::int)`));
    const locks = await this.exec.rows(
      {
        compile: () =>
          sql<{ n: number; held: boolean }>`
            select v.n, pg_try_advisory_xact_lock(hashtextextended(v.name, 0)) as held
            from (values ${names}) as v(name, n)`.compile(this.db),
      },
      [],
    );
    const held = new Map(locks.map((row) => [row.n, row.held]));
    const pairs = sql.join(scopes.map((s) => sql`(${s.userId}::int, ${s.key}::text)`));
    const rows = await this.exec.rows(
      this.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where(sql<boolean>`(user_id, key) in (values ${pairs})`)
        .where('expires_at', '>', new Date(now)),
      READS,
    );
    const records = new Map(rows.map((row) => [`${row.user_id}:${row.key}`, toRecord(row)]));
    return scopes.map((scope, n) => ({
      held: held.get(n) === true,
      record: records.get(`${scope.userId}:${scope.key}`) ?? null,
    }));
  }

  async complete(
    scope: IdempotencyScope,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
    createdAt: number,
  ): Promise<void> {
    // Held back to the commit like the effect's own writes: this unit holds the key's lock.
    await this.exec.write(
      this.db
        .insertInto('idempotency_keys')
        .values({
          user_id: scope.userId,
          key: scope.key,
          fingerprint: record.fingerprint,
          state: 'done',
          token: null,
          lease_until: null,
          answer: record.answer,
          created_at: new Date(createdAt),
          expires_at: new Date(record.expiresAt),
        })
        .onConflict((oc) =>
          oc.columns(['user_id', 'key']).doUpdateSet((eb) => ({
            fingerprint: eb.ref('excluded.fingerprint'),
            state: eb.ref('excluded.state'),
            token: null,
            lease_until: null,
            answer: eb.ref('excluded.answer'),
            created_at: eb.ref('excluded.created_at'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        ),
      'idempotency_keys',
    );
  }

  async start(
    scope: IdempotencyScope,
    run: { fingerprint: string; leaseUntil: number; expiresAt: number },
    createdAt: number,
  ): Promise<string> {
    const [row] = await this.exec.rows(
      this.db
        .insertInto('idempotency_keys')
        .values({
          user_id: scope.userId,
          key: scope.key,
          fingerprint: run.fingerprint,
          state: 'running',
          token: sql<string>`gen_random_uuid()::text`,
          lease_until: new Date(run.leaseUntil),
          answer: null,
          created_at: new Date(createdAt),
          expires_at: new Date(run.expiresAt),
        })
        .onConflict((oc) =>
          oc.columns(['user_id', 'key']).doUpdateSet((eb) => ({
            fingerprint: eb.ref('excluded.fingerprint'),
            state: eb.ref('excluded.state'),
            token: eb.ref('excluded.token'),
            lease_until: eb.ref('excluded.lease_until'),
            answer: null,
            created_at: eb.ref('excluded.created_at'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        )
        .returning('token'),
      READS,
    );
    if (!row?.token) throw new Error('starting a run returned no token');
    return row.token;
  }

  async finish(
    scope: IdempotencyScope,
    token: string,
    record: Extract<IdempotencyRecord, { state: 'done' }>,
  ): Promise<void> {
    await this.exec.write(
      this.db
        .updateTable('idempotency_keys')
        .set({
          fingerprint: record.fingerprint,
          state: 'done',
          token: null,
          lease_until: null,
          answer: record.answer,
          expires_at: new Date(record.expiresAt),
        })
        .where('user_id', '=', scope.userId)
        .where('key', '=', scope.key)
        .where('state', '=', 'running')
        .where('token', '=', token),
      'idempotency_keys',
    );
  }

  async renew(scope: IdempotencyScope, token: string, leaseUntil: number): Promise<void> {
    await this.exec.write(
      this.db
        .updateTable('idempotency_keys')
        .set({ lease_until: new Date(leaseUntil) })
        .where('user_id', '=', scope.userId)
        .where('key', '=', scope.key)
        .where('state', '=', 'running')
        .where('token', '=', token),
      'idempotency_keys',
    );
  }

  async release(scope: IdempotencyScope, token: string): Promise<void> {
    await this.exec.write(
      this.db
        .deleteFrom('idempotency_keys')
        .where('user_id', '=', scope.userId)
        .where('key', '=', scope.key)
        .where('state', '=', 'running')
        .where('token', '=', token),
      'idempotency_keys',
    );
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    // SKIP LOCKED: a row some request is replacing right now is left for the next round.
    const expired = sql<{ user_id: number }>`
      delete from idempotency_keys where (user_id, key) in (
        select user_id, key from idempotency_keys
        where expires_at <= ${new Date(now)}::timestamptz
        limit ${limit}::int
        for update skip locked
      )
      returning user_id`;
    const rows = await this.exec.rows({ compile: () => expired.compile(this.db) }, READS);
    return rows.length;
  }
}
