import {
  attemptStamps,
  type CountedAttempt,
  type LoginAttempts,
  type LoginLimit,
  UNDECIDED_ATTEMPT_MS,
} from '@exam-reservation/application';
import { RateLimitedError } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { unavailableAsSuch } from './postgres-unit-of-work.js';

/**
 * Failed log-ins in the `login_failures` table, shared by every API process.
 * Each step is one call of a database function (migrations 0002 and 0005), one
 * statement and its own transaction: the keys are locked, checked and
 * counted together, so parallel attempts from any process are counted one
 * by one.
 */
export class PostgresLoginAttempts implements LoginAttempts {
  private readonly nextStamp = attemptStamps();

  constructor(private readonly db: Kysely<Database>) {}

  async begin(limits: readonly LoginLimit[], now: number): Promise<CountedAttempt | null> {
    const stamp = this.nextStamp(now);
    const keys = limits.map((l) => l.key);
    const result = await unavailableAsSuch(
      sql<{ wait_us: number }>`select login_attempt_begin_undecided(
        ${keys}::text[],
        ${limits.map((l) => l.maxFailures)}::int[],
        ${limits.map((l) => String(l.windowMs * 1000))}::bigint[],
        ${String(stamp)}::bigint,
        ${String(UNDECIDED_ATTEMPT_MS * 1000)}::bigint
      )::float8 as wait_us`.execute(this.db),
    );
    const waitUs = Number(result.rows[0]?.wait_us ?? 0);
    if (waitUs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitUs / 1_000_000)));
    if (waitUs < 0) return null;
    return { keys, stamp };
  }

  async abandoned(attempt: CountedAttempt): Promise<void> {
    await this.succeeded(attempt, []);
  }

  async failed(attempt: CountedAttempt): Promise<void> {
    await unavailableAsSuch(
      sql`select login_attempt_failed(${[...attempt.keys]}::text[], ${String(attempt.stamp)}::bigint)`.execute(
        this.db,
      ),
    );
  }

  async succeeded(attempt: CountedAttempt, forget: readonly string[]): Promise<void> {
    await unavailableAsSuch(
      sql`select login_attempt_succeeded(
        ${[...attempt.keys]}::text[], ${String(attempt.stamp)}::bigint, ${[...forget]}::text[]
      )`.execute(this.db),
    );
  }

  async clear(keys: readonly string[], prefixes: readonly string[]): Promise<void> {
    // Each key under the lock that begin takes, so a count being made for it is not lost half-way.
    // left(...) = prefix rather than LIKE: e-mails may hold % and _.
    await unavailableAsSuch(
      sql`delete from login_failures
        where key = any(${[...keys]}::text[])
           or exists (select 1 from unnest(${[...prefixes]}::text[]) as p where left(key, length(p)) = p)`.execute(
        this.db,
      ),
    );
  }
}
