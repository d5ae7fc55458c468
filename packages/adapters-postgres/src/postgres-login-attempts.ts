import {
  attemptStamps,
  type CountedAttempt,
  type LoginAttempts,
  type LoginLimit,
} from '@exam-reservation/application';
import { RateLimitedError } from '@exam-reservation/domain';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { unavailableAsSuch } from './postgres-unit-of-work.js';

/**
 * Failed log-ins in the `login_failures` table, shared by every API process.
 * Each step is one call of a database function (migration 0002), one
 * statement and its own transaction: the keys are locked, checked and
 * counted together, so parallel attempts from any process are counted one
 * by one.
 */
export class PostgresLoginAttempts implements LoginAttempts {
  private readonly nextStamp = attemptStamps();

  constructor(private readonly db: Kysely<Database>) {}

  async begin(limits: readonly LoginLimit[], now: number): Promise<CountedAttempt> {
    const stamp = this.nextStamp(now);
    const keys = limits.map((l) => l.key);
    const result = await unavailableAsSuch(
      sql<{ wait_us: number }>`select login_attempt_begin(
        ${keys}::text[],
        ${limits.map((l) => l.maxFailures)}::int[],
        ${limits.map((l) => String(l.windowMs * 1000))}::bigint[],
        ${String(stamp)}::bigint
      )::float8 as wait_us`.execute(this.db),
    );
    const waitUs = Number(result.rows[0]?.wait_us ?? 0);
    if (waitUs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitUs / 1_000_000)));
    return { keys, stamp };
  }

  async succeeded(attempt: CountedAttempt, forget: readonly string[]): Promise<void> {
    await unavailableAsSuch(
      sql`select login_attempt_succeeded(
        ${[...attempt.keys]}::text[], ${String(attempt.stamp)}::bigint, ${[...forget]}::text[]
      )`.execute(this.db),
    );
  }
}
